import datetime

import pytest
from django.utils import timezone

from core.models import AuditEntry
from spaces.models import Closure, Resource, RoleAssignment, Space, SpaceMembership
from tests import factories as f

pytestmark = pytest.mark.django_db
Role = RoleAssignment.Role


# --- networks and spaces ---


def test_networks_list_is_public(api, network):
    response = api().get("/api/v1/networks")

    assert response.status_code == 200
    assert response.json()["results"] == [
        {
            "id": network.pk,
            "name": "Test network",
            "slug": "test-network",
            "website": "",
            "description_en": "A network of shared spaces.",
            "description_fr": "",
            "description_nl": "",
        }
    ]


def test_networks_post_needs_a_superuser(api, coordinator, superuser):
    body = {"name": "OASis", "slug": "oasis"}

    assert api().post("/api/v1/networks", body, format="json").status_code == 401
    assert api(coordinator).post("/api/v1/networks", body, format="json").status_code == 403
    response = api(superuser).post("/api/v1/networks", body, format="json")
    assert response.status_code == 201
    assert response.json()["slug"] == "oasis"


def test_networks_post_duplicate_slug_is_a_400(api, superuser, network):
    response = api(superuser).post("/api/v1/networks", {"name": "Again", "slug": "test-network"}, format="json")

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["slug"]


def test_spaces_filters(api, space, other_space):
    f.SpaceFactory(network=f.NetworkFactory(slug="coop"), name="Coop", slug="coop-space", city="Lyon", country="FR")

    by_city = api().get("/api/v1/spaces?city=lisbon").json()["results"]
    by_country = api().get("/api/v1/spaces?country=fr").json()["results"]
    by_network = api().get("/api/v1/spaces?network=test-network").json()["results"]
    by_network_id = api().get(f"/api/v1/spaces?network={space.network_id}").json()["results"]

    assert [s["slug"] for s in by_city] == ["elsewhere"]
    assert [s["slug"] for s in by_country] == ["coop-space"]
    assert [s["slug"] for s in by_network] == ["elsewhere", "werkplaats"]
    assert [s["slug"] for s in by_network_id] == ["elsewhere", "werkplaats"]


def test_space_member_info_only_for_members(api, space, member, outsider):
    Space.objects.filter(pk=space.pk).update(member_info_en="The key is under the mat.")

    public = api().get(f"/api/v1/spaces/{space.pk}").json()
    as_outsider = api(outsider).get(f"/api/v1/spaces/{space.pk}").json()
    as_member = api(member).get(f"/api/v1/spaces/{space.pk}").json()

    assert "member_info_en" not in public
    assert "member_info_en" not in as_outsider
    assert as_member["member_info_en"] == "The key is under the mat."


@pytest.mark.parametrize("count", [1, 3])
def test_spaces_list_query_count(api, network, count, django_assert_num_queries):
    for _ in range(count):
        f.SpaceFactory(network=network)

    with django_assert_num_queries(2):  # count, page
        response = api().get("/api/v1/spaces")

    assert len(response.json()["results"]) == count


def test_spaces_pagination(api, network):
    for _ in range(3):
        f.SpaceFactory(network=network)

    body = api().get("/api/v1/spaces?page_size=2").json()

    assert len(body["results"]) == 2
    assert body["next"].endswith("/api/v1/spaces?page=2&page_size=2")


def test_space_post_by_coordinator_of_the_network(api, coordinator, network):
    response = api(coordinator).post(
        "/api/v1/spaces",
        {"network": network.pk, "name": "Tweede Huis", "city": "Antwerp", "country": "be", "languages": ["NL", "en"]},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["slug"], body["country"], body["languages"]) == ("tweede-huis", "BE", ["nl", "en"])
    assert RoleAssignment.objects.filter(space_id=body["id"], member=coordinator, role=Role.COORDINATOR).exists()


def test_space_post_by_member_is_refused(api, member, network):
    response = api(member).post(
        "/api/v1/spaces", {"network": network.pk, "name": "X", "city": "Ghent", "country": "BE"}, format="json"
    )

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_space_post_bad_input(api, superuser):
    response = api(superuser).post(
        "/api/v1/spaces",
        {"name": "", "city": "Ghent", "country": "Belgium", "time_zone": "Nowhere/Land", "latitude": 200},
        format="json",
    )

    assert response.status_code == 400
    assert sorted(response.json()["fields"]) == ["country", "latitude", "name", "time_zone"]
    assert Space.objects.count() == 0


