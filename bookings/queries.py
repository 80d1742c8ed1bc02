"""Reads reused by the UI, the API and the feeds."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, Q

from spaces import rules as space_rules

from .models import Booking


def bookings_by_resource(space, start: dt.datetime, end: dt.datetime, *, resources=None, statuses=Booking.HOLDING):
    """The week (or day) view: ``[(resource, [bookings overlapping [start, end)])]`` for the space's resources.

    Two queries whatever the number of resources or bookings (resources, then their bookings with practice and
    booker joined). ``resources``: a queryset to narrow the list (default: the space's active resources).
    """
    from spaces.models import Resource

    qs = resources if resources is not None else Resource.objects.filter(space=space, is_active=True)
    bookings = (
        Booking.objects.filter(status__in=statuses, start__lt=end, end__gt=start)
        .select_related("practice", "booked_by")
        .order_by("start", "id")
    )
    resources = list(
        qs.order_by("name", "id").prefetch_related(Prefetch("bookings", queryset=bookings, to_attr="in_window"))
    )
    return [(r, r.in_window) for r in resources]


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
