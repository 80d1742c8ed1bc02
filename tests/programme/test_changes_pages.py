"""The organiser's pages for places and dates, and the limits on the public registration (pages and API)."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.core.cache import cache

from bookings import services as bookings
from programme import ratelimit, services
from programme.models import Registration
from tests import factories as f

from . import factories as pf

pytestmark = pytest.mark.django_db

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")


def _at(day_offset: int, hour: int) -> datetime.datetime:
    day = datetime.date.today() + datetime.timedelta(days=day_offset)
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=BRUSSELS)


def _local(value: datetime.datetime) -> str:
    return value.astimezone(BRUSSELS).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def talk(room, coordinator):
    event = services.create_event(
        room.space, by=coordinator, resource=room, start=_at(4, 18), end=_at(4, 20), title="Commons", capacity=1
    )
    occurrence = event.occurrences.get()
    services.register(occurrence, name="Ana", email="ana@example.net")
    services.register(occurrence, name="Bo", email="bo@example.net")
    return event


def test_edit_page_lists_dates_with_move_and_cancel(talk, coordinator, client_for):
    occurrence = talk.occurrences.get()

    page = client_for(coordinator).get(f"/en/programme/events/{talk.pk}/edit/")

    html = page.content.decode()
    assert page.status_code == 200
    assert "Dates to come" in html
    assert f"/en/programme/dates/{occurrence.pk}/move/" in html
    assert f"/en/programme/dates/{occurrence.pk}/cancel/" in html
    assert "1 of 1 places taken." in html and "1 on the waitlist." in html
    assert 'name="places-capacity"' in html


def test_capacity_form_raises_places_and_moves_the_waitlist_up(talk, coordinator, client_for):
    client = client_for(coordinator)

    response = client.post(f"/en/programme/events/{talk.pk}/edit/", {"action": "capacity", "places-capacity": "2"})

    assert response.status_code == 302
    assert Registration.objects.get(email="bo@example.net").status == "confirmed"
    followed = client.get(response["Location"]).content.decode()
    assert "1 person moved up from the waitlist." in followed


def test_capacity_form_shows_why_it_cannot_lower(talk, coordinator, client_for):
    services.change_capacity(talk, by=coordinator, capacity=2)

    response = client_for(coordinator).post(
        f"/en/programme/events/{talk.pk}/edit/", {"action": "capacity", "places-capacity": "1"}
    )

    assert response.status_code == 200
    assert "2 registered" in response.content.decode()
    talk.refresh_from_db()
    assert talk.capacity == 2


def test_move_page_moves_the_date(talk, coordinator, client_for):
    occurrence = talk.occurrences.get()
    client = client_for(coordinator)

    form = client.get(f"/en/programme/dates/{occurrence.pk}/move/")
    response = client.post(
        f"/en/programme/dates/{occurrence.pk}/move/", {"start": _local(_at(6, 19)), "end": _local(_at(6, 21))}
    )

    occurrence.refresh_from_db()
    assert form.status_code == 200 and f'value="{_local(_at(4, 18))}"' in form.content.decode()
    assert response.status_code == 302 and response["Location"] == f"/en/programme/events/{talk.pk}/edit/"
    assert occurrence.start == _at(6, 19)


def test_move_page_shows_the_conflicting_times(talk, room, coordinator, client_for):
    bookings.create_booking(room, _at(6, 18), _at(6, 22), by=coordinator, title="Choir")
    occurrence = talk.occurrences.get()

    response = client_for(coordinator).post(
        f"/en/programme/dates/{occurrence.pk}/move/", {"start": _local(_at(6, 19)), "end": _local(_at(6, 21))}
    )

    occurrence.refresh_from_db()
    assert response.status_code == 400
    assert "The room is not free at that time" in response.content.decode()
    assert occurrence.start == _at(4, 18)


def test_cancel_date_page_asks_then_cancels(talk, coordinator, client_for):
    occurrence = talk.occurrences.get()
    client = client_for(coordinator)

    confirm = client.get(f"/en/programme/dates/{occurrence.pk}/cancel/")
    occurrence.refresh_from_db()
    assert confirm.status_code == 200 and not occurrence.is_cancelled
    assert "2 people registered or waiting receive an email" in confirm.content.decode()

    response = client.post(f"/en/programme/dates/{occurrence.pk}/cancel/", {"reason": "Flooded"})

    occurrence.refresh_from_db()
    assert response.status_code == 302
    assert occurrence.is_cancelled and occurrence.booking.status == "cancelled"


def test_a_member_who_does_not_organise_gets_403(talk, space, client_for):
    other = f.make_member_of(space, email="other@example.org")
    occurrence = talk.occurrences.get()

    move = client_for(other).get(f"/en/programme/dates/{occurrence.pk}/move/")
    cancel = client_for(other).post(f"/en/programme/dates/{occurrence.pk}/cancel/")

    assert (move.status_code, cancel.status_code) == (403, 403)
    occurrence.refresh_from_db()
    assert not occurrence.is_cancelled


def test_a_past_date_sends_back_to_the_edit_page(coordinator, space, client_for):
    event = pf.EventFactory(space=space, created_by=coordinator)
    past = pf.OccurrenceFactory(event=event, start=_at(-2, 18), end=_at(-2, 20))

    response = client_for(coordinator).get(f"/en/programme/dates/{past.pk}/move/")

    assert response.status_code == 302 and response["Location"] == f"/en/programme/events/{event.pk}/edit/"


# --- rate limits ------------------------------------------------------------------------------------------------


@pytest.fixture
def limits_on(settings):
    settings.PLEK_RATE_LIMITS = True
    cache.clear()
    yield
    cache.clear()


def test_registration_page_limits_one_client_address(limits_on, space, client):
    occurrence = pf.occurrence_with_places(space, capacity=50)
    url = f"/en/programme/dates/{occurrence.pk}/register/"

    codes = [client.post(url, {"name": "V", "email": f"v{n}@example.net"}).status_code for n in range(11)]
    other_client = client.post(url, {"name": "W", "email": "w@example.net"}, REMOTE_ADDR="10.0.0.9")

    assert codes == [200] * ratelimit.PER_ADDRESS + [429]
    assert other_client.status_code == 200
    assert Registration.objects.count() == ratelimit.PER_ADDRESS + 1


def test_registration_page_explains_the_limit(limits_on, space, client):
    occurrence = pf.occurrence_with_places(space, capacity=50)
    url = f"/en/programme/dates/{occurrence.pk}/register/"
    for n in range(ratelimit.PER_ADDRESS):
        client.post(url, {"name": "V", "email": f"v{n}@example.net"})

    response = client.post(url, {"name": "V", "email": "last@example.net"})

    assert response.status_code == 429
    assert "Too many registrations in a short time" in response.content.decode()


def test_api_registration_limits_one_email_address(limits_on, space, api):
    event = pf.occurrence_with_places(space, capacity=50).event
    url = f"/api/v1/events/{event.pk}/registrations"

    codes = [
        api().post(url, {"name": "V", "email": "v@example.net"}, format="json", REMOTE_ADDR=f"10.0.1.{n}").status_code
        for n in range(ratelimit.PER_EMAIL)
    ]
    refused = api().post(url, {"name": "V", "email": "v@example.net"}, format="json", REMOTE_ADDR="10.0.2.1")

    assert codes == [201] * ratelimit.PER_EMAIL  # the same person again: their registration (and link) again
    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"
    assert "Too many registrations" in refused.json()["message"]
    assert refused["Retry-After"] == str(ratelimit.WINDOW_SECONDS)


def test_no_limits_when_switched_off(settings, space, client):
    settings.PLEK_RATE_LIMITS = False
    occurrence = pf.occurrence_with_places(space, capacity=50)
    url = f"/en/programme/dates/{occurrence.pk}/register/"

    codes = {client.post(url, {"name": "V", "email": f"v{n}@example.net"}).status_code for n in range(12)}

    assert codes == {200}


def test_client_address_behind_the_proxy_is_the_last_forwarded_one(rf, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    request = rf.get("/", HTTP_X_FORWARDED_FOR="1.2.3.4, 5.6.7.8", REMOTE_ADDR="127.0.0.1")

    assert ratelimit.client_address(request) == "5.6.7.8"

    settings.SECURE_PROXY_SSL_HEADER = None
    assert ratelimit.client_address(request) == "127.0.0.1"
