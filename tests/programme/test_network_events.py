"""Member events and the network's "attend member events" privilege (network.NetworkAccess, privilege "events").

``space`` (Werkplaats) hosts the events; ``outsider`` is a member of ``other_space`` (Elsewhere), in the same
network, so a member of the network but not of the host; ``stranger`` belongs to a space of another network.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from network.models import NetworkAccess, NetworkVisit
from programme import rules, services
from programme.models import Event, Occurrence, Registration
from tests import factories as f

from . import factories as pf

pytestmark = pytest.mark.django_db

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")


@pytest.fixture
def stranger(db):
    """A member of a space in another network."""
    far = f.SpaceFactory(name="Far away", slug="far-away")
    return f.make_member_of(far, email="stranger@example.org", name="Stella Stranger")


@pytest.fixture
def day():
    """A local day at the host far enough ahead, in the middle of its month."""
    return (dt.date.today() + dt.timedelta(days=40)).replace(day=10)


def _member_event(space, start: dt.datetime | None = None, *, audience=Event.Audience.MEMBERS, **kwargs):
    event = pf.EventFactory(space=space, audience=audience, capacity=kwargs.pop("capacity", 5), **kwargs)
    if start is None:
        return pf.OccurrenceFactory(event=event)
    return pf.OccurrenceFactory(event=event, start=start, end=start + dt.timedelta(hours=2))


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=BRUSSELS)


def _rule(space, **values) -> NetworkAccess:
    return NetworkAccess.objects.create(space=space, privilege="events", **values)


def _register(occ, person, n: int = 0) -> Registration:
    return services.register(occ, name=person.name, email=f"r{n}-{person.email}", language="en", by=person)


# --- visibility -------------------------------------------------------------------------------------------------


def test_member_event_without_rule_stays_for_members(client_for, space, member, outsider):
    occ = _member_event(space)

    assert rules.can_see_event(member, occ.event) is True
    assert rules.can_see_event(outsider, occ.event) is False
    assert client_for(outsider).get(f"/en/programme/events/{occ.event.pk}/").status_code == 404
    assert list(client_for(outsider).get("/en/programme/").context["page"]["items"]) == []


def test_member_event_open_to_network_when_rule_allows(client_for, api, space, outsider):
    occ = _member_event(space)
    _rule(space, local=True)

    assert rules.can_see_event(outsider, occ.event) is True
    assert client_for(outsider).get(f"/en/programme/events/{occ.event.pk}/").status_code == 200
    assert [o.pk for o in client_for(outsider).get("/en/programme/").context["page"]["items"]] == [occ.pk]
    assert [e["id"] for e in api(outsider).get("/api/v1/events").json()["results"]] == [occ.event.pk]


def test_member_event_closed_when_rule_keeps_network_out(client_for, space, outsider):
    occ = _member_event(space)
    _rule(space, local=False, federated=True)

    assert rules.can_see_event(outsider, occ.event) is False
    assert client_for(outsider).get(f"/en/programme/events/{occ.event.pk}/").status_code == 404
    assert list(client_for(outsider).get("/en/programme/").context["page"]["items"]) == []


def test_anonymous_and_other_networks_get_nothing(client, client_for, api, space, stranger):
    occ = _member_event(space)
    _rule(space, local=True)
    url = f"/en/programme/events/{occ.event.pk}/"

    assert client.get(url).status_code == 302  # to the login page, as for every non-public event
    assert client_for(stranger).get(url).status_code == 404
    assert api(stranger).get(f"/api/v1/events/{occ.event.pk}").status_code == 404
    assert (
        api(stranger)
        .post(f"/api/v1/events/{occ.event.pk}/registrations", {"name": "S", "email": "s@x.org"})
        .status_code
        == 404
    )
    assert (
        client_for(stranger)
        .post(f"/en/programme/dates/{occ.pk}/register/", {"name": "S", "email": "s@x.org"})
        .status_code
        == 404
    )
    assert list(client_for(stranger).get("/en/programme/").context["page"]["items"]) == []
    assert Registration.objects.count() == 0


# --- registration -----------------------------------------------------------------------------------------------


def test_registration_counts_the_local_day_once_at_the_host(space, other_space, outsider, day):
    _rule(space, local=True, free_days_per_month=3)
    late = _member_event(space, _at(day, 0, 30))  # 22:30 or 23:30 UTC the day before
    same_day = _member_event(space, _at(day, 18))

    first = _register(late, outsider, 1)
    second = _register(same_day, outsider, 2)

    visit = NetworkVisit.objects.get()
    assert (visit.space, visit.member, visit.home_space, visit.privilege, visit.date) == (
        space,
        outsider,
        other_space,
        "events",
        day,
    )
    assert visit.charge == Decimal("0")
    assert (first.status, second.status) == ("confirmed", "confirmed")
    assert first.admission.free is True
    assert second.admission.visit == visit


def test_registration_refused_when_free_days_are_used(space, outsider, day):
    _rule(space, local=True, free_days_per_month=1)
    first = _member_event(space, _at(day, 19))
    second = _member_event(space, _at(day + dt.timedelta(days=1), 19))
    _register(first, outsider, 1)

    with pytest.raises(PermissionDenied) as error:
        _register(second, outsider, 2)

    assert str(error.value) == "Members of the network have 1 day a month at Werkplaats, and it is used."
    assert Registration.objects.filter(occurrence=second).count() == 0
    assert NetworkVisit.objects.count() == 1
    second.refresh_from_db()
    assert second.confirmed_count == 0


def test_registration_at_day_price_after_free_days(space, outsider, day):
    _rule(space, local=True, free_days_per_month=0, day_price=Decimal("7.50"))
    occ = _member_event(space, _at(day, 19))

    registration = _register(occ, outsider)

    assert registration.admission.charge == Decimal("7.50")
    assert NetworkVisit.objects.get().charge == Decimal("7.50")


def test_members_of_the_space_are_not_visitors(space, member, day):
    _rule(space, local=True, free_days_per_month=0)
    occ = _member_event(space, _at(day, 19))

    registration = _register(occ, member)

    assert registration.status == "confirmed"
    assert registration.admission is None
    assert NetworkVisit.objects.count() == 0


def test_network_event_without_rule_or_open_rule_counts_nothing(space, outsider, day):
    occ = _member_event(space, _at(day, 19), audience=Event.Audience.NETWORK)

    assert _register(occ, outsider, 1).status == "confirmed"
    _rule(space, local=True, free_days_per_month=0)
    assert _register(occ, outsider, 2).status == "confirmed"
    assert NetworkVisit.objects.count() == 0


def test_network_event_refused_when_rule_keeps_network_out(client_for, space, outsider, day):
    occ = _member_event(space, _at(day, 19), audience=Event.Audience.NETWORK)
    _rule(space, local=False)

    with pytest.raises(PermissionDenied) as error:
        _register(occ, outsider)

    assert str(error.value) == "Werkplaats does not let members of the network register for its events."
    assert client_for(outsider).get(f"/en/programme/events/{occ.event.pk}/").status_code == 200  # still visible


def test_public_events_ignore_the_rule(space, outsider, day):
    occ = _member_event(space, _at(day, 19), audience=Event.Audience.PUBLIC)
    _rule(space, local=False)

    assert _register(occ, outsider).status == "confirmed"


# --- API --------------------------------------------------------------------------------------------------------


def test_api_registration_shows_the_charge(api, space, outsider, day):
    _rule(space, local=True, day_price=Decimal("4"))
    occ = _member_event(space, _at(day, 19))

    response = api(outsider).post(f"/api/v1/events/{occ.event.pk}/registrations", {"name": "Otto", "email": "o@x.org"})

    assert response.status_code == 201
    assert response.json() == {
        "status": "confirmed",
        "occurrence": occ.pk,
        "message": "You are registered; we sent you an email.",
        "network_charge": "4.00",
    }


def test_api_registration_refused_is_403(api, space, outsider, day):
    _rule(space, local=True, free_days_per_month=0)
    occ = _member_event(space, _at(day, 19))

    response = api(outsider).post(f"/api/v1/events/{occ.event.pk}/registrations", {"name": "Otto", "email": "o@x.org"})

    assert response.status_code == 403
    assert response.json() == {
        "code": "network_refused",
        "message": "Members of the network have 0 days a month at Werkplaats, and they are used.",
        "fields": {},
    }
    assert Registration.objects.count() == 0


def test_api_public_registration_has_no_charge(api, space, occurrence):
    response = api().post(f"/api/v1/events/{occurrence.event.pk}/registrations", {"name": "Ana", "email": "a@x.org"})

    assert response.status_code == 201
    assert response.json()["network_charge"] is None


# --- pages ------------------------------------------------------------------------------------------------------


def test_event_page_shows_the_charge_before_and_after(client_for, space, outsider, day):
    _rule(space, local=True, free_days_per_month=1, day_price=Decimal("6"))
    paid = _member_event(space, _at(day, 19))
    free = _member_event(space, _at(day + dt.timedelta(days=1), 19), title="Free one")
    _register(free, outsider, 1)  # uses the free day of the month
    client = client_for(outsider)

    page = client.get(f"/en/programme/events/{paid.event.pk}/").content.decode()
    assert "1 free day a month, then 6.00 EUR a day." in page
    assert "For you, as a member of the network: this day costs 6.00 EUR, to pay at Werkplaats." in page

    response = client.post(f"/en/programme/dates/{paid.pk}/register/", {"name": "Otto", "email": "o@x.org"})
    assert response.status_code == 200
    assert "counts as a visit to Werkplaats and costs 6.00 EUR, to pay at the space." in response.content.decode()
    assert NetworkVisit.objects.get(date=day).charge == Decimal("6.00")


def test_event_page_free_day(client_for, space, outsider, day):
    _rule(space, local=True, free_days_per_month=2)
    occ = _member_event(space, _at(day, 19))

    page = client_for(outsider).get(f"/en/programme/events/{occ.event.pk}/").content.decode()

    assert "For you, as a member of the network: this day at Werkplaats is free." in page
    response = client_for(outsider).post(f"/en/programme/dates/{occ.pk}/register/", {"name": "O", "email": "o@x.org"})
    assert "this day counts as a free visit to Werkplaats." in response.content.decode()


def test_event_page_refusal_is_clear(client_for, space, outsider, day):
    _rule(space, local=True, free_days_per_month=0)
    occ = _member_event(space, _at(day, 19))
    client = client_for(outsider)

    page = client.get(f"/en/programme/events/{occ.event.pk}/").content.decode()
    assert "Your free days this month at Werkplaats are used: you cannot register for this date." in page
    assert f'action="/en/programme/dates/{occ.pk}/register/"' not in page

    response = client.post(f"/en/programme/dates/{occ.pk}/register/", {"name": "Otto", "email": "o@x.org"})
    assert response.status_code == 403
    assert Registration.objects.count() == 0


def test_network_event_refusal_on_the_page(client_for, space, outsider, day):
    occ = _member_event(space, _at(day, 19), audience=Event.Audience.NETWORK)
    _rule(space, local=False)

    response = client_for(outsider).post(f"/en/programme/dates/{occ.pk}/register/", {"name": "O", "email": "o@x.org"})

    assert response.status_code == 403
    assert "Werkplaats does not let members of the network register for its events." in response.content.decode()


# --- the agenda stays one query ---------------------------------------------------------------------------------


def _agenda_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/en/programme/")
    assert response.status_code == 200
    return len(queries)


def test_agenda_query_count_for_network_member(client_for, space, other_space, outsider):
    _rule(space, local=True)
    client = client_for(outsider)
    _member_event(space)
    _agenda_queries(client)  # warm caches (session, user)
    with_one = _agenda_queries(client)
    _member_event(space)
    _member_event(other_space)
    pf.OccurrenceFactory(event=pf.EventFactory(space=space, audience=Event.Audience.NETWORK))

    assert _agenda_queries(client) == with_one
    assert len(client.get("/en/programme/").context["page"]["items"]) == 4


def test_agenda_filter_is_one_query(space, outsider):
    _rule(space, local=True)
    _member_event(space)
    q = rules.visible_occurrences_filter(outsider)
    with CaptureQueriesContext(connection) as queries:
        assert Occurrence.objects.filter(q).count() == 1
    assert len(queries) == 1
