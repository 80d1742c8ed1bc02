"""Many people at once: registrations never exceed capacity; a promotion happens exactly once; an office-hour
slot goes to one person. Real concurrent transactions need PostgreSQL (SQLite serialises every writer)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from programme import services
from programme.models import Occurrence, Registration, Slot
from tests import factories as f

from . import factories as pf

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency is tested on PostgreSQL"),
]


def _in_threads(count: int, work) -> list:
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - collected for the assertions
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_concurrent_registrations_never_exceed_capacity():
    occurrence = pf.occurrence_with_places(f.SpaceFactory(), capacity=5)

    results = _in_threads(20, lambda i: services.register(occurrence, name=f"P{i}", email=f"p{i}@example.net").status)

    assert sorted(results).count("confirmed") == 5
    assert sorted(results).count("waitlisted") == 15
    occurrence.refresh_from_db()
    assert occurrence.confirmed_count == 5
    assert Registration.objects.filter(status="confirmed").count() == 5


def test_concurrent_cancellations_promote_each_waiting_person_once():
    occurrence = pf.occurrence_with_places(f.SpaceFactory(), capacity=3)
    placed = [services.register(occurrence, name=f"P{i}", email=f"p{i}@example.net") for i in range(3)]
    waiting = [services.register(occurrence, name=f"W{i}", email=f"w{i}@example.net") for i in range(5)]

    # Each registration cancelled twice at the same moment: 6 threads, 3 places freed.
    results = _in_threads(6, lambda i: [r.pk for r in services.cancel_registration(placed[i % 3])])

    promoted = sorted(pk for result in results for pk in result)
    assert promoted == sorted(r.pk for r in waiting[:3])
    occurrence.refresh_from_db()
    assert occurrence.confirmed_count == 3
    assert Registration.objects.filter(status="confirmed").count() == 3
    assert Registration.objects.filter(status="waitlisted").count() == 2


def test_one_person_per_office_hour_slot():
    space = f.SpaceFactory()
    slot = pf.SlotFactory(service=pf.ServiceFactory(space=space))
    people = [f.make_member_of(space) for _ in range(8)]

    def take(i):
        return services.take_slot(Slot.objects.get(pk=slot.pk), by=people[i]).taken_by_id

    results = _in_threads(8, take)

    winners = [r for r in results if isinstance(r, int)]
    assert len(winners) == 1
    assert sum(isinstance(r, services.SlotTaken) for r in results) == 7
    assert Slot.objects.get(pk=slot.pk).taken_by_id == winners[0]
    assert Occurrence.objects.count() == 0


def test_raising_capacity_while_others_raise_it_and_register_promotes_each_person_once():
    from core.models import AuditEntry
    from spaces.models import RoleAssignment

    space = f.SpaceFactory()
    coordinator = f.MemberFactory()
    f.RoleAssignmentFactory(space=space, member=coordinator, role=RoleAssignment.Role.COORDINATOR)
    occurrence = pf.occurrence_with_places(space, capacity=2)
    for i in range(6):
        services.register(occurrence, name=f"P{i}", email=f"p{i}@example.net")

    def work(i):
        if i < 3:
            return len(services.change_capacity(occurrence.event, by=coordinator, capacity=4))
        return services.register(occurrence, name=f"N{i}", email=f"n{i}@example.net").status

    results = _in_threads(5, work)

    assert sum(r for r in results[:3]) == 2, results
    occurrence.refresh_from_db()
    assert (occurrence.capacity, occurrence.confirmed_count) == (4, 4)
    assert Registration.objects.filter(status="confirmed").count() == 4
    assert AuditEntry.objects.filter(action="programme.promoted").count() == 2
