"""Creating an event books its room in the same transaction, under the bookings' rules."""

from __future__ import annotations

import datetime
import zoneinfo
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bookings.models import Booking, BookingPolicy
from programme import services
from programme.models import Event, Occurrence
from tests import factories as f

pytestmark = pytest.mark.django_db

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")


def _at(day_offset: int, hour: int) -> datetime.datetime:
    day = datetime.date.today() + datetime.timedelta(days=day_offset)
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=BRUSSELS)


def test_member_creates_event_for_their_practice_and_books_the_room(room, member, practice):
    event = services.create_event(
        room.space,
        by=member,
        resource=room,
        start=_at(5, 19),
        end=_at(5, 21),
        practice=practice,
        title="Screening: The Commons",
        category=Event.Category.SCREENING,
        languages=["nl", "fr"],
        price_kind=Event.Price.FIXED,
        price=Decimal("5.00"),
        capacity=40,
    )

    occurrence = event.occurrences.get()
    booking = occurrence.booking
    assert (booking.kind, booking.is_public, booking.status, booking.resource_id) == (
        "event",
        True,
        "confirmed",
        room.pk,
    )
    assert (booking.start, booking.end) == (_at(5, 19), _at(5, 21))
    assert (occurrence.capacity, occurrence.is_free, occurrence.languages) == (40, False, ["nl", "fr"])
    assert event.price == Decimal("5.00")


def test_exhibition_spans_several_days(room, coordinator):
    event = services.create_event(
        room.space,
        by=coordinator,
        resource=room,
        start=_at(3, 10),
        end=_at(9, 18),
        title="Prototypes for a neighbourhood",
        category=Event.Category.EXHIBITION,
    )

    occurrence = event.occurrences.get()
    assert occurrence.end - occurrence.start == datetime.timedelta(days=6, hours=8)


def test_repeating_event_has_one_date_each_with_its_own_registrations(room, coordinator):
    event = services.create_event(
        room.space,
        by=coordinator,
        resource=room,
        start=_at(2, 18),
        end=_at(2, 20),
        recurrence="FREQ=WEEKLY;COUNT=3",
        title="Repair café",
        capacity=1,
    )
    first, second, third = event.occurrences.order_by("start")

    services.register(first, name="Ana", email="ana@example.net")

    assert [o.start for o in (first, second, third)] == [_at(2, 18), _at(9, 18), _at(16, 18)]
    assert Booking.objects.filter(kind="event").count() == 3
    assert [Occurrence.objects.get(pk=o.pk).confirmed_count for o in (first, second, third)] == [1, 0, 0]


def test_conflict_is_told_in_plain_words_and_nothing_is_created(room, coordinator):
    services.create_event(room.space, by=coordinator, resource=room, start=_at(4, 18), end=_at(4, 20), title="A")

    with pytest.raises(services.EventNotCreated) as error:
        services.create_event(room.space, by=coordinator, resource=room, start=_at(4, 19), end=_at(4, 21), title="B")

    assert error.value.is_conflict is True
    assert error.value.message.startswith("The room is already taken at these times:")
    assert list(Event.objects.values_list("title", flat=True)) == ["A"]
    assert Booking.objects.count() == 1
    assert Occurrence.objects.count() == 1


def test_refusal_by_the_booking_rules_creates_nothing(room, member, practice):
    BookingPolicy.objects.create(space=room.space, max_duration_minutes=60)

    with pytest.raises(services.EventNotCreated) as error:
        services.create_event(
            room.space, by=member, resource=room, start=_at(4, 18), end=_at(4, 21), practice=practice, title="Long"
        )

    assert error.value.is_conflict is False
    assert error.value.message
    assert Event.objects.count() == 0
    assert Booking.objects.count() == 0


def test_member_cannot_create_for_a_practice_they_do_not_act_for(room, member):
    stranger = f.PracticeFactory(name="Not mine")
    f.SpaceMembershipFactory(space=room.space, practice=stranger)

    with pytest.raises(PermissionDenied):
        services.create_event(
            room.space, by=member, resource=room, start=_at(4, 18), end=_at(4, 20), practice=stranger, title="X"
        )
    with pytest.raises(PermissionDenied):
        services.create_event(room.space, by=member, resource=room, start=_at(4, 18), end=_at(4, 20), title="X")


def test_outsider_cannot_create(room, outsider):
    with pytest.raises(PermissionDenied):
        services.create_event(room.space, by=outsider, resource=room, start=_at(4, 18), end=_at(4, 20), title="X")


def test_fixed_price_needs_an_amount(room, coordinator):
    with pytest.raises(ValidationError) as error:
        services.create_event(
            room.space,
            by=coordinator,
            resource=room,
            start=_at(4, 18),
            end=_at(4, 20),
            title="X",
            price_kind=Event.Price.FIXED,
        )

    assert error.value.message_dict == {"price": ["Give the amount of the fixed price."]}
    assert Event.objects.count() == 0


def test_room_of_another_space_is_refused(room, coordinator, other_space):
    elsewhere = f.ResourceFactory(space=other_space)

    with pytest.raises(ValidationError):
        services.create_event(
            room.space, by=coordinator, resource=elsewhere, start=_at(4, 18), end=_at(4, 20), title="X"
        )


def test_cancel_event_frees_the_room_and_tells_registrants(room, coordinator, django_capture_on_commit_callbacks):
    from django.core import mail

    event = services.create_event(
        room.space, by=coordinator, resource=room, start=_at(4, 18), end=_at(4, 20), title="Gone", capacity=5
    )
    services.register(event.occurrences.get(), name="Ana", email="ana@example.net")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        told = services.cancel_event(event, by=coordinator, reason="The speaker is ill.")

    assert told == 1
    assert Booking.objects.get().status == "cancelled"
    assert Occurrence.objects.get().is_cancelled is True
    assert [m.subject for m in mail.outbox if m.to == ["ana@example.net"]] == ["Cancelled: Gone"]


def test_update_event_copies_filter_fields_to_dates(room, coordinator):
    event = services.create_event(
        room.space, by=coordinator, resource=room, start=_at(4, 18), end=_at(4, 20), title="T"
    )

    services.update_event(event, by=coordinator, category=Event.Category.CONCERT, wheelchair_accessible=True)

    occurrence = event.occurrences.get()
    assert (occurrence.category, occurrence.is_accessible) == ("concert", True)


def test_event_waiting_for_room_approval_is_listed_once_approved(room, member, practice, api):
    from bookings import services as bookings

    BookingPolicy.objects.create(space=room.space, requires_approval=True)
    event = services.create_event(
        room.space, by=member, resource=room, start=_at(4, 18), end=_at(4, 20), practice=practice, title="Pending"
    )
    before = [e["title"] for e in api().get("/api/v1/events").json()["results"]]

    bookings.approve_booking(event.occurrences.get().booking, by=_coordinator(room.space))
    after = [e["title"] for e in api().get("/api/v1/events").json()["results"]]

    assert (before, after) == ([], ["Pending"])


def _coordinator(space):
    from spaces.models import RoleAssignment

    person = f.MemberFactory(email="approver@example.org")
    f.RoleAssignmentFactory(space=space, member=person, role=RoleAssignment.Role.COORDINATOR)
    return person