def test_space_patch(api, space, coordinator):
    response = api(coordinator).patch(
        f"/api/v1/spaces/{space.pk}", {"purpose_fr": "Un lieu de fabrication.", "lift": True}, format="json"
    )

    assert response.status_code == 200
    space.refresh_from_db()
    assert (space.purpose_fr, space.lift) == ("Un lieu de fabrication.", True)
    assert AuditEntry.objects.get().after == {"purpose_fr": "Un lieu de fabrication.", "lift": True}


def test_space_patch_permissions(api, space, member, outsider):
    assert api().patch(f"/api/v1/spaces/{space.pk}", {"name": "X"}, format="json").status_code == 401
    assert api(outsider).patch(f"/api/v1/spaces/{space.pk}", {"name": "X"}, format="json").status_code == 404
    assert api(member).patch(f"/api/v1/spaces/{space.pk}", {"name": "X"}, format="json").status_code == 403
    assert api().get("/api/v1/spaces/999999").status_code == 404


def test_space_patch_invalid_json_is_a_400(api, space, coordinator):
    response = api(coordinator).generic(
        "PATCH", f"/api/v1/spaces/{space.pk}", "{not json", content_type="application/json"
    )

    assert response.status_code == 400
    assert set(response.json()) >= {"code", "message", "fields"}


# --- resources ---


def test_resources_respect_visibility(api, space, member, outsider):
    f.ResourceFactory(space=space, name="Hall", visibility=Resource.Visibility.PUBLIC)
    f.ResourceFactory(space=space, name="Lounge", visibility=Resource.Visibility.NETWORK)
    hidden = f.ResourceFactory(space=space, name="Office", visibility=Resource.Visibility.MEMBERS)

    public = [r["name"] for r in api().get(f"/api/v1/spaces/{space.pk}/resources").json()["results"]]
    network = [r["name"] for r in api(outsider).get(f"/api/v1/spaces/{space.pk}/resources").json()["results"]]
    members = [r["name"] for r in api(member).get(f"/api/v1/spaces/{space.pk}/resources").json()["results"]]

    assert public == ["Hall"]
    assert network == ["Hall", "Lounge"]
    assert members == ["Hall", "Lounge", "Office"]
    assert api().get(f"/api/v1/spaces/{space.pk}/resources/{hidden.pk}").status_code == 404
    assert api(member).get(f"/api/v1/spaces/{space.pk}/resources/{hidden.pk}").status_code == 200


@pytest.mark.parametrize("count", [1, 3])
def test_resources_list_query_count(api, space, count, django_assert_num_queries):
    for _ in range(count):
        f.ResourceFactory(space=space)

    with django_assert_num_queries(3):  # space, count, page
        response = api().get(f"/api/v1/spaces/{space.pk}/resources")

    assert len(response.json()["results"]) == count


def test_resource_post_and_patch(api, space, coordinator):
    created = api(coordinator).post(
        f"/api/v1/spaces/{space.pk}/resources",
        {"name": "Wood workshop", "kind": "workshop", "capacity": 6, "area_m2": "80.50", "features": ["table saw"]},
        format="json",
    )
    rid = created.json()["id"]
    patched = api(coordinator).patch(f"/api/v1/spaces/{space.pk}/resources/{rid}", {"is_active": False}, format="json")

    assert created.status_code == 201
    assert created.json()["area_m2"] == "80.50"
    assert patched.status_code == 200
    assert patched.json()["is_active"] is False


def test_resource_post_duplicate_name_and_bad_values(api, space, coordinator):
    f.ResourceFactory(space=space, name="Hall")

    response = api(coordinator).post(
        f"/api/v1/spaces/{space.pk}/resources", {"name": "hall", "capacity": 0, "kind": "castle"}, format="json"
    )

    assert response.status_code == 400
    assert sorted(response.json()["fields"]) == ["capacity", "kind", "name"]


def test_resource_of_another_space_is_a_404(api, space, other_space, coordinator):
    foreign = f.ResourceFactory(space=other_space)

    response = api(coordinator).patch(
        f"/api/v1/spaces/{space.pk}/resources/{foreign.pk}", {"capacity": 3}, format="json"
    )

    assert response.status_code == 404


