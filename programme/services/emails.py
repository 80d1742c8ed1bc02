"""Emails to registrants: each in the registrant's language with their secret link, sent after the commit;
an organiser's message to the registrants; the reminders the day before."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import audit, emails

from .. import rules
from ..models import Event, Occurrence, Registration


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


def _email_organiser(occurrence: Occurrence, template: str, **context) -> None:
    """Send after commit to the organiser who booked the date's room (else the event's creator), in their
    language; nothing when they have no active account with an email address."""
    event = occurrence.event
    booking = occurrence.booking if occurrence.booking_id else None
    person = (booking.booked_by if booking is not None else None) or event.created_by
    if person is None or not person.is_active or not person.email:
        return
    with translation.override(person.language):
        url = settings.SITE_URL + reverse("programme:event", args=[event.pk])
    data = {
        "occurrence": occurrence,
        "event": event,
        "space": occurrence.space,
        "resource": booking.resource if booking is not None else event.resource,
        "when": timezone.localtime(occurrence.start, occurrence.space.tz),
        "url": url,
        **context,
    }
    transaction.on_commit(lambda: emails.send_to_member(f"programme/email/{template}", person, data))


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
