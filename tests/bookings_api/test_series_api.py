"""POST /api/v1/bookings/{id}/cancel-following, approve-series, refuse-series; JSON 404 for unknown API paths."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from bookings import services
from bookings.models import Booking, BookingPolicy, BookingSeries
from tests import factories as f

pytestmark = pytest.mark.django_db


def _start(days: int) -> dt.datetime:
    day = (timezone.now() + dt.timedelta(days=days)).date()
    return dt.datetime.combine(day, dt.time(10), tzinfo=dt.UTC)


@pytest.fixture
def room(space):
    return f.ResourceFactory(space=space, name="Studio 2")


def _series(room, member, practice) -> list[Booking]:
    start = _start(7)
    return services.create_booking(
        room, start, start + dt.timedelta(hours=2), by=member, practice=practice, recurrence="FREQ=WEEKLY;COUNT=3"
    )


def _statuses() -> list[str]:
    return list(Booking.objects.order_by("start").values_list("status", flat=True))


def test_cancel_following(api, member, practice, room):
    dates = _series(room, member, practice)

    response = api(member).post(f"/api/v1/bookings/{dates[1].pk}/cancel-following", {}, format="json")

    assert response.status_code == 200
    assert response.json()["count"] == 2
    assert [b["id"] for b in response.json()["bookings"]] == [dates[1].pk, dates[2].pk]
    assert {b["status"] for b in response.json()["bookings"]} == {"cancelled"}
    assert _statuses() == ["confirmed", "cancelled", "cancelled"]


def test_cancel_following_answers_the_shortened_series(api, member, practice, room):
    dates = _series(room, member, practice)

    response = api(member).post(f"/api/v1/bookings/{dates[1].pk}/cancel-following", {}, format="json")

    body = response.json()["series"]
    assert parse_datetime(body.pop("last_start")) == dates[0].start
    assert body == {"id": dates[0].series_id, "recurrence": "FREQ=WEEKLY;COUNT=1", "cancelled": False}
    assert BookingSeries.objects.get().rrule == "FREQ=WEEKLY;COUNT=1"


def test_cancel_following_from_the_first_date_answers_the_series_cancelled(api, member, practice, room):
    dates = _series(room, member, practice)

    response = api(member).post(f"/api/v1/bookings/{dates[0].pk}/cancel-following", {}, format="json")

    assert response.json()["series"] == {
        "id": dates[0].series_id,
        "recurrence": "FREQ=WEEKLY;COUNT=3",
        "last_start": None,
        "cancelled": True,
    }
    assert _statuses() == ["cancelled"] * 3


def test_cancel_following_of_a_single_booking_has_no_series(api, member, practice, room):
    start = _start(7)
    [booking] = services.create_booking(room, start, start + dt.timedelta(hours=2), by=member, practice=practice)

    response = api(member).post(f"/api/v1/bookings/{booking.pk}/cancel-following", {}, format="json")

    assert (response.status_code, response.json()["count"], response.json()["series"]) == (200, 1, None)


def test_cancel_following_twice_is_a_conflict(api, member, practice, room):
    dates = _series(room, member, practice)
    api(member).post(f"/api/v1/bookings/{dates[0].pk}/cancel-following", {}, format="json")

    response = api(member).post(f"/api/v1/bookings/{dates[0].pk}/cancel-following", {}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "conflict"


def test_cancel_following_past_the_deadline_is_403_with_the_reason(api, space, member, practice, room):
    dates = _series(room, member, practice)
    BookingPolicy.objects.create(space=space, resource=room, cancellation_deadline_hours=24 * 30)

    response = api(member).post(f"/api/v1/bookings/{dates[0].pk}/cancel-following", {}, format="json")

    assert response.status_code == 403
    assert response.json()["message"]
    assert _statuses() == ["confirmed"] * 3


def test_cancel_following_of_another_space_is_404(api, outsider, member, practice, room):
    dates = _series(room, member, practice)

    response = api(outsider).post(f"/api/v1/bookings/{dates[0].pk}/cancel-following", {}, format="json")

    assert response.status_code == 404
    assert _statuses() == ["confirmed"] * 3


def test_approve_and_refuse_series(api, space, coordinator, member, practice, room):
    BookingPolicy.objects.create(space=space, resource=room, requires_approval=True)
    dates = _series(room, member, practice)

    forbidden = api(member).post(f"/api/v1/bookings/{dates[0].pk}/approve-series", {}, format="json")
    approved = api(coordinator).post(f"/api/v1/bookings/{dates[2].pk}/approve-series", {}, format="json")
    again = api(coordinator).post(f"/api/v1/bookings/{dates[2].pk}/refuse-series", {"reason": "x"}, format="json")

    assert forbidden.status_code == 403
    assert (approved.status_code, approved.json()["count"]) == (200, 3)
    assert again.status_code == 409
    assert _statuses() == ["confirmed"] * 3


def test_refuse_series_with_a_reason(api, space, coordinator, member, practice, room):
    BookingPolicy.objects.create(space=space, resource=room, requires_approval=True)
    dates = _series(room, member, practice)

    response = api(coordinator).post(
        f"/api/v1/bookings/{dates[0].pk}/refuse-series", {"reason": "Works"}, format="json"
    )
    too_long = api(coordinator).post(
        f"/api/v1/bookings/{dates[0].pk}/refuse-series", {"reason": "x" * 501}, format="json"
    )

    assert (response.status_code, response.json()["count"]) == (200, 3)
    assert set(Booking.objects.values_list("status", "reason")) == {("refused", "Works")}
    assert too_long.status_code == 400


def test_series_routes_are_in_the_openapi_schema(api, member):
    paths = api(member).get("/api/v1/openapi.json").json()["paths"]

    assert "post" in paths["/api/v1/bookings/{id}/cancel-following"]
    assert "post" in paths["/api/v1/bookings/{id}/approve-series"]
    assert "post" in paths["/api/v1/bookings/{id}/refuse-series"]
    assert not any("{path}" in p or ".*" in p for p in paths)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/v1/allocation-rounds/abc/solve"),
        ("get", "/api/v1/bookings/abc"),
        ("get", "/api/v1/no/such/thing/"),
        ("delete", "/api/v1/spaces/x"),
    ],
)
def test_unknown_api_paths_answer_json_404(api, member, method, path):
    for client in (api(), api(member)):
        response = getattr(client, method)(path)

        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert response.json() == {"code": "not_found", "message": "There is no such address in the API.", "fields": {}}


def test_unknown_api_path_with_a_bad_token_is_still_404(client):
    response = client.get("/api/v1/nothing-here", HTTP_AUTHORIZATION="Bearer nonsense")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
