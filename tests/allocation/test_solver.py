"""Properties of the solver on small instances (fast: a few seconds in all)."""

from __future__ import annotations

import itertools
import math
import random
import time

import pytest

from allocation.solver import (
    Instance,
    Placement,
    Request,
    Result,
    Window,
    _lift_lowest,
    candidate_placements,
    explain,
    figures,
    first_come_first_served,
    generate,
    greedy,
    max_hours,
    naive_greedy,
    round_robin,
    satisfactions,
    solve,
)


def _no_double_use(instance, result):
    by_id = {r.id: r for r in instance.requests}
    used = set()
    for rid, placement in result.placements.items():
        for slot in instance.occupied(placement, by_id[rid].duration):
            assert slot not in used
            used.add(slot)
        for slot in placement.slots(by_id[rid].duration):
            assert slot not in instance.blocked


@pytest.mark.parametrize("seed", [1, 2])
def test_max_min_is_at_least_every_baselines_lowest(seed):
    instance = generate(6, 2, 1.4, seed=seed)
    fair = solve(instance, time_limit=2, max_hours_loss=None)
    _no_double_use(instance, fair)
    fair_min = figures(instance, fair)["min_weighted_satisfaction"]
    for baseline in (
        greedy(instance),
        naive_greedy(instance),
        first_come_first_served(instance, 1),
        round_robin(instance, 1),
    ):
        _no_double_use(instance, baseline)
        assert fair_min >= figures(instance, baseline)["min_weighted_satisfaction"] - 1e-9


@pytest.mark.parametrize("seed", [4])
def test_utilisation_is_at_least_99_percent_of_the_hours_only_optimum(seed):
    instance = generate(5, 2, 1.4, seed=seed)
    fair = figures(instance, solve(instance, time_limit=5))
    hours_only = solve(instance, time_limit=5, fairness=False)
    assert hours_only.proven_optimal
    assert fair["granted_slots"] >= 0.99 * figures(instance, hours_only)["granted_slots"]


def test_a_proven_run_is_reproduced_with_the_seed():
    instance = generate(3, 1, 1.0, seed=9)
    first, second = solve(instance, time_limit=5), solve(instance, time_limit=5)
    assert first.proven_optimal
    assert first.placements == second.placements


def test_nobody_is_left_with_nothing_when_everyone_can_get_something():
    # One room, four slots: A wants all four; B wants one. Hours alone (and a booking tool) give everything to A.
    instance = Instance(
        days=1,
        slots_per_day=4,
        rooms=("r",),
        requests=[
            Request("a", "A", 4, ("r",), (Window(0, 0, 4),), importance=5),
            Request("a2", "A", 1, ("r",), (Window(0, 0, 4),), importance=1),
            Request("b", "B", 1, ("r",), (Window(0, 0, 4),), importance=1),
        ],
        entitlements={"A": 1, "B": 1},
    )
    assert figures(instance, naive_greedy(instance))["with_nothing"] == 1
    fair = solve(instance, time_limit=5)
    assert figures(instance, fair)["with_nothing"] == 0
    assert fair.proven_optimal and fair.gap == 0.0


def test_a_practice_that_cannot_be_placed_does_not_stop_the_others_being_protected():
    instance = Instance(
        days=1,
        slots_per_day=5,
        rooms=("r",),
        requests=[
            Request("x", "X", 1, ("r",), (Window(0, 0, 1),)),  # its only slot is blocked
            Request("a", "A", 3, ("r",), (Window(0, 1, 5),), importance=5),
            Request("a2", "A", 2, ("r",), (Window(0, 1, 5),), importance=5),
            Request("b", "B", 1, ("r",), (Window(0, 1, 5),)),
        ],
        entitlements={"X": 1, "A": 1, "B": 1},
        blocked={("r", 0, 0)},
    )
    fair = solve(instance, time_limit=5)
    assert "b" in fair.placements  # without leaving X out of the max-min, its zero would let A take everything
    assert figures(instance, fair)["with_nothing"] == 1


def test_buffers_keep_a_gap_between_placements_in_a_room():
    requests = [Request(n, n, 1, ("r",), (Window(0, 0, 2),)) for n in ("a", "b")]
    plain = Instance(1, 2, ("r",), requests, {"a": 1, "b": 1})
    padded = Instance(1, 2, ("r",), requests, {"a": 1, "b": 1}, padding={"r": 1})
    assert len(solve(plain, time_limit=5).placements) == 2
    assert len(solve(padded, time_limit=5).placements) == 1


