"""Every change to the programme: events and their registrations, projects, services and office-hour slots.

Each function is atomic, checks permission (``by``), writes an audit entry and lists its side effects.
Visitors (no account) act through the secret link in their email: the functions that they may call take
``by=None`` and the caller is responsible for having checked the token.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from core import audit, emails
from network import services as network_services
from network.models import Privilege
from spaces import rules as space_rules
from spaces.models import Resource, Space

from . import rules
from .models import LANGUAGE_CODES, Event, Occurrence, Project, ProjectImage, Registration, Service, Slot

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


# --- events -------------------------------------------------------------------------------------------------


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
        **{k: v for k, v in _copy_to_occurrences(event).items() if k != "capacity"}
    )
    old, new = audit.diff(before, _snapshot(event))
    audit.record(event, "programme.event_updated", by=by, before=old, after=new)
    return event


@transaction.atomic
def cancel_event(event: Event, *, by, reason: str = "") -> int:
    """Cancel an event: its future dates are cancelled, their room bookings cancelled, and every active
    registrant is told by email. Returns the number of people told."""
    from bookings import services as bookings

    if not rules.is_organiser(by, event):
        raise PermissionDenied
    event.status = Event.Status.CANCELLED
    event.save(update_fields=["status"])
    occurrences = list(Occurrence.objects.select_for_update().filter(event=event, end__gt=timezone.now()))
    for occ in occurrences:
        occ.is_cancelled = True
        occ.save(update_fields=["is_cancelled"])
        if occ.booking_id and occ.booking.status in ("pending", "confirmed"):
            bookings.cancel_booking(occ.booking, by=by, reason=reason or _("The event is cancelled."))
    event.refresh_span()
    registrations = list(
        Registration.objects.filter(occurrence__in=occurrences, status__in=Registration.ACTIVE).select_related(
            "occurrence"
        )
    )
    Registration.objects.filter(pk__in=[r.pk for r in registrations]).update(status=Registration.Status.CANCELLED)
    for registration in registrations:
        _email(registration, "event_cancelled", event=event, reason=reason)
    audit.record(event, "programme.event_cancelled", by=by, note=reason, after={"told": len(registrations)})
    return len(registrations)


# --- registrations ------------------------------------------------------------------------------------------


def manage_url(registration: Registration) -> str:
    with translation.override(registration.language):
        return settings.SITE_URL + reverse("programme:registration", kwargs={"token": registration.token})


def _email(registration: Registration, template: str, **context) -> None:
    """Send after commit, in the registrant's language, with their secret link."""
    occurrence = registration.occurrence
    event = occurrence.event
    data = {
        "registration": registration,
        "occurrence": occurrence,
        "event": event,
        "space": occurrence.space,
        "manage_url": manage_url(registration),
        "when": timezone.localtime(occurrence.start, occurrence.space.tz),
        **context,
    }
    to, language = registration.email, registration.language
    transaction.on_commit(lambda: emails.send(f"programme/email/{template}", to, data, language=language))


def _lock(occurrence: Occurrence) -> Occurrence:
    return Occurrence.objects.select_for_update().select_related("event", "space").get(pk=occurrence.pk)


def _admit_network_guest(occ: Occurrence, by):
    """Apply the host's "events" rule to a member of its network (not of the space) who registers.

    Member events: only when the rule lets members of the network in; the day (the occurrence's local date at the
    host) is admitted by network.services.admit, which counts it once per day and says its charge. Network events:
    refused only when the space saved a rule that keeps members of the network out. Returns the Admission (None
    when no network rule applies); raises PermissionDenied with the reason when refused.
    """
    event, space = occ.event, occ.space
    if event.audience == Event.Audience.PUBLIC or not rules.is_network_guest(by, space):
        return None
    rule = rules.events_rule(space)
    if event.audience == Event.Audience.NETWORK:
        if rule is not None and not rule.local:
            raise PermissionDenied(
                _("%(space)s does not let members of the network register for its events.") % {"space": space.name}
            )
        return None
    if rule is None or not rule.local:
        raise PermissionDenied(network_services.not_allowed_reason(space, Privilege.EVENTS, federated=False))
    day = timezone.localtime(occ.start, space.tz).date()
    admission = network_services.admit(space, Privilege.EVENTS, on_date=day, member=by, rule=rule)
    if not admission.allowed:
        raise PermissionDenied(admission.reason)
    return admission


