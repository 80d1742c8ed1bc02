"""The number of places of an event and of its dates to come."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit

from .. import rules
from ..models import Event, Occurrence, Registration
from .events import _when
from .registrations import _promote


def _future_dates(event: Event):
    """The event's dates still to come that are not cancelled, locked in a fixed order (as ``register`` locks
    one date) so that registrations wait for the change."""
    return list(
        Occurrence.objects.select_for_update()
        .filter(event=event, is_cancelled=False, end__gt=timezone.now())
        .select_related("event", "space")
        .order_by("start", "id")
    )


@transaction.atomic
def change_capacity(event: Event, *, by, capacity: int | None) -> list[Registration]:
    """Change the number of places of an event and of its dates to come (``None``: no registration needed).

    Lowering it below the number of people registered on a date to come is refused (ValidationError naming
    the dates). Raising it, or removing the limit, moves people up from the waitlist at once, exactly once
    (each date's row is locked, as ``register`` and ``cancel_registration`` lock it). Past and cancelled dates
    keep their places. Side effects: an email to everyone who moved up; an audit entry.
    Returns the registrations that moved up.
    """
    if not rules.is_organiser(by, event):
        raise PermissionDenied
    if capacity is not None and (not isinstance(capacity, int) or capacity < 1):
        raise ValidationError({"capacity": [_("Give at least one place, or leave it empty for no registration.")]})
    dates = _future_dates(event)
    if capacity is not None:
        tz = event.space.tz
        too_full = [occ for occ in dates if occ.confirmed_count > capacity]
        if too_full:
            details = "; ".join(
                _("%(when)s: %(count)s registered") % {"when": _when(occ.start, tz), "count": occ.confirmed_count}
                for occ in too_full
            )
            raise ValidationError(
                {
                    "capacity": [
                        _(
                            "More people are already registered than %(capacity)s places: %(details)s. Give at "
                            "least %(minimum)s places, or cancel registrations first."
                        )
                        % {
                            "capacity": capacity,
                            "details": details,
                            "minimum": max(occ.confirmed_count for occ in too_full),
                        }
                    ]
                }
            )
    before = event.capacity
    event.capacity = capacity
    event.save(update_fields=["capacity"])
    promoted = []
    for occ in dates:
        occ.capacity = capacity
        occ.save(update_fields=["capacity"])
        if capacity is None:
            # No limit any more: everyone waiting gets a place, through the same path as any promotion (the
            # limit set here in memory only tells _promote how many may move up).
            occ.capacity = occ.confirmed_count + occ.registrations.filter(status=Registration.Status.WAITLISTED).count()
            promoted += _promote(occ)
            occ.capacity = None
        else:
            promoted += _promote(occ)
    if before == capacity and not promoted:
        return promoted
    audit.record(
        event,
        "programme.capacity_changed",
        by=by,
        before={"capacity": before},
        after={"capacity": capacity, "promoted": len(promoted)},
    )
    return promoted
