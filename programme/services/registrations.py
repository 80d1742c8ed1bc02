"""Registrations for one date of an event: register (a place or the waitlist), cancel, move the waitlist up,
remove a registrant's data, mark attendance."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import audit
from network import services as network_services
from network.models import NetworkVisit, Privilege
from spaces.models import Space

from .. import rules
from ..models import Event, Occurrence, Registration
from .emails import _email


def _lock(occurrence: Occurrence) -> Occurrence:
    return Occurrence.objects.select_for_update().select_related("event", "space").get(pk=occurrence.pk)


def _admit_network_guest(occ: Occurrence, by, *, record: bool = True):
    """Apply the host's "events" rule to a member of its network (not of the space) who registers.

    Member events: only when the rule lets members of the network in; the day (the occurrence's local date at the
    host) is admitted by network.services.admit, which counts it once per day and says its charge (``record``
    False: the answer only, nothing counted, for a place on the waitlist). Network events: refused only when the
    space saved a rule that keeps members of the network out. Returns the Admission (None when no network rule
    applies); raises PermissionDenied with the reason when refused.
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
    admission = network_services.admit(space, Privilege.EVENTS, on_date=day, member=by, rule=rule, record=record)
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
    email address); for a network guest at a member event who gets a place, a network visit counted at the host
    (once per day, linked to the registration; a place on the waitlist counts the day only once promoted).
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
    existing = occ.registrations.filter(email=email, status__in=Registration.ACTIVE).first()
    if existing is not None:
        existing.occurrence = occ
        existing.created = False
        existing.admission = _admit_network_guest(occ, by, record=False)
        _email(existing, "registered")
        return existing
    has_place = occ.confirmed_count < occ.capacity
    admission = _admit_network_guest(occ, by, record=has_place)
    if has_place:
        status = Registration.Status.CONFIRMED
        occ.confirmed_count += 1
        occ.save(update_fields=["confirmed_count"])
    else:
        status = Registration.Status.WAITLISTED
    language = (language or translation.get_language() or settings.LANGUAGE_CODE)[:2]
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    registration = Registration.objects.create(
        occurrence=occ,
        name=name,
        email=email,
        language=language,
        status=status,
        network_member=by if admission is not None else None,
        network_visit=admission.visit if admission is not None else None,
    )
    registration.created = True
    registration.admission = admission
    after = {"occurrence": occ.pk, "status": status}
    if admission is not None:
        after["network_charge"] = str(admission.charge)
    audit.record(registration, "programme.registered", space=occ.space, after=after)
    _email(registration, "registered")
    return registration


def _promote(occ: Occurrence) -> list[Registration]:
    """Move people up from the waitlist while there are places (the occurrence row is locked).

    A network guest's day is counted when they move up (``_admit_network_guest``); when the host's rule refuses
    it now (their free days are used meanwhile, or the rule changed), they stay on the waitlist and the next
    person moves up (audit "programme.promotion_held", with the reason).
    """
    promoted, held = [], []
    if occ.capacity is None:
        return promoted
    while occ.confirmed_count < occ.capacity:
        nxt = (
            Registration.objects.select_for_update()
            .filter(occurrence=occ, status=Registration.Status.WAITLISTED)
            .exclude(pk__in=held)
            .order_by("created_at", "id")
            .first()
        )
        if nxt is None:
            break
        if nxt.network_member_id is not None:
            try:
                admission = _admit_network_guest(occ, nxt.network_member, record=True)
            except PermissionDenied as refused:
                held.append(nxt.pk)
                audit.record(nxt, "programme.promotion_held", space=occ.space, note=str(refused))
                continue
            nxt.network_visit = admission.visit if admission is not None else None
        nxt.status = Registration.Status.CONFIRMED
        nxt.promoted_at = timezone.now()
        nxt.save(update_fields=["status", "promoted_at", "network_visit"])
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
    the registration's status re-read under the lock). Side effects: an email to whoever moved up; a network
    guest's counted day given back when no other registration of theirs that day needs it; an audit entry.
    Returns the registrations that moved up.
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
    give_back_days(occ.space, [registration.network_visit_id], by=by)
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


# --- network guests' counted days -------------------------------------------------------------------------------


def give_back_days(space: Space, visit_ids, *, by=None) -> int:
    """Give back the network days (NetworkVisit ids) of cancelled registrations that no registration with a
    place still uses: the same visitor's other registrations of that day at the host share the day.

    The host's "events" rule row is locked first, as ``network.services.admit`` locks it, so that a registration
    taking the same day meanwhile either finds the day still counted or counts it again. Side effects: the days
    are given back through ``network.services.give_back`` (audit "network.visit_given_back"). Returns how many.
    """
    visit_ids = {pk for pk in visit_ids if pk is not None}
    if not visit_ids:
        return 0
    network_services.lock_admissions(space, Privilege.EVENTS)
    used = Registration.objects.filter(network_visit_id__in=visit_ids, status=Registration.Status.CONFIRMED)
    unused = visit_ids - set(used.values_list("network_visit_id", flat=True))
    visits = list(NetworkVisit.objects.filter(pk__in=unused))
    for visit in visits:
        network_services.give_back(visit, by=by)
    return len(visits)


def recount_moved_date(occ: Occurrence, old_start: datetime, *, by=None) -> None:
    """The date moved from ``old_start``: when its local day at the host changed, the network guests with a
    place count the new day (``_admit_network_guest``) and the old one is given back (``give_back_days``).

    The organiser's move stands even when the host's rule refuses a guest the new day (their free days are
    used): they keep their place, the day is not counted (audit "programme.network_day_not_counted").
    """
    space = occ.space
    if timezone.localtime(old_start, space.tz).date() == timezone.localtime(occ.start, space.tz).date():
        return
    rows = list(
        occ.registrations.filter(status=Registration.Status.CONFIRMED, network_member__isnull=False).select_related(
            "network_member"
        )
    )
    old_visits = [row.network_visit_id for row in rows]
    for row in rows:
        try:
            admission = _admit_network_guest(occ, row.network_member, record=True)
        except PermissionDenied as refused:
            admission = None
            audit.record(row, "programme.network_day_not_counted", by=by, space=space, note=str(refused))
        row.network_visit = admission.visit if admission is not None else None
        row.save(update_fields=["network_visit"])
    give_back_days(space, old_visits, by=by)
