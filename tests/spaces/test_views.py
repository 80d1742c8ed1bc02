import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.models import AuditEntry
from spaces.models import Closure, OpeningHours, Resource, RoleAssignment, Space, SpaceMembership
from tests import factories as f

pytestmark = pytest.mark.django_db
Role = RoleAssignment.Role


# --- directory ---


def test_directory_filters_by_city_and_accessibility(client, network):
    f.SpaceFactory(network=network, name="Ramp House", city="Ghent", step_free_entrance=True, hearing_loop=True)
    f.SpaceFactory(network=network, name="Stairs House", city="Ghent")
    f.SpaceFactory(network=network, name="Far House", city="Lisbon", country="PT", step_free_entrance=True)

    response = client.get("/en/spaces/", {"city": "Ghent", "step_free_entrance": "on"})

    assert [s.name for s in response.context["spaces"]] == ["Ramp House"]


def test_directory_filters_by_model_access_and_network(client, network):
    f.SpaceFactory(network=network, name="Both", model=Space.Model.BOTH)
    f.SpaceFactory(network=network, name="Third", model=Space.Model.THIRD_PLACE, access_policy=Space.Access.MEMBERS)
    f.SpaceFactory(network=f.NetworkFactory(slug="coop"), name="Work", model=Space.Model.WORKSPACE)

    workspaces = client.get("/en/spaces/", {"model": "workspace"}).context["spaces"]
    members_only = client.get("/en/spaces/", {"access": "members"}).context["spaces"]
    coop = client.get("/en/spaces/", {"network": "coop"}).context["spaces"]

    assert [s.name for s in workspaces] == ["Both", "Work"]
    assert [s.name for s in members_only] == ["Third"]
    assert [s.name for s in coop] == ["Work"]


def test_directory_ignores_an_unknown_filter_value(client, space):
    response = client.get("/en/spaces/", {"model": "castle"})

    assert response.status_code == 200
    assert [s.name for s in response.context["spaces"]] == ["Werkplaats"]
    assert "model" in response.context["form"].errors


def test_directory_shows_country_names_in_the_language(client, space):
    assert "Belgique" in client.get("/fr/spaces/").content.decode()
    assert "België" in client.get("/nl/spaces/").content.decode()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


# Pages carry other apps' tabs and header links, whose queries are theirs: these tests compare the number of
# queries with 1 and with 3 items, so that a query per row fails.


def test_directory_query_count_does_not_grow(client, network):
    f.SpaceFactory(network=network)
    with_one = _queries(client, "/en/spaces/?country=BE")
    f.SpaceFactory(network=network)
    f.SpaceFactory(network=network)

    with_three = _queries(client, "/en/spaces/?country=BE")

    assert with_three == with_one
    assert with_one <= 6


# --- identity page ---


def test_identity_page_shows_the_public_identity(client, space, coordinator, practice):
    f.PracticeFactory(name="Hidden Practice")
    public = f.PracticeFactory(name="Open Atelier", public_profile=True)
    f.SpaceMembershipFactory(space=space, practice=public)
    f.ResourceFactory(space=space, name="Hall", capacity=60, area_m2=120, features=["stage"])
    f.ResourceFactory(space=space, name="Secret Office", visibility=Resource.Visibility.MEMBERS)
    f.OpeningHoursFactory(space=space, weekday=0)
    RoleAssignment.objects.filter(member=coordinator).update(responsibility_en="Holds the keys and the calendar.")
    Space.objects.filter(pk=space.pk).update(member_info_en="Wifi password: plek", email="hello@werkplaats.be")

    html = client.get(f"/en/spaces/{space.slug}/").content.decode()

    assert "A building shared by practices." in html
    assert "Cora Coordinator — coordinator" in html
    assert "Holds the keys and the calendar." in html
    assert "Open Atelier" in html
    assert "Atelier Nord" not in html  # no public profile
    assert "Hall" in html and "60 people" in html and "120 m²" in html and "stage" in html
    assert "Secret Office" not in html
    assert "Monday" in html
    assert "hello@werkplaats.be" in html
    assert "Wifi password" not in html


