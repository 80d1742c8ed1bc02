"""A network guest's counted day at a host (network.NetworkVisit, privilege "events") follows their registrations:
counted once they have a place, given back when the last registration of theirs that day is cancelled, moved with
its date. ``outsider`` is a member of ``other_space``, in the same network as ``space`` (the host)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from core.models import AuditEntry
from network.models import NetworkAccess, NetworkVisit
from programme import services
from programme.models import Event, Registration
from tests import factories as f

from . import factories as pf

pytestmark = pytest.mark.django_db

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")


@pytest.fixture
def day():
    return (dt.date.today() + dt.timedelta(days=40)).replace(day=10)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=BRUSSELS)


def _date(space, start, *, capacity=5):
    event = pf.EventFactory(space=space, audience=Event.Audience.MEMBERS, capacity=capacity)
    return pf.OccurrenceFactory(event=event, start=start, end=start + dt.timedelta(hours=2))


def _rule(space, **values):
    return NetworkAccess.objects.create(space=space, privilege="events", local=True, **values)


def _register(occ, person, n=0) -> Registration:
    return services.register(occ, name=person.name, email=f"r{n}-{person.email}", language="en", by=person)


def test_cancelling_gives_the_day_back(space, outsider, day):
    _rule(space, free_days_per_month=1)
    first = _register(_date(space, _at(day, 19)), outsider, 1)
    assert first.network_visit == NetworkVisit.objects.get()

    services.cancel_registration(first)

    assert NetworkVisit.objects.count() == 0
    given_back = AuditEntry.objects.get(action="network.visit_given_back")
    assert given_back.before["date"] == day.isoformat()
    # The month's one free day is free again: another day can be taken.
    other = _register(_date(space, _at(day + dt.timedelta(days=1), 19)), outsider, 2)
    assert (other.status, NetworkVisit.objects.get().date) == ("confirmed", day + dt.timedelta(days=1))


def test_the_day_stays_while_another_registration_that_day_needs_it(space, outsider, day):
    _rule(space, free_days_per_month=3)
    morning = _register(_date(space, _at(day, 10)), outsider, 1)
    evening = _register(_date(space, _at(day, 19)), outsider, 2)
    visit = NetworkVisit.objects.get()
    assert morning.network_visit == evening.network_visit == visit

    services.cancel_registration(morning)
    assert list(NetworkVisit.objects.all()) == [visit]

    services.cancel_registration(evening)
    assert NetworkVisit.objects.count() == 0


def test_a_place_on_the_waitlist_counts_the_day_only_when_promoted(space, member, outsider, day):
    _rule(space, free_days_per_month=2)
    occ = _date(space, _at(day, 19), capacity=1)
    holder = _register(occ, member, 1)

    waiting = _register(occ, outsider, 2)

    assert (waiting.status, waiting.network_visit, NetworkVisit.objects.count()) == ("waitlisted", None, 0)
    assert waiting.admission.allowed is True

    [promoted] = services.cancel_registration(holder)

    promoted.refresh_from_db()
    visit = NetworkVisit.objects.get()
    assert (promoted.pk, promoted.status, promoted.network_visit, visit.date) == (waiting.pk, "confirmed", visit, day)


def test_cancelling_a_waitlisted_registration_gives_nothing_back(space, member, outsider, day):
    _rule(space, free_days_per_month=2)
    occ = _date(space, _at(day, 19), capacity=1)
    _register(occ, member, 1)
    other = _register(_date(space, _at(day, 10)), outsider, 2)  # counts the day
    waiting = _register(occ, outsider, 3)

    services.cancel_registration(waiting)

    assert list(NetworkVisit.objects.all()) == [other.network_visit]


def test_promotion_held_when_the_free_days_are_used_meanwhile(space, member, outsider, day):
    _rule(space, free_days_per_month=1)
    occ = _date(space, _at(day, 19), capacity=1)
    holder = _register(occ, member, 1)
    waiting = _register(occ, outsider, 2)
    after = _register(occ, f.make_member_of(space, email="next@example.org"), 3)
    _register(_date(space, _at(day + dt.timedelta(days=1), 19)), outsider, 4)  # takes the month's free day

    promoted = services.cancel_registration(holder)

    waiting.refresh_from_db()
    assert [r.pk for r in promoted] == [after.pk]
    assert waiting.status == "waitlisted"
    held = AuditEntry.objects.get(action="programme.promotion_held")
    assert held.note == "Members of the network have 1 day a month at Werkplaats, and it is used."
    assert NetworkVisit.objects.count() == 1


def test_cancelling_the_date_or_the_event_gives_the_days_back(space, coordinator, outsider, day):
    _rule(space, free_days_per_month=3)
    one = _date(space, _at(day, 19))
    _register(one, outsider, 1)
    services.cancel_occurrence(one, by=coordinator)
    assert NetworkVisit.objects.count() == 0

    two = _date(space, _at(day, 20))
    _register(two, outsider, 2)
    services.cancel_event(two.event, by=coordinator)
    assert NetworkVisit.objects.count() == 0


def test_removing_ones_data_gives_the_day_back(space, outsider, day):
    _rule(space, free_days_per_month=3)
    registration = _register(_date(space, _at(day, 19)), outsider)

    services.remove_registrant_data(registration)

    assert NetworkVisit.objects.count() == 0


def test_moving_the_date_to_another_day_moves_the_counted_day(space, coordinator, outsider, day):
    _rule(space, free_days_per_month=3)
    occ = _date(space, _at(day, 19))
    registration = _register(occ, outsider)
    later = day + dt.timedelta(days=2)

    services.move_occurrence(occ, by=coordinator, start=_at(later, 19), end=_at(later, 21))

    registration.refresh_from_db()
    visit = NetworkVisit.objects.get()
    assert (visit.date, registration.network_visit) == (later, visit)


def test_moving_within_the_day_keeps_the_counted_day(space, coordinator, outsider, day):
    _rule(space, free_days_per_month=3)
    occ = _date(space, _at(day, 19))
    registration = _register(occ, outsider)
    visit = registration.network_visit

    services.move_occurrence(occ, by=coordinator, start=_at(day, 10), end=_at(day, 12))

    assert list(NetworkVisit.objects.all()) == [visit]
