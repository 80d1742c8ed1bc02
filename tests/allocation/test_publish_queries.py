"""Publishing reads the round's closures, bookings and policies once, whatever the number of granted slots."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from allocation import services
from allocation.models import AllocationRound, GrantedSlot, SolveRun
from allocation.services import timetable
from bookings.models import Booking, BookingSeries
from spaces.models import Closure

from .conftest import SEASON_START, ask, window

pytestmark = pytest.mark.django_db


def _proposed(round_, rooms, member, practice, *, weekday, count):
    """Make the round proposed, with ``count`` one-hour slots on ``weekday`` (both rooms) and a finished run."""
    for n in range(count):
        room, hour = rooms[n % 2], 9 + n // 2
        request = ask(
            round_, member, practice, resources=[room], duration_minutes=60, windows=[window(weekday, f"{hour:02d}:00")]
        )
        GrantedSlot.objects.create(
            round=round_, request=request, resource=room, weekday=weekday, start=dt.time(hour), end=dt.time(hour + 1)
        )
    SolveRun.objects.create(round=round_, status=SolveRun.Status.DONE, started_at=timezone.now())
    AllocationRound.objects.filter(pk=round_.pk).update(status=AllocationRound.Status.PROPOSED)
    round_.refresh_from_db()


def _queries_outside_bookings(round_, coordinator) -> int:
    """Queries of ``publish`` itself: all of them but those of ``create_booking`` (one recurring booking a slot)."""
    inside = []
    create_booking = timetable.create_booking

    def counted(*args, **kwargs):
        with CaptureQueriesContext(connection) as queries:
            created = create_booking(*args, **kwargs)
        inside.append(len(queries))
        return created

    with mock.patch.object(timetable, "create_booking", counted), CaptureQueriesContext(connection) as queries:
        published = services.publish(round_, by=coordinator)
    assert published == len(inside)
    return len(queries) - sum(inside)


@pytest.fixture
def make_round(space, rooms, coordinator):
    def make(name):
        return services.create_round(
            space,
            by=coordinator,
            name=name,
            resources=rooms,
            season_start=SEASON_START,
            season_end=SEASON_START + dt.timedelta(days=27),
            deadline=timezone.now() + dt.timedelta(days=7),
        )

    return make


def test_publishing_queries_do_not_grow_with_the_slots(space, make_round, rooms, member, practice, coordinator):
    # A closure and a one-off booking made before the runs: publishing skips weeks for both reasons.
    tz = space.tz
    holiday, expo_day = SEASON_START + dt.timedelta(days=14), SEASON_START + dt.timedelta(days=7)  # Mondays
    Closure.objects.create(
        space=space,
        start=dt.datetime.combine(holiday, dt.time(0), tzinfo=tz),
        end=dt.datetime.combine(holiday, dt.time(23), tzinfo=tz),
        reason="Holiday",
    )
    expo = dt.datetime.combine(expo_day, dt.time(9), tzinfo=tz)
    end = expo + dt.timedelta(hours=1)
    Booking.objects.create(resource=rooms[0], start=expo, end=end, blocked_start=expo, blocked_end=end)
    small, large = make_round("Small"), make_round("Large")
    _proposed(small, rooms, member, practice, weekday=1, count=2)
    _proposed(large, rooms, member, practice, weekday=0, count=10)

    assert _queries_outside_bookings(small, coordinator) == _queries_outside_bookings(large, coordinator)

    mondays = [SEASON_START + dt.timedelta(weeks=w) for w in range(4)]
    for slot in GrantedSlot.objects.filter(round=large).select_related("resource"):
        bookings = Booking.objects.filter(series=BookingSeries.objects.get(pk=slot.series_id))
        days = sorted(b.start.astimezone(tz).date() for b in bookings)
        skipped = {holiday, expo_day} if (slot.resource, slot.start) == (rooms[0], dt.time(9)) else {holiday}
        assert days == [d for d in mondays if d not in skipped]
