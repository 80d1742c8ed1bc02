"""Booking creation through the HTTP API (gunicorn on loopback) at 16 concurrent clients, on PostgreSQL.

Prints bookings/s, p50/p99 latency, the overlaps found afterwards by a self-join (must be 0), and the rate of a
raw-SQL INSERT with the same exclusion constraint at the same concurrency, measured in the same run.
Each client books the resources of its own space, one after another in free slots, so every request is a real
201 (the race for one slot is tested in tests/bookings_api/test_concurrency.py). Needs PostgreSQL.

BENCH_SIZE=full: the dataset of bookings_generate.py (1,000,000 bookings), 250 bookings per client.
BENCH_SIZE=small: a small dataset, 25 per client. BENCH_WORKERS (gunicorn workers, default 4),
BENCH_THREADS (threads per worker, default 1), BENCH_CLIENTS (default 16), BENCH_REQUESTS (per client).
Promise: at least 500 bookings/s with p99 under 50 ms at 16 clients.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/plek_bench_bookings BENCH_SIZE=full \
        .venv/bin/python bench/bookings_http.py
"""

import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plek.settings")

import django  # noqa: E402

django.setup()

import datetime as dt  # noqa: E402

import psycopg  # noqa: E402
import requests  # noqa: E402
from django.db import connection  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _bookings_data as data  # noqa: E402

FULL = os.environ.get("BENCH_SIZE", "small") == "full"
CLIENTS = int(os.environ.get("BENCH_CLIENTS", 16))
PER_CLIENT = int(os.environ.get("BENCH_REQUESTS", 250 if FULL else 25))
WORKERS = int(os.environ.get("BENCH_WORKERS", 4))
THREADS = int(os.environ.get("BENCH_THREADS", 1))
RATE_BOUND, P99_BOUND_MS = 500.0, 50.0


def run_clients(work) -> tuple[float, list[float], list[int]]:
    """Run ``work(client_index, record)`` in CLIENTS threads started together; returns wall time, latencies."""
    latencies: list[float] = []
    statuses: list[int] = []
    lock = threading.Lock()
    barrier = threading.Barrier(CLIENTS + 1)

    def record(seconds: float, status: int) -> None:
        with lock:
            latencies.append(seconds)
            statuses.append(status)

    def body(i):
        barrier.wait()
        work(i, record)

    threads = [threading.Thread(target=body, args=(i,)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    barrier.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    return time.perf_counter() - t0, latencies, statuses


def http_bench(base_url: str, clients, start_at: dt.datetime):
    def work(i, record):
        token, practice, resources = clients[i]
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        for n in range(PER_CLIENT):
            start = start_at + dt.timedelta(hours=3 * (n // len(resources)))
            payload = {
                "resource": resources[n % len(resources)],
                "practice": practice,
                "start": start.isoformat(),
                "end": (start + dt.timedelta(hours=2)).isoformat(),
                "title": "Bench",
            }
            t0 = time.perf_counter()
            response = session.post(base_url + "/api/v1/bookings", json=payload, timeout=30)
            record(time.perf_counter() - t0, response.status_code)
            if response.status_code != 201 and n == 0 and i == 0:
                print(f"first refusal: {response.status_code} {response.text[:300]}")

    return run_clients(work)


def raw_bench(clients, start_at: dt.datetime):
    """The same rows, inserted with plain SQL (one transaction each) under the same exclusion constraint."""
    dsn = connection.get_connection_params()
    dsn.pop("cursor_factory", None)
    dsn.pop("context", None)
    dsn.pop("prepare_threshold", None)

    def work(i, record):
        _token, practice, resources = clients[i]
        with psycopg.connect(**dsn, autocommit=True) as conn:
            for n in range(PER_CLIENT):
                start = start_at + dt.timedelta(hours=3 * (n // len(resources)))
                end = start + dt.timedelta(hours=2)
                t0 = time.perf_counter()
                conn.execute(
                    'INSERT INTO bookings_booking (resource_id, practice_id, title, "start", "end", blocked_start, '
                    "blocked_end, status, kind, is_public, guest_name, guest_email, reason, created_at) "
                    "VALUES (%s, %s, 'Raw', %s, %s, %s, %s, 'confirmed', 'booking', false, '', '', '', now())",
                    [resources[n % len(resources)], practice, start, end, start, end],
                )
                record(time.perf_counter() - t0, 201)

    return run_clients(work)


def report(name: str, wall: float, latencies: list[float], statuses: list[int]) -> float:
    ok = sum(1 for s in statuses if s == 201)
    rate = ok / wall
    print(f"{name}: {ok} created of {len(statuses)} in {wall:.2f} s")
    print(f"{name} rate: {rate:.0f} bookings/s")
    print(f"{name} p50: {data.percentile(latencies, 50) * 1000:.1f} ms")
    print(f"{name} p99: {data.percentile(latencies, 99) * 1000:.1f} ms")
    others = sorted({s for s in statuses if s != 201})
    if others:
        print(f"{name} other statuses: {others}")
    return rate


def main() -> int:
    if connection.vendor != "postgresql":
        print("bookings_http: needs PostgreSQL (set DATABASE_URL); skipped")
        return 0
    if not data.exists():
        data.generate(1000 if FULL else 20, 10, 100 if FULL else 10)
    from bookings.models import Booking

    print(f"bookings in the database: {Booking.objects.count()}")
    clients = data.tokens(CLIENTS)
    # Far beyond the dataset and beyond earlier runs: every run books its own fresh week.
    latest = Booking.objects.order_by("-end").values_list("end", flat=True).first()
    start_at = (latest + dt.timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    print(f"clients: {CLIENTS}, requests per client: {PER_CLIENT}, gunicorn: {WORKERS} workers x {THREADS} threads")
    with data.Gunicorn(workers=WORKERS, threads=THREADS) as url:
        # Warm up: each worker loads the code and opens its database connection.
        for token, _practice, _resources in clients[: WORKERS * 2]:
            requests.get(url + "/api/v1/bookings?page_size=1", headers={"Authorization": f"Bearer {token}"})
        wall, latencies, statuses = http_bench(url, clients, start_at)
    connection.close()
    api_rate = report("http", wall, latencies, statuses)
    p99 = data.percentile(latencies, 99) * 1000
    raw_start = start_at + dt.timedelta(days=60)
    wall, raw_latencies, raw_statuses = raw_bench(clients, raw_start)
    raw_rate = report("raw sql", wall, raw_latencies, raw_statuses)
    print(f"http / raw sql: {api_rate / raw_rate:.2f}")
    t0 = time.perf_counter()
    found = data.overlaps()
    print(f"overlapping holding bookings (self-join over all {Booking.objects.count()} rows): {found}")
    print(f"self-join: {time.perf_counter() - t0:.1f} s")
    missed = []
    if found:
        missed.append("overlaps")
    if FULL and api_rate < RATE_BOUND:
        missed.append(f"rate < {RATE_BOUND:.0f}/s")
    if FULL and p99 > P99_BOUND_MS:
        missed.append(f"p99 > {P99_BOUND_MS:.0f} ms")
    if missed:
        print("MISSED: " + ", ".join(missed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
