"""Find a place: which resources are free in a window, and their free slots. Used by the API and the UI.

A fixed number of queries per chunk of candidate resources (resources; bookings and closures in one query;
policies and their groups; opening hours when a policy needs them), whatever the number of bookings: the busy
periods are fetched for the window only (through the exclusion constraint's GiST index on PostgreSQL) and
subtracted in Python.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import CharField, Q, Value

from spaces import rules as space_rules
from spaces.models import Closure, OpeningHours, Resource

from .models import Booking, BookingPolicy, ResourceGroup

CHUNK = 200
# What the results show (API, "Find a place", booking links): the rest of the rows is not read.
RESOURCE_FIELDS = (
    "id",
    "space_id",
    "name",
    "kind",
    "capacity",
    "features",
    "hearing_loop",
    "step_free",
    "wheelchair_accessible",
    "visibility",
    "space__id",
    "space__name",
    "space__slug",
    "space__city",
    "space__country",
    "space__time_zone",
    "space__network_id",
)


@dataclass
class FreeResource:
    resource: Resource
    slots: list[tuple[dt.datetime, dt.datetime]] = field(default_factory=list)

    @property
    def space(self):
        return self.resource.space


def visible_resources(user, *, space=None, network=None):
    """Active, bookable resources the user may see, in one space, one network, or everywhere."""
    qs = Resource.objects.filter(is_active=True, bookable=True).select_related("space")
    if space is not None:
        qs = qs.filter(space=space)
    elif network is not None:
        qs = qs.filter(space__network=network)
    if getattr(user, "is_superuser", False):
        return qs
    member_spaces = space_rules.member_space_ids(user)
    networks = space_rules.network_ids(user)
    return qs.filter(
        Q(visibility=Resource.Visibility.PUBLIC)
        | Q(space_id__in=member_spaces)
        | Q(visibility=Resource.Visibility.NETWORK, space__network_id__in=networks)
    )


def _subtract(window: tuple[dt.datetime, dt.datetime], busy: list[tuple[dt.datetime, dt.datetime]]):
    start, end = window
    free = []
    cursor = start
    for b_start, b_end in sorted(busy):
        if b_end <= cursor:
            continue
        if b_start >= end:
            break
        if b_start > cursor:
            free.append((cursor, b_start))
        cursor = max(cursor, b_end)
        if cursor >= end:
            break
    if cursor < end:
        free.append((cursor, end))
    return free


def _opening_windows(periods, start: dt.datetime, end: dt.datetime, tz) -> list[tuple[dt.datetime, dt.datetime]]:
    """The opening periods (in UTC) that fall in [start, end); the whole window when there are no hours."""
    if not periods:
        return [(start, end)]
    out = []
    day = start.astimezone(tz).date() - dt.timedelta(days=1)
    last = end.astimezone(tz).date()
    while day <= last:
        for opens, closes in periods.get(day.weekday(), []):
            o = dt.datetime.combine(day, opens, tzinfo=tz).astimezone(dt.UTC)
            c = dt.datetime.combine(day, closes, tzinfo=tz).astimezone(dt.UTC)
            o, c = max(o, start), min(c, end)
            if o < c:
                out.append((o, c))
        day += dt.timedelta(days=1)
    return out


def _policies(resources: list[Resource]) -> dict[int, BookingPolicy]:
    """Effective policy per resource, in two queries."""
    space_ids = {r.space_id for r in resources}
    ids = [r.pk for r in resources]
    policies = list(BookingPolicy.objects.filter(space_id__in=space_ids))
    groups: dict[int, list[int]] = defaultdict(list)
    for resource_id, group_id in ResourceGroup.resources.through.objects.filter(
        resource_id__in=ids, resourcegroup__policy__isnull=False
    ).values_list("resource_id", "resourcegroup_id"):
        groups[resource_id].append(group_id)
    own = {p.resource_id: p for p in policies if p.resource_id}
    by_group = {p.group_id: p for p in policies if p.group_id}
    default = {p.space_id: p for p in policies if not p.resource_id and not p.group_id}
    permissive = BookingPolicy.permissive()  # read only here: one instance for every resource without rules
    result = {}
    for r in resources:
        grouped = next((by_group[g] for g in sorted(groups.get(r.pk, [])) if g in by_group), None)
        result[r.pk] = own.get(r.pk) or grouped or default.get(r.space_id) or permissive
    return result


def find_free(
    user,
    start: dt.datetime,
    end: dt.datetime,
    *,
    duration: dt.timedelta | None = None,
    capacity: int | None = None,
    kind: str | None = None,
    space=None,
    network=None,
    features=(),
    accessible: bool = False,
    limit: int = 50,
) -> list[FreeResource]:
    """Resources free for at least ``duration`` (default: the whole window) in [start, end), with their slots.

    Busy: pending and confirmed bookings (with buffers), closures, and outside opening hours where the
    resource's rules say so. Ordered by space and name; at most ``limit`` resources.
    """
    duration = duration or (end - start)
    qs = visible_resources(user, space=space, network=network)
    if capacity:
        qs = qs.filter(capacity__gte=capacity)
    if kind:
        qs = qs.filter(kind=kind)
    for feature in features or ():
        qs = qs.filter(features__contains=[feature]) if _json_contains_supported() else qs
    if accessible:
        qs = qs.filter(step_free=True, wheelchair_accessible=True)
    qs = qs.only(*RESOURCE_FIELDS).order_by("space__name", "name", "id")
    results: list[FreeResource] = []
    offset = 0
    # The first chunk is sized on the limit (most windows leave most resources free); then CHUNK at a time.
    size = min(CHUNK, max(2 * limit, 20))
    while len(results) < limit:
        chunk = list(qs[offset : offset + size])
        if not chunk:
            break
        offset += size
        complete = len(chunk) == size
        if features and not _json_contains_supported():
            chunk = [r for r in chunk if set(features) <= set(r.features or [])]
        results.extend(_free_in_chunk(chunk, start, end, duration))
        if not complete:
            break
        size = CHUNK
    return results[:limit]


def _json_contains_supported() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


def _busy(resources: list[Resource], start, end):
    """Busy periods in [start, end), in one query: the resources' holding bookings (blocked periods, found through
    the exclusion constraint's index on PostgreSQL) and the closures of their spaces (a UNION).

    Returns ({resource id: [(start, end)]}, {space id: [(start, end)]} for closures of a whole space).
    """
    ids = [r.pk for r in resources]
    space_ids = {r.space_id for r in resources}
    text = CharField()
    bookings = (
        Booking.objects.blocking(start, end)
        .filter(resource_id__in=ids)
        .order_by()
        .values_list(Value("b", output_field=text), "resource_id", "resource_id", "blocked_start", "blocked_end")
    )
    closures = (
        Closure.objects.filter(space_id__in=space_ids, start__lt=end, end__gt=start)
        .order_by()
        .values_list(Value("c", output_field=text), "space_id", "resource_id", "start", "end")
    )
    busy: dict[int, list] = defaultdict(list)
    space_closures: dict[int, list] = defaultdict(list)
    for kind, space_or_resource, resource_id, b_start, b_end in bookings.union(closures, all=True):
        if kind == "b" or resource_id is not None:
            busy[resource_id].append((b_start, b_end))
        else:
            space_closures[space_or_resource].append((b_start, b_end))
    return busy, space_closures


def _free_in_chunk(resources: list[Resource], start, end, duration) -> list[FreeResource]:
    if not resources:
        return []
    space_ids = {r.space_id for r in resources}
    busy, space_closures = _busy(resources, start, end)
    policies = _policies(resources)
    hours: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    if any(p.respect_opening_hours for p in policies.values()):
        for space_id, weekday, opens, closes in (
            OpeningHours.objects.filter(space_id__in=space_ids)
            .order_by()
            .values_list("space_id", "weekday", "opens", "closes")
        ):
            hours[space_id][weekday].append((opens, closes))
    out = []
    for r in resources:
        policy = policies[r.pk]
        windows = (
            _opening_windows(hours.get(r.space_id), start, end, r.space.tz)
            if policy.respect_opening_hours
            else [(start, end)]
        )
        taken = busy.get(r.pk, []) + space_closures.get(r.space_id, [])
        # Another booking's buffers are in its blocked period; ours keep the slot away from its neighbours.
        widened = [(s - policy.buffer_after, e + policy.buffer_before) for s, e in taken]
        slots = []
        for window in windows:
            slots.extend(s for s in _subtract(window, widened) if s[1] - s[0] >= duration)
        if slots:
            out.append(FreeResource(r, slots))
    return out
