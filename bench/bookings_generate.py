"""Build the bookings dataset: 1,000 spaces, 10,000 resources (+ one space with 100), 1,000,000 bookings.

BENCH_SIZE=full: 1,000 spaces x 10 resources x 100 bookings (plus the 100-resource space: 1,010,000 bookings).
BENCH_SIZE=small: 50 spaces x 10 resources x 20 bookings. Override with BENCH_SPACES, BENCH_PER_SPACE,
BENCH_PER_RESOURCE. PostgreSQL writes the bookings with COPY, with the exclusion constraint on.
Promise: the full dataset in minutes, not hours.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/plek_bench .venv/bin/python bench/bookings_generate.py
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plek.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _bookings_data as data  # noqa: E402

FULL = os.environ.get("BENCH_SIZE", "small") == "full"
SPACES = int(os.environ.get("BENCH_SPACES", 1000 if FULL else 50))
PER_SPACE = int(os.environ.get("BENCH_PER_SPACE", 10))
PER_RESOURCE = int(os.environ.get("BENCH_PER_RESOURCE", 100 if FULL else 20))
BOUND_S = 600.0


def main() -> int:
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    print(f"size: {SPACES} spaces x {PER_SPACE} resources x {PER_RESOURCE} bookings")
    result = data.generate(SPACES, PER_SPACE, PER_RESOURCE)
    from bookings.models import Booking
    from spaces.models import Resource

    print(f"resources: {Resource.objects.filter(space__network__slug=data.NETWORK_SLUG).count()}")
    print(f"bookings: {Booking.objects.count()}")
    if connection.vendor == "postgresql":
        print(f"overlapping holding bookings (self-join): {data.overlaps()}")
    if result.get("created"):
        print(f"generation: {result['seconds']:.1f} s")
        if FULL and result["seconds"] > BOUND_S:
            print(f"MISSED: more than {BOUND_S:.0f} s")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
