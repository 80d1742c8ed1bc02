"""Fair allocation of recurring weekly slots (issue 8): the solver, its baselines and fairness figures.

Pure Python and OR-Tools, no Django: the allocation round's services turn a round into an ``Instance`` and a
``Result`` back into a proposed timetable.

Time is a week of ``days × slots_per_day`` slots (e.g. 7 × 10 one-hour slots = 70 weekly hour slots). A request
asks for ``duration`` consecutive slots in one of the rooms it accepts, inside one of its ranked windows; a wider
window than the duration is flexibility. A practice's satisfaction is the value it was granted over the value it
asked for, where a request is worth ``importance × duration`` and a placement in a lower-ranked window keeps a
smaller part of that (``RANK_FACTORS``). The entitlement-weighted satisfaction divides by the practice's
entitlement relative to the largest one.

The model (CP-SAT) works in phases, each keeping what the previous ones reached (as a constraint) and starting from
their answer (as a hint), so that running out of time in one phase never loses the answer of the previous one:
0. the number of practices that get something (all of them whenever possible: nobody is left with nothing when a
   timetable can give everyone something); then the hours-only optimum, of which the fair timetable may give up at
   most ``max_hours_loss`` (1 %);
1. the lowest entitlement-weighted satisfaction of any practice (max-min), with its proven bound and gap;
2. keeping that, the total hours granted;
3. keeping both, the total preference value, with ties broken by weights drawn from the round's published seed.
Reproducibility: every phase but max-min runs one search worker bounded by deterministic time (reproducible); the
max-min phase runs CP-SAT's parallel portfolio, which is far stronger on this objective (0.49 against 0.27 for 30
practices × 6 rooms) but depends on thread timing when stopped by the time limit. A run whose phases are proven
optimal is reproduced exactly (the seeded tie-break weights make the optimum unique); any run can be checked: the
published slots, the instance and ``figures()`` give the same figures.
When CP-SAT finds nothing at all within the limit, the greedy fallback gives the timetable instead, and the result
says so (``status == "fallback"``).
"""

from __future__ import annotations

import math
import random
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

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
    method: str  # "cp-sat", "greedy", "fcfs", "round-robin", "hours-only"
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
            if _fits(instance, p, request.duration, taken):
                placements[request.id] = p
                taken.update(instance.occupied(p, request.duration))
                got[practice] += request.value(p.rank)
                break
    return Result("greedy", "heuristic", placements)


# --------------------------------------------------------------------------------------------- CP-SAT


def naive_greedy(instance: Instance) -> Result:
    """What a booking tool does: the longest, most important requests first, each in its best free placement.
    It maximises hours quickly and ignores who gets what (the "greedy" of the issue's figures)."""
    order = sorted(instance.requests, key=lambda r: (-r.duration * r.importance, str(r.id)))
    result = _place_in_order(instance, order, "naive-greedy")
    return result


def _phase_params(solver, seconds: float, workers: int, seed: int, deterministic: bool) -> None:
    solver.parameters.max_time_in_seconds = max(0.05, seconds)
    solver.parameters.random_seed = seed
    if deterministic:
        # Reproducible: one search worker bounded by deterministic time (the wall-clock limit above stays as a safety
        # net on a slow machine). CP-SAT's interleaved parallel mode is deterministic too, but far weaker here.
        solver.parameters.num_workers = 1
        solver.parameters.max_deterministic_time = max(0.05, seconds)
    else:
        solver.parameters.num_workers = workers


