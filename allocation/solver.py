"""Fair allocation of recurring weekly slots (issue 8): the solver, its baselines and fairness figures.

Pure Python and OR-Tools, no Django: the allocation round's services turn a round into an ``Instance`` and a
``Result`` back into a proposed timetable.

Time is a week of ``days × slots_per_day`` slots (e.g. 7 × 10 one-hour slots = 70 weekly hour slots). A request
asks for ``duration`` consecutive slots in one of the rooms it accepts, inside one of its ranked windows; a wider
window than the duration is flexibility. A practice's satisfaction is the value it was granted over the value it
asked for, where a request is worth ``importance × duration`` and a placement in a lower-ranked window keeps a
smaller part of that (``RANK_FACTORS``). The entitlement-weighted satisfaction divides by the practice's
entitlement relative to the largest one. A weekly slot that one-off bookings or closures take in a few weeks of the
season (``Instance.skipped``) is granted for the other weeks only, and keeps that share of its value.

The model is a mixed-integer program over the candidate placements, solved by HiGHS through OR-Tools' MathOpt (see
``_Mip`` for why a MIP rather than CP-SAT). It works in phases, each keeping what the previous ones reached (as a
constraint) and starting from their answer (as a MIP start), so that running out of time in one phase never loses
the answer of the previous one:
0. the number of practices that get something (all of them whenever possible: nobody is left with nothing when a
   timetable can give everyone something); then the hours-only optimum (proven in a few seconds even for 50
   practices × 10 rooms), of which the fair timetable may give up at most ``max_hours_loss`` (1 %);
1. the lowest entitlement-weighted satisfaction of any practice (max-min), with its proven bound and gap, starting
   from a fast local search (``_lift_lowest``) that lifts the least satisfied practices within the hours cap;
2. keeping that, the total hours granted;
3. keeping both, the total preference value, with ties broken by weights drawn from the round's published seed.
Reproducibility: the local search is deterministic and so is HiGHS's serial MIP search, so a run
whose phases end by proof is reproduced exactly (the seeded tie-break weights make the optimum unique); a phase
stopped by the time limit (the max-min of large rounds) depends on how far the machine got. Any run can be checked:
the published slots, the instance and ``figures()`` give the same figures.
When the solver neither improves on the greedy fallback nor bounds the max-min within the limit, the greedy's
timetable (filled, and lifted by the local search) is the answer, and the result says so (``status == "fallback"``).
"""

from __future__ import annotations

import math
import random
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

# Share of a request's worth kept when it is placed in its 1st, 2nd, 3rd, … ranked window.
RANK_FACTORS = (100, 80, 60, 40, 20)
SCALE = 1_000  # fixed-point scale of satisfactions inside the model (0.1 %)


@dataclass(frozen=True)
class Window:
    weekday: int  # 0 = Monday
    start: int  # first slot of the day that may be used
    end: int  # slot after the last one that may be used

    def starts(self, duration: int) -> range:
        return range(self.start, self.end - duration + 1)


@dataclass(frozen=True)
class Request:
    id: object
    practice: object
    duration: int  # in slots
    rooms: tuple  # ids of the rooms it accepts
    windows: tuple[Window, ...]  # in order of preference
    importance: int = 1  # 1 (nice to have) … 5 (essential)

    @property
    def worth(self) -> int:
        return self.importance * self.duration * RANK_FACTORS[0]

    def value(self, rank: int) -> int:
        return self.importance * self.duration * RANK_FACTORS[min(rank, len(RANK_FACTORS) - 1)]


