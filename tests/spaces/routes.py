import datetime

from django.utils import timezone

from spaces.models import Resource, RoleAssignment, SpaceMembership
from tests import factories as f
from tests.isolation import API_COORDINATOR, API_MEMBER, API_PUBLIC, COORDINATOR, PUBLIC, Case, expect

# A coordinator's POST succeeds with a redirect; other personas are stopped as for any coordinator page.
COORDINATOR_POST = expect(COORDINATOR, coordinator=302)
HIDDEN = {"anonymous": 404, "outsider": 404, "member": 200, "coordinator": 200}
API_HIDDEN = HIDDEN


def _later(days: int) -> str:
    return (timezone.localtime() + datetime.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def _manage(w, rest=""):
    return f"/en/spaces/{w.space.slug}/manage/{rest}"


def _api(w, rest=""):
    return f"/api/v1/spaces/{w.space.pk}{rest}"


ROUTES = {
    # --- UI: public pages ---
    "spaces:directory": [
        Case(lambda w: "/en/spaces/", PUBLIC),
        Case(lambda w: "/en/spaces/?country=BE&model=workspace&step_free_entrance=on", PUBLIC),
    ],
    "spaces:detail": Case(lambda w: f"/en/spaces/{w.space.slug}/", PUBLIC),
    "spaces:resource": [
        Case(lambda w: f"/en/spaces/{w.space.slug}/resources/{w.resource.pk}/", PUBLIC),
        Case(lambda w: f"/en/spaces/{w.space.slug}/resources/{w.spaces_hidden_resource.pk}/", HIDDEN),
        Case(
            lambda w: f"/en/spaces/{w.space.slug}/resources/{w.other_resource.pk}/",
            {"anonymous": 404, "outsider": 404, "member": 404, "coordinator": 404},
            note="another space's resource under this space's address",
        ),
    ],
    # --- UI: coordinator's pages ---
    "spaces:manage": Case(lambda w: _manage(w), COORDINATOR),
    "spaces:edit": [
        Case(lambda w: _manage(w, "identity/"), COORDINATOR),
        Case(
            lambda w: _manage(w, "identity/"),
            COORDINATOR_POST,
            method="post",
            data=lambda w: {
                "name": "Iso Space",
                "model": "both",
                "access_policy": "public",
                "city": "Brussels",
                "country": "BE",
                "time_zone": "Europe/Brussels",
                "languages": "nl, fr",
            },
        ),
    ],
    "spaces:manage-resources": Case(lambda w: _manage(w, "resources/"), COORDINATOR),
    "spaces:resource-add": [
        Case(lambda w: _manage(w, "resources/new/"), COORDINATOR),
        Case(
            lambda w: _manage(w, "resources/new/"),
            COORDINATOR_POST,
            method="post",
            data=lambda w: {"name": "New room", "kind": "room", "capacity": 4, "visibility": "public"},
        ),
    ],
    "spaces:resource-edit": [
        Case(lambda w: _manage(w, f"resources/{w.resource.pk}/"), COORDINATOR),
        Case(
            lambda w: _manage(w, f"resources/{w.other_resource.pk}/"),
            expect(COORDINATOR, coordinator=404),
            note="another space's resource",
        ),
    ],
    "spaces:resource-retire": Case(
        lambda w: _manage(w, f"resources/{w.resource.pk}/retire/"), COORDINATOR_POST, "post"
    ),
    "spaces:opening-hours": Case(lambda w: _manage(w, "hours/"), COORDINATOR),
    "spaces:closures": [
        Case(lambda w: _manage(w, "closures/"), COORDINATOR),
        Case(
            lambda w: _manage(w, "closures/"),
            COORDINATOR_POST,
            method="post",
            data=lambda w: {"start": _later(3), "end": _later(4), "reason": "Works"},
        ),
    ],
    "spaces:closure-remove": Case(lambda w: _manage(w, f"closures/{w.closure.pk}/remove/"), COORDINATOR_POST, "post"),
    "spaces:memberships": Case(lambda w: _manage(w, "practices/"), COORDINATOR),
    "spaces:membership-edit": Case(lambda w: _manage(w, f"practices/{w.spaces_extra_membership.pk}/"), COORDINATOR),
    "spaces:membership-end": Case(
        lambda w: _manage(w, f"practices/{w.spaces_extra_membership.pk}/end/"), COORDINATOR_POST, "post"
    ),
    "spaces:roles": Case(lambda w: _manage(w, "roles/"), COORDINATOR),
    "spaces:role-remove": Case(
        lambda w: _manage(w, f"roles/{w.spaces_host_role.pk}/remove/"), COORDINATOR_POST, "post"
    ),
    "spaces:audit": Case(lambda w: _manage(w, "audit/"), COORDINATOR),
    # --- API ---
    "api:networks": [
        Case(lambda w: "/api/v1/networks", API_PUBLIC),
        Case(
            lambda w: "/api/v1/networks",
            {"anonymous": 401, "outsider": 403, "member": 403, "coordinator": 403},
            method="post",
            data=lambda w: {"name": "New network", "slug": "new-network"},
        ),
    ],
    "api:spaces": [
        Case(lambda w: "/api/v1/spaces", API_PUBLIC),
        Case(
            lambda w: "/api/v1/spaces",
            # the outsider coordinates another space of the same network, so may add spaces to it
            {"anonymous": 401, "outsider": 201, "member": 403, "coordinator": 201},
            method="post",
            data=lambda w: {"network": w.network.pk, "name": "Iso New", "city": "Ghent", "country": "BE"},
        ),
    ],
    "api:space": [
        Case(lambda w: _api(w), API_PUBLIC),
        Case(lambda w: _api(w), API_COORDINATOR, method="patch", data=lambda w: {"tagline_en": "Hello"}),
    ],
    "api:space-resources": [
        Case(lambda w: _api(w, "/resources"), API_PUBLIC),
        Case(
            lambda w: _api(w, "/resources"),
            expect(API_COORDINATOR, coordinator=201),
            method="post",
            data=lambda w: {"name": "Iso Desk", "kind": "desk", "capacity": 1},
        ),
    ],
    "api:space-resource": [
        Case(lambda w: _api(w, f"/resources/{w.resource.pk}"), API_PUBLIC),
        Case(lambda w: _api(w, f"/resources/{w.spaces_hidden_resource.pk}"), API_HIDDEN),
        Case(
            lambda w: _api(w, f"/resources/{w.resource.pk}"),
            API_COORDINATOR,
            method="patch",
            data=lambda w: {"capacity": 12},
        ),
        Case(
            lambda w: _api(w, f"/resources/{w.other_resource.pk}"),
            {"anonymous": 401, "outsider": 404, "member": 403, "coordinator": 404},
            method="patch",
            data=lambda w: {"capacity": 12},
            note="another space's resource",
        ),
    ],
    "api:space-opening-hours": [
        Case(lambda w: _api(w, "/opening-hours"), API_PUBLIC),
        Case(
            lambda w: _api(w, "/opening-hours"),
            API_COORDINATOR,
            method="put",
            data=lambda w: {"periods": [{"weekday": 2, "opens": "10:00", "closes": "16:00"}]},
        ),
    ],
    "api:space-closures": [
        Case(lambda w: _api(w, "/closures"), API_PUBLIC),
        Case(
            lambda w: _api(w, "/closures"),
            expect(API_COORDINATOR, coordinator=201),
            method="post",
            data=lambda w: {
                "start": (timezone.now() + datetime.timedelta(days=5)).isoformat(),
                "end": (timezone.now() + datetime.timedelta(days=6)).isoformat(),
            },
        ),
    ],
    "api:space-closure": Case(
        lambda w: _api(w, f"/closures/{w.closure.pk}"), expect(API_COORDINATOR, coordinator=204), method="delete"
    ),
    "api:space-memberships": [
        Case(lambda w: _api(w, "/memberships"), API_MEMBER),
        Case(
            lambda w: _api(w, "/memberships"),
            expect(API_COORDINATOR, coordinator=201),
            method="post",
            data=lambda w: {"practice": w.spaces_public_practice.pk, "kind": "flexible"},
        ),
    ],
    "api:space-membership": [
        Case(lambda w: _api(w, f"/memberships/{w.spaces_extra_membership.pk}"), API_MEMBER),
        Case(
            lambda w: _api(w, f"/memberships/{w.spaces_extra_membership.pk}"),
            API_COORDINATOR,
            method="patch",
            data=lambda w: {"area_m2": "30"},
        ),
    ],
    "api:space-roles": [
        Case(lambda w: _api(w, "/roles"), API_PUBLIC),
        Case(
            lambda w: _api(w, "/roles"),
            expect(API_COORDINATOR, coordinator=201),
            method="post",
            data=lambda w: {"email": "iso-member@example.org", "role": "host", "responsibility_en": "Opens up."},
        ),
    ],
    "api:space-role": Case(
        lambda w: _api(w, f"/roles/{w.spaces_host_role.pk}"), expect(API_COORDINATOR, coordinator=204), method="delete"
    ),
    "api:practices": [
        Case(lambda w: "/api/v1/practices", API_PUBLIC),
        Case(
            lambda w: "/api/v1/practices",
            {"anonymous": 401, "outsider": 404, "member": 403, "coordinator": 201},
            method="post",
            data=lambda w: {"name": "Iso Newcomers", "space": w.space.pk},
        ),
    ],
    "api:practice": [
        Case(lambda w: f"/api/v1/practices/{w.spaces_public_practice.pk}", API_PUBLIC),
        Case(lambda w: f"/api/v1/practices/{w.practice.pk}", API_HIDDEN, note="a practice without a public profile"),
    ],
}


def build(w):
    w.spaces_hidden_resource = f.ResourceFactory(
        space=w.space, name="Iso Office", visibility=Resource.Visibility.MEMBERS
    )
    w.spaces_host = f.MemberFactory(email="iso-host@example.org")
    w.spaces_host_role = f.RoleAssignmentFactory(space=w.space, member=w.spaces_host, role=RoleAssignment.Role.HOST)
    w.spaces_extra_membership = f.SpaceMembershipFactory(space=w.space, practice=f.PracticeFactory(name="Iso Extra"))
    w.spaces_public_practice = f.PracticeFactory(name="Iso Public", public_profile=True)
    w.spaces_membership = SpaceMembership.objects.get(space=w.space, practice=w.practice)
