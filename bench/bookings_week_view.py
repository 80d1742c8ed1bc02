"""The week view of a space with 100 resources (the booking pages' calendar): server time and query count.

Builds the bookings dataset (bench/_bookings_data.py; BENCH_SIZE=small: 50 spaces, 20 bookings per resource;
full: 1,000 spaces, 100 per resource), then renders /en/spaces/bench-big/bookings/ (the week) and .../day/ in
process with Django's test client, as the space's coordinator: the time is the server's (view, queries and
template), without the network. Also checks that the query count does not grow with the number of bookings.
Promise (issue 3): under 50 ms server time for the week.

    bash bench/run_all.sh bench/bookings_week_view.py
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/plek_bench bash bench/run_all.sh bench/bookings_week_view.py
"""

import datetime as dt
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plek.settings")
os.environ.setdefault("PLEK_PLAIN_STATIC", "1")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _bookings_data as data  # noqa: E402
from _cpu import CpuMeter  # noqa: E402

FULL = os.environ.get("BENCH_SIZE", "small") == "full"
SPACES = int(os.environ.get("BENCH_SPACES", 1000 if FULL else 50))
PER_SPACE = int(os.environ.get("BENCH_PER_SPACE", 10))
PER_RESOURCE = int(os.environ.get("BENCH_PER_RESOURCE", 100 if FULL else 20))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 40))
BOUND_MS = 50.0


def measure(client: Client, url: str) -> tuple[float, float, int, int, str]:
    client.get(url)  # warm up: templates, URL resolvers
    times = []
    with CpuMeter(connection) as cpu:
        for _ in range(ROUNDS):
            t0 = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    p50, p95 = data.percentile(times, 50), data.percentile(times, 95)
    return p50, p95, len(queries), len(response.content), cpu.per_call(ROUNDS)


def main() -> int:
    settings.ALLOWED_HOSTS = ["*"]
    print(f"database: {connection.vendor}")
    data.generate(SPACES, PER_SPACE, PER_RESOURCE)
    from bookings.models import Booking
    from community.models import Member
    from spaces.models import Space

    space = Space.objects.get(slug=data.BIG_SPACE)
    client = Client()
    client.force_login(Member.objects.get(email="bench-coordinator@example.org"))
    # A week in the middle of the dataset's bookings (one every 13 hours per resource from base_time()).
    middle = data.base_time() + data.STEP * (PER_RESOURCE // 2)
    day = timezone.localtime(middle, space.tz).date()
    monday = day - dt.timedelta(days=day.weekday())
    low = dt.datetime.combine(monday, dt.time(0), tzinfo=space.tz)
    in_week = Booking.objects.filter(resource__space=space, start__lt=low + dt.timedelta(days=7), end__gt=low).count()
    print(f"resources: {space.resources.count()}; bookings in the week shown: {in_week}")
    week = f"/en/spaces/{space.slug}/bookings/?date={day}"
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    failed = False
    for label, url in (("week view", week), ("day view", f"/en/spaces/{space.slug}/bookings/day/?date={day}")):
        p50, p95, count, size, cpu = measure(client, url)
        print(f"{label} p50: {p50:.1f} ms")
        print(f"{label} p95: {p95:.1f} ms")
        print(f"{label} CPU per page: {cpu}")
        print(f"{label} queries: {count}")
        print(f"{label} size: {size // 1024} KiB")
        if label == "week view" and p50 > BOUND_MS:
            print(f"MISSED: week view p50 {p50:.1f} ms > {BOUND_MS:.0f} ms")
            failed = True
    # The query count must not depend on the number of bookings: an empty week runs the same queries.
    empty = f"/en/spaces/{space.slug}/bookings/?date={day.replace(year=day.year + 5)}"
    empty_count = measure(client, empty)[2]
    full_count = measure(client, week)[2]
    print(f"week view queries, empty week vs this week: {empty_count} vs {full_count}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    if empty_count != full_count:
        print("MISSED: the query count grows with the number of bookings")
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
