"""Find a place: which resources are free in a window, and their free slots. Used by the API and the UI.

A fixed number of queries per chunk of candidate resources (resources; bookings and closures in one query;
policies; the groups of their resources when a group has a policy; opening hours when a policy needs them),
whatever the number of bookings: the busy periods are fetched for the window only (through the index on resource
and blocked period) and subtracted in Python.

Speed (issue 3: p95 under 30 ms across a network of 10,000 resources): the candidates come in the order of an
index (space name, then the space's resources), so PostgreSQL stops after the first chunk instead of sorting
every resource of the network; rows are read as tuples, and each space is built once for its resources; the
busy periods' times are read as text and parsed with ``fromisoformat`` (see bookings.queries); the opening
periods are computed once per space, not per resource.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import connections
from django.db.models import Q

from spaces import rules as space_rules
from spaces.models import Closure, OpeningHours, Resource, Space

from .models import Booking, BookingPolicy, ResourceGroup
from .queries import in_ids, timestamp_parser

CHUNK = 200
# What the results show (API, "Find a place", booking links): the rest of the rows is not read (the other fields
# are deferred, as with ``only()``). In the models' field order, as ``Model.from_db`` wants them.
_SHOWN = {"id", "name", "kind", "capacity", "features", "hearing_loop", "step_free", "wheelchair_accessible"}
RESOURCE_FIELDS = tuple(
    f.attname for f in Resource._meta.concrete_fields if f.attname in _SHOWN | {"space_id", "visibility"}
)
SPACE_FIELDS = tuple(
    f.attname
    for f in Space._meta.concrete_fields
    if f.attname in {"id", "name", "slug", "city", "country", "time_zone", "network_id"}
)


@dataclass
class FreeResource:
    resource: Resource
    slots: list[tuple[dt.datetime, dt.datetime]] = field(default_factory=list)

    @property
    def space(self):
        return self.resource.space


class _Rules(NamedTuple):
    """What the search needs of a resource's booking policy."""

    buffer_before: dt.timedelta
    buffer_after: dt.timedelta
    respect_opening_hours: bool
    respect_closures: bool


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
    """The free periods of ``window`` outside ``busy`` (sorted by start)."""
    start, end = window
    free = []
    cursor = start
    for b_start, b_end in busy:
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


def _policies(resources: list[Resource]) -> dict[int, _Rules]:
    """The rules of each resource's effective policy (its own, its group's, its space's, else the permissive
    default): one query, and a second only when one of the spaces has a policy for a group."""
    space_ids = {r.space_id for r in resources}
    own, by_group, default = {}, {}, {}
    rows = (
        BookingPolicy.objects.filter(space_id__in=space_ids)
        .order_by("id")
        .values_list(
            "space_id",
            "resource_id",
            "group_id",
            "buffer_before_minutes",
            "buffer_after_minutes",
            "respect_opening_hours",
            "respect_closures",
        )
    )
    for space_id, resource_id, group_id, before, after, hours, closures in rows:
        rules = _Rules(dt.timedelta(minutes=before or 0), dt.timedelta(minutes=after or 0), hours, closures)
        if resource_id:
            own[resource_id] = rules
        elif group_id:
            by_group[group_id] = rules
        else:
            default[space_id] = rules
    groups: dict[int, list[int]] = defaultdict(list)
    if by_group:
        for resource_id, group_id in ResourceGroup.resources.through.objects.filter(
            resource_id__in=[r.pk for r in resources], resourcegroup_id__in=list(by_group)
        ).values_list("resource_id", "resourcegroup_id"):
            groups[resource_id].append(group_id)
    permissive = BookingPolicy.permissive()
    fallback = _Rules(
        permissive.buffer_before,
        permissive.buffer_after,
        permissive.respect_opening_hours,
        permissive.respect_closures,
    )
    result = {}
    for r in resources:
        grouped = by_group[min(groups[r.pk])] if r.pk in groups else None
        result[r.pk] = own.get(r.pk) or grouped or default.get(r.space_id) or fallback
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
    # The space's name first: PostgreSQL walks the spaces by their name index and stops after the chunk.
    qs = qs.order_by("space__name", "name", "id").values_list(
        *RESOURCE_FIELDS, *(f"space__{name}" for name in SPACE_FIELDS)
    )
    results: list[FreeResource] = []
    spaces: dict[int, Space] = {}
    offset = 0
    # The first chunk is sized on the limit (most windows leave most resources free); then CHUNK at a time.
    size = min(CHUNK, max(2 * limit, 20))
    while len(results) < limit:
        chunk = _resources(qs[offset : offset + size], spaces, qs.db)
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


def _resources(rows, spaces: dict[int, Space], db: str) -> list[Resource]:
    """Resource instances (with their space: one instance per space, shared) from rows of ``RESOURCE_FIELDS``
    then ``SPACE_FIELDS``: what ``only()`` with ``select_related`` would build, without a model per row twice."""
    cut = len(RESOURCE_FIELDS)
    set_space = Resource._meta.get_field("space").set_cached_value
    out = []
    for row in rows:
        space = spaces.get(row[cut])
        if space is None:
            space = spaces[row[cut]] = Space.from_db(db, SPACE_FIELDS, row[cut:])
        resource = Resource.from_db(db, RESOURCE_FIELDS, row[:cut])
        set_space(resource, space)
        out.append(resource)
    return out


