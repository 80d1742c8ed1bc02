"""Find a place across the network for one evening (service and HTTP p95), and the week view of a 100-resource space.

Uses the dataset of bookings_generate.py (generated here if missing). Needs PostgreSQL for the HTTP part.
Promises: availability p95 < 30 ms in the service layer and < 60 ms through HTTP; the week view's bookings
(bookings.queries.bookings_by_resource) < 50 ms with a query count that does not grow with the bookings.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/plek_bench_bookings BENCH_SIZE=full \
        .venv/bin/python bench/bookings_search.py
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plek.settings")

import django  # noqa: E402

django.setup()

import datetime as dt  # noqa: E402

import requests  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Max, Min  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _bookings_data as data  # noqa: E402
from _cpu import CpuMeter  # noqa: E402

FULL = os.environ.get("BENCH_SIZE", "small") == "full"
ROUNDS = 100 if FULL else 20


def main() -> int:
    if not data.exists():
        data.generate(1000 if FULL else 20, 10, 100 if FULL else 10)
    from bookings import availability, queries
    from bookings.models import Booking
    from community.models import Member
    from spaces import rules as space_rules
    from spaces.models import Network, Space

    network = Network.objects.get(slug=data.NETWORK_SLUG)
    user = Member.objects.get(email="bench-coordinator@example.org")
    print(f"bookings: {Booking.objects.count()}")
    # One evening a week from now, 18:00-23:00 UTC (the dataset has bookings at every time of day), or the middle
    # of the dataset when it is small.
    big = Space.objects.get(slug=data.BIG_SPACE)
    span = Booking.objects.filter(resource__space=big).aggregate(first=Min("start"), last=Max("start"))
    middle = span["first"] + (span["last"] - span["first"]) / 2
    day = min(data.base_time() + dt.timedelta(days=27), middle).date()
    start = dt.datetime.combine(day, dt.time(18), tzinfo=dt.UTC)
    end = start + dt.timedelta(hours=5)
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    times = []
    with CpuMeter(connection) as cpu:
        for _ in range(ROUNDS):
            space_rules.forget(user)  # as in a fresh request: the user's rules are read again
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                found = availability.find_free(user, start, end, duration=dt.timedelta(hours=2), network=network)
                times.append(time.perf_counter() - t0)
    print(f"availability (service) queries: {len(ctx)}")
    print(f"availability (service) results: {len(found)}")
    print(f"availability (service) p50: {data.percentile(times, 50) * 1000:.1f} ms")
    print(f"availability (service) p95: {data.percentile(times, 95) * 1000:.1f} ms")
    print(f"availability (service) CPU per search: {cpu.per_call(ROUNDS)}")

    # A month in one space of 100 resources: a thousand busy periods to read and subtract.
    month_end = start + dt.timedelta(days=31)
    times = []
    with CpuMeter(connection) as cpu:
        for _ in range(ROUNDS):
            space_rules.forget(user)
            t0 = time.perf_counter()
            month = availability.find_free(user, start, month_end, duration=dt.timedelta(hours=2), space=big)
            times.append(time.perf_counter() - t0)
    print(f"availability, 31 days in one space: {len(month)} results, {sum(len(r.slots) for r in month)} slots")
    print(f"availability, 31 days in one space p50: {data.percentile(times, 50) * 1000:.1f} ms")
    print(f"availability, 31 days in one space p95: {data.percentile(times, 95) * 1000:.1f} ms")
    print(f"availability, 31 days in one space CPU per search: {cpu.per_call(ROUNDS)}")

    monday = day - dt.timedelta(days=day.weekday())
    w_start = dt.datetime.combine(monday, dt.time(0), tzinfo=big.tz)
    w_end = w_start + dt.timedelta(days=7)
    times = []
    with CpuMeter(connection) as cpu:
        for _ in range(ROUNDS):
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                rows = queries.bookings_by_resource(big, w_start, w_end)
                times.append(time.perf_counter() - t0)
    print(f"week view: {len(rows)} resources, {sum(len(b) for _r, b in rows)} bookings, {len(ctx)} queries")
    print(f"week view p50: {data.percentile(times, 50) * 1000:.1f} ms")
    print(f"week view p95: {data.percentile(times, 95) * 1000:.1f} ms")
    print(f"week view CPU per call: {cpu.per_call(ROUNDS)}")

    if connection.vendor == "postgresql":
        from api.authentication import issue_token

        token = issue_token(user, label="bench")
        connection.close()
        params = {
            "start": start.isoformat(),
            "end": end.isoformat(),
            "duration": 120,
            "network": network.pk,
        }
        with data.Gunicorn(workers=2) as url:
            session = requests.Session()
            session.headers["Authorization"] = f"Bearer {token}"
            for _ in range(5):
                session.get(url + "/api/v1/availability", params=params)
            times = []
            for _ in range(ROUNDS):
                t0 = time.perf_counter()
                response = session.get(url + "/api/v1/availability", params=params)
                times.append(time.perf_counter() - t0)
            assert response.status_code == 200, response.text[:300]
        print(f"availability (HTTP) results: {len(response.json()['results'])}")
        print(f"availability (HTTP) p50: {data.percentile(times, 50) * 1000:.1f} ms")
        print(f"availability (HTTP) p95: {data.percentile(times, 95) * 1000:.1f} ms")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