@transaction.atomic
def register(occurrence: Occurrence, *, name: str, email: str, language: str | None = None, by=None) -> Registration:
    """Register a visitor (no account needed) for one date: a place while there is one, else the waitlist.

    The date's row is locked, so that registrations never exceed its capacity. Registering again with the same
    email gives back the existing registration (and sends its link again). ``registration.created`` says
    whether it is new. ``by``: the signed-in person registering, if any; when they are a member of the space's
    network but not of the space, the space's "events" network rule applies (see ``_admit_network_guest``) and
    ``registration.admission`` holds the host's answer (its ``charge``: the day price to pay at the space), else
    None. Side effects: an email with the secret link to cancel or remove one's data; an audit entry (without the
    email address); for a network guest at a member event, a network visit counted at the host (once per day).
    """
    occ = _lock(occurrence)
    email = (email or "").strip().lower()
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = [_("Give your name.")]
    if not email:
        errors["email"] = [_("Give your email address.")]
    if errors:
        raise ValidationError(errors)
    if occ.is_cancelled or occ.event.status == Event.Status.CANCELLED:
        raise ValidationError(_("This event is cancelled."))
    if occ.capacity is None:
        raise ValidationError(_("This event needs no registration: just come."))
    if occ.end <= timezone.now():
        raise ValidationError(_("This event is over."))
    admission = _admit_network_guest(occ, by)
    existing = occ.registrations.filter(email=email, status__in=Registration.ACTIVE).first()
    if existing is not None:
        existing.occurrence = occ
        existing.created = False
        existing.admission = admission
        _email(existing, "registered")
        return existing
    if occ.confirmed_count < occ.capacity:
        status = Registration.Status.CONFIRMED
        occ.confirmed_count += 1
        occ.save(update_fields=["confirmed_count"])
    else:
        status = Registration.Status.WAITLISTED
    language = (language or translation.get_language() or settings.LANGUAGE_CODE)[:2]
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    registration = Registration.objects.create(occurrence=occ, name=name, email=email, language=language, status=status)
    registration.created = True
    registration.admission = admission
    after = {"occurrence": occ.pk, "status": status}
    if admission is not None:
        after["network_charge"] = str(admission.charge)
    audit.record(registration, "programme.registered", space=occ.space, after=after)
    _email(registration, "registered")
    return registration


def _promote(occ: Occurrence) -> list[Registration]:
    """Move people up from the waitlist while there are places (the occurrence row is locked)."""
    promoted = []
    if occ.capacity is None:
        return promoted
    while occ.confirmed_count < occ.capacity:
        nxt = (
            Registration.objects.select_for_update()
            .filter(occurrence=occ, status=Registration.Status.WAITLISTED)
            .order_by("created_at", "id")
            .first()
        )
        if nxt is None:
            break
        nxt.status = Registration.Status.CONFIRMED
        nxt.promoted_at = timezone.now()
        nxt.save(update_fields=["status", "promoted_at"])
        occ.confirmed_count += 1
        nxt.occurrence = occ
        audit.record(nxt, "programme.promoted", space=occ.space, after={"occurrence": occ.pk})
        _email(nxt, "promoted")
        promoted.append(nxt)
    occ.save(update_fields=["confirmed_count"])
    return promoted


def _check_registrant_or_organiser(registration: Registration, by) -> None:
    if by is not None and not rules.is_organiser(by, registration.occurrence.event):
        raise PermissionDenied


@transaction.atomic
def cancel_registration(registration: Registration, *, by=None) -> list[Registration]:
    """Cancel a registration (``by=None``: the visitor, through their link; else an organiser).

    If it held a place, the first person on the waitlist moves up, exactly once (the date's row is locked and
    the registration's status re-read under the lock). Side effects: an email to whoever moved up; an audit
    entry. Returns the registrations that moved up.
    """
    occ = _lock(registration.occurrence)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    registration.occurrence = occ
    _check_registrant_or_organiser(registration, by)
    if not registration.is_active:
        return []
    held_place = registration.status == Registration.Status.CONFIRMED
    registration.status = Registration.Status.CANCELLED
    registration.save(update_fields=["status"])
    audit.record(registration, "programme.registration_cancelled", by=by, space=occ.space)
    if held_place:
        occ.confirmed_count -= 1
        return _promote(occ)
    return []


