"""The bookings demo: rules, groups, series, a public event and a pending request; a second run adds nothing."""

from __future__ import annotations

import pytest

from bookings import demo as bookings_demo
from bookings.models import Booking, BookingPolicy, BookingSeries, ResourceGroup
from core import demo

pytestmark = pytest.mark.django_db


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