@dataclass
class Instance:
    days: int
    slots_per_day: int
    rooms: tuple  # room ids
    requests: list[Request]
    entitlements: dict  # practice → entitlement (> 0); practices without requests may be listed too
    blocked: set = field(default_factory=set)  # {(room, weekday, slot)} taken by bookings, closures, closed hours
    seed: int = 0
    padding: dict = field(default_factory=dict)  # room → slots kept free after a placement (booking buffers)
    # Weeks of the season a weekly slot is not available in: {(room, weekday, slot): frozenset of week labels, e.g.
    # dates}, and weekday → how many weeks the season has. A placement is granted in the other weeks only.
    skipped: dict = field(default_factory=dict)
    weeks: dict = field(default_factory=dict)

    @cached_property
    def _unit(self) -> int:
        """Scale of worths and values that keeps them integers when placements lose some of their weeks."""
        return math.lcm(*(n for n in self.weeks.values() if n > 0)) if self.skipped else 1

    def skipped_weeks(self, placement: Placement, duration: int) -> frozenset:
        """The weeks of the season the placement is not granted in (one-off bookings, closures)."""
        if not self.skipped:
            return frozenset()
        return frozenset().union(*(self.skipped.get(slot, ()) for slot in placement.slots(duration)))

    def worth(self, request: Request) -> int:
        """What the request asks for: its worth over every week of the season (in ``value``'s units)."""
        return request.worth * self._unit

    def value(self, request: Request, placement: Placement) -> int:
        """What a placement of the request grants: its window's share of the worth, over the weeks it is granted."""
        value = request.value(placement.rank) * self._unit
        lost = len(self.skipped_weeks(placement, request.duration))
        if not lost:
            return value
        total = self.weeks[placement.weekday]
        return value * max(0, total - lost) // total

    def occupied(self, placement: Placement, duration: int) -> list[tuple]:
        """The slots a placement holds: its own, and the room's buffer after it."""
        pad = self.padding.get(placement.room, 0)
        return [
            (placement.room, placement.weekday, s) for s in range(placement.start, placement.start + duration + pad)
        ]

    def practices(self) -> list:
        seen = dict.fromkeys(self.entitlements)
        for r in self.requests:
            seen.setdefault(r.practice, None)
        return list(seen)

    def weight(self, practice) -> float:
        """Entitlement relative to the largest one (1.0 for the most entitled practice)."""
        top = max(self.entitlements.values(), default=1) or 1
        return self.entitlements.get(practice, top) / top

    def free_room_slots(self) -> int:
        return len(self.rooms) * self.days * self.slots_per_day - len(
            {b for b in self.blocked if b[0] in set(self.rooms)}
        )


@dataclass(frozen=True)
class Placement:
    request: object  # Request.id
    room: object
    weekday: int
    start: int
    rank: int  # index of the window it falls in

    def slots(self, duration: int) -> Iterable[tuple]:
        return ((self.room, self.weekday, s) for s in range(self.start, self.start + duration))


@dataclass
class Result:
    method: str  # "mip", "greedy", "fcfs", "round-robin", "hours-only"
    status: str  # "optimal", "feasible", "fallback", "heuristic"
    placements: dict  # Request.id → Placement
    solve_seconds: float = 0.0
    gap: float | None = None  # relative gap of the max-min objective (0 when proven optimal)
    proven_optimal: bool = False
    min_weighted_bound: float | None = None
    hours_gap: float | None = None  # relative gap of the hours phase
    phases: dict = field(default_factory=dict)  # phase → {status, seconds, objective, bound}

    def granted(self, request_id) -> Placement | None:
        return self.placements.get(request_id)


# --------------------------------------------------------------------------------------------- placements


def candidate_placements(instance: Instance, request: Request) -> list[Placement]:
    """Every placement of the request that fits its rooms and windows and avoids blocked slots."""
    out = []
    seen = set()
    for rank, window in enumerate(request.windows):
        if not 0 <= window.weekday < instance.days:
            continue
        for start in window.starts(request.duration):
            if start < 0 or start + request.duration > instance.slots_per_day:
                continue
            for room in request.rooms:
                key = (room, window.weekday, start)
                if key in seen:
                    continue
                if any((room, window.weekday, s) in instance.blocked for s in range(start, start + request.duration)):
                    continue
                seen.add(key)
                out.append(Placement(request.id, room, window.weekday, start, rank))
    return out


def _fits(instance: Instance, placement: Placement, duration: int, taken: set) -> bool:
    return not any(slot in taken for slot in instance.occupied(placement, duration))


# --------------------------------------------------------------------------------------------- figures


def satisfactions(instance: Instance, placements: dict) -> dict:
    """Practice → satisfaction in [0, 1] (granted worth over asked worth)."""
    asked: dict = defaultdict(int)
    got: dict = defaultdict(int)
    by_id = {r.id: r for r in instance.requests}
    for r in instance.requests:
        asked[r.practice] += instance.worth(r)
    for rid, p in placements.items():
        r = by_id[rid]
        got[r.practice] += instance.value(r, p)
    return {practice: (got[practice] / asked[practice]) for practice in asked}


def jain_index(values: list[float]) -> float:
    if not values:
        return 1.0
    total = sum(values)
    squares = sum(v * v for v in values)
    return 1.0 if squares == 0 else (total * total) / (len(values) * squares)


