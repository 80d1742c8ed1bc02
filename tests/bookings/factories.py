"""Bookings arranged directly as rows (for the pages' tests; real bookings go through bookings.services)."""

from __future__ import annotations

from tests.bookings_api.factories import (  # noqa: F401  (one set of booking factories for the project)
    BookingFactory,
    BookingPolicyFactory,
    ResourceGroupFactory,
    WaitlistEntryFactory,
)
