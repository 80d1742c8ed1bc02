"""The network agenda with many spaces and upcoming events: first-page server time and query count.

BENCH_SIZE=full: 500 spaces, 50,000 upcoming events (one date each). BENCH_SIZE=small: 50 spaces, 2,000 events.
The rows are bulk-inserted (creating an event through programme.services.create_event also books its room, which
the bookings benchmarks measure); one event per run is created through the service to check that path works.
Promise: the first page under 100 ms server time, with a query count independent of the number of events.
"""

import os

os.environ.setdefault("PLEK_PLAIN_STATIC", "1")  # render pages without a collected static manifest

import django  # noqa: E402

django.setup()

import datetime  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from community.models import Member  # noqa: E402
from programme import services  # noqa: E402
from programme.models import Event, Occurrence  # noqa: E402
from spaces.models import Network, Resource, RoleAssignment, Space  # noqa: E402

FULL = os.environ.get("BENCH_SIZE", "small") == "full"
SPACES = 500 if FULL else 50
EVENTS = 50_000 if FULL else 2_000
BOUND_MS = 100.0
CATEGORIES = [c for c, _label in Event.Category.choices]
COUNTRIES = [
    ("BE", "Brussels"),
    ("PT", "Lisbon"),
    ("PL", "Warsaw"),
    ("GE", "Tbilisi"),
    ("AM", "Yerevan"),
    ("FR", "Lille"),
]
LANGS = [["en"], ["fr", "nl"], ["pt", "en"], ["pl"], ["ka", "en"], ["hy"]]


def build() -> None:
    if Occurrence.objects.count() >= EVENTS:
        return
    network, _ = Network.objects.get_or_create(slug="bench-net", defaults={"name": "Bench network"})
    spaces = Space.objects.bulk_create(
        [
            Space(
                network=network,
                name=f"Bench space {i}",
                slug=f"bench-space-{i}",
                country=COUNTRIES[i % len(COUNTRIES)][0],
                city=COUNTRIES[i % len(COUNTRIES)][1],
            )
            for i in range(SPACES)
        ]
    )
    if any(s.pk is None for s in spaces):
        spaces = list(Space.objects.filter(network=network).order_by("id"))
    now = timezone.now()
    batch = 5000
    for first in range(0, EVENTS, batch):
        rows = range(first, min(first + batch, EVENTS))
        events = Event.objects.bulk_create(
            [
                Event(
                    space=spaces[i % SPACES],
                    first_start=now + datetime.timedelta(hours=1 + (i * 7) % (24 * 365)),
                    last_end=now + datetime.timedelta(hours=3 + (i * 7) % (24 * 365)),
                    title=f"Event {i}",
                    category=CATEGORIES[i % len(CATEGORIES)],
                    languages=LANGS[i % len(LANGS)],
                    capacity=30 if i % 2 else None,
                    wheelchair_accessible=bool(i % 3 == 0),
                    price_kind="free" if i % 4 else "fixed",
                    price=None if i % 4 else 5,
                )
                for i in rows
            ]
        )
        if any(e.pk is None for e in events):
            events = list(Event.objects.filter(title__in=[f"Event {i}" for i in rows]).order_by("id"))
        Occurrence.objects.bulk_create(
            [
                Occurrence(
                    event=e,
                    space_id=e.space_id,
                    start=e.first_start,
                    end=e.last_end,
                    audience=e.audience,
                    category=e.category,
                    is_free=e.price_kind == "free",
                    is_accessible=e.wheelchair_accessible,
                    languages=e.languages,
                    capacity=e.capacity,
                )
                for i, e in zip(rows, events, strict=True)
            ]
        )
    # One event through the service, to be sure the real path works on this database.
    coordinator, _ = Member.objects.get_or_create(email="bench-coordinator@example.org")
    RoleAssignment.objects.get_or_create(space=spaces[0], member=coordinator, role="coordinator")
    room, _ = Resource.objects.get_or_create(space=spaces[0], name="Bench hall")
    start = now + datetime.timedelta(days=400)
    services.create_event(
        spaces[0],
        by=coordinator,
        resource=room,
        start=start,
        end=start + datetime.timedelta(hours=2),
        title="Real event",
    )


def measure(client: Client, url: str, runs: int = 15) -> tuple[float, float, int]:
    client.get(url)  # warm up
    times, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - t0) * 1000
        assert response.status_code == 200, (url, response.status_code)
        times.append(elapsed)
        queries = len(ctx.captured_queries)
    return statistics.median(times), max(times), queries


def main() -> int:
    t0 = time.perf_counter()
    build()
    if connection.vendor == "postgresql":
        # Fresh bulk-loaded tables have no statistics yet (autovacuum would gather them in production).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"database: {connection.vendor}")
    print(f"spaces: {Space.objects.filter(network__slug='bench-net').count()}")
    print(f"upcoming events: {Occurrence.objects.filter(end__gt=timezone.now()).count()}")
    print(f"build: {time.perf_counter() - t0:.1f} s")
    client = Client()
    failed = False
    pages = [
        ("agenda first page", "/en/programme/"),
        ("agenda, country=PT", "/en/programme/?country=PT"),
        ("agenda, category=screening, free", "/en/programme/?category=screening&free=on"),
        ("agenda, language=fr, accessible", "/en/programme/?language=fr&accessible=on"),
        ("agenda, network", "/en/programme/?network=bench-net"),
        ("agenda page 50", "/en/programme/?page=50"),
        ("space programme", "/en/spaces/bench-space-7/programme/"),
        ("API events first page", "/api/v1/events"),
        ("network feed (500 dates, iCal)", "/feeds/network/bench-net.ics"),
    ]
    for label, url in pages:
        median, worst, queries = measure(client, url)
        print(f"{label}: median {median:.1f} ms, max {worst:.1f} ms, {queries} queries")
        if label == "agenda first page" and median > BOUND_MS:
            print(f"FAILED: the first page took {median:.1f} ms (bound {BOUND_MS} ms)")
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
