"""What bookings asks the network before and after a booking (network access rules, visit counts).

Both run on every booking: they return at once, with no query beyond what ``spaces.rules`` caches on the user,
when the booker is not signed in or is a member of the resource's own space.
"""

from __future__ import annotations

from spaces import rules as space_rules


def _visitor(by, resource) -> bool:
    """A signed-in member of the resource's network who is not a member of its space."""
    if not getattr(by, "is_authenticated", False) or space_rules.is_member(by, resource.space_id):
        return False
    return space_rules.is_network_member(by, resource.space)


def before_booking(by, resource, periods, *, practice=None) -> str | None:
    """Return a reason (translated text) when the space's network rules refuse this booking, else None."""
    if not _visitor(by, resource):
        return None
    from . import services

    return services.check_booking(by, resource, periods)


def after_booking(by, bookings) -> None:
    """Record what the booking means for the network (a visit of a network member), inside the transaction."""
    if not bookings or not _visitor(by, bookings[0].resource):
        return None
    from . import services

    services.record_bookings(by, bookings)
    return None