def figures(instance: Instance, result: Result) -> dict:
    """Utilisation, lowest/mean satisfaction, Jain's index, practices left with nothing, hours granted."""
    by_id = {r.id: r for r in instance.requests}
    sat = satisfactions(instance, result.placements)
    weighted = [sat[p] / instance.weight(p) for p in sat]
    granted_slots = sum(by_id[rid].duration for rid in result.placements)
    with_nothing = [p for p in sat if sat[p] == 0]
    free = instance.free_room_slots()
    return {
        "method": result.method,
        "status": result.status,
        "utilisation": granted_slots / free if free else 0.0,
        "granted_slots": granted_slots,
        "min_satisfaction": min(sat.values(), default=0.0),
        "min_weighted_satisfaction": min(weighted, default=0.0),
        "mean_satisfaction": (sum(sat.values()) / len(sat)) if sat else 0.0,
        "jain": jain_index(list(sat.values())),
        "with_nothing": len(with_nothing),
        "solve_seconds": result.solve_seconds,
        "gap": result.gap,
        "proven_optimal": result.proven_optimal,
        "min_weighted_bound": result.min_weighted_bound,
    }


# --------------------------------------------------------------------------------------------- baselines


def _place_in_order(instance: Instance, order: list[Request], method: str) -> Result:
    taken = set(instance.blocked)
    placements = {}
    for request in order:
        for p in candidate_placements(instance, request):  # already in preference order
            if _fits(instance, p, request.duration, taken):
                placements[request.id] = p
                taken.update(instance.occupied(p, request.duration))
                break
    return Result(method, "heuristic", placements)


def first_come_first_served(instance: Instance, arrival_seed: int) -> Result:
    """Practices arrive in a random order; each takes the best free placement for each of its requests."""
    rng = random.Random(arrival_seed)
    practices = instance.practices()
    rng.shuffle(practices)
    by_practice = defaultdict(list)
    for r in instance.requests:
        by_practice[r.practice].append(r)
    order = [r for p in practices for r in by_practice[p]]
    return _place_in_order(instance, order, "fcfs")


def round_robin(instance: Instance, seed: int) -> Result:
    """A draft: practices take turns (random order), each placing its most important remaining request."""
    rng = random.Random(seed)
    practices = instance.practices()
    rng.shuffle(practices)
    queues = defaultdict(list)
    for r in sorted(instance.requests, key=lambda r: -r.importance):
        queues[r.practice].append(r)
    order = []
    while any(queues.values()):
        for p in practices:
            if queues[p]:
                order.append(queues[p].pop(0))
    return _place_in_order(instance, order, "round-robin")


def fill(instance: Instance, placements: dict) -> dict:
    """Place still-unplaced requests in rooms left free, least satisfied practices first. Adding never takes from
    anyone, so every satisfaction (and the lowest) stays or grows while the hours grow."""
    placements = dict(placements)
    by_id = {r.id: r for r in instance.requests}
    taken = set(instance.blocked)
    for rid, p in placements.items():
        taken.update(instance.occupied(p, by_id[rid].duration))
    sat = satisfactions(instance, placements)
    pending = [r for r in instance.requests if r.id not in placements]
    pending.sort(key=lambda r: (sat.get(r.practice, 0.0), -r.importance, -r.duration, str(r.id)))
    for request in pending:
        for p in candidate_placements(instance, request):
            if _fits(instance, p, request.duration, taken):
                placements[request.id] = p
                taken.update(instance.occupied(p, request.duration))
                break
    return placements


def greedy(instance: Instance) -> Result:
    """The fallback: repeatedly serve the practice with the lowest weighted satisfaction so far."""
    rng = random.Random(instance.seed)
    asked = defaultdict(int)
    pending = defaultdict(list)
    for r in instance.requests:
        asked[r.practice] += instance.worth(r)
        pending[r.practice].append(r)
    for p in pending:
        pending[p].sort(key=lambda r: (-r.importance, rng.random()))
    got = defaultdict(int)
    taken = set(instance.blocked)
    placements = {}
    tiebreak = {p: rng.random() for p in pending}
    while True:
        open_practices = [p for p in pending if pending[p]]
        if not open_practices:
            break
        practice = min(open_practices, key=lambda p: (got[p] / asked[p] / instance.weight(p), tiebreak[p]))
        request = pending[practice].pop(0)
        for p in candidate_placements(instance, request):
            if _fits(instance, p, request.duration, taken):
                placements[request.id] = p
                taken.update(instance.occupied(p, request.duration))
                got[practice] += instance.value(request, p)
                break
    return Result("greedy", "heuristic", placements)


# --------------------------------------------------------------------------------------------- the solver


