"""Helpers for the bookings benchmarks: the dataset (spaces, resources, bookings) and a gunicorn on loopback.

The dataset: one network "bench-net"; ``spaces`` spaces with ``per_space`` resources each, plus one space
"bench-big" with 100 resources (the week view); one practice and one member per space (with an API token);
``per_resource`` bookings per resource, one after another every 13 hours (so they fall at every time of day),
1 to 4 hours long, from 20 days ago: 90% confirmed, 5% pending, 5% cancelled. On PostgreSQL the bookings are
written with COPY, with the exclusion constraint and every index in place; on SQLite with bulk_create.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from api.authentication import issue_token
from api.models import ApiToken
from community.models import Member, Practice, PracticeMember
from spaces.models import Network, Resource, RoleAssignment, Space, SpaceMembership

ROOT = Path(__file__).resolve().parent.parent
NETWORK_SLUG = "bench-net"
BIG_SPACE = "bench-big"
BIG_RESOURCES = 100
STEP = dt.timedelta(hours=13)
KINDS = ["room", "studio", "desk", "workshop", "machine", "hall", "kitchen"]


def base_time() -> dt.datetime:
    today = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    return today - dt.timedelta(days=20)


def exists() -> bool:
    return Network.objects.filter(slug=NETWORK_SLUG).exists()


def generate(spaces: int, per_space: int, per_resource: int, *, out=print) -> dict:
    """Build the dataset once (a second call finds it and does nothing). Returns counts and timings."""
    if exists():
        out("dataset: already there")
        return {"created": False}
    t0 = time.perf_counter()
    with transaction.atomic():
        network = Network.objects.create(name="Bench network", slug=NETWORK_SLUG)
        rows = [
            Space(
                network=network,
                name=f"Bench space {i:04d}",
                slug=f"bench-{i:04d}",
                city="Brussels",
                country="BE",
                time_zone="Europe/Brussels",
            )
            for i in range(spaces)
        ]
        rows.append(Space(network=network, name="Bench big space", slug=BIG_SPACE, city="Brussels", country="BE"))
        Space.objects.bulk_create(rows, batch_size=1000)
        space_list = list(Space.objects.filter(network=network).order_by("id"))
        resources = []
        for space in space_list:
            count = BIG_RESOURCES if space.slug == BIG_SPACE else per_space
            for j in range(count):
                resources.append(
                    Resource(
                        space=space,
                        name=f"Room {j:03d}",
                        kind=KINDS[(space.pk + j) % len(KINDS)],
                        capacity=2 + (j * 7) % 60,
                        step_free=j % 3 == 0,
                        wheelchair_accessible=j % 3 == 0,
                        features=["projector"] if j % 4 == 0 else [],
                    )
                )
        Resource.objects.bulk_create(resources, batch_size=2000)
        practices = Practice.objects.bulk_create(
            [Practice(name=f"Bench practice {s.pk}", slug=f"bench-practice-{s.pk}") for s in space_list],
            batch_size=1000,
        )
        start_date = timezone.localdate() - dt.timedelta(days=30)
        SpaceMembership.objects.bulk_create(
            [
                SpaceMembership(space=s, practice=p, start_date=start_date)
                for s, p in zip(space_list, practices, strict=True)
            ],
            batch_size=1000,
        )
        members = Member.objects.bulk_create(
            [Member(email=f"bench-{s.pk}@example.org", name=f"Bench member {s.pk}") for s in space_list],
            batch_size=1000,
        )
        PracticeMember.objects.bulk_create(
            [PracticeMember(practice=p, member=m) for p, m in zip(practices, members, strict=True)], batch_size=1000
        )
        coordinator = Member.objects.create(email="bench-coordinator@example.org", name="Bench coordinator")
        RoleAssignment.objects.create(space=space_list[-1], member=coordinator, role="coordinator")
    t1 = time.perf_counter()
    out(f"spaces, resources, practices, members: {t1 - t0:.1f} s")

    resource_rows = list(Resource.objects.filter(space__network=network).values_list("id", "space_id").order_by("id"))
    practice_of = {s.pk: p.pk for s, p in zip(space_list, practices, strict=True)}
    member_of = {s.pk: m.pk for s, m in zip(space_list, members, strict=True)}
    base = base_time()
    total = len(resource_rows) * per_resource
    t2 = time.perf_counter()
    if connection.vendor == "postgresql":
        _copy_bookings(resource_rows, per_resource, base, practice_of, member_of)
    else:
        _bulk_bookings(resource_rows, per_resource, base, practice_of, member_of)
    t3 = time.perf_counter()
    out(f"bookings written: {total} in {t3 - t2:.1f} s ({total / max(t3 - t2, 1e-9):.0f} rows/s)")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    t4 = time.perf_counter()
    out(f"dataset total: {t4 - t0:.1f} s")
    return {"created": True, "bookings": total, "seconds": t4 - t0}


def _booking_values(resource_rows, per_resource, base, practice_of, member_of):
    now = timezone.now()
    for n, (resource_id, space_id) in enumerate(resource_rows):
        offset = dt.timedelta(hours=n % 13)
        for k in range(per_resource):
            start = base + offset + STEP * k
            end = start + dt.timedelta(hours=1 + (k + n) % 4)
            r = (k * 7 + n) % 20
            status = "pending" if r == 0 else "cancelled" if r == 1 else "confirmed"
            yield (
                resource_id,
                practice_of[space_id],
                member_of[space_id],
                "Bench booking",
                start,
                end,
                start,
                end,
                status,
                "booking",
                k % 10 == 0,
                now,
            )


COLUMNS = (
    "resource_id",
    "practice_id",
    "booked_by_id",
    "title",
    "start",
    "end",
    "blocked_start",
    "blocked_end",
    "status",
    "kind",
    "is_public",
    "created_at",
)


def _copy_bookings(resource_rows, per_resource, base, practice_of, member_of):
    columns = ", ".join(f'"{c}"' for c in COLUMNS)
    blank = ("", "", "")
    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY bookings_booking ({columns}, guest_name, guest_email, reason) FROM STDIN") as copy:
            for row in _booking_values(resource_rows, per_resource, base, practice_of, member_of):
                copy.write_row(row + blank)


def _bulk_bookings(resource_rows, per_resource, base, practice_of, member_of):
    from bookings.models import Booking

    batch = []
    with transaction.atomic():
        for values in _booking_values(resource_rows, per_resource, base, practice_of, member_of):
            batch.append(Booking(**dict(zip(COLUMNS, values, strict=True))))
            if len(batch) >= 5000:
                Booking.objects.bulk_create(batch)
                batch = []
        Booking.objects.bulk_create(batch)


def tokens(count: int) -> list[tuple[str, int, list[int]]]:
    """(raw token, practice id, resource ids) for the members of the first ``count`` ordinary spaces."""
    result = []
    spaces = Space.objects.filter(network__slug=NETWORK_SLUG).exclude(slug=BIG_SPACE).order_by("id")[:count]
    for space in spaces:
        membership = SpaceMembership.objects.filter(space=space).select_related("practice").first()
        member = PracticeMember.objects.filter(practice=membership.practice).first().member
        ApiToken.objects.filter(member=member).delete()
        result.append(
            (
                issue_token(member, label="bench"),
                membership.practice_id,
                list(Resource.objects.filter(space=space).order_by("id").values_list("id", flat=True)),
            )
        )
    return result


def overlaps() -> int:
    """Holding bookings of one resource whose blocked periods overlap (a self-join); must be 0."""
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """``with Gunicorn(workers=…) as base_url:`` serves plek on loopback with the current DATABASE_URL."""

    def __init__(self, workers: int = 4, threads: int = 1):
        self.workers, self.threads = workers, threads
        self.port = free_port()

    def __enter__(self) -> str:
        env = {**os.environ, "DEBUG": "0", "CONN_MAX_AGE": "600", "PLEK_NO_RATE_LIMITS": "1"}
        cmd = [
            str(ROOT / ".venv/bin/gunicorn"),
            "plek.wsgi",
            "-b",
            f"127.0.0.1:{self.port}",
            "-w",
            str(self.workers),
            "--threads",
            str(self.threads),
            "--log-level",
            "warning",
            "--backlog",
            "256",
        ]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=sys.stderr)
        url = f"http://127.0.0.1:{self.port}"
        import requests

        for _ in range(200):
            try:
                requests.get(url + "/api/v1/bookings?page_size=1", timeout=2)
                return url
            except requests.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]