def solve(
    instance: Instance,
    *,
    time_limit: float = 15.0,
    workers: int = 2,
    fairness: bool = True,
    deterministic: bool = True,
    max_hours_loss: float | None = 0.01,
    on_phase=None,
) -> Result:
    """The fair timetable (see the module's docstring). ``fairness=False`` gives the hours-only optimum.

    With ``max_hours_loss`` (default 1 %), the hours-only optimum is computed first and the fair timetable may give
    up at most that share of its hours: fairness never wastes more than 1 % of the rooms (the issue's target).
    ``None`` gives the pure lexicographic order (max-min first, whatever it costs in hours).
    ``on_phase(name, done_share)`` is called before each phase (for progress reports).
    Phases share ``time_limit`` (served 10 %, then of what is left: hours-only 25 %, max-min 80 %, hours 50 %,
    preferences the rest). Each phase starts from the previous phase's answer (a hint and a bound), so a phase that
    runs out of time keeps the previous answer instead of losing it; the greedy fallback is only used when CP-SAT finds nothing at all. ``gap`` is the relative gap of the max-min
    objective (0 when proven), ``hours_gap`` that of the hours phase. Practices none of whose requests can be
    placed anywhere (closed, booked) are left out of the max-min objective: otherwise their zero would make every
    timetable "optimal" and stop protecting the others.
    """
    from ortools.sat.python import cp_model

    started = time.perf_counter()
    deadline = started + max(0.5 * time_limit, time_limit - 0.3)  # room to read the answer back within the limit
    by_id = {r.id: r for r in instance.requests}
    rng = random.Random(instance.seed)
    model = cp_model.CpModel()

    fallback = greedy(instance)  # fast and always feasible: a lower bound and the first hint

    variables: dict[Placement, object] = {}
    by_slot = defaultdict(list)
    by_request = defaultdict(list)
    for request in instance.requests:
        for p in candidate_placements(instance, request):
            var = model.new_bool_var(f"x{len(variables)}")
            variables[p] = var
            by_request[request.id].append(var)
            for slot in instance.occupied(p, request.duration):
                by_slot[slot].append(var)
    for vars_ in by_request.values():
        if len(vars_) > 1:
            model.add_at_most_one(vars_)
    for vars_ in by_slot.values():
        if len(vars_) > 1:
            model.add_at_most_one(vars_)

    phases: dict = {}

    def progress(name: str, share: float) -> None:
        if on_phase is not None:
            on_phase(name, share)

    def finish(placements, status, proven, gap=None, hours_gap=None, bound=None, method=None):
        return Result(
            method or ("cp-sat" if fairness else "hours-only"),
            status,
            placements,
            solve_seconds=time.perf_counter() - started,
            gap=gap,
            proven_optimal=proven,
            min_weighted_bound=bound,
            hours_gap=hours_gap,
            phases=phases,
        )

    if not variables:
        return finish({}, "optimal", True, gap=0.0 if fairness else None, hours_gap=0.0)

    aux_hints = []  # callables adding hints for auxiliary variables, from a timetable

    def hint(placements: dict) -> None:
        """A complete hint (CP-SAT starts from a complete feasible hint at once)."""
        model.clear_hints()
        for p, v in variables.items():
            model.add_hint(v, placements.get(p.request) == p)
        for add in aux_hints:
            add(placements)

    def run(name: str, objective, share: float, parallel: bool = False):
        remaining = deadline - time.perf_counter()
        seconds = remaining * share
        model.maximize(objective)
        solver = cp_model.CpSolver()
        _phase_params(solver, seconds, workers, instance.seed, deterministic and not parallel)
        t0 = time.perf_counter()
        status = solver.solve(model)
        ok = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        phases[name] = {
            "status": solver.status_name(status).lower(),
            "seconds": round(time.perf_counter() - t0, 3),
            "objective": solver.objective_value if ok else None,
            "bound": solver.best_objective_bound if ok else None,
        }
        return solver, status, ok

    def chosen(solver) -> dict:
        return {p.request: p for p, v in variables.items() if solver.boolean_value(v)}

    def step(name: str, objective, value_of, share: float, parallel: bool = False):
        """Run a phase from ``current`` (the hint); keep the solver's answer only when it is at least as good on
        this phase's objective. CP-SAT does not promise to return its hint, and a phase cut short by the time limit
        (a loaded machine) can answer worse than where it started. Returns (solver, status, value reached)."""
        nonlocal current
        hint(current)
        solver, status, ok = run(name, objective, share, parallel)
        start_value = value_of(current)
        if ok and solver.objective_value >= start_value:
            current = chosen(solver)
            return solver, status, round(solver.objective_value)
        phases[name]["kept_start"] = True
        return solver, (status if ok else cp_model.UNKNOWN), start_value

    def hours_of(placements: dict) -> int:
        return sum(by_id[rid].duration for rid in placements)

    hours = sum(by_id[p.request].duration * v for p, v in variables.items())
    current = fill(instance, fallback.placements)
    proven = True
    gap = None
    bound = None

    if fairness:
        asked = defaultdict(int)
        for r in instance.requests:
            asked[r.practice] += r.worth
        value_terms = defaultdict(list)
        practice_vars = defaultdict(list)
        for p, v in variables.items():
            r = by_id[p.request]
            value_terms[r.practice].append(r.value(p.rank) * v)
            practice_vars[r.practice].append(v)
        servable = [practice for practice in asked if value_terms[practice]]
        top = max((instance.entitlements.get(p, 0) for p in servable), default=0)
        # Weighted satisfaction ≤ 1 for the most entitled servable practice, so t ∈ [0, SCALE].
        t = model.new_int_var(0, SCALE, "min_weighted_satisfaction")
        weight_pcts = {}
        for practice in servable:
            weight_pct = max(1, round(100 * instance.entitlements.get(practice, top or 1) / (top or 1)))
            weight_pcts[practice] = weight_pct
            model.add(t * asked[practice] * weight_pct <= sum(value_terms[practice]) * SCALE * 100)

        # Phase 0: serve as many practices as possible (all of them whenever a timetable can): nobody is left with
        # nothing when some allocation gives everyone something, whatever the hours cap below asks.
        def t_of(placements: dict) -> int:
            got = defaultdict(int)
            for rid, p in placements.items():
                r = by_id[rid]
                got[r.practice] += r.value(p.rank)
            values = [got[q] * SCALE * 100 // (asked[q] * weight_pcts[q]) for q in servable]
            return max(0, min(SCALE, min(values, default=SCALE)))

        aux_hints.append(lambda placements: model.add_hint(t, t_of(placements)))

        if len(servable) > 1:
            served = []
            for practice in servable:
                y = model.new_bool_var(f"served_{practice}")
                model.add(sum(practice_vars[practice]) >= 1).only_enforce_if(y)
                served.append(y)
            served_by = dict(zip(servable, served, strict=True))
            aux_hints.append(
                lambda placements: [
                    model.add_hint(y, any(by_id[rid].practice == q for rid in placements)) for q, y in served_by.items()
                ]
            )
            progress("served", 0.02)

            def served_of(placements: dict) -> int:
                return len({by_id[rid].practice for rid in placements} & set(servable))

            solver, status, reached = step("served", sum(served), served_of, 0.1)
            if reached == len(servable):
                for practice in servable:
                    model.add(sum(practice_vars[practice]) >= 1)
            else:
                model.add(sum(served) >= reached)
            proven = proven and (status == cp_model.OPTIMAL or reached == len(servable))

        if max_hours_loss is not None:
            # Phase 0b: the hours-only optimum (of timetables serving those practices); keep within max_hours_loss.
            progress("hours_only", 0.1)
            solver, status, reached = step("hours_only", hours, hours_of, 0.25)
            model.add(hours >= math.ceil((1 - max_hours_loss) * reached))
        else:
            # Never worse than the greedy fallback (and it prunes the search).
            model.add(t >= int(_min_weighted(instance, fallback.placements, servable) * SCALE))

        # Phase 1: max-min.
        progress("max_min", 0.25)
        solver, status, best_t = step("max_min", t, t_of, 0.8, parallel=True)
        if status == cp_model.UNKNOWN and "kept_start" in phases["max_min"] and phases["max_min"]["bound"] is None:
            # CP-SAT found nothing at all: the timetable so far (the filled greedy at least) is the fallback.
            fallback.placements = current
            fallback.status = "fallback"
            fallback.solve_seconds = time.perf_counter() - started
            fallback.phases = phases
            return fallback
        proven = proven and status == cp_model.OPTIMAL
        upper = solver.best_objective_bound if phases["max_min"]["bound"] is not None else SCALE
        bound = max(upper, best_t) / SCALE
        gap = 0.0 if status == cp_model.OPTIMAL else max(0.0, (upper - best_t) / max(1, upper))
        model.add(t >= best_t)

    # Phase 2: hours, keeping the fairness reached.
    progress("hours", 0.6)
    solver, status, best_hours = step("hours", hours, hours_of, 0.5)
    hours_proven = status == cp_model.OPTIMAL
    upper = solver.best_objective_bound if phases["hours"]["bound"] is not None else None
    hours_gap = 0.0 if hours_proven else (max(0.0, (upper - best_hours) / max(1, upper)) if upper else None)
    proven = proven and hours_proven
    model.add(hours >= best_hours)

    # Phase 3: preferred windows, ties broken by weights drawn from the published seed.
    tie = {p: rng.randrange(1000) for p in variables}
    preference = sum((by_id[p.request].value(p.rank) * 1000 + tie[p]) * v for p, v in variables.items())
    progress("preference", 0.85)
    step(
        "preference",
        preference,
        lambda placements: sum(by_id[rid].value(p.rank) * 1000 + tie[p] for rid, p in placements.items()),
        1.0,
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