def test_the_result_reports_phases_gap_and_proof():
    instance = generate(4, 2, 1.0, seed=2)
    result = solve(instance, time_limit=2)
    assert result.method == "mip"
    assert {"served", "hours_only", "max_min", "hours"} <= set(result.phases)
    assert result.solve_seconds <= 2.5
    assert result.gap is not None and 0 <= result.gap < 1
    assert result.proven_optimal == (result.gap == 0.0 and result.hours_gap == 0.0)


def test_explain_says_what_blocked_each_unmet_request():
    instance = Instance(
        days=1,
        slots_per_day=2,
        rooms=("r",),
        requests=[
            Request("a", "A", 2, ("r",), (Window(0, 0, 2),), importance=5),
            Request("a2", "A", 1, ("r",), (Window(0, 0, 2),)),
            Request("closed", "B", 1, ("r",), (Window(0, 0, 1),)),
        ],
        entitlements={"A": 1, "B": 1},
        blocked={("r", 0, 0)},
    )
    granted = Result("hand", "heuristic", {"a2": Placement("a2", "r", 0, 1, 0)})
    assert explain(instance, granted) == {"a": "no_free_room", "closed": "no_free_room"}
    free = Instance(1, 2, ("r",), instance.requests, instance.entitlements)
    granted = Result("hand", "heuristic", {"a": Placement("a", "r", 0, 0, 0)})
    assert explain(free, granted) == {"a2": "own_requests", "closed": "taken_for_fairness"}


# --------------------------------------------------------------------------------------------- against brute force


def _tiny_instance(seed: int) -> Instance:
    """Three practices, two rooms, one day of six slots, six requests with few placements each (brute-forceable)."""
    rng = random.Random(seed)
    requests = []
    for n in range(6):
        duration = rng.choice((1, 2, 3))
        start = rng.randint(0, 6 - duration)
        end = min(6, start + duration + rng.randint(0, 1))
        rooms = tuple(sorted(rng.sample(("r1", "r2"), k=rng.randint(1, 2))))
        requests.append(Request(f"q{n}", f"P{n % 3}", duration, rooms, (Window(0, start, end),), rng.randint(1, 5)))
    entitlements = {"P0": 1, "P1": rng.choice((1, 2)), "P2": 1}
    return Instance(1, 6, ("r1", "r2"), requests, entitlements, seed=seed)


def _timetables(instance):
    """Every feasible timetable (each request unplaced or in one of its candidate placements)."""
    durations = {r.id: r.duration for r in instance.requests}
    options = [[None, *candidate_placements(instance, r)] for r in instance.requests]
    for combo in itertools.product(*options):
        placements = {r.id: p for r, p in zip(instance.requests, combo, strict=True) if p is not None}
        used = [s for rid, p in placements.items() for s in instance.occupied(p, durations[rid])]
        if len(used) == len(set(used)):
            yield placements


