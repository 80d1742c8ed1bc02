"""Racing clients on PostgreSQL: the advisory lock queues them, the exclusion constraint has the last word."""

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import IntegrityError, connection, connections, transaction
from rest_framework.test import APIClient

from api.authentication import issue_token
from bookings.models import Booking
from tests import factories as f

from .factories import BookingFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the race tests need PostgreSQL's concurrency"),
]

CLIENTS = 50


def race(tokens, payloads):
    """Each client posts its payload at the same moment, on its own connection; returns (status, body) pairs."""
    barrier = threading.Barrier(len(tokens))

    def one(i):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens[i]}")
        try:
            barrier.wait(timeout=30)
            response = client.post("/api/v1/bookings", payloads[i], format="json")
            return response.status_code, response.json()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(tokens)) as pool:
        return list(pool.map(one, range(len(tokens))))


def overlapping_pairs() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*) FROM bookings_booking a JOIN bookings_booking b
              ON a.resource_id = b.resource_id AND a.id < b.id
             AND a.blocked_start < b.blocked_end AND b.blocked_start < a.blocked_end
             WHERE a.status IN ('pending', 'confirmed') AND b.status IN ('pending', 'confirmed')
            """
        )
        return cursor.fetchone()[0]


@pytest.fixture
def racers(space):
    room = f.ResourceFactory(space=space, name="Hall")
    people = []
    for i in range(CLIENTS):
        practice = f.PracticeFactory(name=f"Practice {i}")
        people.append((f.make_member_of(space, practice=practice, email=f"racer{i}@example.org"), practice))
    tokens = [issue_token(person) for person, _p in people]
    return room, people, tokens


@pytest.mark.parametrize("tasks", ["immediate", "database"])
def test_fifty_clients_race_for_one_slot(racers, settings, tasks):
    """``database``: the email task in the booking's statement (production's backend), as in the benchmark."""
    if tasks == "database":
        settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    room, people, tokens = racers
    start = (dt.datetime.now(dt.UTC) + dt.timedelta(days=3)).replace(hour=18, minute=0, second=0, microsecond=0)
    payloads = [
        {
            "resource": room.pk,
            "practice": practice.pk,
            "start": start.isoformat(),
            "end": (start + dt.timedelta(hours=2)).isoformat(),
        }
        for _person, practice in people
    ]

    results = race(tokens, payloads)

    statuses = sorted(status for status, _body in results)
    assert statuses == [201] + [409] * (CLIENTS - 1)
    conflicts = [body for status, body in results if status == 409]
    assert {body["code"] for body in conflicts} == {"conflict"}
    assert all(len(body["conflicts"]) == 1 for body in conflicts)
    assert Booking.objects.count() == 1
    assert overlapping_pairs() == 0
    if tasks == "database":
        from django_tasks_db.models import DBTaskResult

        (task,) = DBTaskResult.objects.all()
        assert task.args_kwargs["args"] == ["booking_confirmed", [Booking.objects.get().pk]]
    with connection.cursor() as cursor:
        cursor.execute(  # no advisory lock left in this database (the clients' sessions are closed)
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        )
        assert cursor.fetchone()[0] == 0


def test_overlapping_recurring_series_race(racers):
    room, people, tokens = racers
    base = (dt.datetime.now(dt.UTC) + dt.timedelta(days=3)).replace(hour=8, minute=0, second=0, microsecond=0)
    # Client i asks for 2 hours every week, starting i × 20 minutes later: neighbours overlap.
    payloads = [
        {
            "resource": room.pk,
            "practice": practice.pk,
            "start": (base + dt.timedelta(minutes=20 * i)).isoformat(),
            "end": (base + dt.timedelta(minutes=20 * i, hours=2)).isoformat(),
            "recurrence": "FREQ=WEEKLY;COUNT=4",
        }
        for i, (_person, practice) in enumerate(people)
    ]

    results = race(tokens, payloads)

    statuses = [status for status, _body in results]
    assert set(statuses) <= {201, 409}
    assert 201 in statuses
    won = [body for status, body in results if status == 201]
    assert all(len(body["occurrences"]) == 4 for body in won)  # nothing half-booked
    assert Booking.objects.count() == 4 * len(won)
    assert overlapping_pairs() == 0


def test_the_database_refuses_overlaps_written_without_the_service(space):
    room = f.ResourceFactory(space=space, name="Hall")
    start = dt.datetime(2030, 5, 1, 10, tzinfo=dt.UTC)
    BookingFactory(resource=room, start=start, end=start + dt.timedelta(hours=2))

    with pytest.raises(IntegrityError), transaction.atomic():
        BookingFactory(resource=room, start=start + dt.timedelta(hours=1), end=start + dt.timedelta(hours=3))
    BookingFactory(
        resource=room, start=start + dt.timedelta(hours=1), end=start + dt.timedelta(hours=3), status="cancelled"
    )

    assert Booking.objects.count() == 2
