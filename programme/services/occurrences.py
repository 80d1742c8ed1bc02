"""One date of an event: move it to another time or room, or cancel it."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from spaces import rules as space_rules
from spaces.models import Resource

from .. import rules
from ..models import Event, Occurrence, Registration
from .emails import _email, _email_organiser
from .events import EventNotCreated, _when
from .registrations import _lock, give_back_days, recount_moved_date


class DateNotMoved(EventNotCreated):
    """The date could not be moved: the room is taken or the rules refuse; nothing changed."""


def _check_date_to_change(occ: Occurrence, by) -> None:
    if not rules.is_organiser(by, occ.event):
        raise PermissionDenied
    if occ.is_cancelled or occ.event.status == Event.Status.CANCELLED:
        raise ValidationError(_("This date is cancelled."))
    if occ.start <= timezone.now():
        raise ValidationError(_("This date has started or is over; only dates to come can be changed."))


def _booking_is_held(occ: Occurrence) -> bool:
    from bookings.models import Booking

    return occ.booking_id is not None and occ.booking.status in Booking.HOLDING


def _registrants(occ: Occurrence) -> list[Registration]:
    rows = list(occ.registrations.filter(status__in=Registration.ACTIVE))
    for row in rows:
        row.occurrence = occ
    return rows


@transaction.atomic
def move_occurrence(
    occurrence: Occurrence, *, by, start: datetime, end: datetime, resource: Resource | None = None
) -> Occurrence:
    """Move one date of an event to another time (and optionally another room of the same space).

    The date's room booking is moved in place (bookings.services.move_booking), under the bookings' rules as
    ``create_event`` applies them: others never see the room free in between, and the old time is not offered
    to the bookings' waitlist when the room stays the same. A date without a holding booking gets a new one
    (kind "event", bookings.services.create_booking). When the room is taken or the rules refuse, DateNotMoved
    is raised (with the conflicting times) and nothing changes. Registrations stay; a network guest's counted
    day follows the date to its new day (see ``registrations.recount_moved_date``). Side effects: the booking's
    audit entry "bookings.moved" (no bookings email); an email with the new time to every active registrant
    (their reminder is due again) and one to the organiser who booked the room; the date's SEQUENCE (iCal) goes
    up; an audit entry.
    """
    from bookings import services as bookings

    occ = _lock(occurrence)
    _check_date_to_change(occ, by)
    event, space = occ.event, occ.space
    errors = {}
    if end <= start:
        errors["end"] = [_("The end must be after the start.")]
    elif start <= timezone.now():
        errors["start"] = [_("Choose a time to come.")]
    if resource is None:
        resource = occ.booking.resource if occ.booking_id else event.resource
    elif resource.space_id != space.pk:
        errors["resource"] = [_("This room belongs to another space.")]
    if errors:
        raise ValidationError(errors)
    before = {"start": occ.start, "end": occ.end, "resource": occ.booking.resource_id if occ.booking_id else None}
    new_booking = None
    if resource is not None:
        try:
            check_rules = not space_rules.is_coordinator(by, space)
            if _booking_is_held(occ):
                new_booking = bookings.move_booking(
                    occ.booking,
                    start,
                    end,
                    by=by,
                    resource=resource,
                    check_rules=check_rules,
                    reason=_("The date is moved."),
                )
            else:
                new_booking = bookings.create_booking(
                    resource,
                    start,
                    end,
                    by=by,
                    practice=event.practice,
                    title=event.title,
                    public=event.audience == Event.Audience.PUBLIC,
                    kind="event",
                    check_rules=check_rules,
                )[0]
        except bookings.BookingConflict as exc:
            tz = space.tz
            taken = list(
                bookings.affected_bookings(start=start, end=end, resource=resource).exclude(pk=occ.booking_id)[:5]
            )
            periods = [(b.start, b.end) for b in taken] or [(c["start"], c["end"]) for c in exc.conflicts[:5]]
            times = "; ".join(f"{_when(s, tz)} – {_when(e, tz)}" for s, e in periods)
            message = _("The room is not free at that time (taken: %(times)s). Choose another time or room.") % {
                "times": times
            }
            raise DateNotMoved(message, exc.conflicts, is_conflict=True) from None
        except bookings.BookingRefused as exc:
            raise DateNotMoved(str(exc.reason)) from None
        except bookings.BookingStateError as exc:
            raise DateNotMoved(exc.message) from None
    old_start = occ.start
    occ.start, occ.end = start, end
    occ.booking = new_booking if new_booking is not None else occ.booking
    occ.sequence += 1
    occ.changed_at = timezone.now()
    occ.save(update_fields=["start", "end", "booking", "sequence", "changed_at"])
    occ.refresh_from_db(fields=["start", "end"])
    event.refresh_span()
    recount_moved_date(occ, old_start, by=by)
    registrants = _registrants(occ)
    Registration.objects.filter(pk__in=[r.pk for r in registrants]).update(reminded_at=None)
    old_when = timezone.localtime(old_start, space.tz)
    for registration in registrants:
        _email(registration, "date_moved", old_when=old_when)
    _email_organiser(occ, "date_moved_organiser", old_when=old_when, told=len(registrants))
    audit.record(
        occ,
        "programme.date_moved",
        by=by,
        space=space,
        before=before,
        after={
            "start": occ.start,
            "end": occ.end,
            "resource": resource.pk if resource else None,
            "told": len(registrants),
        },
    )
    return occ


@transaction.atomic
def cancel_occurrence(occurrence: Occurrence, *, by, reason: str = "") -> int:
    """Cancel one date of an event (the others stay). Its room booking is cancelled (under the bookings'
    rules: past the cancellation deadline only a coordinator may) and its registrations are cancelled.
    Side effects: an email to every active registrant; network guests' counted days given back (when nothing
    else needs them); the date's SEQUENCE (iCal) goes up; an audit entry. Returns the number of people told."""
    from bookings import services as bookings

    occ = _lock(occurrence)
    _check_date_to_change(occ, by)
    if _booking_is_held(occ):
        try:
            bookings.cancel_booking(occ.booking, by=by, reason=reason or _("This date of the event is cancelled."))
        except bookings.BookingRefused as exc:
            raise ValidationError(exc.reason) from None
    occ.is_cancelled = True
    occ.sequence += 1
    occ.changed_at = timezone.now()
    occ.save(update_fields=["is_cancelled", "sequence", "changed_at"])
    occ.event.refresh_span()
    registrants = _registrants(occ)
    Registration.objects.filter(pk__in=[r.pk for r in registrants]).update(status=Registration.Status.CANCELLED)
    give_back_days(occ.space, [r.network_visit_id for r in registrants], by=by)
    for registration in registrants:
        _email(registration, "date_cancelled", reason=reason)
    audit.record(occ, "programme.date_cancelled", by=by, space=occ.space, note=reason, after={"told": len(registrants)})
    return len(registrants)