def _lexicographic_optimum(instance, max_hours_loss):
    """(practices served, lowest weighted satisfaction in 0.1 %, hours) of the issue's lexicographic order."""
    by_id = {r.id: r for r in instance.requests}
    asked = {}
    for r in instance.requests:
        asked[r.practice] = asked.get(r.practice, 0) + r.worth
    top = max(instance.entitlements.values())

    def key(placements):
        got = dict.fromkeys(asked, 0)
        for rid, p in placements.items():
            got[by_id[rid].practice] += by_id[rid].value(p.rank)
        served = sum(1 for q in got if got[q])
        t = min(got[q] * 1000 * 100 // (asked[q] * round(100 * instance.entitlements[q] / top)) for q in got)
        return served, min(1000, t), sum(by_id[rid].duration for rid in placements)

    keys = [key(p) for p in _timetables(instance)]
    served = max(k[0] for k in keys)
    keys = [k for k in keys if k[0] == served]
    if max_hours_loss is not None:
        cap = math.ceil((1 - max_hours_loss) * max(k[2] for k in keys))
        keys = [k for k in keys if k[2] >= cap]
    t = max(k[1] for k in keys)
    return served, t, max(k[2] for k in keys if k[1] == t), key


@pytest.mark.parametrize("max_hours_loss", [0.01, None])
@pytest.mark.parametrize("seed", range(6))
def test_a_proven_answer_is_the_brute_force_lexicographic_optimum(seed, max_hours_loss):
    instance = _tiny_instance(seed)
    served, t, hours, key = _lexicographic_optimum(instance, max_hours_loss)

    result = solve(instance, time_limit=10, max_hours_loss=max_hours_loss)

    assert result.proven_optimal and result.gap == 0.0
    _no_double_use(instance, result)
    assert key(result.placements) == (served, t, hours)


@pytest.mark.parametrize("seed", range(4))
def test_max_hours_is_the_brute_force_optimum(seed):
    instance = _tiny_instance(seed)
    best = max(sum(r.duration for r in instance.requests if r.id in p) for p in _timetables(instance))

    assert max_hours(instance, time_limit=10) == (best, best)


def test_max_min_comes_before_hours_and_hours_before_preferences():
    # One room, six slots. A's 6-slot request alone fills the day (most hours, A satisfied, B nothing); the fair
    # order gives B its 2 slots first, then as many hours as that allows (A's 4-slot alternative), then windows.
    instance = Instance(
        days=1,
        slots_per_day=6,
        rooms=("r",),
        requests=[
            Request("a6", "A", 6, ("r",), (Window(0, 0, 6),), importance=5),
            Request("a4", "A", 4, ("r",), (Window(0, 0, 6),), importance=1),
            Request("b", "B", 2, ("r",), (Window(0, 4, 6), Window(0, 0, 2)), importance=1),
        ],
        entitlements={"A": 1, "B": 1},
    )
    result = solve(instance, time_limit=5, max_hours_loss=None)

    assert result.proven_optimal
    assert set(result.placements) == {"a4", "b"}
    assert result.placements["b"].rank == 0  # its first window: the preference phase
    assert figures(instance, result)["granted_slots"] == 6
    assert max_hours(instance) == (6, 6)


@pytest.mark.parametrize("seed", range(3))
def test_the_same_seed_gives_the_same_timetable_and_another_seed_an_equally_fair_one(seed):
    instance = _tiny_instance(seed)
    *_, key = _lexicographic_optimum(instance, 0.01)
    reseeded = Instance(1, 6, instance.rooms, instance.requests, instance.entitlements, seed=seed + 100)

    first, second, third = (solve(i, time_limit=10) for i in (instance, instance, reseeded))

    assert first.proven_optimal and third.proven_optimal
    assert first.placements == second.placements
    assert key(third.placements) == key(first.placements)


def test_the_fallback_answers_when_the_limit_hits_before_any_bound():
    instance = generate(50, 10, 2.0, seed=1)  # its max-min LP alone takes far longer than the limit
    result = solve(instance, time_limit=0.02)

    assert result.status == "fallback" and not result.proven_optimal
    _no_double_use(instance, result)
    fair_greedy = figures(instance, greedy(instance))
    assert figures(instance, result)["min_weighted_satisfaction"] >= fair_greedy["min_weighted_satisfaction"]


def test_the_local_search_lifts_the_lowest_and_keeps_the_hours():
    instance = generate(30, 6, 1.4, seed=2)
    by_id = {r.id: r for r in instance.requests}
    start = naive_greedy(instance).placements
    hours = sum(by_id[rid].duration for rid in start)
    asked = {}
    for r in instance.requests:
        asked[r.practice] = asked.get(r.practice, 0) + r.worth

    lifted = _lift_lowest(instance, start, min_hours=hours - 2, weights=asked, deadline=time.perf_counter() + 5)

    result = Result("lifted", "heuristic", lifted)
    _no_double_use(instance, result)
    assert figures(instance, result)["granted_slots"] >= hours - 2
    before = figures(instance, Result("start", "heuristic", start))["min_satisfaction"]
    assert figures(instance, result)["min_satisfaction"] > before


def _skipping_instance(**requests):
    """One room "a", weeks of 4; Monday's first slot is taken in one week ("w2"), Tuesday's is free every week."""
    return Instance(
        7,
        2,
        ("a",),
        [Request(rid, practice, 1, ("a",), windows) for rid, (practice, windows) in requests.items()],
        {"p": 1, "q": 1},
        skipped={("a", 0, 0): frozenset({"w2"}), ("a", 0, 1): frozenset({"w2", "w3"})},
        weeks=dict.fromkeys(range(7), 4),
    )


def test_skipped_weeks_lower_the_satisfaction():
    instance = _skipping_instance(r1=("p", (Window(0, 0, 1),)), r2=("q", (Window(0, 1, 2),)))
    placements = {"r1": Placement("r1", "a", 0, 0, 0), "r2": Placement("r2", "a", 0, 1, 0)}

    assert instance.skipped_weeks(placements["r2"], 1) == frozenset({"w2", "w3"})
    assert satisfactions(instance, placements) == {"p": 0.75, "q": 0.5}
    assert figures(instance, Result("current", "current", placements))["min_satisfaction"] == 0.5


def test_the_solver_weighs_placements_by_the_weeks_they_keep():
    # Monday (choice 1) keeps 3 of 4 weeks: 100 × 3/4 = 75, less than Tuesday as choice 2 (80) in every week.
    instance = _skipping_instance(r1=("p", (Window(0, 0, 1), Window(1, 0, 1))))

    result = solve(instance, time_limit=2)

    assert result.placements["r1"].weekday == 1
    assert figures(instance, result)["min_satisfaction"] == 0.8
