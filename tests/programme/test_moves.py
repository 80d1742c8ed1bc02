"""Moving a date moves its room booking in place (bookings.services.move_booking): nobody else sees the room free
in between, the bookings' waitlist is offered only the time the booking no longer covers, and the organiser gets the
programme's "date moved" email instead of the bookings' cancel and confirm emails."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from bookings import services as bookings
from bookings.models import Booking, WaitlistEntry
from core.models import AuditEntry
from programme import services
from tests import factories as f

pytestmark = pytest.mark.django_db

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")


def _at(day_offset: int, hour: int, minute: int = 0) -> datetime.datetime:
    day = datetime.date.today() + datetime.timedelta(days=day_offset)
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=BRUSSELS)


@pytest.fixture
def talk(room, coordinator):
    """A talk in ``room`` in four days, 18:00–20:00, with Ana registered."""
    event = services.create_event(
        room.space, by=coordinator, resource=room, start=_at(4, 18), end=_at(4, 20), title="Commons", capacity=5
    )
    services.register(event.occurrences.get(), name="Ana", email="ana@example.net", language="en")
    return event


def _waiting(resource, start, end, email="wait@example.org") -> WaitlistEntry:
    person = f.make_member_of(resource.space, email=email)
    return WaitlistEntry.objects.create(resource=resource, start=start, end=end, member=person)


def test_move_on_the_same_room_offers_nothing_it_still_covers_and_sends_only_the_date_moved_emails(
    talk, room, coordinator, django_capture_on_commit_callbacks
):
    old_time = _waiting(room, _at(4, 18), _at(4, 20), "old@example.org")
    new_time = _waiting(room, _at(4, 19), _at(4, 21), "new@example.org")
    booking = talk.occurrences.get().booking
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.move_occurrence(talk.occurrences.get(), by=coordinator, start=_at(4, 19), end=_at(4, 21))

    booking.refresh_from_db()
    assert (booking.start, booking.end, booking.status, booking.resource) == (_at(4, 19), _at(4, 21), "confirmed", room)
    old_time.refresh_from_db()
    new_time.refresh_from_db()
    assert (old_time.status, new_time.status) == ("waiting", "waiting")
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        ("ana@example.net", "New time: Commons"),
        (coordinator.email, "Date moved: Commons"),
    ]
    to_organiser = next(m for m in mail.outbox if m.to == [coordinator.email])
    assert "Hall" in to_organiser.body and "19:00" in to_organiser.body and "18:00" in to_organiser.body
    assert "The person registered for this date has been told." in to_organiser.body
    actions = list(AuditEntry.objects.filter(object_type="bookings.booking").values_list("action", flat=True))
    assert "bookings.moved" in actions and "bookings.cancelled" not in actions
    moved = AuditEntry.objects.get(action="bookings.moved")
    assert [
        datetime.datetime.fromisoformat(moved.before["start"]),
        datetime.datetime.fromisoformat(moved.after["start"]),
    ] == [
        _at(4, 18),
        _at(4, 19),
    ]


def test_move_on_the_same_room_offers_the_time_it_frees(talk, room, coordinator, django_capture_on_commit_callbacks):
    old_time = _waiting(room, _at(4, 18), _at(4, 20), "old@example.org")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.move_occurrence(talk.occurrences.get(), by=coordinator, start=_at(6, 19), end=_at(6, 21))

    old_time.refresh_from_db()
    assert old_time.status == "offered"
    assert "old@example.org" in [m.to[0] for m in mail.outbox]
    assert Booking.objects.filter(status="cancelled").count() == 0


def test_move_onto_a_taken_time_changes_nothing_and_offers_nothing(
    talk, room, coordinator, django_capture_on_commit_callbacks
):
    bookings.create_booking(room, _at(6, 18), _at(6, 22), by=coordinator, title="Choir")
    entry = _waiting(room, _at(4, 18), _at(4, 20))
    booking = talk.occurrences.get().booking
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.DateNotMoved) as caught:
        services.move_occurrence(talk.occurrences.get(), by=coordinator, start=_at(6, 19), end=_at(6, 21))

    assert "The room is not free at that time" in caught.value.message
    booking.refresh_from_db()
    entry.refresh_from_db()
    assert (booking.start, booking.status, entry.status) == (_at(4, 18), "confirmed", "waiting")
    assert mail.outbox == []
    assert not AuditEntry.objects.filter(action="bookings.moved").exists()


def test_conflict_message_does_not_name_the_dates_own_booking(talk, room, coordinator):
    bookings.create_booking(room, _at(4, 20), _at(4, 22), by=coordinator, title="Choir")

    with pytest.raises(services.DateNotMoved) as caught:
        services.move_occurrence(talk.occurrences.get(), by=coordinator, start=_at(4, 19), end=_at(4, 21))

    tz = BRUSSELS
    assert f"{services._when(_at(4, 20), tz)} – {services._when(_at(4, 22), tz)}" in caught.value.message
    assert services._when(_at(4, 18), tz) not in caught.value.message


def test_move_to_another_room_offers_the_old_slot_to_that_rooms_waitlist(
    talk, room, coordinator, django_capture_on_commit_callbacks
):
    studio = f.ResourceFactory(space=room.space, name="Studio")
    entry = _waiting(room, _at(4, 18), _at(4, 20))
    booking = talk.occurrences.get().booking
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.move_occurrence(
            talk.occurrences.get(), by=coordinator, start=_at(4, 18), end=_at(4, 20), resource=studio
        )

    booking.refresh_from_db()
    entry.refresh_from_db()
    assert (booking.resource, Booking.objects.count()) == (studio, 1)
    assert entry.status == "offered"
    assert "wait@example.org" in [m.to[0] for m in mail.outbox]


def test_move_booking_keeps_quota_and_buffers_of_the_booking_itself(room, coordinator, space):
    from bookings.models import BookingPolicy

    BookingPolicy.objects.create(space=space, buffer_after_minutes=30)
    booking = bookings.create_booking(room, _at(3, 10), _at(3, 12), by=coordinator)[0]

    moved = bookings.move_booking(booking, _at(3, 11), _at(3, 13), by=coordinator)

    assert (moved.pk, moved.start, moved.blocked_end) == (booking.pk, _at(3, 11), _at(3, 13, 30))


def test_move_booking_refuses_what_cancel_refuses(room, coordinator, member, other_space):
    booking = bookings.create_booking(room, _at(3, 10), _at(3, 12), by=coordinator)[0]
    elsewhere = f.ResourceFactory(space=other_space)

    with pytest.raises(PermissionDenied):
        bookings.move_booking(booking, _at(3, 14), _at(3, 16), by=member)
    with pytest.raises(ValidationError):
        bookings.move_booking(booking, _at(3, 14), _at(3, 16), by=coordinator, resource=elsewhere)
    with pytest.raises(ValidationError):
        bookings.move_booking(booking, _at(3, 16), _at(3, 14), by=coordinator)
    bookings.cancel_booking(booking, by=coordinator)
    with pytest.raises(bookings.BookingStateError):
        bookings.move_booking(booking, _at(3, 14), _at(3, 16), by=coordinator)


def test_move_booking_becomes_pending_when_the_new_room_needs_approval(
    room, space, member, practice, django_capture_on_commit_callbacks
):
    from bookings.models import BookingPolicy

    hall = f.ResourceFactory(space=space, name="Big hall")
    BookingPolicy.objects.create(space=space, resource=hall, requires_approval=True)
    booking = bookings.create_booking(room, _at(3, 10), _at(3, 12), by=member, practice=practice)[0]

    with django_capture_on_commit_callbacks(execute=True):
        moved = bookings.move_booking(booking, _at(3, 10), _at(3, 12), by=member, resource=hall)

    assert (moved.status, moved.resource) == ("pending", hall)
