"""Isolation Cases for the bookings API, and the bookings every app's tests can use in the world."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tests.isolation import API_COORDINATOR, API_MEMBER, API_PUBLIC, Case, expect


def _hour(days: int, hour: int) -> dt.datetime:
    day = (timezone.now() + dt.timedelta(days=days)).date()
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


def build(world):
    """world.booking (confirmed, world.member for world.practice), world.pending_booking, world.other_booking."""
    from bookings.models import Booking
    from bookings.services import create_booking

    [world.booking] = create_booking(
        world.resource,
        _hour(2, 9),
        _hour(2, 11),
        by=world.member,
        practice=world.practice,
        title="Iso rehearsal",
        check_rules=False,
    )
    world.pending_booking = Booking.objects.create(
        resource=world.resource,
        practice=world.practice,
        booked_by=world.member,
        title="Iso request",
        start=_hour(3, 9),
        end=_hour(3, 11),
        status=Booking.Status.PENDING,
    )
    [world.other_booking] = create_booking(
        world.other_resource,
        _hour(2, 9),
        _hour(2, 11),
        by=world.outsider,
        practice=world.other_practice,
        title="Other rehearsal",
        check_rules=False,
    )


def _new_booking(w) -> dict:
    return {
        "resource": w.resource.pk,
        "practice": w.practice.pk,
        "start": _hour(5, 13).isoformat(),
        "end": _hour(5, 15).isoformat(),
        "title": "Workshop",
    }


def _availability(w) -> str:
    start, end = _hour(5, 17), _hour(5, 21)
    return f"/api/v1/availability?start={start:%Y-%m-%dT%H:%M:%SZ}&end={end:%Y-%m-%dT%H:%M:%SZ}&space={w.space.pk}"


ROUTES = {
    "api:bookings": [
        Case(lambda w: "/api/v1/bookings", API_PUBLIC, note="anonymous: public bookings only"),
        Case(
            lambda w: "/api/v1/bookings",
            {"anonymous": 401, "outsider": 403, "member": 201, "coordinator": 201},
            method="post",
            data=_new_booking,
            note="outsider: 403 with the reason (the space's practices only)",
        ),
    ],
    "api:booking-detail": [
        Case(lambda w: f"/api/v1/bookings/{w.booking.pk}", API_MEMBER),
        Case(
            lambda w: f"/api/v1/bookings/{w.other_booking.pk}",
            expect(API_MEMBER, member=404, coordinator=404, outsider=200),
        ),
    ],
    "api:booking-cancel": Case(
        lambda w: f"/api/v1/bookings/{w.booking.pk}/cancel", API_MEMBER, method="post", data=lambda w: {}
    ),
    "api:booking-approve": Case(
        lambda w: f"/api/v1/bookings/{w.pending_booking.pk}/approve", API_COORDINATOR, method="post", data=lambda w: {}
    ),
    "api:booking-refuse": Case(
        lambda w: f"/api/v1/bookings/{w.pending_booking.pk}/refuse",
        API_COORDINATOR,
        method="post",
        data=lambda w: {"reason": "Closed for the open day"},
    ),
    "api:availability": Case(_availability, API_PUBLIC),
    "api:booking-cancel-following": Case(
        lambda w: f"/api/v1/bookings/{w.booking.pk}/cancel-following", API_MEMBER, method="post", data=lambda w: {}
    ),
    "api:booking-approve-series": Case(
        lambda w: f"/api/v1/bookings/{w.pending_booking.pk}/approve-series",
        API_COORDINATOR,
        method="post",
        data=lambda w: {},
    ),
    "api:booking-refuse-series": Case(
        lambda w: f"/api/v1/bookings/{w.pending_booking.pk}/refuse-series",
        API_COORDINATOR,
        method="post",
        data=lambda w: {"reason": "Closed for the open day"},
    ),
    "api:not-found": [
        Case(
            lambda w: "/api/v1/allocation-rounds/abc/solve",
            expect(API_PUBLIC, anonymous=404, outsider=404, member=404, coordinator=404),
            method="post",
            data=lambda w: {},
        ),
        Case(
            lambda w: "/api/v1/no-such-thing",
            expect(API_PUBLIC, anonymous=404, outsider=404, member=404, coordinator=404),
        ),
    ],
}
