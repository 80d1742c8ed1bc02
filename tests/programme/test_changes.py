"""What an organiser changes after creating an event: its places, one date's time and room, one date cancelled."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from bookings import services as bookings
from bookings.models import Booking
from core.models import AuditEntry
from programme import services
from programme.models import Registration
from tests import factories as f

from . import factories as pf

pytestmark = pytest.mark.django_db

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")


def _at(day_offset: int, hour: int, minute: int = 0) -> datetime.datetime:
    day = datetime.date.today() + datetime.timedelta(days=day_offset)
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=BRUSSELS)


def _full_date(capacity=2, waiting=1):
    """A date with ``capacity`` people registered and ``waiting`` on the waitlist."""
    occurrence = pf.occurrence_with_places(f.SpaceFactory(), capacity=capacity, title="Full house")
    for n in range(capacity + waiting):
        services.register(occurrence, name=f"Person {n}", email=f"p{n}@example.net")
    occurrence.refresh_from_db()
    return occurrence


def _organiser(space):
    from spaces.models import RoleAssignment

    person = f.MemberFactory(email=f"organiser-{space.pk}@example.org")
    f.RoleAssignmentFactory(space=space, member=person, role=RoleAssignment.Role.COORDINATOR)
    return person


# --- capacity -------------------------------------------------------------------------------------------------


def test_raising_capacity_moves_the_waitlist_up_once(django_capture_on_commit_callbacks):
    occurrence = _full_date(capacity=2, waiting=2)
    event, coordinator = occurrence.event, _organiser(occurrence.space)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.change_capacity(event, by=coordinator, capacity=3)
    again = services.change_capacity(event, by=coordinator, capacity=3)

    occurrence.refresh_from_db()
    assert [r.email for r in promoted] == ["p2@example.net"]
    assert again == []
    assert (occurrence.capacity, occurrence.confirmed_count) == (3, 3)
    assert event.capacity == 3
    assert [m.to for m in mail.outbox] == [["p2@example.net"]]
    assert Registration.objects.filter(status="waitlisted").count() == 1
    entry = AuditEntry.objects.get(action="programme.capacity_changed")
    assert (entry.before, entry.after) == ({"capacity": 2}, {"capacity": 3, "promoted": 1})


def test_lowering_capacity_below_the_registered_is_refused_with_the_dates():
    occurrence = _full_date(capacity=3, waiting=0)
    coordinator = _organiser(occurrence.space)

    with pytest.raises(ValidationError) as caught:
        services.change_capacity(occurrence.event, by=coordinator, capacity=2)

    message = caught.value.message_dict["capacity"][0]
    assert "3 registered" in message
    assert "at least 3 places" in message
    occurrence.refresh_from_db()
    assert (occurrence.capacity, occurrence.event.capacity) == (3, 3)


def test_lowering_capacity_leaves_past_dates_alone():
    occurrence = _full_date(capacity=3, waiting=0)
    past = pf.OccurrenceFactory(
        event=occurrence.event, start=_at(-3, 18), end=_at(-3, 20), capacity=3, confirmed_count=3
    )

    services.change_capacity(occurrence.event, by=_organiser(occurrence.space), capacity=5)

    past.refresh_from_db()
    occurrence.refresh_from_db()
    assert (past.capacity, occurrence.capacity) == (3, 5)


def test_no_limit_any_more_gives_everyone_waiting_a_place(django_capture_on_commit_callbacks):
    occurrence = _full_date(capacity=1, waiting=2)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.change_capacity(occurrence.event, by=_organiser(occurrence.space), capacity=None)

    occurrence.refresh_from_db()
    assert len(promoted) == 2
    assert (occurrence.capacity, occurrence.confirmed_count) == (None, 3)
    assert len(mail.outbox) == 2


def test_only_organisers_change_capacity(member):
    occurrence = _full_date()

    with pytest.raises(PermissionDenied):
        services.change_capacity(occurrence.event, by=member, capacity=10)


def test_capacity_of_zero_is_refused():
    occurrence = _full_date()

    with pytest.raises(ValidationError) as caught:
        services.change_capacity(occurrence.event, by=_organiser(occurrence.space), capacity=0)

    assert "capacity" in caught.value.message_dict


# --- moving a date ----------------------------------------------------------------------------------------------


@pytest.fixture
def talk(room, coordinator):
    """A talk in ``room`` in four days, 18:00–20:00, with Ana registered."""
    event = services.create_event(
        room.space, by=coordinator, resource=room, start=_at(4, 18), end=_at(4, 20), title="Commons", capacity=5
    )
    services.register(event.occurrences.get(), name="Ana", email="ana@example.net", language="en")
    return event


def test_move_moves_the_room_booking_and_tells_registrants(talk, room, coordinator, django_capture_on_commit_callbacks):
    occurrence = talk.occurrences.get()
    old_booking = occurrence.booking
    Registration.objects.update(reminded_at=_at(3, 18))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        moved = services.move_occurrence(occurrence, by=coordinator, start=_at(6, 19), end=_at(6, 21))

    old_booking.refresh_from_db()
    moved.refresh_from_db()
    talk.refresh_from_db()
    assert moved.booking_id == old_booking.pk
    assert Booking.objects.count() == 1
    assert (moved.booking.start, moved.booking.end, moved.booking.kind, moved.booking.status) == (
        _at(6, 19),
        _at(6, 21),
        "event",
        "confirmed",
    )
    assert (moved.start, moved.end, talk.first_start) == (_at(6, 19), _at(6, 21), _at(6, 19))
    assert Registration.objects.get().status == "confirmed"
    assert Registration.objects.get().reminded_at is None
    to_ana = [m for m in mail.outbox if m.to == ["ana@example.net"]]
    assert [m.subject for m in to_ana] == ["New time: Commons"]
    assert "19:00" in to_ana[0].body and "18:00" in to_ana[0].body
    entry = AuditEntry.objects.get(action="programme.date_moved")
    assert entry.after["told"] == 1


def test_move_overlapping_its_own_time_works(talk, coordinator):
    occurrence = talk.occurrences.get()

    moved = services.move_occurrence(occurrence, by=coordinator, start=_at(4, 18, 30), end=_at(4, 20, 30))

    assert (moved.start, Booking.objects.filter(status="confirmed").count()) == (_at(4, 18, 30), 1)


def test_move_onto_a_taken_time_changes_nothing_and_names_the_times(talk, room, coordinator):
    bookings.create_booking(room, _at(6, 18), _at(6, 22), by=coordinator, title="Choir")
    occurrence = talk.occurrences.get()
    mail.outbox.clear()

    with pytest.raises(services.DateNotMoved) as caught:
        services.move_occurrence(occurrence, by=coordinator, start=_at(6, 19), end=_at(6, 21))

    assert caught.value.is_conflict
    taken = f"{services._when(_at(6, 18), BRUSSELS)} – {services._when(_at(6, 22), BRUSSELS)}"
    assert taken in caught.value.message
    occurrence.refresh_from_db()
    assert occurrence.start == _at(4, 18)
    assert occurrence.booking.status == "confirmed"
    assert Booking.objects.filter(status="confirmed").count() == 2
    assert not AuditEntry.objects.filter(action="programme.date_moved").exists()


def test_move_to_another_room_of_the_space(talk, room, coordinator):
    studio = f.ResourceFactory(space=room.space, name="Studio")

    moved = services.move_occurrence(
        talk.occurrences.get(), by=coordinator, start=_at(4, 18), end=_at(4, 20), resource=studio
    )

    assert moved.booking.resource == studio


def test_move_refuses_a_room_of_another_space_a_past_time_and_non_organisers(talk, coordinator, member, other_space):
    occurrence = talk.occurrences.get()
    elsewhere = f.ResourceFactory(space=other_space)

    with pytest.raises(ValidationError) as room_error:
        services.move_occurrence(occurrence, by=coordinator, start=_at(6, 18), end=_at(6, 20), resource=elsewhere)
    with pytest.raises(ValidationError) as past_error:
        services.move_occurrence(occurrence, by=coordinator, start=_at(-1, 18), end=_at(-1, 20))
    with pytest.raises(PermissionDenied):
        services.move_occurrence(occurrence, by=member, start=_at(6, 18), end=_at(6, 20))

    assert "resource" in room_error.value.message_dict
    assert "start" in past_error.value.message_dict


def test_a_cancelled_or_past_date_cannot_be_moved(coordinator, space):
    event = pf.EventFactory(space=space)
    past = pf.OccurrenceFactory(event=event, start=_at(-2, 18), end=_at(-2, 20))
    cancelled = pf.OccurrenceFactory(event=event, start=_at(5, 18), end=_at(5, 20), is_cancelled=True)

    for occurrence in (past, cancelled):
        with pytest.raises(ValidationError):
            services.move_occurrence(occurrence, by=coordinator, start=_at(8, 18), end=_at(8, 20))


def test_the_feed_shows_the_new_time(talk, coordinator, client):
    services.move_occurrence(talk.occurrences.get(), by=coordinator, start=_at(6, 19), end=_at(6, 21))

    items = client.get(f"/feeds/spaces/{talk.space.slug}.json").json()["items"]

    assert [datetime.datetime.fromisoformat(i["_event"]["start"]) for i in items] == [_at(6, 19)]


# --- cancelling one date ----------------------------------------------------------------------------------------


def test_cancel_one_date_of_a_repeating_event(room, coordinator, django_capture_on_commit_callbacks):
    event = services.create_event(
        room.space,
        by=coordinator,
        resource=room,
        start=_at(2, 18),
        end=_at(2, 20),
        recurrence="FREQ=WEEKLY;COUNT=3",
        title="Repair café",
        capacity=4,
    )
    first, second, third = event.occurrences.order_by("start")
    services.register(second, name="Bo", email="bo@example.net")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        told = services.cancel_occurrence(second, by=coordinator, reason="The hall is flooded.")

    second.refresh_from_db()
    event.refresh_from_db()
    assert told == 1
    assert second.is_cancelled and second.booking.status == "cancelled"
    assert [o.booking.status for o in (first, third)] == ["confirmed", "confirmed"]
    assert event.status == "published"
    assert Registration.objects.get().status == "cancelled"
    assert [m.subject for m in mail.outbox if m.to == ["bo@example.net"]] == ["Date cancelled: Repair café"]
    assert "The hall is flooded." in mail.outbox[-1].body
    assert AuditEntry.objects.filter(action="programme.date_cancelled").count() == 1


def test_cancel_date_twice_is_refused(talk, coordinator):
    occurrence = talk.occurrences.get()
    services.cancel_occurrence(occurrence, by=coordinator)

    with pytest.raises(ValidationError):
        services.cancel_occurrence(occurrence, by=coordinator)


def test_demo_moves_and_cancels_a_date_once(room, coordinator):
    from programme import demo

    event = services.create_event(
        room.space,
        by=coordinator,
        resource=room,
        start=_at(2, 14),
        end=_at(2, 17),
        recurrence="FREQ=WEEKLY;COUNT=4",
        title="Repair café",
    )

    first = demo._seed_changes(room.space, coordinator)
    again = demo._seed_changes(room.space, coordinator)

    dates = list(event.occurrences.order_by("start"))
    assert (first, again) == (2, 0)
    assert dates[1].start == _at(9, 15)
    assert [d.is_cancelled for d in dates] == [False, False, False, True]


def test_emails_give_times_in_the_space_time_zone(django_capture_on_commit_callbacks):
    tbilisi = f.SpaceFactory(time_zone="Asia/Tbilisi")
    start = datetime.datetime.combine(
        datetime.date.today() + datetime.timedelta(days=3), datetime.time(19), tzinfo=zoneinfo.ZoneInfo("Asia/Tbilisi")
    )
    occurrence = pf.OccurrenceFactory(event=pf.EventFactory(space=tbilisi), start=start)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.register(occurrence, name="Nino", email="nino@example.net", language="en")

    assert ", 19:00" in mail.outbox[0].body
