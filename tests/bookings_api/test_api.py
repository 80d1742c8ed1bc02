import datetime as dt

import pytest
from django.db import connection

from bookings import services
from bookings.models import Booking
from tests import factories as f

from .factories import BookingFactory

pytestmark = pytest.mark.django_db


def body(room, practice, start, end, **extra):
    return {
        "resource": room.pk,
        "practice": practice.pk,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "title": "Rehearsal",
        **extra,
    }


def test_post_books_and_returns_201(api, room, member, practice, at):
    response = api(member).post("/api/v1/bookings", body(room, practice, at(3, 10), at(3, 12)), format="json")

    assert response.status_code == 201
    data = response.json()
    booking = Booking.objects.get()
    assert data["id"] == booking.pk
    assert data["status"] == "confirmed"
    assert data["resource"] == room.pk
    assert data["practice_name"] == "Atelier Nord"
    assert data["title"] == "Rehearsal"
    assert dt.datetime.fromisoformat(data["start"]) == at(3, 10)
    assert [o["id"] for o in data["occurrences"]] == [booking.pk]


def test_post_runs_a_fixed_number_of_queries(api, room, member, practice, at, django_assert_num_queries):
    client = api(member)
    client.post("/api/v1/bookings", body(room, practice, at(3, 8), at(3, 9)), format="json")  # token's last use

    # The short path (api.bookings.post_booking_fast): token, member and the rules (one query); resource, space,
    # practice and policy; then in the transaction (a savepoint inside the test's own, and its release): on
    # PostgreSQL the advisory lock, then one statement for the conflicts, the insert and the audit entry;
    # elsewhere the conflicts, the insert, the audit entry. The email is enqueued after the commit.
    expected = 6 if connection.vendor == "postgresql" else 7
    with django_assert_num_queries(expected):
        response = client.post("/api/v1/bookings", body(room, practice, at(3, 10), at(3, 12)), format="json")

    assert response.status_code == 201


@pytest.mark.parametrize("public", [False, True])
def test_booking_json_is_what_the_declared_fields_give(api, room, other_room, member, practice, at, public):
    """BookingSerializer builds its JSON by hand (speed): it must stay what its declared fields would give."""
    from rest_framework import serializers
    from rest_framework.test import APIRequestFactory

    from api.bookings import BookingCreatedSerializer, BookingSerializer

    mine = BookingFactory(resource=room, practice=practice, start=at(3, 10), end=at(3, 11), price="12.50")
    theirs = BookingFactory(resource=other_room, start=at(3, 10), end=at(3, 11), is_public=public, price="3.00")
    request = APIRequestFactory().get("/")
    request.user = member
    for booking in (mine, theirs):
        serializer = BookingSerializer(booking, context={"request": request})
        by_fields = serializers.ModelSerializer.to_representation(serializer, booking)
        by_fields["practice"] = by_fields["practice"] if serializer._details_visible(booking) else None

        assert serializer.data == by_fields
    created = BookingCreatedSerializer(mine, context={"request": request, "all": [mine]}).data
    assert created["occurrences"] == [BookingSerializer(mine, context={"request": request}).data]


def test_post_pending_when_approval_needed(api, space, room, member, practice, coordinator, at):
    services.save_policy(space, by=coordinator, resource=room, requires_approval=True)

    response = api(member).post("/api/v1/bookings", body(room, practice, at(3, 10), at(3, 12)), format="json")

    assert (response.status_code, response.json()["status"]) == (201, "pending")


def test_post_recurring_returns_every_occurrence(api, room, member, practice, at):
    response = api(member).post(
        "/api/v1/bookings",
        body(room, practice, at(3, 19), at(3, 21), recurrence="FREQ=WEEKLY;COUNT=3"),
        format="json",
    )

    assert response.status_code == 201
    assert len(response.json()["occurrences"]) == 3
    assert Booking.objects.filter(series__isnull=False).count() == 3


def test_post_conflict_is_409_with_the_conflicts(api, room, member, practice, at):
    services.create_booking(room, at(10, 19), at(10, 21), by=member, practice=practice)

    response = api(member).post(
        "/api/v1/bookings",
        body(room, practice, at(3, 19), at(3, 21), recurrence="FREQ=WEEKLY;COUNT=3"),
        format="json",
    )

    assert response.status_code == 409
    data = response.json()
    assert data["code"] == "conflict"
    assert data["message"] == "This time is already taken."
    assert data["fields"] == {}
    assert [(dt.datetime.fromisoformat(c["start"]), c["reason"]) for c in data["conflicts"]] == [
        (at(10, 19), "already booked")
    ]
    assert Booking.objects.count() == 1


