"""A round as a solver instance: the week as slots; opening hours, closures, buffers and existing bookings as
blocked slots."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass

from bookings import rules as booking_rules
from bookings.models import Booking
from spaces.models import Closure, OpeningHours, Resource

from .. import solver
from ..models import AllocationRequest, AllocationRound
from ._common import (
    DEFAULT_DAY,
    _minutes,
)

# --------------------------------------------------------------------------------------------- the instance


@dataclass
class Grid:
    """The week of a round as slots: ``slots_per_day`` slots of ``slot`` minutes from ``day_start``."""

    day_start: int  # minutes after midnight
    slot: int
    slots_per_day: int

    def index(self, minutes: int) -> int:
        return (minutes - self.day_start) // self.slot

    def minutes(self, index: int) -> int:
        return self.day_start + index * self.slot


def grid_for(round_: AllocationRound) -> Grid:
    hours = list(OpeningHours.objects.filter(space=round_.space).values_list("opens", "closes"))
    start, end = DEFAULT_DAY
    if hours:
        start = min(_minutes(o) for o, _c in hours)
        end = max(_minutes(c) if c != dt.time(23, 59) else 24 * 60 for _o, c in hours)
    slot = round_.slot_minutes
    start = start // slot * slot
    end = min(24 * 60, math.ceil(end / slot) * slot)
    return Grid(start, slot, max(1, (end - start) // slot))


def season_bounds(round_: AllocationRound) -> tuple[dt.datetime, dt.datetime]:
    tz = round_.space.tz
    start = dt.datetime.combine(round_.season_start, dt.time(0), tzinfo=tz)
    end = dt.datetime.combine(round_.season_end + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    return start, end


def matching_resources(request: AllocationRequest, resources: list[Resource]) -> list[Resource]:
    """The round's resources a request accepts: those it names, or those of its kind, capacity and equipment."""
    named = {r.pk for r in request.resources.all()}
    if named:
        return [r for r in resources if r.pk in named]
    return [
        r
        for r in resources
        if r.kind == request.kind
        and r.capacity >= request.capacity
        and set(request.equipment or []) <= set(r.features or [])
    ]


def _mark_interval(blocked: set, grid: Grid, room, start_local: dt.datetime, end_local: dt.datetime) -> None:
    """Block the room's weekly slots that the local interval touches (day by day, at most a week)."""
    day = start_local.date()
    last = min(end_local.date(), day + dt.timedelta(days=7))
    while day <= last:
        day_start = dt.datetime.combine(day, dt.time(0), tzinfo=start_local.tzinfo)
        low = max(0, int((start_local - day_start).total_seconds() // 60))
        high = min(24 * 60, math.ceil((end_local - day_start).total_seconds() / 60))
        for i in range(grid.slots_per_day):
            s = grid.minutes(i)
            if s < high and s + grid.slot > low:
                blocked.add((room, day.weekday(), i))
        day += dt.timedelta(days=1)


def build_instance(round_: AllocationRound, *, requests=None) -> tuple[solver.Instance, dict]:
    """The round as a solver instance, and the context to read the answer back: (instance, context)."""
    space = round_.space
    grid = grid_for(round_)
    resources = list(round_.resources.order_by("name"))
    rooms = tuple(r.pk for r in resources)
    if requests is None:
        requests = list(round_.requests.select_related("practice").prefetch_related("resources"))
    blocked: set = set()

    # Opening hours (none given: always open).
    periods: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for weekday, opens, closes in OpeningHours.objects.filter(space=space).values_list("weekday", "opens", "closes"):
        periods[weekday].append((_minutes(opens), 24 * 60 if closes == dt.time(23, 59) else _minutes(closes)))
    if periods:
        for weekday in range(7):
            for i in range(grid.slots_per_day):
                s = grid.minutes(i)
                if not any(o <= s and s + grid.slot <= c for o, c in periods.get(weekday, [])):
                    for room in rooms:
                        blocked.add((room, weekday, i))

    season_start, season_end = season_bounds(round_)
    tz = space.tz
    padding = {}
    policies = {}
    for resource in resources:
        policy = booking_rules.effective_policy(resource)
        policies[resource.pk] = policy
        buffer = policy.buffer_before_minutes + policy.buffer_after_minutes
        padding[resource.pk] = math.ceil(buffer / grid.slot) if buffer else 0

    # Closures over the whole season block; shorter ones become exceptions when publishing.
    closures = Closure.objects.filter(space=space, start__lte=season_start, end__gte=season_end)
    for closure in closures:
        for room in rooms if closure.resource_id is None else [closure.resource_id]:
            if room in rooms:
                for weekday in range(7):
                    for i in range(grid.slots_per_day):
                        blocked.add((room, weekday, i))

    # Existing bookings in the season (not this round's own) block their weekly slot, with both buffers.
    own_series = [s for s in round_.slots.values_list("series_id", flat=True) if s]
    bookings = (
        Booking.objects.blocking(season_start, season_end)
        .filter(resource_id__in=rooms)
        .exclude(series_id__in=own_series)
        .values_list("resource_id", "blocked_start", "blocked_end")
    )
    for room, start, end in bookings:
        policy = policies[room]
        _mark_interval(
            blocked,
            grid,
            room,
            (start - policy.buffer_after).astimezone(tz),
            (end + policy.buffer_before).astimezone(tz),
        )

    solver_requests = []
    unmatched = set()
    for request in requests:
        accepted = tuple(r.pk for r in matching_resources(request, resources))
        if not accepted:
            unmatched.add(request.pk)
        windows = []
        for w in request.windows:
            start = _minutes(w["start"]) - request.flexibility_minutes
            end = _minutes(w["end"]) + request.flexibility_minutes
            first = max(0, math.ceil((start - grid.day_start) / grid.slot))
            last = min(grid.slots_per_day, (end - grid.day_start) // grid.slot)
            windows.append(solver.Window(int(w["weekday"]), first, last))
        solver_requests.append(
            solver.Request(
                request.pk,
                request.practice_id,
                math.ceil(request.duration_minutes / grid.slot),
                accepted,
                tuple(windows),
                request.priority,
            )
        )
    entitlements = {e.practice_id: float(e.weight) for e in round_.entitlements.all()}
    for request in requests:
        entitlements.setdefault(request.practice_id, 1.0)
    instance = solver.Instance(
        7, grid.slots_per_day, rooms, solver_requests, entitlements, blocked, round_.seed, padding
    )
    return instance, {"grid": grid, "unmatched": unmatched, "requests": {r.pk: r for r in requests}}
