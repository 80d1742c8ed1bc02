"""Reads used in several places: the agenda (UI, API, feeds, widget), projects, a practice's programme."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from spaces.models import Space, SpaceMembership

from . import rules
from .models import Event, Occurrence, Project

SHOWN_BOOKING = Q(booking__isnull=True) | Q(booking__status="confirmed")


def agenda(
    user=None,
    *,
    space=None,
    network=None,
    practice=None,
    start: datetime | None = None,
    end: datetime | None = None,
    city: str = "",
    country: str = "",
    category: str = "",
    language: str = "",
    free: bool = False,
    accessible: bool = False,
    public_only: bool = False,
    with_cancelled: bool = False,
) -> QuerySet[Occurrence]:
    """Upcoming dates the user may see, in order; one query (with the event and space joined).

    ``with_cancelled``: the cancelled dates too (iCal feeds keep them, marked cancelled, so that calendar
    clients that copied them learn it)."""
    shown = Q(is_cancelled=False) & SHOWN_BOOKING
    if with_cancelled:
        shown |= Q(is_cancelled=True)
    qs = Occurrence.objects.filter(shown)
    if public_only:
        qs = qs.filter(audience=Event.Audience.PUBLIC)
    else:
        qs = qs.filter(rules.visible_occurrences_filter(user))
    if start is None and end is None:
        qs = qs.filter(end__gt=timezone.now())
    if start is not None:
        qs = qs.filter(end__gt=start)
    if end is not None:
        qs = qs.filter(start__lt=end)
    if space is not None:
        qs = qs.filter(space=space)
    if network is not None:
        # "space_id + 0" keeps the planner on the (start, id) index: with a join on the network, SQLite would
        # read every date of the network's spaces and sort them.
        spaces = list(Space.objects.filter(network=network).values_list("id", flat=True))
        qs = qs.alias(space_key=F("space_id") + 0).filter(space_key__in=spaces)
    if practice is not None:
        qs = qs.filter(event__practice=practice)
    if city:
        qs = qs.filter(space__city__iexact=city)
    if country:
        qs = qs.filter(space__country__iexact=country)
    if category:
        qs = qs.filter(category=category)
    if language:
        if _json_contains_ok():
            qs = qs.filter(languages__contains=[language])
        else:
            qs = qs.filter(languages__icontains=f'"{language}"')
    if free:
        qs = qs.filter(is_free=True)
    if accessible:
        qs = qs.filter(is_accessible=True)
    return qs.select_related("event", "space", "event__practice").order_by("start", "id")


def _json_contains_ok() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


def day_range(day: date, tz) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=tz)
    return start, start + timedelta(days=1)


def projects(*, space=None, practice=None, tag: str = "") -> QuerySet[Project]:
    """Published projects, newest first, with their practice and images."""
    qs = Project.objects.filter(is_published=True).select_related("practice").prefetch_related("images")
    if practice is not None:
        qs = qs.filter(practice=practice)
    if space is not None:
        qs = qs.filter(practice__in=SpaceMembership.objects.active().filter(space=space).values("practice_id"))
    if tag:
        qs = (
            qs.filter(tags__contains=[tag.lower()])
            if _json_contains_ok()
            else qs.filter(tags__icontains=f'"{tag.lower()}"')
        )
    return qs.order_by("-created_at", "-id")