def test_post_skip_books_the_free_occurrences(api, room, member, practice, at):
    services.create_booking(room, at(10, 19), at(10, 21), by=member, practice=practice)

    response = api(member).post(
        "/api/v1/bookings",
        body(room, practice, at(3, 19), at(3, 21), recurrence="FREQ=WEEKLY;COUNT=3", on_conflict="skip"),
        format="json",
    )

    assert response.status_code == 201
    assert len(response.json()["occurrences"]) == 2


def test_post_refused_is_403_with_the_reason(api, space, room, member, practice, coordinator, at):
    services.save_policy(space, by=coordinator, resource=room, max_days_ahead=60)

    response = api(member).post("/api/v1/bookings", body(room, practice, at(70, 10), at(70, 12)), format="json")

    assert response.status_code == 403
    assert response.json() == {
        "code": "permission_denied",
        "message": "Bookings of Studio 2 can be made at most 60 days ahead.",
        "fields": {},
    }


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"start": "2030-01-01T10:00:00"}, "start"),
        ({"end": "tomorrow"}, "end"),
        ({"resource": 999999}, "resource"),
        ({"practice": 999999}, "practice"),
        ({"recurrence": "FREQ=WEEKLY"}, "recurrence"),
        ({"recurrence": "FREQ=WEEKLY;COUNT=zz"}, "recurrence"),
        ({"on_conflict": "maybe"}, "on_conflict"),
        ({"title": "x" * 201}, "title"),
    ],
)
def test_post_bad_input_is_400(api, room, member, practice, at, change, field):
    data = {**body(room, practice, at(3, 10), at(3, 12)), **change}

    response = api(member).post("/api/v1/bookings", data, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["fields"]) == [field]
    assert Booking.objects.count() == 0


def test_post_end_before_start_is_400(api, room, member, practice, at):
    response = api(member).post("/api/v1/bookings", body(room, practice, at(3, 12), at(3, 10)), format="json")

    assert response.status_code == 400
    assert response.json()["fields"] == {"end": ["The end must be after the start."]}


def test_post_resource_visible_to_members_only_is_unknown_to_outsiders(api, space, outsider, at):
    hidden = f.ResourceFactory(space=space, name="Back office", visibility="members")
    practice = outsider.practice_links.get().practice

    response = api(outsider).post("/api/v1/bookings", body(hidden, practice, at(3, 10), at(3, 12)), format="json")

    assert response.status_code == 400
    assert response.json()["fields"] == {"resource": ["Unknown resource."]}


def test_list_shows_own_space_and_public_bookings(api, room, other_room, member, outsider, at):
    mine = BookingFactory(resource=room, start=at(3, 10), end=at(3, 11), title="Ours")
    BookingFactory(resource=other_room, start=at(3, 10), end=at(3, 11), title="Theirs")
    public = BookingFactory(resource=other_room, start=at(4, 10), end=at(4, 11), title="Open day", is_public=True)

    as_member = api(member).get("/api/v1/bookings").json()
    as_anonymous = api().get("/api/v1/bookings").json()

    assert [b["id"] for b in as_member["results"]] == [mine.pk, public.pk]
    assert [b["title"] for b in as_member["results"]] == ["Ours", "Open day"]
    assert [b["id"] for b in as_anonymous["results"]] == [public.pk]
    assert as_member["next"] is None


def test_list_filters(api, space, room, member, practice, at):
    other = f.ResourceFactory(space=space, name="Kitchen")
    first = BookingFactory(resource=room, start=at(3, 10), end=at(3, 11), booked_by=member, practice=practice)
    BookingFactory(resource=other, start=at(3, 10), end=at(3, 11))
    third = BookingFactory(resource=room, start=at(5, 10), end=at(5, 11))
    client = api(member)

    by_resource = client.get(f"/api/v1/bookings?resource={room.pk}").json()["results"]
    window = client.get(
        "/api/v1/bookings", {"start": at(4, 0).isoformat(), "end": at(6, 0).isoformat(), "space": space.pk}
    ).json()["results"]
    mine = client.get("/api/v1/bookings?mine=1").json()["results"]
    bad = client.get("/api/v1/bookings?resource=abc")

    assert [b["id"] for b in by_resource] == [first.pk, third.pk]
    assert [b["id"] for b in window] == [third.pk]
    assert [b["id"] for b in mine] == [first.pk]
    assert bad.status_code == 400
    assert api().get("/api/v1/bookings?mine=1").status_code == 401


@pytest.mark.parametrize("count", [1, 3])
def test_list_query_count(api, room, member, practice, at, count, django_assert_num_queries):
    for i in range(count):
        BookingFactory(resource=room, practice=practice, start=at(3 + i, 10), end=at(3 + i, 11))
    client = api(member)

    # token, token's last use, the rules (roles, practices, memberships: one query), count, page
    with django_assert_num_queries(5):
        response = client.get("/api/v1/bookings")

    assert len(response.json()["results"]) == count


