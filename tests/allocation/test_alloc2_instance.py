"""One-off bookings and short closures inside the season skip weeks of a weekly slot instead of blocking it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from allocation import services
from allocation.models import GrantedSlot
from bookings.models import Booking, BookingSeries
from tests import factories as f

from .conftest import ask, window

pytestmark = pytest.mark.django_db


def _book(resource, day, hour=18, hours=1, title="Expo"):
    start = dt.datetime.combine(day, dt.time(hour), tzinfo=resource.space.tz)
    end = start + dt.timedelta(hours=hours)
    return Booking.objects.create(
        resource=resource, start=start, end=end, blocked_start=start, blocked_end=end, title=title
    )


def _key(context, room, weekday=0, hour=18):
    return (room.pk, weekday, context["grid"].index(hour * 60))


def test_a_one_off_booking_skips_its_week_only(round_, rooms):
    _book(rooms[0], dt.date(2031, 9, 15), title="Exhibition")

    instance, context = services.build_instance(round_)

    key = _key(context, rooms[0])
    assert key not in instance.blocked
    assert context["skips"][key] == [dt.date(2031, 9, 15)]
    assert context["weeks"][0] == 4


def test_a_slot_booked_in_more_than_a_quarter_of_the_weeks_stays_blocked(round_, rooms):
    _book(rooms[0], dt.date(2031, 9, 8), title="Exhibition")
    _book(rooms[0], dt.date(2031, 9, 15), title="Exhibition")

    instance, context = services.build_instance(round_)

    key = _key(context, rooms[0])
    assert key in instance.blocked
    assert [c["date"] for c in context["causes"][key]] == [dt.date(2031, 9, 8), dt.date(2031, 9, 15)]
    assert _key(context, rooms[1]) not in instance.blocked


def test_a_five_day_exhibition_skips_one_week_of_each_day(round_, rooms):
    _book(rooms[0], dt.date(2031, 9, 15), hour=8, hours=24 * 4 + 14, title="Exhibition")

    instance, context = services.build_instance(round_)

    for weekday in range(5):
        key = _key(context, rooms[0], weekday)
        assert key not in instance.blocked
        assert context["skips"][key] == [dt.date(2031, 9, 15) + dt.timedelta(days=weekday)]


def test_short_closures_skip_weeks_and_whole_season_closures_block(space, round_, rooms):
    tz = space.tz
    f.ClosureFactory(
        space=space,
        resource=rooms[0],
        start=dt.datetime(2031, 9, 22, 0, tzinfo=tz),
        end=dt.datetime(2031, 9, 23, 0, tzinfo=tz),
        reason="Floor works",
    )
    f.ClosureFactory(
        space=space,
        resource=rooms[1],
        start=dt.datetime(2031, 8, 1, tzinfo=tz),
        end=dt.datetime(2031, 10, 31, tzinfo=tz),
        reason="Roof",
    )

    instance, context = services.build_instance(round_)

    assert _key(context, rooms[0]) not in instance.blocked
    assert context["skips"][_key(context, rooms[0])] == [dt.date(2031, 9, 22)]
    assert _key(context, rooms[1]) in instance.blocked
    assert context["causes"][_key(context, rooms[1])][0]["label"] == "Roof"


def test_publishing_skips_the_week_of_a_one_off_booking(round_, rooms, member, practice, coordinator):
    round_.resources.set(rooms[:1])
    _book(rooms[0], dt.date(2031, 9, 15), title="Exhibition")
    ask(round_, member, practice, resources=rooms[:1], duration_minutes=60, windows=[window(0, "18:00", "19:00")])
    services.close_requests_now(round_, by=coordinator)
    services.compute(round_, by=coordinator)
    slot = GrantedSlot.objects.get(round=round_)
    assert (slot.weekday, slot.start) == (0, dt.time(18))

    assert services.publish(round_, by=coordinator) == 1

    slot.refresh_from_db()
    series = BookingSeries.objects.get(pk=slot.series_id)
    days = sorted(b.start.astimezone(round_.space.tz).date() for b in Booking.objects.filter(series=series))
    assert days == [dt.date(2031, 9, 1), dt.date(2031, 9, 8), dt.date(2031, 9, 22)]


def test_a_skipped_week_lowers_the_satisfaction(api, client_for, space, round_, rooms, member, practice, coordinator):
    round_.resources.set(rooms[:1])
    _book(rooms[0], dt.date(2031, 9, 15), title="Exhibition")
    ask(round_, member, practice, resources=rooms[:1], duration_minutes=60, windows=[window(0, "18:00", "19:00")])
    services.close_requests_now(round_, by=coordinator)
    services.compute(round_, by=coordinator)

    data = services.result(round_)

    # Granted every Monday but one of the four: three quarters of what it asked for.
    (entry,) = data["practices"]
    assert entry["satisfaction"] == 0.75
    (granted,) = entry["granted"]
    assert (granted["weeks"], granted["skipped"]) == (4, [dt.date(2031, 9, 15)])
    assert data["figures"]["min_satisfaction"] == 0.75
    assert data["solved_figures"]["min_satisfaction"] == 0.75
    body = api(member).get(f"/api/v1/allocation-rounds/{round_.pk}/result").json()
    assert body["practices"][0]["satisfaction"] == 0.75
    assert body["practices"][0]["granted"][0]["skipped_weeks"] == ["2031-09-15"]
    url = reverse("allocation:result", kwargs={"slug": space.slug, "pk": round_.pk})
    html = " ".join(client_for(member).get(url).content.decode().split())
    assert "Satisfaction: 75 %" in html
    assert "Not in 1 of its 4 weeks, taken by a booking or closure:" in html
