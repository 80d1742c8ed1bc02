"""/api/v1/events, registrations, projects and services."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.utils import timezone

from programme import services
from programme.models import Event, Registration
from tests import factories as f

from . import factories as pf

pytestmark = pytest.mark.django_db


def _event(space, **kwargs):
    start = kwargs.pop("start", timezone.now() + datetime.timedelta(days=2))
    return pf.OccurrenceFactory(event=pf.EventFactory(space=space, **kwargs), start=start)


def _payload(space, room, practice=None, **changes):
    start = (timezone.now() + datetime.timedelta(days=8)).replace(hour=9, minute=0, second=0, microsecond=0)
    data = {
        "space": space.pk,
        "resource": room.pk,
        "start": start.isoformat(),
        "end": (start + datetime.timedelta(hours=2)).isoformat(),
        "title": "Open studio",
        "category": "open_day",
        "languages": ["nl", "fr"],
        "capacity": 20,
        "price_kind": "pwyc",
    }
    if practice is not None:
        data["practice"] = practice.pk
    data.update(changes)
    return data


def test_list_events_with_filters(api, space, other_space):
    _event(space, title="Talk", languages=["fr"])
    _event(other_space, title="Screening", category="screening", languages=["pt"])
    _event(space, title="Members only", audience=Event.Audience.MEMBERS)

    everything = api().get("/api/v1/events").json()
    by_space = api().get(f"/api/v1/events?space={space.pk}").json()
    by_category = api().get("/api/v1/events?category=screening").json()
    by_language = api().get("/api/v1/events?language=fr").json()
    by_network = api().get(f"/api/v1/events?network={space.network.slug}").json()

    assert sorted(e["title"] for e in everything["results"]) == ["Screening", "Talk"]
    assert [e["title"] for e in by_space["results"]] == ["Talk"]
    assert [e["title"] for e in by_category["results"]] == ["Screening"]
    assert [e["title"] for e in by_language["results"]] == ["Talk"]
    assert len(by_network["results"]) == 2
    assert everything["next"] is None


def test_list_events_window(api, space):
    soon = _event(space, title="Soon", start=timezone.now() + datetime.timedelta(days=1))
    _event(space, title="Later", start=timezone.now() + datetime.timedelta(days=20))

    end = (timezone.now() + datetime.timedelta(days=5)).isoformat()
    body = api().get("/api/v1/events", {"end": end}).json()

    assert [e["title"] for e in body["results"]] == ["Soon"]
    assert body["results"][0]["occurrences"][0]["id"] == soon.pk


def test_list_events_bad_filters_are_400_with_fields(api):
    response = api().get("/api/v1/events", {"category": "party", "start": "yesterday"})

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["start"]


def test_list_events_query_count_is_independent_of_events(api, space, django_assert_num_queries):
    _event(space)
    client = api()
    with django_assert_num_queries(3):
        client.get("/api/v1/events")
    _event(space)
    _event(space)
    with django_assert_num_queries(3):
        body = client.get("/api/v1/events").json()
    assert len(body["results"]) == 3


def test_event_detail_shape(api, space, practice):
    occ = _event(space, title="Who owns the city?", practice=practice, capacity=3, wheelchair_accessible=True)
    services.register(occ, name="Ana", email="ana@example.net")

    body = api().get(f"/api/v1/events/{occ.event_id}").json()

    assert body["title"] == "Who owns the city?"
    assert body["space"]["slug"] == "werkplaats"
    assert body["practice"]["name"] == "Atelier Nord"
    assert body["accessibility"]["wheelchair_accessible"] is True
    assert body["occurrences"] == [
        {
            "id": occ.pk,
            "start": occ.start.astimezone(zoneinfo.ZoneInfo("Europe/Brussels")).isoformat(),
            "end": occ.end.astimezone(zoneinfo.ZoneInfo("Europe/Brussels")).isoformat(),
            "capacity": 3,
            "places_left": 2,
            "is_full": False,
            "is_cancelled": False,
        }
    ]


def test_member_event_is_404_for_outsiders_and_401_for_anonymous(api, space, outsider, member):
    occ = _event(space, audience=Event.Audience.MEMBERS)

    assert api().get(f"/api/v1/events/{occ.event_id}").status_code == 401
    assert api(outsider).get(f"/api/v1/events/{occ.event_id}").status_code == 404
    assert api(member).get(f"/api/v1/events/{occ.event_id}").status_code == 200


def test_register_201_then_200_waitlisted(api, space):
    occ = _event(space, capacity=1)

    first = api().post(
        f"/api/v1/events/{occ.event_id}/registrations", {"name": "Ana", "email": "ana@example.net"}, format="json"
    )
    second = api().post(
        f"/api/v1/events/{occ.event_id}/registrations", {"name": "Bo", "email": "bo@example.net"}, format="json"
    )

    assert first.status_code == 201 and first.json()["status"] == "confirmed"
    assert second.status_code == 200 and second.json()["status"] == "waitlisted"
    assert "token" not in first.json() and "email" not in first.json()
    assert Registration.objects.count() == 2


def test_register_bad_input_is_400_with_fields(api, space):
    occ = _event(space)

    response = api().post(f"/api/v1/events/{occ.event_id}/registrations", {"name": "", "email": "x"}, format="json")

    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"name", "email"}


def test_create_event_books_room(api, space, room, member, practice):
    response = api(member).post("/api/v1/events", _payload(space, room, practice), format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["title"] == "Open studio" and body["languages"] == ["nl", "fr"]
    assert len(body["occurrences"]) == 1
    assert Event.objects.get().occurrences.get().booking.kind == "event"


def test_create_event_conflict_is_409_with_conflicts(api, space, room, coordinator):
    api(coordinator).post("/api/v1/events", _payload(space, room), format="json")

    response = api(coordinator).post("/api/v1/events", _payload(space, room, title="Again"), format="json")

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "booking_conflict"
    assert len(body["conflicts"]) == 1
    assert Event.objects.count() == 1


def test_create_event_permissions(api, space, room, practice, outsider):
    someone = f.make_member_of(space, email="someone@example.org")

    assert api().post("/api/v1/events", _payload(space, room, practice), format="json").status_code == 401
    assert api(outsider).post("/api/v1/events", _payload(space, room, practice), format="json").status_code == 404
    assert api(someone).post("/api/v1/events", _payload(space, room, practice), format="json").status_code == 403
    assert Event.objects.count() == 0


def test_create_event_bad_input_is_400_and_writes_nothing(api, space, room, coordinator):
    response = api(coordinator).post(
        "/api/v1/events",
        _payload(space, room, category="party", price_kind="fixed", end="2020-01-01T00:00:00Z"),
        format="json",
    )

    assert response.status_code == 400
    assert {"category"} <= set(response.json()["fields"])
    assert Event.objects.count() == 0


def test_projects_list_and_query_count(api, practice, django_assert_num_queries):
    pf.ProjectFactory(practice=practice, title="Kitchen")
    pf.ProjectFactory(practice=practice, title="Hidden", is_published=False)
    client = api()
    with django_assert_num_queries(3):
        body = client.get("/api/v1/projects").json()
    assert [p["title"] for p in body["results"]] == ["Kitchen"]
    pf.ProjectFactory(practice=practice)
    pf.ProjectFactory(practice=practice)
    with django_assert_num_queries(3):
        body = client.get("/api/v1/projects").json()
    assert len(body["results"]) == 3


def test_space_services_free_slots_for_members_only(api, space, member):
    service = pf.ServiceFactory(space=space, title="Legal help")
    free = pf.SlotFactory(service=service)
    pf.SlotFactory(service=service, taken_by=member)

    public = api().get(f"/api/v1/spaces/{space.pk}/services").json()
    members = api(member).get(f"/api/v1/spaces/{space.pk}/services").json()

    assert [(s["title"], s["free_slots"]) for s in public["results"]] == [("Legal help", [])]
    assert [slot["id"] for slot in members["results"][0]["free_slots"]] == [free.pk]


def test_services_of_a_members_only_space(api, space, outsider, member):
    space.access_policy = "members"
    space.save()

    assert api().get(f"/api/v1/spaces/{space.pk}/services").status_code == 401
    assert api(outsider).get(f"/api/v1/spaces/{space.pk}/services").status_code == 404
    assert api(member).get(f"/api/v1/spaces/{space.pk}/services").status_code == 200
