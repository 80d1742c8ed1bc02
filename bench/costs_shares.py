"""Computing the shares of a cost period: 1,000 practices, 50 items with usage keys over 100,000 bookings.

BENCH_SIZE=full: 1,000 practices, 50 items (30 by hours booked with per-resource weights, 10 by area, 5 equal,
5 by headcount), 100,000 confirmed bookings in the quarter. BENCH_SIZE=small: 100 practices, 50 items, 10,000
bookings. Rows are bulk-inserted (the bookings benchmarks measure booking through the service); one item per run
goes through costs.services.add_item. Promise: the shares computed in under one second (full size).
"""

import os

import django

django.setup()

import datetime  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from decimal import Decimal  # noqa: E402

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bookings.models import Booking  # noqa: E402
from community.models import Member, Practice, PracticeMember  # noqa: E402
from costs import services, shares  # noqa: E402
from costs.models import Contribution, CostItem, CostPeriod  # noqa: E402
from spaces.models import Resource, RoleAssignment, Space, SpaceMembership  # noqa: E402

FULL = os.environ.get("BENCH_SIZE", "small") == "full"
PRACTICES = 1_000 if FULL else 100
ITEMS = 50
BOOKINGS = 100_000 if FULL else 10_000
RESOURCES = 40
BOUND_S = 1.0
START = datetime.date(2026, 1, 1)
END = datetime.date(2026, 3, 31)


def build() -> CostPeriod:
    rng = random.Random(4)
    space, _ = Space.objects.get_or_create(
        slug="bench-costs", defaults={"name": "Bench costs", "city": "Brussels", "country": "BE"}
    )
    existing = CostPeriod.objects.filter(space=space, start=START).first()
    if existing and Booking.objects.filter(resource__space=space).count() >= BOOKINGS:
        return existing
    treasurer, _ = Member.objects.get_or_create(email="bench-treasurer@example.org", defaults={"name": "Bench"})
    RoleAssignment.objects.get_or_create(space=space, member=treasurer, role="treasurer")
    resources = Resource.objects.bulk_create(
        [Resource(space=space, name=f"Room {i}", area_m2=Decimal(rng.randint(10, 120))) for i in range(RESOURCES)]
    )
    practices = Practice.objects.bulk_create(
        [Practice(name=f"Practice {i:04d}", slug=f"bench-practice-{i}") for i in range(PRACTICES)]
    )
    SpaceMembership.objects.bulk_create(
        [
            SpaceMembership(
                space=space,
                practice=p,
                area_m2=Decimal(rng.randint(0, 80)),
                start_date=START + datetime.timedelta(days=rng.choice([-400, -400, -400, 20, 45])),
                end_date=None if rng.random() > 0.1 else START + datetime.timedelta(days=rng.randint(50, 80)),
            )
            for p in practices
        ]
    )
    members = Member.objects.bulk_create(
        [Member(email=f"bench-{i}@example.org", name=f"Person {i}", password="!") for i in range(PRACTICES * 2)]
    )
    PracticeMember.objects.bulk_create(
        [PracticeMember(practice=practices[i % PRACTICES], member=m) for i, m in enumerate(members)]
    )
    Contribution.objects.bulk_create(
        [
            Contribution(space=space, practice=p, coefficient=rng.choice([Decimal("0.5"), Decimal("1.5")]))
            for p in practices[::10]
        ]
    )
    tz = space.tz
    first = datetime.datetime.combine(START, datetime.time(8), tzinfo=tz)
    rows = []
    per_resource_slot: dict[int, int] = {}
    for _i in range(BOOKINGS):
        resource = rng.choice(resources)
        slot = per_resource_slot.get(resource.pk, 0)
        per_resource_slot[resource.pk] = slot + 1
        start = first + datetime.timedelta(minutes=30 * slot)  # no overlaps within a resource
        end = start + datetime.timedelta(minutes=30 * rng.randint(1, 1))
        rows.append(
            Booking(
                resource=resource,
                practice=rng.choice(practices),
                start=start,
                end=end,
                blocked_start=start,
                blocked_end=end,
                status=Booking.Status.CONFIRMED,
            )
        )
    Booking.objects.bulk_create(rows, batch_size=5_000)
    period = CostPeriod.objects.create(space=space, kind="quarter", start=START, end=END)
    keys = ["hours"] * 30 + ["area"] * 10 + ["equal"] * 5 + ["headcount"] * 5
    weights = {str(r.pk): str(rng.choice([1, 1, 2, 3])) for r in resources[:10]}
    CostItem.objects.bulk_create(
        [
            CostItem(
                period=period,
                label=f"Item {i}",
                category="energy" if key == "hours" else "rent",
                amount=Decimal(rng.randint(10_000, 900_000)) / 100,
                key=key,
                key_params={"weights": weights} if key == "hours" else {},
            )
            for i, key in enumerate(keys[:-1])
        ]
    )
    services.add_item(
        period, by=treasurer, label="Through the service", category="other", amount="999.99", key="headcount"
    )
    return period


def main() -> int:
    period = build()
    period = CostPeriod.objects.select_related("space").get(pk=period.pk)
    print(f"practices: {PRACTICES}")
    print(f"items: {period.items.count()}")
    print(f"bookings: {Booking.objects.filter(resource__space=period.space).count()}")
    timings, cpu, db = [], [], []
    for _ in range(5):
        with CaptureQueriesContext(connection) as queries:
            t0, c0 = time.perf_counter(), time.process_time()
            result = shares.compute(period)
            timings.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        db.append(sum(float(q["time"]) for q in queries.captured_queries))
    total = sum((i.amount for i in period.items.all()), Decimal(0))
    assert result.total == total, (result.total, total)
    print(f"shares: {len(result.shares)}")
    print(f"total matches to the cent: {result.total} == {total}")
    print(f"queries: {len(queries.captured_queries)}")
    print(f"compute median: {statistics.median(timings) * 1000:.0f} ms")
    print(f"compute worst: {max(timings) * 1000:.0f} ms")
    print(f"python cpu median: {statistics.median(cpu) * 1000:.0f} ms")
    print(f"database time median: {statistics.median(db) * 1000:.0f} ms")
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cpus")
    if FULL and statistics.median(timings) > BOUND_S:
        print(f"FAILED: over {BOUND_S} s")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