# --- opening hours and closures ---


def test_opening_hours_put_replaces_the_week(api, space, coordinator):
    response = api(coordinator).put(
        f"/api/v1/spaces/{space.pk}/opening-hours",
        {"periods": [{"weekday": 1, "opens": "09:00", "closes": "17:30"}]},
        format="json",
    )
    listed = api().get(f"/api/v1/spaces/{space.pk}/opening-hours").json()["results"]

    assert response.status_code == 200
    assert [(p["weekday"], p["opens"], p["closes"]) for p in listed] == [(1, "09:00:00", "17:30:00")]


def test_opening_hours_put_overlap_is_a_400(api, space, coordinator):
    response = api(coordinator).put(
        f"/api/v1/spaces/{space.pk}/opening-hours",
        {
            "periods": [
                {"weekday": 1, "opens": "09:00", "closes": "13:00"},
                {"weekday": 1, "opens": "12:00", "closes": "17:00"},
            ]
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {"opens": ["Two opening periods on Tuesday overlap."]}


def test_closures_post_list_and_delete(api, space, coordinator):
    start = timezone.now() + datetime.timedelta(days=2)
    created = api(coordinator).post(
        f"/api/v1/spaces/{space.pk}/closures",
        {"start": start.isoformat(), "end": (start + datetime.timedelta(days=1)).isoformat(), "reason": "Works"},
        format="json",
    )
    listed = api().get(f"/api/v1/spaces/{space.pk}/closures").json()["results"]
    deleted = api(coordinator).delete(f"/api/v1/spaces/{space.pk}/closures/{created.json()['id']}")

    assert created.status_code == 201
    assert [c["reason"] for c in listed] == ["Works"]
    assert deleted.status_code == 204
    assert Closure.objects.count() == 0


def test_closures_post_end_before_start(api, space, coordinator):
    start = timezone.now() + datetime.timedelta(days=2)
    response = api(coordinator).post(
        f"/api/v1/spaces/{space.pk}/closures",
        {"start": start.isoformat(), "end": (start - datetime.timedelta(days=1)).isoformat()},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["end"]


# --- practices and memberships ---


def test_practices_list_follows_visibility(api, space, practice, member, outsider):
    f.PracticeFactory(name="Public Collective", public_profile=True)

    anonymous = [p["name"] for p in api().get("/api/v1/practices").json()["results"]]
    as_member = [p["name"] for p in api(member).get("/api/v1/practices").json()["results"]]

    assert anonymous == ["Public Collective"]
    assert as_member == ["Atelier Nord", "Public Collective"]
    assert api().get(f"/api/v1/practices/{practice.pk}").status_code == 404
    assert api(outsider).get(f"/api/v1/practices/{practice.pk}").status_code == 404
    assert api(member).get(f"/api/v1/practices/{practice.pk}").json()["name"] == "Atelier Nord"


@pytest.mark.parametrize("count", [1, 3])
def test_practices_list_query_count(api, count, django_assert_num_queries):
    for _ in range(count):
        f.PracticeFactory(public_profile=True)

    with django_assert_num_queries(2):
        response = api().get("/api/v1/practices")

    assert len(response.json()["results"]) == count


def test_practice_post_with_space_adds_a_membership(api, space, coordinator):
    response = api(coordinator).post(
        "/api/v1/practices",
        {
            "name": "Keramiek Collectief",
            "kind": "collective",
            "space": space.pk,
            "membership_kind": "flexible",
            "area_m2": "15",
        },
        format="json",
    )

    assert response.status_code == 201
    membership = SpaceMembership.objects.get(practice_id=response.json()["id"])
    assert (membership.space, membership.kind, membership.area_m2) == (space, "flexible", 15)


def test_practice_post_permissions(api, space, member, outsider):
    body = {"name": "Keramiek", "space": space.pk}

    assert api().post("/api/v1/practices", body, format="json").status_code == 401
    assert api(member).post("/api/v1/practices", body, format="json").status_code == 403
    f.RoleAssignmentFactory(space=f.SpaceFactory(), member=outsider, role=Role.COORDINATOR)
    assert api(outsider).post("/api/v1/practices", body, format="json").status_code == 404
    assert not SpaceMembership.objects.filter(practice__name="Keramiek").exists()


def test_practice_post_bad_dates_writes_nothing(api, space, coordinator):
    response = api(coordinator).post(
        "/api/v1/practices",
        {"name": "Keramiek", "space": space.pk, "start_date": "2026-05-01", "end_date": "2026-04-01"},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["end_date"]


def test_memberships_members_only(api, space, practice, member, outsider):
    assert api().get(f"/api/v1/spaces/{space.pk}/memberships").status_code == 401
    assert api(outsider).get(f"/api/v1/spaces/{space.pk}/memberships").status_code == 404
    body = api(member).get(f"/api/v1/spaces/{space.pk}/memberships").json()
    assert [(m["practice_name"], m["area_m2"], m["is_active"]) for m in body["results"]] == [
        ("Atelier Nord", "42.00", True)
    ]


@pytest.mark.parametrize("count", [1, 3])
def test_memberships_list_query_count(api, space, coordinator, count, django_assert_num_queries):
    for _ in range(count):
        f.SpaceMembershipFactory(space=space)
    client = api(coordinator)

    # token, roles of the requester, the requester's practices, their memberships, space, count, page
    with django_assert_num_queries(6):
        response = client.get(f"/api/v1/spaces/{space.pk}/memberships")

    assert len(response.json()["results"]) == count


def test_membership_post_and_end(api, space, coordinator):
    other = f.PracticeFactory(public_profile=True)
    created = api(coordinator).post(
        f"/api/v1/spaces/{space.pk}/memberships", {"practice": other.pk, "kind": "community"}, format="json"
    )
    mid = created.json()["id"]
    ended = api(coordinator).patch(
        f"/api/v1/spaces/{space.pk}/memberships/{mid}", {"end_date": "2099-01-01"}, format="json"
    )

    assert created.status_code == 201
    assert ended.json()["end_date"] == "2099-01-01"


def test_membership_post_hidden_practice_is_a_400(api, space, coordinator):
    hidden = f.PracticeFactory()

    response = api(coordinator).post(f"/api/v1/spaces/{space.pk}/memberships", {"practice": hidden.pk}, format="json")

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["practice"]


# --- roles ---


def test_roles_are_public_and_post_by_email(api, space, coordinator):
    person = f.MemberFactory(email="keys@example.org", name="Kees")

    created = api(coordinator).post(
        f"/api/v1/spaces/{space.pk}/roles",
        {"email": "KEYS@example.org", "role": "caretaker", "responsibility_nl": "Beheert de sleutels."},
        format="json",
    )
    listed = api().get(f"/api/v1/spaces/{space.pk}/roles").json()["results"]

    assert created.status_code == 201
    assert created.json()["member"] == person.pk
    assert [(r["member_name"], r["role"]) for r in listed] == [
        ("Kees", "caretaker"),
        ("Cora Coordinator", "coordinator"),
    ]
    assert "email" not in listed[0]


def test_roles_post_unknown_email(api, space, coordinator):
    response = api(coordinator).post(
        f"/api/v1/spaces/{space.pk}/roles", {"email": "nobody@example.org", "role": "host"}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["email"]


def test_removing_the_last_coordinator_is_a_409(api, space, coordinator):
    role = RoleAssignment.objects.get(space=space, member=coordinator)

    response = api(coordinator).delete(f"/api/v1/spaces/{space.pk}/roles/{role.pk}")

    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert RoleAssignment.objects.filter(pk=role.pk).exists()


@pytest.mark.parametrize("count", [1, 3])
def test_roles_list_query_count(api, space, count, django_assert_num_queries):
    for _ in range(count):
        f.RoleAssignmentFactory(space=space, role=Role.HOST)

    with django_assert_num_queries(3):
        response = api().get(f"/api/v1/spaces/{space.pk}/roles")

    assert len(response.json()["results"]) == count


def test_practice_api_respects_the_public_opt_ins(api, space, member):
    shy = f.PracticeFactory(
        name="Shy Studio", public_profile=True, description="We weave.", email="shy@example.org", show_description=False
    )
    f.SpaceMembershipFactory(space=space, practice=shy)

    public = api().get(f"/api/v1/practices/{shy.pk}").json()
    inside = api(member).get(f"/api/v1/practices/{shy.pk}").json()

    assert (public["description"], public["email"]) == ("", "")
    assert (inside["description"], inside["email"]) == ("We weave.", "shy@example.org")