def test_identity_page_member_part(client_for, space, member, practice):
    Space.objects.filter(pk=space.pk).update(member_info_en="Wifi password: plek")

    html = client_for(member).get(f"/en/spaces/{space.slug}/").content.decode()

    assert "For members" in html
    assert "Wifi password: plek" in html
    assert "Atelier Nord" in html
    assert "Mo Member" in html


def test_identity_page_in_french(client, space):
    html = client.get(f"/fr/spaces/{space.slug}/").content.decode()

    assert "Un bâtiment partagé par des pratiques." in html


def test_identity_page_shows_closures_in_the_space_time_zone(client, network):
    space = f.SpaceFactory(network=network, slug="tbilisi", time_zone="Asia/Tbilisi")
    start = datetime.datetime(2099, 3, 1, 8, 0, tzinfo=datetime.UTC)
    f.ClosureFactory(space=space, start=start, end=start + datetime.timedelta(hours=4), reason="Cleaning")

    html = client.get("/en/spaces/tbilisi/").content.decode()

    assert "March 1, 2099, noon" in html  # 08:00 UTC is 12:00 in Tbilisi
    assert "Cleaning" in html


def test_manage_tab_only_for_coordinators(client_for, space, coordinator, member):
    manage_url = f"/en/spaces/{space.slug}/manage/"

    assert manage_url in client_for(coordinator).get(f"/en/spaces/{space.slug}/").content.decode()
    assert manage_url not in client_for(member).get(f"/en/spaces/{space.slug}/").content.decode()


def _fill(space, n):
    for _ in range(n):
        practice = f.PracticeFactory(public_profile=True)
        f.SpaceMembershipFactory(space=space, practice=practice)
        f.PracticeMemberFactory(practice=practice)
        f.ResourceFactory(space=space)
        f.RoleAssignmentFactory(space=space, role=Role.HOST)
        f.ClosureFactory(space=space)
        f.OpeningHoursFactory(space=space, weekday=OpeningHours.objects.filter(space=space).count() % 7)


@pytest.mark.parametrize("persona", ["anonymous", "member"])
def test_identity_page_query_count_does_not_grow(client_for, space, member, persona):
    client = client_for(member if persona == "member" else None)
    url = f"/en/spaces/{space.slug}/"
    _fill(space, 1)
    client.get(url)  # warm up the session
    with_one = _queries(client, url)
    _fill(space, 2)

    with_three = _queries(client, url)

    assert with_three == with_one


def test_resource_page(client, space):
    resource = f.ResourceFactory(space=space, name="Kiln", kind=Resource.Kind.MACHINE, features=["1300 °C"])

    html = client.get(f"/en/spaces/{space.slug}/resources/{resource.pk}/").content.decode()

    assert "Kiln" in html and "1300 °C" in html


# --- coordinator's pages ---


def test_edit_identity(client_for, space, coordinator):
    data = {
        "name": "Werkplaats Noord",
        "model": "workspace",
        "access_policy": "network",
        "city": "Brussels",
        "country": "be",
        "time_zone": "Europe/Brussels",
        "languages": "nl, fr, en",
        "purpose_nl": "Samen maken.",
        "lift": "on",
    }

    response = client_for(coordinator).post(f"/en/spaces/{space.slug}/manage/identity/", data)

    assert response.status_code == 302
    space.refresh_from_db()
    assert (space.name, space.country, space.languages, space.lift) == (
        "Werkplaats Noord",
        "BE",
        ["nl", "fr", "en"],
        True,
    )
    assert space.purpose_nl == "Samen maken."
    assert AuditEntry.objects.get().action == "spaces.space_updated"


def test_edit_identity_bad_input(client_for, space, coordinator):
    data = {
        "name": "",
        "model": "both",
        "access_policy": "public",
        "city": "Brussels",
        "country": "Belgium",
        "time_zone": "Nowhere",
        "languages": "Dutch!",
        "latitude": "95",
    }

    response = client_for(coordinator).post(f"/en/spaces/{space.slug}/manage/identity/", data)

    assert response.status_code == 200
    assert sorted(response.context["form"].errors) == ["country", "languages", "latitude", "name", "time_zone"]
    assert "Please correct the errors below." in response.content.decode()
    assert Space.objects.get(pk=space.pk).name == "Werkplaats"