def test_detail_hides_private_details_from_non_members(api, other_room, member, outsider, at):
    private = BookingFactory(resource=other_room, start=at(3, 10), end=at(3, 11), title="Secret")
    public = BookingFactory(resource=other_room, start=at(4, 10), end=at(4, 11), title="Open day", is_public=True)

    assert api(member).get(f"/api/v1/bookings/{private.pk}").status_code == 404
    assert api().get(f"/api/v1/bookings/{private.pk}").status_code == 401
    assert api(outsider).get(f"/api/v1/bookings/{private.pk}").json()["title"] == "Secret"
    assert api().get(f"/api/v1/bookings/{public.pk}").json()["title"] == "Open day"


def test_cancel_approve_refuse(api, space, room, member, practice, coordinator, at):
    services.save_policy(space, by=coordinator, resource=room, requires_approval=True)
    [first] = services.create_booking(room, at(3, 10), at(3, 11), by=member, practice=practice)
    [second] = services.create_booking(room, at(4, 10), at(4, 11), by=member, practice=practice)

    not_allowed = api(member).post(f"/api/v1/bookings/{first.pk}/approve")
    approved = api(coordinator).post(f"/api/v1/bookings/{first.pk}/approve")
    again = api(coordinator).post(f"/api/v1/bookings/{first.pk}/approve")
    refused = api(coordinator).post(f"/api/v1/bookings/{second.pk}/refuse", {"reason": "Works"}, format="json")
    cancelled = api(member).post(f"/api/v1/bookings/{first.pk}/cancel", {"reason": "Ill"}, format="json")

    assert not_allowed.status_code == 403
    assert (approved.status_code, approved.json()["status"]) == (200, "confirmed")
    assert (again.status_code, again.json()["code"]) == (409, "conflict")
    assert (refused.status_code, refused.json()["status"]) == (200, "refused")
    assert (cancelled.status_code, cancelled.json()["status"]) == (200, "cancelled")


def test_cancel_after_deadline_is_403_with_reason(api, space, room, member, practice, coordinator, at):
    services.save_policy(space, by=coordinator, resource=room, cancellation_deadline_hours=72)
    [booking] = services.create_booking(room, at(1, 10), at(1, 11), by=member, practice=practice)

    response = api(member).post(f"/api/v1/bookings/{booking.pk}/cancel")

    assert response.status_code == 403
    assert response.json()["message"] == (
        "Bookings of Studio 2 can be cancelled until 72 hours before they start; ask a coordinator."
    )


def test_availability_lists_free_slots(api, space, room, member, practice, at):
    kitchen = f.ResourceFactory(space=space, name="Kitchen", capacity=2)
    services.create_booking(room, at(3, 18), at(3, 19), by=member, practice=practice)

    response = api(member).get(
        "/api/v1/availability",
        {"start": at(3, 17).isoformat(), "end": at(3, 21).isoformat(), "duration": 90, "space": space.pk},
    )

    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["name"] for r in results] == ["Kitchen", "Studio 2"]
    assert [
        (dt.datetime.fromisoformat(s["start"]), dt.datetime.fromisoformat(s["end"])) for s in results[1]["slots"]
    ] == [(at(3, 19), at(3, 21))]
    assert results[0]["resource"] == kitchen.pk


def test_availability_filters_and_bad_input(api, space, room, member, at):
    f.ResourceFactory(space=space, name="Hall", kind="hall", capacity=80, step_free=True, wheelchair_accessible=True)
    params = {"start": at(3, 17).isoformat(), "end": at(3, 21).isoformat(), "network": space.network_id}

    big = api(member).get("/api/v1/availability", {**params, "capacity": 50}).json()["results"]
    accessible = api(member).get("/api/v1/availability", {**params, "accessible": "true"}).json()["results"]
    studios = api(member).get("/api/v1/availability", {**params, "kind": "studio"}).json()["results"]
    bad = api(member).get("/api/v1/availability", {**params, "end": at(3, 16).isoformat()})

    assert [r["name"] for r in big] == ["Hall"]
    assert [r["name"] for r in accessible] == ["Hall"]
    assert [r["name"] for r in studios] == ["Studio 2"]
    assert bad.status_code == 400


@pytest.mark.parametrize("count", [1, 3])
def test_availability_query_count(api, space, member, practice, at, count, django_assert_num_queries):
    for i in range(count):
        room = f.ResourceFactory(space=space, name=f"Room {i}")
        BookingFactory(resource=room, start=at(3, 18), end=at(3, 19))
    client = api(member)

    # token, token's last use, space, practices, memberships, roles, networks,
    # then resources, bookings, closures, policies (group links only when a group has a policy)
    with django_assert_num_queries(7):
        response = client.get(
            "/api/v1/availability",
            {"start": at(3, 17).isoformat(), "end": at(3, 21).isoformat(), "space": space.pk, "duration": 60},
        )

    assert len(response.json()["results"]) == count