def naive_greedy(instance: Instance) -> Result:
    """What a booking tool does: the longest, most important requests first, each in its best free placement.
    It maximises hours quickly and ignores who gets what (the "greedy" of the issue's figures)."""
    order = sorted(instance.requests, key=lambda r: (-r.duration * r.importance, str(r.id)))
    result = _place_in_order(instance, order, "naive-greedy")
    return result


class _Mip:
    """The timetable as a mixed-integer program over the candidate placements, solved by HiGHS through OR-Tools'
    MathOpt: one binary per (request, room, day, start), at most one per request and per room slot (buffers
    included). Per room and day the "placement covers slot" matrix has the consecutive-ones property, so the LP
    relaxation is tight: HiGHS proves the hours-only optimum of 50 practices × 10 rooms at 2.0 × demand (700
    requests, 6 500 placements) in 1-3 s, where CP-SAT with two workers needed most of 15 s to get near it (so the
    fair timetable's 1 % cap was taken from a weak value); and from the same start, HiGHS's LP-guided sub-MIP
    heuristic finds better max-min timetables under that cap (0.43-0.46 against 0.25-0.34) than CP-SAT's portfolio.
    The MIP search is serial and deterministic: the same model and limits that end by proof give the same answer."""

    def __init__(self, instance: Instance):
        from ortools.math_opt.python import mathopt

        self.mathopt = mathopt
        self.placements: list[Placement] = []
        by_slot = defaultdict(list)
        by_request = defaultdict(list)
        for request in instance.requests:
            for p in candidate_placements(instance, request):
                by_request[request.id].append(len(self.placements))
                for slot in instance.occupied(p, request.duration):
                    by_slot[slot].append(len(self.placements))
                self.placements.append(p)
        self.model = mathopt.Model(name="allocation")
        self.x = [self.model.add_binary_variable() for _ in self.placements]
        for group in (*by_request.values(), *by_slot.values()):
            if len(group) > 1:
                self.add(self.sum((i, 1) for i in group) <= 1)

    def sum(self, terms: Iterable[tuple[int, float]]):
        """The linear expression Σ coefficient × x[index]."""
        return self.mathopt.fast_sum(coefficient * self.x[i] for i, coefficient in terms)

    def add(self, constraint) -> None:
        self.model.add_linear_constraint(constraint)

    def maximize(self, objective, *, seconds: float, start: dict, extra_start: dict, gap: float) -> dict:
        """Maximise from the timetable ``start`` (a MIP start; ``extra_start`` gives the auxiliary variables).
        Returns {status: optimal|feasible|unknown, objective, bound, placements (None when none found)}; never
        raises: a solver error is reported as "unknown" (the caller keeps its timetable)."""
        mathopt = self.mathopt
        from datetime import timedelta

        self.model.maximize(objective)
        chosen = set(start.values())
        values = {x: float(p in chosen) for x, p in zip(self.x, self.placements, strict=True)}
        values.update(extra_start)
        params = mathopt.SolveParameters(
            time_limit=timedelta(seconds=max(0.01, seconds)),
            relative_gap_tolerance=0.0,
            absolute_gap_tolerance=gap,
        )
        model_params = mathopt.ModelSolveParameters(solution_hints=[mathopt.SolutionHint(variable_values=values)])
        try:
            result = mathopt.solve(self.model, mathopt.SolverType.HIGHS, params=params, model_params=model_params)
        except Exception as error:  # noqa: BLE001 - any solver failure leaves the timetable at hand
            return {"status": "unknown", "objective": None, "bound": None, "placements": None, "error": str(error)}
        found = result.has_primal_feasible_solution()
        bound = result.termination.objective_bounds.dual_bound
        out = {
            "status": "optimal"
            if result.termination.reason == mathopt.TerminationReason.OPTIMAL
            else ("feasible" if found else "unknown"),
            "objective": result.objective_value() if found else None,
            "bound": bound if math.isfinite(bound) else None,
            "placements": None,
            "solver_seconds": result.solve_time().total_seconds(),
        }
        if found:
            chosen_values = result.variable_values(self.x)
            out["placements"] = {
                p.request: p for p, value in zip(self.placements, chosen_values, strict=True) if value > 0.5
            }
        return out


