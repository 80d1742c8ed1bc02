"""iCal feeds: a private feed per member behind a secret link that can be reset, and a space's public feed."""

from __future__ import annotations

import icalendar
import pytest

from bookings.models import Booking
from calendars.models import FeedToken
from calendars.services import feed_token_for
from tests import factories as f

from .conftest import local
from .factories import BookingFactory

pytestmark = pytest.mark.django_db


def events(response) -> list:
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    return sorted(calendar.walk("VEVENT"), key=lambda e: e.decoded("dtstart"))


def test_private_feed_has_my_bookings_and_my_practices(client, member, practice, space, room):
    mine = BookingFactory(resource=room, booked_by=member, title="Rehearsal", start=local(2, 10), end=local(2, 12))
    BookingFactory(
        resource=room, practice=practice, title="", status=Booking.Status.PENDING, start=local(3, 10), end=local(3, 11)
    )
    BookingFactory(resource=room, start=local(4, 10), end=local(4, 11))  # someone else's
    BookingFactory(resource=room, booked_by=member, status="cancelled", start=local(5, 10), end=local(5, 11))
    token = feed_token_for(member).token

    response = client.get(f"/en/calendars/{token}.ics")

    found = events(response)
    assert [(str(e["summary"]), e.decoded("dtstart"), e.decoded("dtend"), str(e["status"])) for e in found] == [
        ("Rehearsal · Studio 2", local(2, 10), local(2, 12), "CONFIRMED"),
        ("Studio 2", local(3, 10), local(3, 11), "TENTATIVE"),
    ]
    assert str(found[0]["uid"]) == f"booking-{mine.pk}@127.0.0.1"
    assert str(found[0]["url"]) == f"http://127.0.0.1:8000/en/spaces/{space.slug}/bookings/{mine.pk}/"
    assert str(found[0]["location"]) == "Studio 2, Werkplaats, Brussels"


def test_unknown_token_is_404(client, db):
    assert client.get("/en/calendars/not-a-token.ics").status_code == 404


def test_reset_invalidates_the_old_link(member_client, client, member):
    old = feed_token_for(member).token

    response = member_client.post("/en/me/bookings/calendar-link/")

    new = FeedToken.objects.get(member=member).token
    assert response.status_code == 302
    assert new != old
    assert client.get(f"/en/calendars/{old}.ics").status_code == 404
    assert client.get(f"/en/calendars/{new}.ics").status_code == 200


def test_feed_settings_shows_the_link(member_client, member):
    response = member_client.get("/en/me/bookings/calendar-link/")

    token = FeedToken.objects.get(member=member).token
    assert response.context["link"] == f"http://testserver/en/calendars/{token}.ics"


def test_inactive_members_feed_stops(client, member):
    token = feed_token_for(member).token
    member.is_active = False
    member.save()

    assert client.get(f"/en/calendars/{token}.ics").status_code == 404


def test_public_feed_has_only_public_confirmed_bookings_without_people(client, space, room, member):
    shown = f.PracticeFactory(name="Open Collective", public_profile=True)
    BookingFactory(
        resource=room,
        title="Open studio",
        is_public=True,
        practice=shown,
        booked_by=member,
        start=local(2, 18),
        end=local(2, 20),
    )
    BookingFactory(resource=room, title="Private", start=local(3, 18), end=local(3, 20))
    BookingFactory(resource=room, title="Asked", is_public=True, status="pending", start=local(4, 18), end=local(4, 20))

    response = client.get(f"/en/spaces/{space.slug}/bookings/public.ics")

    (event,) = events(response)
    assert (str(event["summary"]), str(event["description"])) == ("Open studio", "With Open Collective")
    assert b"Mo Member" not in response.content
    assert b"member@example.org" not in response.content


def test_public_feed_of_unknown_space_is_404(client, db):
    assert client.get("/en/spaces/nowhere/bookings/public.ics").status_code == 404