@transaction.atomic
def remove_registrant_data(registration: Registration, *, by=None) -> int:
    """Erase a registrant's name and email address.

    ``by=None`` (the visitor, through their link): every registration with that email address, at every
    event. An organiser: that person's registrations at this event only. Active registrations are cancelled
    first (so the waitlist moves up). Side effects: the rows are deleted; an audit entry without personal data.
    Returns the number of registrations removed.
    """
    _check_registrant_or_organiser(registration, by)
    rows = Registration.objects.filter(email=registration.email)
    if by is not None:
        rows = rows.filter(occurrence__event_id=registration.occurrence.event_id)
    rows = list(rows.select_related("occurrence"))
    for row in rows:
        if row.is_active:
            cancel_registration(row, by=None)
    count = len(rows)
    Registration.objects.filter(pk__in=[r.pk for r in rows]).delete()
    event = registration.occurrence.event
    audit.record(event, "programme.registrant_data_removed", by=by, after={"registrations": count})
    return count


@transaction.atomic
def mark_attendance(registration: Registration, *, attended: bool | None, by) -> Registration:
    """Record whether a registrant came. Side effects: an audit entry."""
    if not rules.is_organiser(by, registration.occurrence.event):
        raise PermissionDenied
    before = registration.attended
    registration.attended = attended
    registration.save(update_fields=["attended"])
    audit.record(
        registration,
        "programme.attendance",
        by=by,
        space=registration.occurrence.space,
        before={"attended": before},
        after={"attended": attended},
    )
    return registration


@transaction.atomic
def message_registrants(event: Event, *, subject: str, body: str, by, occurrence: Occurrence | None = None) -> int:
    """Email every active registrant (registered or waiting) of the event, or of one date. Replies go to the
    sender. Side effects: the emails (after commit); an audit entry. Returns the number of emails."""
    if not rules.is_organiser(by, event):
        raise PermissionDenied
    errors = {}
    if not subject.strip():
        errors["subject"] = [_("Give a subject.")]
    if not body.strip():
        errors["body"] = [_("Write a message.")]
    if errors:
        raise ValidationError(errors)
    rows = Registration.objects.filter(occurrence__event=event, status__in=Registration.ACTIVE).select_related(
        "occurrence__space", "occurrence__event"
    )
    if occurrence is not None:
        rows = rows.filter(occurrence=occurrence)
    rows = list(rows)
    reply_to = [by.email]
    for registration in rows:
        data = {
            "registration": registration,
            "event": event,
            "occurrence": registration.occurrence,
            "space": event.space,
            "subject": subject,
            "body": body,
            "sender": by,
            "manage_url": manage_url(registration),
            "when": timezone.localtime(registration.occurrence.start, event.space.tz),
        }

        def send(data=data, to=registration.email, language=registration.language):
            emails.send("programme/email/message", to, data, language=language, reply_to=reply_to)

        transaction.on_commit(send)
    audit.record(event, "programme.message_sent", by=by, after={"subject": subject, "recipients": len(rows)})
    return len(rows)


def send_reminders(now: datetime | None = None) -> int:
    """Periodic job: remind registered people the day before (within 24 hours of the start), once each."""
    now = now or timezone.now()
    due = Registration.objects.filter(
        status=Registration.Status.CONFIRMED,
        reminded_at__isnull=True,
        occurrence__is_cancelled=False,
        occurrence__start__gt=now,
        occurrence__start__lte=now + timedelta(hours=24),
    ).select_related("occurrence__event", "occurrence__space")
    sent = 0
    for registration in due:
        with transaction.atomic():
            if Registration.objects.filter(pk=registration.pk, reminded_at__isnull=True).update(reminded_at=now):
                _email(registration, "reminder")
                sent += 1
    return sent


# --- changing an event's places and dates -------------------------------------------------------------------


