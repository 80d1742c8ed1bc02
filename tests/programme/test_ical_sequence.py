"""iCal feeds say when a date changed (SEQUENCE, LAST-MODIFIED), and the programme's keep cancelled dates to come
with STATUS:CANCELLED: calendar clients then update the copies they hold. Both the programme feeds and the
bookings feeds (a moved event's room booking)."""

from __future__ import annotations

import datetime
import zoneinfo

import icalendar
import pytest
from django.utils import timezone

from bookings import services as bookings
from calendars import services as calendar_services
from programme import services

pytestmark = pytest.mark.django_db

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")


def _at(day_offset: int, hour: int) -> datetime.datetime:
    day = datetime.date.today() + datetime.timedelta(days=day_offset)
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=BRUSSELS)


@pytest.fixture
def talk(room, coordinator):
    return services.create_event(
        room.space, by=coordinator, resource=room, start=_at(4, 18), end=_at(4, 20), title="Commons", capacity=5
    )


def _events(client, url: str) -> list:
    response = client.get(url)
    assert response.status_code == 200
    return icalendar.Calendar.from_ical(response.content).walk("VEVENT")


def test_programme_feed_sequence_goes_up_when_a_date_moves(client, talk, coordinator):
    url = f"/feeds/spaces/{talk.space.slug}.ics"
    [before] = _events(client, url)
    assert (before["sequence"], str(before["status"])) == (0, "CONFIRMED")
    assert before.decoded("last-modified") == before.decoded("created")

    services.move_occurrence(talk.occurrences.get(), by=coordinator, start=_at(6, 19), end=_at(6, 21))

    [after] = _events(client, url)
    assert str(after["uid"]) == str(before["uid"])
    assert (after["sequence"], after.decoded("dtstart")) == (1, _at(6, 19))
    # iCal times are to the second: the move may fall in the second the event was created.
    assert after.decoded("last-modified") >= before.decoded("last-modified")
    assert talk.occurrences.get().changed_at is not None
    assert after.decoded("last-modified") <= timezone.now()


def test_programme_feed_keeps_a_cancelled_date_to_come_as_cancelled(client, talk, coordinator):
    occurrence = talk.occurrences.get()
    services.move_occurrence(occurrence, by=coordinator, start=_at(6, 19), end=_at(6, 21))

    services.cancel_occurrence(occurrence, by=coordinator)

    [cancelled] = _events(client, f"/feeds/spaces/{talk.space.slug}.ics")
    assert (str(cancelled["status"]), cancelled["sequence"]) == ("CANCELLED", 2)
    assert _events(client, f"/feeds/network/{talk.space.network.slug}.ics")[0]["sequence"] == 2
    # The other formats list what takes place only.
    assert client.get(f"/feeds/spaces/{talk.space.slug}.json").json()["items"] == []


def test_programme_feed_cancelled_event(client, talk, coordinator):
    services.cancel_event(talk, by=coordinator)

    [cancelled] = _events(client, f"/feeds/spaces/{talk.space.slug}.ics")

    assert (str(cancelled["status"]), cancelled["sequence"]) == ("CANCELLED", 1)


def test_bookings_feeds_sequence_goes_up_when_the_room_booking_moves(client, talk, coordinator):
    public_url = f"/en/spaces/{talk.space.slug}/bookings/public.ics"
    private_url = f"/en/calendars/{calendar_services.feed_token_for(coordinator).token}.ics"
    [before] = _events(client, public_url)
    assert before["sequence"] == 0
    assert _events(client, private_url)[0]["sequence"] == 0

    services.move_occurrence(talk.occurrences.get(), by=coordinator, start=_at(6, 19), end=_at(6, 21))

    [public] = _events(client, public_url)
    [private] = _events(client, private_url)
    assert (public["sequence"], private["sequence"]) == (1, 1)
    assert str(public["uid"]) == str(before["uid"])
    assert public.decoded("dtstart") == _at(6, 19)
    assert public.decoded("last-modified") >= before.decoded("last-modified")


def test_bookings_feed_sequence_counts_an_approval(client, space, room, member, practice, coordinator):
    from bookings.models import BookingPolicy

    BookingPolicy.objects.create(space=space, requires_approval=True)
    booking = bookings.create_booking(room, _at(3, 10), _at(3, 12), by=member, practice=practice)[0]
    url = f"/en/calendars/{calendar_services.feed_token_for(member).token}.ics"
    [pending] = _events(client, url)
    assert (str(pending["status"]), pending["sequence"]) == ("TENTATIVE", 0)

    bookings.approve_booking(booking, by=coordinator)

    [confirmed] = _events(client, url)
    assert (str(confirmed["status"]), confirmed["sequence"]) == ("CONFIRMED", 1)