def test_add_resource_duplicate_name(client_for, space, coordinator):
    f.ResourceFactory(space=space, name="Hall")

    response = client_for(coordinator).post(
        f"/en/spaces/{space.slug}/manage/resources/new/",
        {"name": "hall", "kind": "hall", "capacity": 10, "visibility": "public"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"name": ["This space already has a resource with this name."]}


def test_add_and_retire_resource(client_for, space, coordinator):
    client = client_for(coordinator)

    client.post(
        f"/en/spaces/{space.slug}/manage/resources/new/",
        {"name": "Desk 1", "kind": "desk", "capacity": 1, "visibility": "members", "features": "screen\nlamp"},
    )
    resource = Resource.objects.get(name="Desk 1")
    client.post(f"/en/spaces/{space.slug}/manage/resources/{resource.pk}/retire/")

    resource.refresh_from_db()
    assert resource.features == ["screen", "lamp"]
    assert resource.is_active is False


def test_opening_hours_formset(client_for, space, coordinator):
    data = {
        "hours-TOTAL_FORMS": "3",
        "hours-INITIAL_FORMS": "0",
        "hours-0-weekday": "0",
        "hours-0-opens": "09:00",
        "hours-0-closes": "12:30",
        "hours-1-weekday": "0",
        "hours-1-opens": "13:30",
        "hours-1-closes": "18:00",
        "hours-2-weekday": "",
        "hours-2-opens": "",
        "hours-2-closes": "",
    }

    response = client_for(coordinator).post(f"/en/spaces/{space.slug}/manage/hours/", data)

    assert response.status_code == 302
    assert [str(h) for h in OpeningHours.objects.filter(space=space)] == ["Monday 09:00–12:30", "Monday 13:30–18:00"]


def test_opening_hours_formset_rejects_overlap_and_reversed_times(client_for, space, coordinator):
    data = {
        "hours-TOTAL_FORMS": "2",
        "hours-INITIAL_FORMS": "0",
        "hours-0-weekday": "0",
        "hours-0-opens": "09:00",
        "hours-0-closes": "14:00",
        "hours-1-weekday": "0",
        "hours-1-opens": "13:00",
        "hours-1-closes": "18:00",
    }
    client = client_for(coordinator)

    overlap = client.post(f"/en/spaces/{space.slug}/manage/hours/", data)
    reversed_ = client.post(f"/en/spaces/{space.slug}/manage/hours/", {**data, "hours-1-opens": "19:00"})

    assert list(overlap.context["formset"].non_form_errors()) == ["Two opening periods on Monday overlap."]
    assert reversed_.context["formset"].errors[1] == {"closes": ["The closing time must be after the opening time."]}
    assert OpeningHours.objects.count() == 0


def test_add_closure_in_the_space_time_zone(client_for, network, coordinator):
    space = f.SpaceFactory(network=network, slug="lisboa", time_zone="Europe/Lisbon")
    f.RoleAssignmentFactory(space=space, member=coordinator, role=Role.COORDINATOR)

    response = client_for(coordinator).post(
        "/en/spaces/lisboa/manage/closures/",
        {"start": "2099-07-01T09:00", "end": "2099-07-01T17:00", "reason": "Works"},
    )

    assert response.status_code == 302
    closure = Closure.objects.get(space=space)
    assert closure.start == datetime.datetime(2099, 7, 1, 8, 0, tzinfo=datetime.UTC)  # 09:00 WEST


def test_add_closure_bad_input(client_for, space, coordinator):
    response = client_for(coordinator).post(
        f"/en/spaces/{space.slug}/manage/closures/", {"start": "2099-07-02T09:00", "end": "2099-07-01T09:00"}
    )

    assert response.context["form"].errors == {"end": ["The end must be after the start."]}
    assert Closure.objects.count() == 0


def test_add_new_practice_with_membership(client_for, space, coordinator):
    response = client_for(coordinator).post(
        f"/en/spaces/{space.slug}/manage/practices/",
        {
            "new_practice_name": "Textiel Lab",
            "new_practice_kind": "collective",
            "kind": "resident",
            "start_date": "2026-01-01",
            "area_m2": "25",
        },
    )

    assert response.status_code == 302
    membership = SpaceMembership.objects.get(practice__name="Textiel Lab")
    assert (membership.space, membership.area_m2, membership.start_date) == (space, 25, datetime.date(2026, 1, 1))


def test_add_practice_needs_a_choice(client_for, space, coordinator):
    response = client_for(coordinator).post(
        f"/en/spaces/{space.slug}/manage/practices/",
        {"new_practice_kind": "collective", "kind": "resident", "start_date": "2026-01-01", "area_m2": "-3"},
    )

    assert sorted(response.context["form"].errors) == ["area_m2", "practice"]


def test_end_membership(client_for, space, coordinator, practice):
    membership = SpaceMembership.objects.get(space=space, practice=practice)

    client_for(coordinator).post(f"/en/spaces/{space.slug}/manage/practices/{membership.pk}/end/")

    membership.refresh_from_db()
    assert membership.end_date == timezone.localdate()


def test_assign_role_by_email(client_for, space, coordinator):
    person = f.MemberFactory(email="tess@example.org")

    response = client_for(coordinator).post(
        f"/en/spaces/{space.slug}/manage/roles/",
        {"email": "tess@example.org", "role": "treasurer", "responsibility_fr": "Tient les comptes."},
    )

    assert response.status_code == 302
    role = RoleAssignment.objects.get(member=person)
    assert (role.role, role.responsibility_fr) == ("treasurer", "Tient les comptes.")


def test_assign_role_bad_input(client_for, space, coordinator):
    response = client_for(coordinator).post(
        f"/en/spaces/{space.slug}/manage/roles/", {"email": "ghost@example.org", "role": "host"}
    )

    assert sorted(response.context["form"].errors) == ["email", "responsibility_en"]


def test_removing_the_last_coordinator_is_refused(client_for, space, coordinator):
    role = RoleAssignment.objects.get(member=coordinator)

    response = client_for(coordinator).post(f"/en/spaces/{space.slug}/manage/roles/{role.pk}/remove/", follow=True)

    assert "A space needs at least one coordinator" in response.content.decode()
    assert RoleAssignment.objects.filter(pk=role.pk).exists()


def test_audit_log_page(client_for, space, coordinator):
    client = client_for(coordinator)
    client.post(
        f"/en/spaces/{space.slug}/manage/resources/new/",
        {"name": "Kiln", "kind": "machine", "capacity": 2, "visibility": "public"},
    )

    html = client.get(f"/en/spaces/{space.slug}/manage/audit/").content.decode()

    assert "spaces.resource_created" in html
    assert "Cora Coordinator" in html


def test_coordinator_pages_query_count_does_not_grow(client_for, space, coordinator):
    from core import audit

    client = client_for(coordinator)
    pages = ["", "resources/", "practices/", "roles/", "closures/", "hours/", "audit/"]

    def fill():
        f.ResourceFactory(space=space)
        f.SpaceMembershipFactory(space=space)
        f.RoleAssignmentFactory(space=space, role=Role.HOST)
        f.ClosureFactory(space=space)
        audit.record(space, "spaces.space_updated", by=f.MemberFactory(), before={"a": 1}, after={"a": 2})

    fill()
    client.get(f"/en/spaces/{space.slug}/manage/")
    with_one = {page: _queries(client, f"/en/spaces/{space.slug}/manage/{page}") for page in pages}
    fill()
    fill()

    with_three = {page: _queries(client, f"/en/spaces/{space.slug}/manage/{page}") for page in pages}

    assert with_three == with_one


def test_identity_page_shows_coordinates(client, space):
    Space.objects.filter(pk=space.pk).update(latitude="50.836400", longitude="4.318200")

    html = client.get(f"/en/spaces/{space.slug}/").content.decode()

    assert "50.83640, 4.31820" in html
