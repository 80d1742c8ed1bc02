"""Registrations: within capacity, the waitlist, promotion exactly once, the visitor's link, data removal,
reminders."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.models import AuditEntry
from programme import services
from programme.models import Occurrence, Registration

from . import factories as pf

pytestmark = pytest.mark.django_db


def _register(occurrence, n):
    return services.register(occurrence, name=f"Person {n}", email=f"p{n}@example.net", language="en")


def test_register_within_capacity_then_waitlist(occurrence, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first, second, third = (_register(occurrence, n) for n in range(3))

    occurrence.refresh_from_db()
    assert [first.status, second.status, third.status] == ["confirmed", "confirmed", "waitlisted"]
    assert occurrence.confirmed_count == 2
    assert [m.to for m in mail.outbox] == [["p0@example.net"], ["p1@example.net"], ["p2@example.net"]]
    assert mail.outbox[0].subject == "You are registered: Who owns the city?"
    assert mail.outbox[2].subject == "You are on the waitlist: Who owns the city?"
    assert f"/en/programme/registrations/{first.token}/" in mail.outbox[0].body


def test_register_twice_with_same_email_gives_back_the_registration(occurrence):
    first = services.register(occurrence, name="Ana", email="Ana@Example.net")

    again = services.register(occurrence, name="Ana", email="ana@example.net")

    assert again.pk == first.pk
    assert again.created is False
    assert Registration.objects.count() == 1
    occurrence.refresh_from_db()
    assert occurrence.confirmed_count == 1


def test_register_needs_name_and_email(occurrence):
    with pytest.raises(ValidationError) as error:
        services.register(occurrence, name=" ", email="")

    assert error.value.message_dict == {"name": ["Give your name."], "email": ["Give your email address."]}


def test_register_for_event_without_registration_is_refused(space):
    occ = pf.occurrence_with_places(space, capacity=None)

    with pytest.raises(ValidationError) as error:
        services.register(occ, name="Ana", email="ana@example.net")

    assert error.value.messages == ["This event needs no registration: just come."]


def test_register_for_past_event_is_refused(space):
    occ = pf.OccurrenceFactory(event=pf.EventFactory(space=space), start=timezone.now() - datetime.timedelta(hours=3))

    with pytest.raises(ValidationError):
        services.register(occ, name="Ana", email="ana@example.net")


def test_cancel_promotes_first_waiting_exactly_once(occurrence, django_capture_on_commit_callbacks):
    first, _second, third, fourth = (_register(occurrence, n) for n in range(4))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.cancel_registration(first)
        promoted_again = services.cancel_registration(first)

    assert [r.pk for r in promoted] == [third.pk]
    assert promoted_again == []
    third.refresh_from_db()
    fourth.refresh_from_db()
    occurrence.refresh_from_db()
    assert (third.status, fourth.status) == ("confirmed", "waitlisted")
    assert occurrence.confirmed_count == 2
    assert [m.subject for m in mail.outbox] == ["A place is free for you: Who owns the city?"]
    assert AuditEntry.objects.filter(action="programme.promoted").count() == 1


def test_cancel_a_waiting_registration_promotes_nobody(occurrence):
    _a, _b, waiting = (_register(occurrence, n) for n in range(3))

    promoted = services.cancel_registration(waiting)

    assert promoted == []
    occurrence.refresh_from_db()
    assert occurrence.confirmed_count == 2


def test_organiser_may_cancel_but_another_member_may_not(occurrence, coordinator, member):
    registration = _register(occurrence, 1)

    with pytest.raises(PermissionDenied):
        services.cancel_registration(registration, by=member)
    services.cancel_registration(registration, by=coordinator)

    registration.refresh_from_db()
    assert registration.status == "cancelled"


def test_visitor_removes_their_data_from_every_event(space, occurrence):
    other = pf.occurrence_with_places(space, capacity=5)
    mine = services.register(occurrence, name="Ana", email="ana@example.net")
    services.register(other, name="Ana", email="ana@example.net")
    placed, waiting = _register(occurrence, 1), _register(occurrence, 2)

    removed = services.remove_registrant_data(mine, by=None)

    assert removed == 2
    assert Registration.objects.filter(email="ana@example.net").count() == 0
    assert not AuditEntry.objects.filter(object_repr__icontains="ana@").exists()
    assert "ana@example.net" not in str(list(AuditEntry.objects.values_list("before", "after", "note")))
    placed.refresh_from_db()
    waiting.refresh_from_db()
    assert (placed.status, waiting.status) == ("confirmed", "confirmed")
    assert Occurrence.objects.get(pk=other.pk).confirmed_count == 0


def test_organiser_removes_data_for_their_event_only(space, occurrence, coordinator):
    elsewhere = pf.occurrence_with_places(pf.f.SpaceFactory(), capacity=5)
    here = services.register(occurrence, name="Ana", email="ana@example.net")
    services.register(elsewhere, name="Ana", email="ana@example.net")

    removed = services.remove_registrant_data(here, by=coordinator)

    assert removed == 1
    assert list(Registration.objects.values_list("occurrence_id", flat=True)) == [elsewhere.pk]


def test_mark_attendance(occurrence, coordinator, member):
    registration = _register(occurrence, 1)

    services.mark_attendance(registration, attended=True, by=coordinator)
    with pytest.raises(PermissionDenied):
        services.mark_attendance(registration, attended=False, by=member)

    registration.refresh_from_db()
    assert registration.attended is True


def test_message_registrants_sends_one_email_each_with_reply_to(
    occurrence, coordinator, django_capture_on_commit_callbacks
):
    _register(occurrence, 1)
    _register(occurrence, 2)
    _register(occurrence, 3)  # waiting: also told
    cancelled = _register(occurrence, 4)
    services.cancel_registration(cancelled)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        count = services.message_registrants(
            occurrence.event, subject="Doors at 19:00", body="Bring a cushion.", by=coordinator
        )

    assert count == 3
    assert sorted(m.to[0] for m in mail.outbox) == ["p1@example.net", "p2@example.net", "p3@example.net"]
    assert {m.subject for m in mail.outbox} == {"Doors at 19:00"}
    assert mail.outbox[0].reply_to == ["coordinator@example.org"]
    assert "Bring a cushion." in mail.outbox[0].body


def test_reminders_are_sent_once_the_day_before(space, django_capture_on_commit_callbacks):
    now = timezone.now()
    tomorrow = pf.OccurrenceFactory(
        event=pf.EventFactory(space=space, title="Tomorrow's talk", capacity=5),
        start=now + datetime.timedelta(hours=20),
    )
    later = pf.OccurrenceFactory(event=pf.EventFactory(space=space, capacity=5), start=now + datetime.timedelta(days=3))
    services.register(tomorrow, name="Ana", email="ana@example.net", language="fr")
    services.register(later, name="Bo", email="bo@example.net")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        first_run = services.send_reminders(now)
        second_run = services.send_reminders(now + datetime.timedelta(minutes=5))

    assert (first_run, second_run) == (1, 0)
    assert [m.to for m in mail.outbox] == [["ana@example.net"]]
    assert mail.outbox[0].subject.endswith("Tomorrow's talk")


def test_reminder_job_is_registered():
    from core import periodic

    assert periodic.JOBS["programme.reminders"] is services.send_reminders
