"""Emails about bookings, in the recipient's language, with subject, text and HTML."""

from __future__ import annotations

import pytest
from django.core import mail

from bookings import notifications, services
from bookings.models import Booking
from tests import factories as f

from .conftest import local
from .factories import BookingFactory, BookingPolicyFactory, WaitlistEntryFactory

pytestmark = pytest.mark.django_db


def test_confirmation_lists_every_date_of_a_series(member, room):
    bookings = [BookingFactory(resource=room, booked_by=member, start=local(d, 10), end=local(d, 12)) for d in (7, 14)]

    sent = notifications.booking_confirmed(bookings)

    (message,) = mail.outbox
    assert sent == 1
    assert message.subject == "2 bookings confirmed: Studio 2"
    assert message.to == ["member@example.org"]
    assert "Your 2 bookings at Werkplaats are confirmed:" in message.body
    assert message.body.count("- Studio 2: ") == 2
    assert message.alternatives[0][1] == "text/html"


def test_email_is_in_the_recipients_language(space, practice, room):
    french = f.make_member_of(space, practice=practice, email="fr@example.org", language="fr")
    booking = BookingFactory(resource=room, booked_by=french, start=local(7, 10), end=local(7, 12))

    notifications.booking_confirmed([booking])

    (message,) = mail.outbox
    assert f"http://127.0.0.1:8000/fr/spaces/{space.slug}/bookings/{booking.pk}/" in message.body
    # Dates are written the French way (Django's own French formats: weekday in French).
    weekday = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"][local(7, 10).weekday()]
    assert f"- Studio 2: {weekday} " in message.body


def test_times_are_the_spaces_local_time(member, room):
    booking = BookingFactory(resource=room, booked_by=member, start=local(7, 10), end=local(7, 12))

    notifications.booking_cancelled(booking)

    assert ", 10:00–12:00" in mail.outbox[0].body


def test_pending_tells_the_person_and_the_approvers(space, member, coordinator, room):
    booking = BookingFactory(resource=room, booked_by=member, status="pending", start=local(7, 10), end=local(7, 12))

    sent = notifications.booking_pending([booking])

    assert sent == 2
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        ("coordinator@example.org", "A booking request waits for your approval: Studio 2"),
        ("member@example.org", "Booking request received: Studio 2"),
    ]
    to_coordinator = next(m for m in mail.outbox if m.to == ["coordinator@example.org"])
    assert f"http://127.0.0.1:8000/en/spaces/{space.slug}/bookings/pending/" in to_coordinator.body


def test_approvers_follow_the_policys_role(space, member, coordinator, room):
    host = f.MemberFactory(email="host@example.org")
    f.RoleAssignmentFactory(space=space, member=host, role="host")
    BookingPolicyFactory(space=space, resource=room, requires_approval=True, approver_role="host")
    booking = BookingFactory(resource=room, booked_by=member, status="pending", start=local(7, 10), end=local(7, 12))

    assert [m.email for m in notifications.approvers(booking)] == ["coordinator@example.org", "host@example.org"]


def test_refusal_gives_the_reason(member, room):
    booking = BookingFactory(
        resource=room,
        booked_by=member,
        status="refused",
        reason="Kept for the open day",
        start=local(7, 10),
        end=local(7, 12),
    )

    notifications.booking_refused(booking)

    assert "Reason: Kept for the open day" in mail.outbox[0].body
    assert mail.outbox[0].subject == "Booking refused: Studio 2"


def test_approval_email(member, room):
    booking = BookingFactory(resource=room, booked_by=member, start=local(7, 10), end=local(7, 12))

    notifications.booking_approved(booking)

    assert mail.outbox[0].subject == "Booking approved: Studio 2"
    assert "Good news: Werkplaats approved your booking:" in mail.outbox[0].body


def test_waitlist_offer_links_to_the_filled_in_form(space, member, room):
    entry = WaitlistEntryFactory(resource=room, member=member, start=local(7, 10), end=local(7, 12))

    notifications.waitlist_offer(entry)

    (message,) = mail.outbox
    assert message.subject == "The slot you waited for is free: Studio 2"
    assert f"/en/spaces/{space.slug}/bookings/new/?resource={room.pk}&date=" in message.body
    assert "&start=10%3A00&end=12%3A00" in message.body


def test_guest_booking_is_confirmed_to_the_guests_email(room):
    booking = BookingFactory(
        resource=room, guest_name="Gia Guest", guest_email="gia@example.net", start=local(7, 10), end=local(7, 12)
    )

    notifications.booking_confirmed([booking])

    assert mail.outbox[0].to == ["gia@example.net"]
    assert mail.outbox[0].body.startswith("Hello,")


def test_no_email_without_anyone_to_tell(room):
    booking = BookingFactory(resource=room, start=local(7, 10), end=local(7, 12))

    assert notifications.booking_cancelled(booking) == 0
    assert mail.outbox == []


def test_text_emails_are_not_html_escaped(space, room):
    person = f.make_member_of(space, email="o@example.org", name="Oona O'Brien")
    booking = BookingFactory(resource=room, booked_by=person, title="Rock & roll", start=local(7, 10), end=local(7, 12))

    notifications.booking_confirmed([booking])

    assert "Hello Oona," in mail.outbox[0].body
    assert "(Rock & roll)" in mail.outbox[0].body


def test_out_of_service_through_the_service(space, coordinator, member, room, django_capture_on_commit_callbacks):
    closure = f.ClosureFactory(space=space, resource=room, start=local(7, 0), end=local(8, 0), reason="Leak")
    BookingFactory(resource=room, booked_by=member, start=local(7, 10), end=local(7, 12))

    with django_capture_on_commit_callbacks(execute=True):
        count = services.notify_out_of_service(closure, by=coordinator)

    (message,) = mail.outbox
    assert count == 1
    assert message.subject == "Out of service at Werkplaats: your booking is affected"
    assert "Studio 2 is out of service:" in message.body
    assert "(Leak)" in message.body


def test_booking_through_the_service_sends_one_confirmation(member, practice, room, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.create_booking(
            room, local(7, 10), local(7, 12), by=member, practice=practice, recurrence="FREQ=WEEKLY;COUNT=3"
        )

    assert [m.subject for m in mail.outbox] == ["3 bookings confirmed: Studio 2"]
    assert Booking.objects.count() == 3
