"""Events: create one (booking its room for every date), change what it says about itself, cancel it."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core import audit
from spaces import rules as space_rules
from spaces.models import Resource, Space

from .. import rules
from ..models import LANGUAGE_CODES, Event, Occurrence, Registration
from .emails import _email
from .registrations import give_back_days

DESCRIPTIVE_FIELDS = (
    "title",
    "description",
    "category",
    "languages",
    "audience",
    "wheelchair_accessible",
    "hearing_loop",
    "sign_language",
    "relaxed",
    "accessibility_notes",
    "price_kind",
    "price",
    "image",
    "image_alt",
)


class EventNotCreated(Exception):
    """The room could not be booked; ``message`` says why in plain words, ``conflicts`` lists the clashes."""

    def __init__(self, message: str, conflicts: list[dict] | None = None, *, is_conflict: bool = False):
        super().__init__(message)
        self.message = message
        self.conflicts = conflicts or []
        self.is_conflict = is_conflict


def _copy_to_occurrences(event: Event) -> dict:
    return {
        "audience": event.audience,
        "category": event.category,
        "is_free": event.price_kind == Event.Price.FREE,
        "is_accessible": event.wheelchair_accessible,
        "languages": list(event.languages),
        "capacity": event.capacity,
    }


def _clean_event(event: Event) -> None:
    errors = {}
    if event.price_kind == Event.Price.FIXED and event.price is None:
        errors["price"] = [_("Give the amount of the fixed price.")]
    if event.price_kind != Event.Price.FIXED:
        event.price = None
    unknown = [code for code in event.languages if code not in LANGUAGE_CODES]
    if unknown:
        errors["languages"] = [_("Unknown language: %(codes)s.") % {"codes": ", ".join(unknown)}]
    if not event.title.strip():
        errors["title"] = [_("Give the event a title.")]
    if errors:
        raise ValidationError(errors)


def _snapshot(event: Event) -> dict:
    # core.audit's file check calls .url, which raises on an empty ImageField: record the file's name instead.
    fields = [f.name for f in Event._meta.concrete_fields if f.name != "image"]
    return {**audit.snapshot(event, fields), "image": event.image.name or ""}


def _when(value: datetime, tz) -> str:
    return formats.date_format(timezone.localtime(value, tz), "DATETIME_FORMAT")


@transaction.atomic
def create_event(
    space: Space,
    *,
    by,
    resource: Resource,
    start: datetime,
    end: datetime,
    practice=None,
    recurrence: str = "",
    exdates=(),
    **fields,
) -> Event:
    """Create an event and book its room for every date, in one transaction.

    Side effects: one booking (kind "event") per date through bookings.services.create_booking, one Occurrence
    per booking, an audit entry. A conflict or refusal raises EventNotCreated and nothing is kept.
    """
    from bookings import services as bookings

    if not rules.can_create_event(by, space, practice):
        raise PermissionDenied(_("You may not create events in this space for this practice."))
    unknown = set(fields) - set(DESCRIPTIVE_FIELDS) - {"capacity"}
    if unknown:
        raise TypeError(f"Unknown event fields: {sorted(unknown)}")
    errors = {}
    if resource.space_id != space.pk:
        errors["resource"] = [_("This room belongs to another space.")]
    if end <= start:
        errors["end"] = [_("The end must be after the start.")]
    if errors:
        raise ValidationError(errors)
    event = Event(space=space, resource=resource, practice=practice, created_by=by, recurrence=recurrence, **fields)
    _clean_event(event)
    event.save()
    try:
        bookings_made = bookings.create_booking(
            resource,
            start,
            end,
            by=by,
            practice=practice,
            title=event.title,
            recurrence=recurrence or None,
            exdates=exdates,
            public=event.audience == Event.Audience.PUBLIC,
            kind="event",
            check_rules=not space_rules.is_coordinator(by, space),
        )
    except bookings.BookingConflict as exc:
        tz = space.tz
        times = "; ".join(f"{_when(c['start'], tz)} – {_when(c['end'], tz)}" for c in exc.conflicts[:5])
        message = _("The room is already taken at these times: %(times)s. Choose another time or room.") % {
            "times": times
        }
        raise EventNotCreated(message, exc.conflicts, is_conflict=True) from None
    except bookings.BookingRefused as exc:
        raise EventNotCreated(str(exc.reason)) from None
    copies = _copy_to_occurrences(event)
    Occurrence.objects.bulk_create(
        [Occurrence(event=event, space=space, booking=b, start=b.start, end=b.end, **copies) for b in bookings_made]
    )
    event.refresh_span()
    audit.record(
        event,
        "programme.event_created",
        by=by,
        after={**_snapshot(event), "dates": [b.start for b in bookings_made]},
    )
    return event


@transaction.atomic
def update_event(event: Event, *, by, **fields) -> Event:
    """Change what an event says about itself (not its dates or room). Side effects: copies the filterable
    fields to its dates; an audit entry."""
    if not rules.is_organiser(by, event):
        raise PermissionDenied
    unknown = set(fields) - set(DESCRIPTIVE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown event fields: {sorted(unknown)}")
    before = _snapshot(event)
    for name, value in fields.items():
        setattr(event, name, value)
    _clean_event(event)
    event.save()
    Occurrence.objects.filter(event=event).update(
        **{k: v for k, v in _copy_to_occurrences(event).items() if k != "capacity"}, changed_at=timezone.now()
    )
    old, new = audit.diff(before, _snapshot(event))
    audit.record(event, "programme.event_updated", by=by, before=old, after=new)
    return event


@transaction.atomic
def cancel_event(event: Event, *, by, reason: str = "") -> int:
    """Cancel an event: its future dates are cancelled, their room bookings cancelled, and every active
    registrant is told by email; network guests' counted days are given back (when nothing else needs them) and
    the dates' SEQUENCE (iCal) goes up. Returns the number of people told."""
    from bookings import services as bookings

    if not rules.is_organiser(by, event):
        raise PermissionDenied
    event.status = Event.Status.CANCELLED
    event.save(update_fields=["status"])
    now = timezone.now()
    occurrences = list(Occurrence.objects.select_for_update().filter(event=event, end__gt=now))
    for occ in occurrences:
        occ.is_cancelled = True
        occ.sequence += 1
        occ.changed_at = now
        occ.save(update_fields=["is_cancelled", "sequence", "changed_at"])
        if occ.booking_id and occ.booking.status in ("pending", "confirmed"):
            bookings.cancel_booking(occ.booking, by=by, reason=reason or _("The event is cancelled."))
    event.refresh_span()
    registrations = list(
        Registration.objects.filter(occurrence__in=occurrences, status__in=Registration.ACTIVE).select_related(
            "occurrence"
        )
    )
    Registration.objects.filter(pk__in=[r.pk for r in registrations]).update(status=Registration.Status.CANCELLED)
    give_back_days(event.space, [r.network_visit_id for r in registrations], by=by)
    for registration in registrations:
        _email(registration, "event_cancelled", event=event, reason=reason)
    audit.record(event, "programme.event_cancelled", by=by, note=reason, after={"told": len(registrations)})
    return len(registrations)
