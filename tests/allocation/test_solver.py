from allocation.solver import (
    figures,
    first_come_first_served,
    generate,
    greedy,
    round_robin,
    solve,
)


def _no_double_use(instance, result):
    by_id = {r.id: r for r in instance.requests}
    used = set()
    for rid, placement in result.placements.items():
        for slot in placement.slots(by_id[rid].duration):
            assert slot not in used
            assert slot not in instance.blocked
            used.add(slot)


def test_solver_is_at_least_as_fair_as_the_baselines():
    instance = generate(6, 2, 1.4, seed=3)
    fair = solve(instance, time_limit=10, workers=1)
    _no_double_use(instance, fair)
    fair_min = figures(instance, fair)["min_weighted_satisfaction"]
    for baseline in (greedy(instance), first_come_first_served(instance, 1), round_robin(instance, 1)):
        _no_double_use(instance, baseline)
        assert fair_min >= figures(instance, baseline)["min_weighted_satisfaction"] - 1e-9


def test_fair_solution_keeps_hours_close_to_hours_only_optimum():
    instance = generate(5, 2, 1.0, seed=7)
    fair = figures(instance, solve(instance, time_limit=10, workers=1))
    hours_only = figures(instance, solve(instance, time_limit=10, workers=1, fairness=False))
    assert fair["granted_slots"] <= hours_only["granted_slots"]
    assert fair["min_weighted_satisfaction"] >= 0
