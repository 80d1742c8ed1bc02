"""The bookings demo: rules, groups, series, a public event and a pending request; a second run adds nothing."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone

from bookings import demo as bookings_demo
from bookings import grids
from bookings.models import Booking, BookingPolicy, BookingSeries, ResourceGroup
from community.models import Member
from core import demo
from spaces.models import Space

pytestmark = pytest.mark.django_db

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")


def counts() -> tuple[int, ...]:
    return (
        Booking.objects.count(),
        BookingSeries.objects.count(),
        BookingPolicy.objects.count(),
        ResourceGroup.objects.count(),
    )


def test_demo_bookings_are_realistic_and_idempotent():
    demo.seed()

    bookings_demo.seed()
    first = counts()
    bookings_demo.seed()

    werkhuis = Booking.objects.filter(resource__space__slug="werkhuis-kuregem")
    assert counts() == first
    assert werkhuis.filter(status=Booking.Status.PENDING).values_list("title", flat=True).get() == "Stoneware firing"
    # Twelve weekly broadcasts, less those that fall in the demo's closures (boiler repair, winter break).
    assert BookingSeries.objects.get(title="Live broadcast: Kuregem Calling").rrule == "FREQ=WEEKLY;COUNT=12"
    assert werkhuis.filter(title="Repair café (open to all)", is_public=True).exists()
    assert set(ResourceGroup.objects.values_list("name", flat=True)) == {"Workshops", "Event rooms"}
    assert BookingPolicy.objects.get(resource__name="Ceramic kiln").requires_approval is True
    assert Booking.objects.exclude(resource__space__slug="werkhuis-kuregem").filter(series__isnull=False).exists()


@pytest.mark.parametrize("weekday", [0, 3, 6])
def test_demo_week_and_day_are_lived_in_whatever_the_day_it_is_loaded(weekday, monkeypatch, client_for):
    # The demo loaded on a Monday, a Thursday or a Sunday at noon in Brussels: this week holds bookings over
    # (earlier this week, and earlier today), some to come today, a weekly series; the queue holds the request.
    loaded = dt.datetime(2027, 2, 1 + weekday, 12, 0, tzinfo=BRUSSELS)  # 1 February 2027 is a Monday
    now = loaded.astimezone(dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: now)
    demo.seed()
    bookings_demo.seed()
    werkhuis = Space.objects.get(slug="werkhuis-kuregem")
    today = loaded.date()

    grid = grids.week_grid(werkhuis, today)

    week = list({b.pk: b for row in grid["rows"] for cell in row.cells for b in cell["bookings"]}.values())
    on_today = [b for b in week if b.start.astimezone(BRUSSELS).date() == today]
    assert grid["monday"] == today - dt.timedelta(days=weekday)
    assert any(b.start < now for b in on_today)
    assert any(b.start > now for b in on_today)
    assert Booking.objects.filter(pk__in=[b.pk for b in week], series__rrule="FREQ=WEEKLY;COUNT=6").exists()
    assert len(week) >= 5
    if weekday:
        assert any(b.end < now and b.start.astimezone(BRUSSELS).date() < today for b in week)
    ines = Member.objects.get(email="ines@demo.plek.example")
    queue = client_for(ines).get(f"/en/spaces/{werkhuis.slug}/bookings/pending/")
    assert queue.status_code == 200, (queue.status_code, queue.get("Location"))
    assert [b.title for b in queue.context["pending"]] == ["Stoneware firing"]