def _lift_lowest(
    instance: Instance, placements: dict, *, min_hours: int, weights: dict, deadline: float, tries: int = 30
) -> dict:
    """A fast local search for the max-min phase's MIP start: while it can, give the least satisfied practice one
    more request (or a better window for one), evicting requests of practices that stay above that lowest level and
    moving the evicted requests elsewhere when the rooms allow, keeping at least ``min_hours``. Each move raises the
    sorted vector of weighted satisfactions, so it ends; it never breaks a constraint of the model.
    ``weights``: practice → its asked worth × relative entitlement (weighted satisfaction = granted / weight)."""
    by_id = {r.id: r for r in instance.requests}
    placements = dict(placements)
    holder = {}
    for rid, p in placements.items():
        for slot in instance.occupied(p, by_id[rid].duration):
            holder[slot] = rid
    got = defaultdict(int)
    for rid, p in placements.items():
        got[by_id[rid].practice] += instance.value(by_id[rid], p)
    hours = sum(by_id[rid].duration for rid in placements)
    own = defaultdict(list)
    for r in instance.requests:
        own[r.practice].append(r)
    candidates = {r.id: candidate_placements(instance, r) for r in instance.requests if r.practice in weights}

    def take(rid):
        p = placements.pop(rid)
        for slot in instance.occupied(p, by_id[rid].duration):
            del holder[slot]
        got[by_id[rid].practice] -= instance.value(by_id[rid], p)
        return by_id[rid].duration

    def put(rid, p):
        placements[rid] = p
        for slot in instance.occupied(p, by_id[rid].duration):
            holder[slot] = rid
        got[by_id[rid].practice] += instance.value(by_id[rid], p)
        return by_id[rid].duration

    def share(q):
        return got[q] / weights[q]

    while time.perf_counter() < deadline:
        q = min(weights, key=lambda q: (share(q), str(q)))
        level = share(q)
        moves = []
        for r in own[q]:
            held = placements.get(r.id)
            for p in candidates[r.id]:
                if held is not None and instance.value(r, p) <= instance.value(r, held):
                    continue
                evicted = {holder[s] for s in instance.occupied(p, r.duration) if s in holder} - {r.id}
                if any(by_id[e].practice == q for e in evicted):
                    continue
                loss = defaultdict(int)
                for e in evicted:
                    loss[by_id[e].practice] += instance.value(by_id[e], placements[e])
                if any((got[o] - lost) / weights[o] <= level for o, lost in loss.items()):
                    continue
                lost_hours = sum(by_id[e].duration for e in evicted) - r.duration + (r.duration if held else 0)
                moves.append((lost_hours, sum(loss.values()), -instance.value(r, p), str(r.id), p.start, r, p, evicted))
        moves.sort(key=lambda m: m[:5])
        for *_, r, p, evicted in moves[:tries]:
            snapshot = (dict(placements), dict(holder), dict(got), hours)
            for e in evicted:
                hours -= take(e)
            if r.id in placements:
                hours -= take(r.id)
            hours += put(r.id, p)
            for e in sorted(evicted, key=str):
                alt = next(
                    (a for a in candidates[e] if not any(s in holder for s in instance.occupied(a, by_id[e].duration))),
                    None,
                )
                if alt is not None:
                    hours += put(e, alt)
            if hours >= min_hours and all(share(by_id[e].practice) > level for e in evicted):
                break
            placements, holder, got, hours = snapshot[0], snapshot[1], defaultdict(int, snapshot[2]), snapshot[3]
        else:
            return placements  # the lowest cannot be lifted by one move
    return placements


