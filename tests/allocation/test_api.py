"""The API contract of allocation rounds: paths, fields and status codes as promised in issue 8."""

from __future__ import annotations

import datetime as dt

import pytest

from allocation.models import AllocationRound, GrantedSlot
from bookings.models import Booking

pytestmark = pytest.mark.django_db


def _create(api, who, space, rooms):
    return api(who).post(
        f"/api/v1/spaces/{space.pk}/allocation-rounds",
        {
            "name": "Autumn",
            "resources": [r.pk for r in rooms],
            "season_start": "2031-09-01",
            "season_end": "2031-09-28",
            "deadline": "2031-08-15T12:00:00Z",
        },
        format="json",
    )


def _request(api, who, round_id, practice, rooms, weekday=0):
    return api(who).post(
        f"/api/v1/allocation-rounds/{round_id}/requests",
        {
            "practice": practice.pk,
            "resources": [r.pk for r in rooms],
            "duration_minutes": 120,
            "windows": [{"weekday": weekday, "start": "18:00", "end": "21:00"}],
            "priority": 4,
        },
        format="json",
    )


def test_round_request_solve_result_publish(
    api, space, rooms, coordinator, member, practice, second_member, second_practice
):
    created = _create(api, coordinator, space, rooms)
    assert created.status_code == 201
    body = created.json()
    assert {"id", "name", "resources", "season_start", "season_end", "deadline", "status", "seed"} <= set(body)
    round_id = body["id"]

    asked = _request(api, member, round_id, practice, rooms)
    assert asked.status_code == 201
    assert asked.json()["windows"] == [{"weekday": 0, "start": "18:00", "end": "21:00"}]
    assert _request(api, second_member, round_id, second_practice, rooms[:1]).status_code == 201
    assert (
        api(member).get(f"/api/v1/allocation-rounds/{round_id}/requests").json()["results"][0]["practice"]
        == practice.pk
    )

    early = api(coordinator).post(f"/api/v1/allocation-rounds/{round_id}/solve")
    assert early.status_code == 409
    assert early.json()["code"] == "before_deadline"
    assert early.json()["deadline"] == "2031-08-15T12:00:00Z"
    assert api(coordinator).post(f"/api/v1/allocation-rounds/{round_id}/close-requests").status_code == 200
    solved = api(coordinator).post(f"/api/v1/allocation-rounds/{round_id}/solve")
    assert solved.status_code == 202
    assert {"id", "status", "progress", "proven_optimal", "gap"} <= set(solved.json())

    result = api(member).get(f"/api/v1/allocation-rounds/{round_id}/result")
    assert result.status_code == 200
    data = result.json()
    assert data["status"] == "proposed"
    assert {"practices", "slots", "figures", "comparison", "run", "seed"} <= set(data)
    assert {"fcfs", "round_robin"} <= set(data["comparison"])
    assert {p["practice"] for p in data["practices"]} == {practice.pk, second_practice.pk}
    assert all(p["satisfaction"] == 1.0 and len(p["granted"]) == 1 for p in data["practices"])

    published = api(coordinator).post(f"/api/v1/allocation-rounds/{round_id}/publish")
    assert published.status_code == 200
    assert published.json()["published"] == 2
    assert Booking.objects.filter(practice__in=[practice, second_practice]).count() == 8
    again = api(coordinator).post(f"/api/v1/allocation-rounds/{round_id}/publish")
    assert again.status_code == 409
    assert again.json()["code"] == "conflict"


def test_permissions(api, space, rooms, coordinator, member, outsider, practice, second_practice):
    assert _create(api, member, space, rooms).status_code == 403
    assert _create(api, outsider, space, rooms).status_code == 404
    assert _create(api, None, space, rooms).status_code == 401
    round_id = _create(api, coordinator, space, rooms).json()["id"]
    assert _request(api, member, round_id, second_practice, rooms).status_code == 403
    assert _request(api, outsider, round_id, practice, rooms).status_code == 404
    assert api(member).post(f"/api/v1/allocation-rounds/{round_id}/solve").status_code == 403
    assert api(outsider).get(f"/api/v1/allocation-rounds/{round_id}/result").status_code == 404


def test_invalid_input_is_400_with_fields(api, space, rooms, coordinator, member, practice):
    round_id = _create(api, coordinator, space, rooms).json()["id"]
    response = api(member).post(
        f"/api/v1/allocation-rounds/{round_id}/requests",
        {"practice": practice.pk, "duration_minutes": 90, "windows": [{"weekday": 9, "start": "25:00", "end": "x"}]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "windows" in response.json()["fields"]


def test_publish_conflict_is_409_and_publishes_nothing(api, space, rooms, coordinator, member, practice):
    round_id = _create(api, coordinator, space, rooms[:1]).json()["id"]
    _request(api, member, round_id, practice, rooms[:1])
    api(coordinator).post(f"/api/v1/allocation-rounds/{round_id}/close-requests")
    api(coordinator).post(f"/api/v1/allocation-rounds/{round_id}/solve")
    slot = GrantedSlot.objects.get(round_id=round_id)
    start = dt.datetime.combine(dt.date(2031, 9, 15), slot.start, tzinfo=space.tz)
    Booking.objects.create(
        resource=slot.resource,
        start=start,
        end=start + dt.timedelta(hours=1),
        blocked_start=start,
        blocked_end=start + dt.timedelta(hours=1),
    )
    response = api(coordinator).post(f"/api/v1/allocation-rounds/{round_id}/publish")
    assert response.status_code == 409
    assert "Nothing was published" in response.json()["message"]
    assert AllocationRound.objects.get(pk=round_id).status == "proposed"
    assert Booking.objects.filter(practice=practice).count() == 0