class DateNotMoved(EventNotCreated):
    """The date could not be moved: the room is taken or the rules refuse; nothing changed."""


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

    The room is booked again in this transaction: the date's booking is cancelled and a new one (kind
    "event") made through bookings.services.create_booking, under the bookings' rules as ``create_event``
    applies them. When the room is taken or the rules refuse, DateNotMoved is raised (with the conflicting
    times) and nothing changes. Registrations stay. Side effects: the bookings' own audit entries and emails;
    an email with the new time to every active registrant (their reminder is due again); an audit entry.
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
            if _booking_is_held(occ):
                bookings.cancel_booking(occ.booking, by=by, reason=_("The date is moved."))
            new_booking = bookings.create_booking(
                resource,
                start,
                end,
                by=by,
                practice=event.practice,
                title=event.title,
                public=event.audience == Event.Audience.PUBLIC,
                kind="event",
                check_rules=not space_rules.is_coordinator(by, space),
            )[0]
        except bookings.BookingConflict as exc:
            tz = space.tz
            taken = list(bookings.affected_bookings(start=start, end=end, resource=resource)[:5])
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
    occ.save(update_fields=["start", "end", "booking"])
    occ.refresh_from_db(fields=["start", "end"])
    event.refresh_span()
    registrants = _registrants(occ)
    Registration.objects.filter(pk__in=[r.pk for r in registrants]).update(reminded_at=None)
    old_when = timezone.localtime(old_start, space.tz)
    for registration in registrants:
        _email(registration, "date_moved", old_when=old_when)
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
    Side effects: an email to every active registrant; an audit entry. Returns the number of people told."""
    from bookings import services as bookings

    occ = _lock(occurrence)
    _check_date_to_change(occ, by)
    if _booking_is_held(occ):
        try:
            bookings.cancel_booking(occ.booking, by=by, reason=reason or _("This date of the event is cancelled."))
        except bookings.BookingRefused as exc:
            raise ValidationError(exc.reason) from None
    occ.is_cancelled = True
    occ.save(update_fields=["is_cancelled"])
    occ.event.refresh_span()
    registrants = _registrants(occ)
    Registration.objects.filter(pk__in=[r.pk for r in registrants]).update(status=Registration.Status.CANCELLED)
    for registration in registrants:
        _email(registration, "date_cancelled", reason=reason)
    audit.record(occ, "programme.date_cancelled", by=by, space=occ.space, note=reason, after={"told": len(registrants)})
    return len(registrants)


# --- projects -----------------------------------------------------------------------------------------------

PROJECT_FIELDS = ("title", "text", "tags", "links", "start_date", "end_date", "is_published")


def _clean_project(project: Project) -> None:
    errors = {}
    if not project.title.strip():
        errors["title"] = [_("Give the project a title.")]
    if project.start_date and project.end_date and project.end_date < project.start_date:
        errors["end_date"] = [_("The end cannot be before the start.")]
    for link in project.links:
        if not isinstance(link, dict) or not str(link.get("url", "")).startswith(("http://", "https://")):
            errors["links"] = [_("Each link needs an address starting with http:// or https://.")]
            break
    project.tags = sorted({str(t).strip().lower() for t in project.tags if str(t).strip()})
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_project(practice, *, by, images=(), **fields) -> Project:
    """Publish a practice's project. ``images``: (file, description) pairs. Side effects: an audit entry."""
    if not rules.can_manage_project(by, practice):
        raise PermissionDenied
    project = Project(practice=practice, created_by=by, **{k: v for k, v in fields.items() if k in PROJECT_FIELDS})
    _clean_project(project)
    project.save()
    for position, (image, alt) in enumerate(images):
        ProjectImage.objects.create(project=project, image=image, alt_text=alt, position=position)
    audit.record(project, "programme.project_created", by=by, after=audit.snapshot(project))
    return project


@transaction.atomic
def update_project(project: Project, *, by, images=(), **fields) -> Project:
    """Change a project; ``images`` are added after the existing ones. Side effects: an audit entry."""
    if not rules.can_manage_project(by, project.practice):
        raise PermissionDenied
    before = audit.snapshot(project)
    for name, value in fields.items():
        if name in PROJECT_FIELDS:
            setattr(project, name, value)
    _clean_project(project)
    project.save()
    start = project.images.count()
    for position, (image, alt) in enumerate(images, start=start):
        ProjectImage.objects.create(project=project, image=image, alt_text=alt, position=position)
    old, new = audit.diff(before, audit.snapshot(project))
    audit.record(project, "programme.project_updated", by=by, before=old, after=new)
    return project


