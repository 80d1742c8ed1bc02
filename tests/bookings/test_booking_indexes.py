"""The bookings table carries no index twice, yet every foreign key leads an index (deletes that cascade or set
NULL, and lookups by practice, member or series, stay indexed)."""

from __future__ import annotations

import pytest
from django.db import connection

from bookings.models import Booking

pytestmark = pytest.mark.django_db


def _indexes() -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Booking._meta.db_table)
    return {name: info["columns"] for name, info in constraints.items() if info["index"] and info["columns"]}


def test_every_foreign_key_leads_an_index():
    leading = {columns[0] for columns in _indexes().values()}
    foreign_keys = [f.column for f in Booking._meta.concrete_fields if f.is_relation]

    assert foreign_keys and set(foreign_keys) <= leading


def test_no_index_is_the_prefix_of_another():
    """An index on (a) beside one on (a, b) costs every insert and serves nothing the second does not."""
    indexes = _indexes()
    plain = {
        name: cols for name, cols in indexes.items() if name not in {"booking_series_idx", "booking_decided_by_idx"}
    }
    redundant = [
        (name, other)
        for name, cols in plain.items()
        for other, longer in plain.items()
        if name != other and len(cols) < len(longer) and longer[: len(cols)] == cols
    ]
    assert redundant == []