def _json_contains_supported() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


def _busy(resources: list[Resource], start, end):
    """Busy periods in [start, end), in one query: the resources' holding bookings (blocked periods, found through
    the index on resource and blocked period) and the closures of their spaces (a UNION).

    Returns ({resource id: [(start, end)]} of bookings, {resource id: [(start, end)]} of the resource's own
    closures, {space id: [(start, end)]} of closures of a whole space).

    In SQL rather than through the ORM: the rows are those of ``Booking.objects.blocking(start, end)`` and of the
    closures overlapping the window, but building that UNION with the ORM (a hundred ids, the range overlap) cost
    ≈2.5 ms of CPU a search, more than the rest of it; the ids go as one array parameter on PostgreSQL
    (``queries.in_ids``), and the times as text (``queries.timestamp_parser``).
    """
    connection = connections[Booking.objects.db]
    quote, adapt = connection.ops.quote_name, connection.ops.adapt_datetimefield_value
    low, high = adapt(start), adapt(end)
    in_resources, resource_ids = in_ids("resource_id", [r.pk for r in resources], connection)
    in_statuses, statuses = in_ids("status", [str(s) for s in Booking.HOLDING], connection)
    in_spaces, space_ids = in_ids("space_id", {r.space_id for r in resources}, connection)
    # Not also written as the exclusion constraint's range (as Booking.objects.blocking is): that GiST index cannot
    # use ``resource_id = ANY(array)``, and once the table is analysed the planner ANDs it with the btree index,
    # reading every booking of the whole network around the window (70 ms instead of 0.1 ms on 1 M bookings). The
    # btree index on (resource, blocked start, blocked end) finds the few bookings of the chunk's resources.
    sql = f"""
        SELECT 'b', resource_id, resource_id, CAST(blocked_start AS text), CAST(blocked_end AS text)
          FROM {quote(Booking._meta.db_table)}
         WHERE {in_resources} AND {in_statuses} AND blocked_start < %s AND blocked_end > %s
        UNION ALL
        SELECT 'c', space_id, resource_id, CAST({quote("start")} AS text), CAST({quote("end")} AS text)
          FROM {quote(Closure._meta.db_table)}
         WHERE {in_spaces} AND {quote("start")} < %s AND {quote("end")} > %s
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*resource_ids, *statuses, high, low, *space_ids, high, low])
        rows = cursor.fetchall()
    parse = timestamp_parser(connection)
    busy: dict[int, list] = defaultdict(list)
    closed: dict[int, list] = defaultdict(list)
    space_closures: dict[int, list] = defaultdict(list)
    for kind, space_or_resource, resource_id, b_start, b_end in rows:
        if kind == "b":
            busy[resource_id].append((parse(b_start), parse(b_end)))
        elif resource_id is not None:
            closed[resource_id].append((parse(b_start), parse(b_end)))
        else:
            space_closures[space_or_resource].append((parse(b_start), parse(b_end)))
    return busy, closed, space_closures


def _free_in_chunk(resources: list[Resource], start, end, duration) -> list[FreeResource]:
    if not resources:
        return []
    policies = _policies(resources)
    # A booking just outside the window still keeps a slot at its edge away by the slot's own buffers (as
    # create_booking's conflict check does), so the bookings are read in the window widened by the largest buffers.
    widest_before = max((p.buffer_before for p in policies.values()), default=dt.timedelta(0))
    widest_after = max((p.buffer_after for p in policies.values()), default=dt.timedelta(0))
    busy, closed, space_closures = _busy(resources, start - widest_before, end + widest_after)
    hours: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    if any(p.respect_opening_hours for p in policies.values()):
        for space_id, weekday, opens, closes in (
            OpeningHours.objects.filter(space_id__in={r.space_id for r in resources})
            .order_by()
            .values_list("space_id", "weekday", "opens", "closes")
        ):
            hours[space_id][weekday].append((opens, closes))
    whole = [(start, end)]
    windows_of: dict[int, list] = {}  # opening periods per space: the same for each of its resources
    out = []
    for r in resources:
        policy = policies[r.pk]
        if policy.respect_opening_hours:
            windows = windows_of.get(r.space_id)
            if windows is None:
                windows = windows_of[r.space_id] = _opening_windows(hours.get(r.space_id), start, end, r.space.tz)
        else:
            windows = whole
        taken = busy.get(r.pk, [])
        closures = (closed.get(r.pk, []) + space_closures.get(r.space_id, [])) if policy.respect_closures else []
        if not taken and not closures:
            slots = [w for w in windows if w[0] < w[1] and w[1] - w[0] >= duration]
        else:
            # Another booking's buffers are in its blocked period; ours keep the slot away from its neighbours.
            # Closures are compared with the slot itself, as create_booking's conflict check does.
            before, after = policy.buffer_before, policy.buffer_after
            widened = sorted([(s - after, e + before) for s, e in taken] + closures)
            slots = [s for window in windows for s in _subtract(window, widened) if s[1] - s[0] >= duration]
        if slots:
            out.append(FreeResource(r, slots))
    return out