def solve(
    instance: Instance,
    *,
    time_limit: float = 15.0,
    fairness: bool = True,
    max_hours_loss: float | None = 0.01,
    on_phase=None,
) -> Result:
    """The fair timetable (see the module's docstring). ``fairness=False`` gives the hours-only optimum.

    With ``max_hours_loss`` (default 1 %), the hours-only optimum is computed first and the fair timetable may give
    up at most that share of its hours: fairness never wastes more than 1 % of the rooms (the issue's target).
    ``None`` gives the pure lexicographic order (max-min first, whatever it costs in hours).
    ``on_phase(name, done_share)`` is called before each phase (for progress reports).
    Phases share ``time_limit``: each gets a share of what is left (served 10 %, hours-only 60 %, max-min 80 %,
    hours 50 %, preferences the rest) and hands back what it does not use when it proves its optimum early. Each
    phase starts from the previous phase's answer (a MIP start) and keeps it unless the solver answers at least as
    well while keeping every earlier phase's level, so a phase that runs out of time never loses the previous
    answer. ``gap`` is the relative gap of the max-min objective (0 when proven), ``hours_gap`` that of the hours
    phase. Practices none of whose requests can be placed anywhere (closed, booked) are left out of the max-min
    objective: otherwise their zero would make every timetable "optimal" and stop protecting the others.
    """
    started = time.perf_counter()
    # Room to read the answer back within the limit (the MIP's own limit leaves out exporting the model).
    deadline = started + max(0.5 * time_limit, time_limit - 0.8)
    by_id = {r.id: r for r in instance.requests}
    rng = random.Random(instance.seed)
    fallback = greedy(instance)  # fast and always feasible: a lower bound and the first start
    mip = _Mip(instance)
    placements = mip.placements
    phases: dict = {}

    def progress(name: str, share: float) -> None:
        if on_phase is not None:
            on_phase(name, share)

    def finish(chosen, status, proven, gap=None, hours_gap=None, bound=None):
        return Result(
            "mip" if fairness else "hours-only",
            status,
            chosen,
            solve_seconds=time.perf_counter() - started,
            gap=gap,
            proven_optimal=proven,
            min_weighted_bound=bound,
            hours_gap=hours_gap,
            phases=phases,
        )

    if not placements:
        return finish({}, "optimal", True, gap=0.0 if fairness else None, hours_gap=0.0)

    overhead = 0.0  # the most seconds a phase spent outside the solver's own limit (exporting the model, reading back)
    levels = []  # (value_of, level): what every later answer must keep
    aux_starts = {}  # name → timetable → {auxiliary variable: its value}, for complete MIP starts
    improved = False  # whether the solver ever answered better than the timetable it started from

    def keeps_levels(chosen: dict) -> bool:
        return all(value_of(chosen) >= level for value_of, level in levels)

    def step(name: str, objective, value_of, share: float, *, gap: float = 0.99):
        """Run a phase from ``current``; keep the solver's answer only when it keeps every earlier level and is at
        least as good on this phase's objective (the solver does not promise to return its start, and one cut short
        by the time limit can answer worse than where it started). Returns (proven, value reached, bound)."""
        nonlocal current, overhead, improved
        t0 = time.perf_counter()
        out = mip.maximize(
            objective,
            seconds=(deadline - t0 - overhead) * share,
            start=current,
            extra_start={var: value for start in aux_starts.values() for var, value in start(current).items()},
            gap=gap,
        )
        seconds = time.perf_counter() - t0
        overhead = max(overhead, seconds - out.get("solver_seconds", seconds))
        phases[name] = {
            "status": out["status"],
            "seconds": round(seconds, 3),
            "objective": out["objective"],
            "bound": out["bound"],
        }
        if "error" in out:
            phases[name]["error"] = out["error"][:200]
        start_value = value_of(current)
        answer = out["placements"]
        if answer is not None and keeps_levels(answer) and value_of(answer) >= start_value:
            improved = improved or value_of(answer) > start_value
            current = answer
        else:
            phases[name]["kept_start"] = True
        return out["status"] == "optimal", value_of(current), out["bound"]

    def hours_of(chosen: dict) -> int:
        return sum(by_id[rid].duration for rid in chosen)

    hours = mip.sum((i, by_id[p.request].duration) for i, p in enumerate(placements))
    current = fill(instance, fallback.placements)
    proven = True
    gap = None
    bound = None

    if fairness:
        asked = defaultdict(int)
        for r in instance.requests:
            asked[r.practice] += instance.worth(r)
        members = defaultdict(list)
        for i, p in enumerate(placements):
            members[by_id[p.request].practice].append(i)
        servable = [practice for practice in asked if members[practice]]
        top = max((instance.entitlements.get(p, 0) for p in servable), default=0)
        # Weighted satisfaction ≤ 1 for the most entitled servable practice, so t ∈ [0, SCALE].
        weight_pcts = {q: max(1, round(100 * instance.entitlements.get(q, top or 1) / (top or 1))) for q in servable}
        # A practice's share of what it asked for, over its entitlement relative to the top (a fraction).
        share_of = {
            q: mip.sum(
                (i, instance.value(by_id[placements[i].request], placements[i]) * 100 / (asked[q] * weight_pcts[q]))
                for i in members[q]
            )
            for q in servable
        }

        def t_of(chosen: dict) -> int:
            """The lowest weighted satisfaction in SCALE units (rounded down, as the model compares it)."""
            got = defaultdict(int)
            for rid, p in chosen.items():
                got[by_id[rid].practice] += instance.value(by_id[rid], p)
            values = [got[q] * SCALE * 100 // (asked[q] * weight_pcts[q]) for q in servable]
            return max(0, min(SCALE, min(values, default=SCALE)))

        def served_of(chosen: dict) -> int:
            return len({by_id[rid].practice for rid in chosen} & set(servable))

        # Phase 0: serve as many practices as possible (all of them whenever a timetable can): nobody is left with
        # nothing when some allocation gives everyone something, whatever the hours cap below asks.
        if len(servable) > 1:
            progress("served", 0.02)
            reached = served_of(current)
            if reached == len(servable):
                # The (filled) greedy already serves everyone who can be served: nothing to search for.
                phases["served"] = {"status": "optimal", "seconds": 0.0, "objective": reached, "bound": reached}
            else:
                served = {q: mip.model.add_binary_variable() for q in servable}
                for q, y in served.items():
                    mip.add(y <= mip.sum((i, 1) for i in members[q]))
                aux_starts["served"] = lambda chosen: {
                    y: float(any(by_id[rid].practice == q for rid in chosen)) for q, y in served.items()
                }
                served_proven, reached, _ = step("served", mip.mathopt.fast_sum(served.values()), served_of, 0.1)
                proven = proven and (served_proven or reached == len(servable))
                if reached < len(servable):
                    mip.add(mip.mathopt.fast_sum(served.values()) >= reached)
            if reached == len(servable):
                for q in servable:
                    mip.add(mip.sum((i, 1) for i in members[q]) >= 1)
            levels.append((served_of, reached))

        if max_hours_loss is not None:
            # Phase 0b: the hours-only optimum (of timetables serving those practices); the fair timetable keeps at
            # least (1 - max_hours_loss) of it.
            progress("hours_only", 0.1)
            _, reached, _ = step("hours_only", hours, hours_of, 0.6)
            cap = math.ceil((1 - max_hours_loss) * reached)
            mip.add(hours >= cap)
            levels.append((hours_of, cap))
        else:
            # Never worse than the greedy fallback (and it prunes the search).
            cap = 0
            levels.append((t_of, t_of(current)))

        # Phase 1: max-min, from a start that a fast local search lifts first (the MIP's own heuristics take
        # several seconds to get as far from the hours-only timetable).
        progress("max_min", 0.25)
        t0 = time.perf_counter()
        lifted = _lift_lowest(
            instance,
            current,
            min_hours=cap,
            weights={q: asked[q] * weight_pcts[q] / 100 for q in servable},
            deadline=t0 + 0.1 * (deadline - t0),
        )
        phases["lift"] = {"seconds": round(time.perf_counter() - t0, 3), "from": t_of(current), "to": t_of(lifted)}
        if keeps_levels(lifted) and t_of(lifted) > t_of(current):
            current = lifted

        t = mip.model.add_variable(lb=0.0, ub=1.0, name="min_weighted_satisfaction")
        for q in servable:
            mip.add(share_of[q] >= t)
        aux_starts["t"] = lambda chosen: {t: t_of(chosen) / SCALE}
        max_min_proven, best_t, upper = step("max_min", t, t_of, 0.8, gap=0.5 / SCALE)
        if upper is None and not improved:
            # The solver neither bounded the max-min nor improved on anything within the limit: the timetable is
            # the greedy fallback's (filled, and lifted by the local search when it could).
            fallback.placements = current
            fallback.status = "fallback"
            fallback.solve_seconds = time.perf_counter() - started
            fallback.phases = phases
            return fallback
        mip.model.delete_variable(t)
        del aux_starts["t"]
        proven = proven and max_min_proven
        upper = SCALE if upper is None else min(SCALE, math.floor(upper * SCALE + 1e-6))
        bound = max(upper, best_t) / SCALE
        gap = 0.0 if max_min_proven else max(0.0, (upper - best_t) / max(1, upper))
        for q in servable:
            mip.add(share_of[q] >= best_t / SCALE - 1e-9)
        levels.append((t_of, best_t))

    # Phase 2: hours, keeping the fairness reached.
    progress("hours", 0.6)
    hours_proven, best_hours, upper = step("hours", hours, hours_of, 0.5 if fairness else 0.9)
    hours_gap = 0.0 if hours_proven else (max(0.0, (upper - best_hours) / max(1, upper)) if upper else None)
    proven = proven and hours_proven
    mip.add(hours >= best_hours)
    levels.append((hours_of, best_hours))

    # Phase 3: preferred windows, ties broken by weights drawn from the published seed.
    tie = [rng.randrange(1000) for _ in placements]
    worth = {p: instance.value(by_id[p.request], p) * 1000 + tie[i] for i, p in enumerate(placements)}
    progress("preference", 0.85)
    step(
        "preference",
        mip.sum((i, worth[p]) for i, p in enumerate(placements)),
        lambda chosen: sum(worth[p] for p in chosen.values()),
        0.8,
    )
    if not proven:
        current = fill(instance, current)  # a phase stopped by the time limit may have left rooms free
    return finish(
        current,
        "optimal" if proven else "feasible",
        proven,
        gap=gap if fairness else None,
        hours_gap=hours_gap,
        bound=bound,
    )


def max_hours(instance: Instance, *, time_limit: float = 60.0) -> tuple[int, int]:
    """The hours-only optimum by the MIP alone (no fairness, nobody required to be served), as (the most hours
    found, a proven upper bound): equal when proven. The benchmark's honest reference for "99 % of the optimum"."""
    mip = _Mip(instance)
    if not mip.placements:
        return 0, 0
    by_id = {r.id: r for r in instance.requests}
    start = fill(instance, greedy(instance).placements)
    out = mip.maximize(
        mip.sum((i, by_id[p.request].duration) for i, p in enumerate(mip.placements)),
        seconds=time_limit,
        start=start,
        extra_start={},
        gap=0.99,
    )
    best = sum(by_id[rid].duration for rid in (out["placements"] or start))
    upper = math.floor(out["bound"] + 1e-6) if out["bound"] is not None else sum(r.duration for r in instance.requests)
    return best, max(best, upper)


def _min_weighted(instance: Instance, placements: dict, practices) -> float:
    sat = satisfactions(instance, placements)
    top = max((instance.entitlements.get(p, 0) for p in practices), default=0) or 1
    values = [sat.get(p, 0.0) * top / (instance.entitlements.get(p, top) or top) for p in practices]
    return min(values, default=0.0)


def explain(instance: Instance, result: Result) -> dict:
    """Request id → why it was not granted, as a plain code the UI turns into a sentence:

    - ``no_free_room``: bookings, closures or opening hours leave no room in its windows;
    - ``own_requests``: every placement it could have had went to its own practice's other requests;
    - ``taken_for_fairness``: its placements went (at least partly) to other practices' requests.
    """
    by_id = {r.id: r for r in instance.requests}
    holder = {}
    for rid, p in result.placements.items():
        for slot in instance.occupied(p, by_id[rid].duration):
            holder[slot] = by_id[rid].practice
    reasons = {}
    for r in instance.requests:
        if r.id in result.placements:
            continue
        candidates = candidate_placements(instance, r)
        if not candidates:
            reasons[r.id] = "no_free_room"
            continue
        others = {holder[slot] for p in candidates for slot in instance.occupied(p, r.duration) if slot in holder}
        reasons[r.id] = "own_requests" if others == {r.practice} else "taken_for_fairness"
    return reasons


# --------------------------------------------------------------------------------------------- instances


def generate(
    practices: int, rooms: int, demand: float, seed: int, *, days: int = 7, slots_per_day: int = 10, peak_share=0.75
) -> Instance:
    """A benchmark instance: ``demand`` × the week's room hours requested, most of it at peak times
    (the last four slots of weekdays), durations of 1-3 slots, 0-3 slots of flexibility, importance 1-5."""
    rng = random.Random(seed)
    room_ids = tuple(f"room{i}" for i in range(rooms))
    supply = rooms * days * slots_per_day
    target = int(round(demand * supply))
    requests = []
    total = 0
    n = 0
    practice_ids = [f"p{i}" for i in range(practices)]
    while total < target:
        practice = practice_ids[n % practices]
        duration = rng.choice((1, 2, 2, 3))
        flex = rng.randint(0, 3)
        accepted = tuple(sorted(rng.sample(room_ids, k=rng.randint(1, max(1, min(rooms, 3))))))
        windows = []
        for _ in range(rng.randint(1, 3)):
            if rng.random() < peak_share:
                day = rng.randint(0, min(days, 5) - 1)
                start = rng.randint(max(0, slots_per_day - 4 - flex), max(0, slots_per_day - duration - flex))
            else:
                day = rng.randint(0, days - 1)
                start = rng.randint(0, max(0, slots_per_day - duration - flex))
            windows.append(Window(day, start, min(slots_per_day, start + duration + flex)))
        requests.append(Request(f"r{n}", practice, duration, accepted, tuple(windows), rng.randint(1, 5)))
        total += duration
        n += 1
    return Instance(days, slots_per_day, room_ids, requests, dict.fromkeys(practice_ids, 1), set(), seed)
