"""Reads reused by the UI, the API and the feeds."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connections
from django.db.models import Q

from spaces import rules as space_rules

from .models import Booking


@dataclass(slots=True)
class CalendarBooking:
    """What a calendar cell shows of a booking (a row of ``values_list``, not a model instance): thousands of
    these make a week of 100 resources, and building Booking instances with their practice would cost most of the
    page's time."""

    pk: int
    resource_id: int
    start: dt.datetime
    end: dt.datetime
    title: str
    status: str
    practice_name: str | None
    # Filled by bookings.grids: the local start and end, and the escaped <li> a cell shows.
    local_start: dt.datetime | None = None
    local_end: dt.datetime | None = None
    cell_item: str = ""


def _utc(text: str) -> dt.datetime:
    """A timestamp read as text (PostgreSQL: "2026-05-04 17:00:00+00", the session being in UTC; SQLite: naive
    UTC) as an aware datetime."""
    value = dt.datetime.fromisoformat(text)
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def timestamp_parser(connection):
    """How to read a timestamp selected as text on this connection: PostgreSQL's text always carries the offset,
    so ``fromisoformat`` alone (no Python function call per value); elsewhere ``_utc``."""
    return dt.datetime.fromisoformat if connection.vendor == "postgresql" else _utc


def in_ids(column: str, ids, connection) -> tuple[str, list]:
    """``column IN (ids)`` for a SQL statement: one array parameter on PostgreSQL, placeholders elsewhere.

    With a hundred placeholders the statement is long, and psycopg converts it again at each execution (it caches
    only short ones): that, and the ORM building the lookup, cost more than the query itself."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [list(ids)]
    ids = list(ids)
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", ids


def bookings_by_resource(space, start: dt.datetime, end: dt.datetime, *, resources=None, statuses=Booking.HOLDING):
    """The week (or day) view: ``[(resource, [CalendarBooking overlapping [start, end)])]`` for the space's
    resources, ordered by name; each resource's bookings by start.

    Two queries whatever the number of resources or bookings: the resources (only the columns a calendar needs),
    then the bookings' columns for the window (index on resource and start). ``resources``: a queryset to narrow
    the list (default: the space's active resources).
    """
    from community.models import Practice
    from spaces.models import Resource

    qs = resources if resources is not None else Resource.objects.filter(space=space, is_active=True)
    resources = list(qs.only("id", "space_id", "name").order_by("name", "id"))
    if not resources or not statuses:
        return [(r, []) for r in resources]
    by_resource: dict[int, list[CalendarBooking]] = {r.pk: [] for r in resources}
    # In SQL rather than through the ORM: building this query and iterating its rows with the ORM cost three times
    # what the query does (≈2 ms of ≈3 for a busy week of 100 resources). The times come as text: psycopg's
    # timestamptz loader, as Django installs it, is pure Python (≈6 µs a value); fromisoformat takes a fraction.
    connection = connections[Booking.objects.db]
    quote, adapt = connection.ops.quote_name, connection.ops.adapt_datetimefield_value
    in_resources, ids = in_ids("b.resource_id", by_resource, connection)
    in_statuses, status_values = in_ids("b.status", [str(s) for s in statuses], connection)
    sql = f"""
        SELECT b.id, b.resource_id, CAST(b.{quote("start")} AS text), CAST(b.{quote("end")} AS text), b.title,
               b.status, p.name
          FROM {quote(Booking._meta.db_table)} b LEFT JOIN {quote(Practice._meta.db_table)} p ON p.id = b.practice_id
         WHERE {in_resources} AND {in_statuses} AND b.{quote("start")} < %s AND b.{quote("end")} > %s
         ORDER BY b.{quote("start")}, b.id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*ids, *status_values, adapt(end), adapt(start)])
        rows = cursor.fetchall()
    parse = timestamp_parser(connection)
    for pk, resource_id, start_text, end_text, title, status, practice_name in rows:
        by_resource[resource_id].append(
            CalendarBooking(pk, resource_id, parse(start_text), parse(end_text), title, status, practice_name)
        )
    return [(r, by_resource[r.pk]) for r in resources]


def visible_bookings(user):
    """Bookings the user may see: those of their spaces, and public ones."""
    qs = Booking.objects.all()
    if getattr(user, "is_superuser", False):
        return qs
    return qs.filter(Q(is_public=True) | Q(resource__space_id__in=space_rules.member_space_ids(user)))


def my_bookings(user):
    """Bookings the user made or that are for one of their practices."""
    if not getattr(user, "is_authenticated", False):
        return Booking.objects.none()
    return Booking.objects.filter(Q(booked_by=user) | Q(practice_id__in=space_rules.practice_ids(user)))
