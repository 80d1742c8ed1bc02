"""Helpers for the bookings benchmarks: the dataset (spaces, resources, bookings) and a gunicorn on loopback.

The dataset: one network "bench-net"; ``spaces`` spaces with ``per_space`` resources each, plus one space
"bench-big" with 100 resources (the week view); one practice and one member per space (with an API token);
``per_resource`` bookings per resource, one after another every 13 hours (so they fall at every time of day),
1 to 4 hours long, from 20 days ago: 90% confirmed, 5% pending, 5% cancelled. On PostgreSQL the bookings are
written with COPY, with the exclusion constraint and every index in place; on SQLite with bulk_create.
"""

from __future__ import annotations

import contextlib
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


def default_workers() -> int:
    """Gunicorn's advice for sync workers: 2 x cores + 1."""
    return 2 * (os.cpu_count() or 1) + 1


def _proc_cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used, from /proc (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_of(pid: int) -> float:
    """CPU seconds a process (e.g. a PostgreSQL backend) has used so far."""
    return _proc_cpu(pid)


def _children(pid: int) -> list[int]:
    """The process's descendants (a server's workers, and theirs)."""
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            out += [int(c) for c in (task / "children").read_text().split()]
    return [*out, *(grandchild for child in out for grandchild in _children(child))]


def _backend_pids(database: str) -> list[int]:
    """PostgreSQL's backends connected to ``database`` (their title names it), not other people's databases."""
    pids = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        with contextlib.suppress(OSError):
            title = cmdline.read_bytes().decode(errors="replace")
            if title.startswith("postgres:") and f" {database} " in title:
                pids.append(int(cmdline.parent.name))
    return pids


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    tick = os.sysconf("SC_CLK_TCK")
    idle = values[3] + values[4]
    return (sum(values) - idle) / tick, sum(values) / tick


class CpuMeter:
    """Who used the CPU during a run: the gunicorn workers, PostgreSQL's backends of the bench database, and the
    whole machine.

    ``start()`` then ``stop()``; ``report(out)`` prints one line per figure. The client's own CPU is added by the
    caller (``client``, seconds). Reads /proc only: Linux.
    """

    def __init__(self, server_pid: int | None = None, database: str = ""):
        self.server_pid = server_pid
        self.database = database
        self.client = 0.0
        self.backends = None  # CPU of short-lived backends, reported by the caller (they are gone at stop())

    def _server_pids(self) -> list[int]:
        return [self.server_pid, *_children(self.server_pid)] if self.server_pid else []

    def _snapshot(self) -> dict:
        return {
            "server": {pid: _proc_cpu(pid) for pid in self._server_pids()},
            "postgres": {pid: _proc_cpu(pid) for pid in _backend_pids(self.database)},
            "machine": machine_busy(),
            "at": time.perf_counter(),
        }

    def start(self) -> None:
        self.before = self._snapshot()

    def stop(self) -> None:
        self.after = self._snapshot()

    def _used(self, key: str) -> float:
        before, after = self.before[key], self.after[key]
        return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())

    def report(self, name: str, out=print, per: int = 0) -> None:
        """``per``: the number of bookings made, to print the CPU per booking of each process group too."""
        wall = self.after["at"] - self.before["at"]
        cores = os.cpu_count() or 1
        busy = self.after["machine"][0] - self.before["machine"][0]
        out(f"{name} CPU: {cores} cores x {wall:.2f} s = {cores * wall:.2f} s; machine busy {busy:.2f} s")
        server = self._used("server") if self.server_pid else 0.0
        if self.server_pid:
            out(f"{name} CPU server (web server and workers): {server:.2f} s")
        database = self.backends if self.backends is not None else self._used("postgres")
        out(f"{name} CPU postgresql (backends of {self.database}): {database:.2f} s")
        out(f"{name} CPU client: {self.client:.2f} s")
        others = busy - server - database - self.client
        out(f"{name} CPU everything else (other work on the machine): {max(others, 0):.2f} s")
        if per:
            ms = [1000 * cpu / per for cpu in (server, database, self.client)]
            out(
                f"{name} CPU per booking: server {ms[0]:.2f} ms, postgresql {ms[1]:.2f} ms, client {ms[2]:.2f} ms"
                f" = {sum(ms):.2f} ms"
            )


class Gunicorn:
    """``with Gunicorn(workers=…) as base_url:`` serves plek on loopback with the current DATABASE_URL.

    Production-like: DEBUG off, persistent database connections (CONN_MAX_AGE=600), sync workers by default
    (``threads`` > 1 makes them gthread workers, which also keep client connections alive).
    ``server="granian"``: Granian's WSGI server instead (``workers`` processes, ``threads`` blocking threads each).
    """

    last_pid: int | None = None

    def __init__(self, workers: int | None = None, threads: int = 1, server: str = "gunicorn"):
        self.workers, self.threads = workers or default_workers(), threads
        self.server = server
        self.port = free_port()

    def _command(self) -> list[str]:
        if self.server == "granian":
            return [
                sys.executable,
                "-m",
                "granian",
                "--interface",
                "wsgi",
                "plek.wsgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--workers",
                str(self.workers),
                "--blocking-threads",
                str(self.threads),
                "--no-ws",
                "--log-level",
                "warning",
                "--backlog",
                "256",
            ]
        return [
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

    def __enter__(self) -> str:
        env = {
            **os.environ,
            "DEBUG": "0",
            "CONN_MAX_AGE": "600",
            "PLEK_NO_RATE_LIMITS": "1",
            "PYTHONWARNINGS": "ignore:No directory at",  # whitenoise: no collected static files (not needed)
        }
        self.proc = subprocess.Popen(self._command(), cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=sys.stderr)
        Gunicorn.last_pid = self.proc.pid
        url = f"http://127.0.0.1:{self.port}"
        import requests

        deadline = time.monotonic() + 120  # a busy machine can take long to load the workers
        while time.monotonic() < deadline:
            try:
                requests.get(url + "/api/v1/bookings?page_size=1", timeout=30)
                return url
            except requests.RequestException:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"{self.server} did not start")

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
