"""Reads reused by the UI, the API and the feeds."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, TextField
from django.db.models.functions import Cast

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


def bookings_by_resource(space, start: dt.datetime, end: dt.datetime, *, resources=None, statuses=Booking.HOLDING):
    """The week (or day) view: ``[(resource, [CalendarBooking overlapping [start, end)])]`` for the space's
    resources, ordered by name; each resource's bookings by start.

    Two queries whatever the number of resources or bookings: the resources (only the columns a calendar needs),
    then the bookings' columns for the window (index on resource and start). ``resources``: a queryset to narrow
    the list (default: the space's active resources).
    """
    from spaces.models import Resource

    qs = resources if resources is not None else Resource.objects.filter(space=space, is_active=True)
    resources = list(qs.only("id", "space_id", "name").order_by("name", "id"))
    if not resources:
        return []
    by_resource: dict[int, list[CalendarBooking]] = {r.pk: [] for r in resources}
    # The times come as text: psycopg's timestamptz loader, as Django installs it, is pure Python (≈6 µs a value,
    # most of this function's time for a busy week); fromisoformat takes a fraction of that.
    rows = (
        Booking.objects.filter(resource_id__in=list(by_resource), status__in=statuses, start__lt=end, end__gt=start)
        .annotate(start_text=Cast("start", TextField()), end_text=Cast("end", TextField()))
        .order_by("start", "id")
        .values_list("id", "resource_id", "start_text", "end_text", "title", "status", "practice__name")
    )
    for pk, resource_id, start_text, end_text, title, status, practice_name in rows:
        by_resource[resource_id].append(
            CalendarBooking(pk, resource_id, _utc(start_text), _utc(end_text), title, status, practice_name)
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
