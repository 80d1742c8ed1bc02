"""Properties of the solver on small instances (fast: a few seconds in all)."""

from __future__ import annotations

import pytest

from allocation.solver import (
    Instance,
    Placement,
    Request,
    Result,
    Window,
    explain,
    figures,
    first_come_first_served,
    generate,
    greedy,
    naive_greedy,
    round_robin,
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
    assert result.method == "cp-sat"
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