@transaction.atomic
def delete_project(project: Project, *, by) -> None:
    """Delete a project and its images. Side effects: an audit entry."""
    if not rules.can_manage_project(by, project.practice):
        raise PermissionDenied
    audit.record(project, "programme.project_deleted", by=by, before=audit.snapshot(project))
    project.delete()


# --- services and office hours ------------------------------------------------------------------------------

SERVICE_FIELDS = ("kind", "title", "description", "provider", "contact", "is_active")


@transaction.atomic
def create_service(space: Space, *, by, **fields) -> Service:
    """Add a service the space offers. Side effects: an audit entry."""
    if not rules.can_manage_services(by, space):
        raise PermissionDenied
    service = Service(space=space, **{k: v for k, v in fields.items() if k in SERVICE_FIELDS})
    if not service.title.strip():
        raise ValidationError({"title": [_("Give the service a name.")]})
    service.save()
    audit.record(service, "programme.service_created", by=by, after=audit.snapshot(service))
    return service


@transaction.atomic
def update_service(service: Service, *, by, **fields) -> Service:
    """Change a service. Side effects: an audit entry."""
    if not rules.can_manage_services(by, service.space):
        raise PermissionDenied
    before = audit.snapshot(service)
    for name, value in fields.items():
        if name in SERVICE_FIELDS:
            setattr(service, name, value)
    service.save()
    old, new = audit.diff(before, audit.snapshot(service))
    audit.record(service, "programme.service_updated", by=by, before=old, after=new)
    return service


@transaction.atomic
def add_slots(service: Service, *, by, start: datetime, end: datetime, minutes: int) -> list[Slot]:
    """Cut [start, end) into office-hour slots of ``minutes``; existing starts are kept. Side effects: an
    audit entry."""
    if not rules.can_manage_services(by, service.space):
        raise PermissionDenied
    if end <= start:
        raise ValidationError({"end": [_("The end must be after the start.")]})
    if not 5 <= minutes <= 480:
        raise ValidationError({"minutes": [_("A slot lasts between 5 and 480 minutes.")]})
    existing = set(service.slots.filter(start__gte=start, start__lt=end).values_list("start", flat=True))
    slots, cursor, step = [], start, timedelta(minutes=minutes)
    while cursor + step <= end:
        if cursor not in existing:
            slots.append(Slot(service=service, start=cursor, end=cursor + step))
        cursor += step
    if len(slots) > 200:
        raise ValidationError({"end": [_("That makes more than 200 slots; add them in smaller batches.")]})
    Slot.objects.bulk_create(slots)
    audit.record(service, "programme.slots_added", by=by, after={"slots": [s.start for s in slots]})
    return slots


class SlotTaken(Exception):
    """Someone else took the slot first."""


@transaction.atomic
def take_slot(slot: Slot, *, by, topic: str = "") -> Slot:
    """A member takes a free office-hour slot. One person per slot: the slot is taken with a conditional
    update, so two people taking it at once cannot both succeed (the second gets SlotTaken).
    Side effects: an audit entry."""
    if not rules.can_take_slot(by, slot.service.space):
        raise PermissionDenied
    if slot.start <= timezone.now():
        raise ValidationError(_("This slot is in the past."))
    now = timezone.now()
    taken = Slot.objects.filter(pk=slot.pk, taken_by__isnull=True).update(taken_by=by, taken_at=now, topic=topic[:300])
    if not taken:
        raise SlotTaken(_("Someone else has just taken this slot. Choose another one."))
    slot.refresh_from_db()
    audit.record(slot, "programme.slot_taken", by=by, space=slot.service.space)
    return slot


@transaction.atomic
def release_slot(slot: Slot, *, by) -> Slot:
    """Give a slot back (the person who took it, or a coordinator). Side effects: an audit entry."""
    if not (slot.taken_by_id == getattr(by, "pk", None) or rules.can_manage_services(by, slot.service.space)):
        raise PermissionDenied
    Slot.objects.filter(pk=slot.pk).update(taken_by=None, taken_at=None, topic="")
    slot.refresh_from_db()
    audit.record(slot, "programme.slot_released", by=by, space=slot.service.space)
    return slot
