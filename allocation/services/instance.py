"""A round as a solver instance: the week as slots; opening hours, closures, buffers and existing bookings as
blocked slots. The solver sees one week; one-off bookings and short closures that hit a weekly slot in only a few
weeks of the season do not block it: those weeks are skipped when publishing (``context["skips"]``), and a slot
granted without them counts only for the weeks it keeps (``Instance.skipped``)."""

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
    SKIP_SHARE,
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


def season_weeks(round_: AllocationRound) -> dict[int, int]:
    """Weekday → how many times it occurs in the season."""
    days = (round_.season_end - round_.season_start).days + 1
    first = round_.season_start.weekday()
    return {weekday: days // 7 + (1 if (weekday - first) % 7 < days % 7 else 0) for weekday in range(7)}


def _hit_dates(grid: Grid, room, start_local: dt.datetime, end_local: dt.datetime):
    """((room, weekday, slot), date) for each weekly slot the local interval touches, day by day."""
    day = start_local.date()
    while day <= end_local.date():
        day_start = dt.datetime.combine(day, dt.time(0), tzinfo=start_local.tzinfo)
        low = max(0, int((start_local - day_start).total_seconds() // 60))
        high = min(24 * 60, math.ceil((end_local - day_start).total_seconds() / 60))
        for i in range(grid.slots_per_day):
            s = grid.minutes(i)
            if s < high and s + grid.slot > low:
                yield (room, day.weekday(), i), day
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
    closed_hours: set = set()
    if periods:
        for weekday in range(7):
            for i in range(grid.slots_per_day):
                s = grid.minutes(i)
                if not any(o <= s and s + grid.slot <= c for o, c in periods.get(weekday, [])):
                    for room in rooms:
                        closed_hours.add((room, weekday, i))
    blocked |= closed_hours

    season_start, season_end = season_bounds(round_)
    tz = space.tz
    padding = {}
    policies = {}
    for resource in resources:
        policy = booking_rules.effective_policy(resource)
        policies[resource.pk] = policy
        buffer = policy.buffer_before_minutes + policy.buffer_after_minutes
        padding[resource.pk] = math.ceil(buffer / grid.slot) if buffer else 0

    # Closures over the whole season block every slot of their rooms.
    closures = list(Closure.objects.filter(space=space, end__gt=season_start, start__lt=season_end))
    causes: dict[tuple, list] = defaultdict(list)  # weekly slot → what blocks it: [{kind, label, date}]
    for closure in closures:
        if not (closure.start <= season_start and closure.end >= season_end):
            continue
        cause = {"kind": "closure", "label": closure.reason, "date": None}
        for room in rooms if closure.resource_id is None else [closure.resource_id]:
            if room in rooms:
                for weekday in range(7):
                    for i in range(grid.slots_per_day):
                        blocked.add((room, weekday, i))
                        causes[(room, weekday, i)].append(cause)

    # Shorter closures and existing bookings in the season (not this round's own, with both buffers) hit their
    # weekly slot on some dates. Hit in at most SKIP_SHARE of the season's weeks, those weeks are skipped (left out
    # of the recurring booking when publishing); hit more often, the slot is blocked for the whole season.
    hits: dict[tuple, dict] = defaultdict(dict)  # weekly slot → {date: cause}
    first_day, last_day = round_.season_start, round_.season_end
    for closure in closures:
        if closure.start <= season_start and closure.end >= season_end:
            continue
        for room in rooms if closure.resource_id is None else [closure.resource_id]:
            if room in rooms:
                for key, day in _hit_dates(grid, room, closure.start.astimezone(tz), closure.end.astimezone(tz)):
                    if first_day <= day <= last_day:
                        hits[key].setdefault(day, {"kind": "closure", "label": closure.reason, "date": day})
    own_series = [s for s in round_.slots.values_list("series_id", flat=True) if s]
    bookings = (
        Booking.objects.blocking(season_start, season_end)
        .filter(resource_id__in=rooms)
        .exclude(series_id__in=own_series)
        .values_list("resource_id", "blocked_start", "blocked_end", "start", "title", "practice__name")
    )
    for room, start, end, real_start, title, practice in bookings:
        policy = policies[room]
        local_start = (start - policy.buffer_after).astimezone(tz)
        local_end = (end + policy.buffer_before).astimezone(tz)
        for key, day in _hit_dates(grid, room, local_start, local_end):
            if first_day <= day <= last_day:
                when = real_start.astimezone(tz).date()
                cause = {"kind": "booking", "label": title, "date": when, "practice": practice or ""}
                hits[key].setdefault(day, cause)
    weeks = season_weeks(round_)
    skips: dict[tuple, list] = {}
    for key, dates in hits.items():
        if len(dates) > SKIP_SHARE * weeks[key[1]]:
            blocked.add(key)
            causes[key].extend(dates[d] for d in sorted(dates))
        else:
            skips[key] = sorted(dates)

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
        7,
        grid.slots_per_day,
        rooms,
        solver_requests,
        entitlements,
        blocked,
        round_.seed,
        padding,
        skipped={key: frozenset(dates) for key, dates in skips.items()},
        weeks=weeks,
    )
    context = {
        "grid": grid,
        "unmatched": unmatched,
        "requests": {r.pk: r for r in requests},
        "resources": {r.pk: r for r in resources},
        "closed_hours": closed_hours,
        "causes": dict(causes),
        "skips": skips,
        "weeks": weeks,
    }
    return instance, context
