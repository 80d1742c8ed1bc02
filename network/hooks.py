"""What bookings asks the network before and after a booking (network access rules, visit counts)."""

from __future__ import annotations


def before_booking(by, resource, periods, *, practice=None) -> str | None:
    """Return a reason (translated text) when the space's network rules refuse this booking, else None."""
    return None


def after_booking(by, bookings) -> None:
    """Record what the booking means for the network (a visit of a network member), inside the transaction."""
    return None
