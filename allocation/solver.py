"""Fair allocation of recurring weekly slots (issue 8): the solver, its baselines and fairness figures.

Pure Python and OR-Tools, no Django: the allocation round's services turn a round into an ``Instance`` and a
``Result`` back into a proposed timetable.

Time is a week of ``days × slots_per_day`` slots (e.g. 7 × 10 one-hour slots = 70 weekly hour slots). A request
asks for ``duration`` consecutive slots in one of the rooms it accepts, inside one of its ranked windows; a wider
window than the duration is flexibility. A practice's satisfaction is the value it was granted over the value it
asked for, where a request is worth ``importance × duration`` and a placement in a lower-ranked window keeps a
smaller part of that (``RANK_FACTORS``). The entitlement-weighted satisfaction divides by the practice's
entitlement relative to the largest one.

The model (CP-SAT) maximises, in order:
1. the lowest entitlement-weighted satisfaction of any practice (max-min);
2. keeping that, the total hours granted;
3. keeping both, the total preference value, with ties broken by weights drawn from the round's published seed.
When the time limit is hit before a feasible answer, the greedy fallback gives the timetable instead, and the
result says so.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

# Share of a request's worth kept when it is placed in its 1st, 2nd, 3rd, … ranked window.
RANK_FACTORS = (100, 80, 60, 40, 20)
SCALE = 10_000  # fixed-point scale of satisfactions inside the model


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
    method: str  # "cp-sat", "greedy", "fcfs", "round-robin", "hours-only"
    status: str  # "optimal", "feasible", "fallback", "heuristic"
    placements: dict  # Request.id → Placement
    solve_seconds: float = 0.0
    gap: float | None = None  # relative gap of the max-min objective (0 when proven optimal)
    proven_optimal: bool = False
    min_weighted_bound: float | None = None

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


def _fits(placement: Placement, duration: int, taken: set) -> bool:
    return not any(slot in taken for slot in placement.slots(duration))


# --------------------------------------------------------------------------------------------- figures


def satisfactions(instance: Instance, placements: dict) -> dict:
    """Practice → satisfaction in [0, 1] (granted worth over asked worth)."""
    asked: dict = defaultdict(int)
    got: dict = defaultdict(int)
    by_id = {r.id: r for r in instance.requests}
    for r in instance.requests:
        asked[r.practice] += r.worth
    for rid, p in placements.items():
        r = by_id[rid]
        got[r.practice] += r.value(p.rank)
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
    }


# --------------------------------------------------------------------------------------------- baselines


def _place_in_order(instance: Instance, order: list[Request], method: str) -> Result:
    taken = set(instance.blocked)
    placements = {}
    for request in order:
        for p in candidate_placements(instance, request):  # already in preference order
            if _fits(p, request.duration, taken):
                placements[request.id] = p
                taken.update(p.slots(request.duration))
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


def greedy(instance: Instance) -> Result:
    """The fallback: repeatedly serve the practice with the lowest weighted satisfaction so far."""
    rng = random.Random(instance.seed)
    asked = defaultdict(int)
    pending = defaultdict(list)
    for r in instance.requests:
        asked[r.practice] += r.worth
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
            if _fits(p, request.duration, taken):
                placements[request.id] = p
                taken.update(p.slots(request.duration))
                got[practice] += request.value(p.rank)
                break
    return Result("greedy", "heuristic", placements)


# --------------------------------------------------------------------------------------------- CP-SAT


def solve(instance: Instance, *, time_limit: float = 15.0, workers: int = 2, fairness: bool = True) -> Result:
    """The fair timetable (see the module's docstring). ``fairness=False`` gives the hours-only optimum."""
    from ortools.sat.python import cp_model

    started = time.perf_counter()
    deadline = started + time_limit
    model = cp_model.CpModel()
    by_id = {r.id: r for r in instance.requests}
    rng = random.Random(instance.seed)

    variables: dict[Placement, object] = {}
    by_slot = defaultdict(list)
    by_request = defaultdict(list)
    for request in instance.requests:
        for p in candidate_placements(instance, request):
            var = model.new_bool_var(f"x_{len(variables)}")
            variables[p] = var
            by_request[request.id].append(var)
            for slot in p.slots(request.duration):
                by_slot[slot].append(var)
    for vars_ in by_request.values():
        if len(vars_) > 1:
            model.add_at_most_one(vars_)
    for vars_ in by_slot.values():
        if len(vars_) > 1:
            model.add_at_most_one(vars_)

    hours = sum(by_id[p.request].duration * v for p, v in variables.items())
    value_terms = defaultdict(list)
    asked = defaultdict(int)
    for r in instance.requests:
        asked[r.practice] += r.worth
    for p, v in variables.items():
        r = by_id[p.request]
        value_terms[r.practice].append(r.value(p.rank) * v)

    def run(objective_sense_max, objective, remaining):
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.1, remaining)
        solver.parameters.num_workers = workers
        solver.parameters.random_seed = instance.seed
        if objective_sense_max:
            model.maximize(objective)
        status = solver.solve(model)
        return solver, status

    t = None
    gap = None
    proven = True
    bound = None
    if fairness and asked:
        # t ≤ SCALE · satisfaction_p / weight_p for every practice with requests.
        t = model.new_int_var(0, SCALE * 100, "min_weighted_satisfaction")
        for practice, total in asked.items():
            weight_pct = max(1, round(instance.weight(practice) * 100))
            got = sum(value_terms[practice]) if value_terms[practice] else 0
            model.add(t * total * weight_pct <= got * SCALE * 100)
        solver, status = run(True, t, deadline - time.perf_counter())
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            result = greedy(instance)
            result.status = "fallback"
            result.solve_seconds = time.perf_counter() - started
            return result
        best_t = int(solver.value(t))
        proven = status == cp_model.OPTIMAL
        bound = solver.best_objective_bound / SCALE
        gap = 0.0 if proven else max(0.0, (solver.best_objective_bound - best_t) / max(1, solver.best_objective_bound))
        model.add(t >= best_t)
        hint = solver
    else:
        hint = None

    # Phase 2: hours, then preference value with seeded tie-breaking weights.
    if hint is not None:
        for v in variables.values():
            model.add_hint(v, hint.boolean_value(v))
    solver, status = run(True, hours, deadline - time.perf_counter())
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        result = greedy(instance)
        result.status = "fallback"
        result.solve_seconds = time.perf_counter() - started
        return result
    proven = proven and status == cp_model.OPTIMAL
    best_hours = int(solver.value(hours))
    chosen = solver
    remaining = deadline - time.perf_counter()
    if remaining > 0.2 and variables:
        model.add(hours >= best_hours)
        model.clear_hints()
        for v in variables.values():
            model.add_hint(v, solver.boolean_value(v))
        tie = {p: rng.randint(0, 9) for p in variables}
        preference = sum((by_id[p.request].value(p.rank) * 10 + tie[p]) * v for p, v in variables.items())
        solver3, status3 = run(True, preference, remaining)
        if status3 in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            chosen = solver3
    placements = {p.request: p for p, v in variables.items() if chosen.boolean_value(v)}
    return Result(
        "cp-sat" if fairness else "hours-only",
        "optimal" if proven else "feasible",
        placements,
        solve_seconds=time.perf_counter() - started,
        gap=gap if fairness else None,
        proven_optimal=proven,
        min_weighted_bound=bound,
    )


def explain(instance: Instance, result: Result) -> dict:
    """Request id → why it was not granted (plain codes the UI turns into sentences)."""
    taken_by_others = set()
    by_id = {r.id: r for r in instance.requests}
    for rid, p in result.placements.items():
        taken_by_others.update(p.slots(by_id[rid].duration))
    reasons = {}
    for r in instance.requests:
        if r.id in result.placements:
            continue
        candidates = candidate_placements(instance, r)
        if not candidates:
            reasons[r.id] = "no_free_room"  # bookings, closures or opening hours leave no room in its windows
        else:
            reasons[r.id] = "taken_for_fairness"  # free rooms were given to other practices' requests
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
