"""Allocation rounds (issue 8): the fair solver against first-come-first-served, a round-robin draft and greedy.

The issue's grid: 10/30/50 practices × 3/6/10 rooms × demand 0.8/1.0/1.4/2.0 of the 70 weekly room hours, most
requests at peak times, 0-3 hours of flexibility, 10 seeds per cell (``allocation.solver.generate``). For each cell
it prints the means over the seeds of utilisation, lowest and mean satisfaction, Jain's index, practices left with
nothing, solve time and gap; the same for first-come-first-served over 20 arrival orders, a round-robin draft, the
naive greedy (longest and most important first, what a booking tool does) and the fair greedy fallback; and the
hours-only optimum (``allocation.solver.max_hours``: the MIP alone with BENCH_REFERENCE_LIMIT seconds, default 120;
the checks use its proven upper bound, which is the optimum itself when proven, and its gap is printed).
Checks (exit 1 when missed): lowest satisfaction ≥ 3 × the naive greedy's (or > 0 when the greedy leaves someone with
nothing; or, where 3 × the greedy's is above the solver's proven bound on the lowest so that no timetable within the
1 % hours cap reaches it, within 5 % of that bound), utilisation ≥ 99 % of the hours-only optimum, nobody left with nothing when the solver proved that everyone
can be served, and 50 practices × 10 rooms solved within 15 s.

BENCH_SIZE=small: 10 practices × 3 rooms and 30 × 6 at demand 1.4, 2 seeds, 3 s per solve (the checks may miss
with so little time; it shows that the script runs).
BENCH_SIZE=full: the whole grid (36 cells × 10 seeds × about 17 s: close to 2 h). Pick cells with
BENCH_CELLS="30x6x1.4,50x10x2.0" and the number of seeds with BENCH_SEEDS (BENCH_SEEDS=3 runs the grid in about 35
minutes). BENCH_VERBOSE=1 prints each seed's figures and phases.
"""

import os

import django

django.setup()

import statistics  # noqa: E402
import sys  # noqa: E402

from allocation.solver import (  # noqa: E402
    figures,
    first_come_first_served,
    generate,
    greedy,
    max_hours,
    naive_greedy,
    round_robin,
    solve,
)

FULL = os.environ.get("BENCH_SIZE", "small") == "full"
PRACTICES = (10, 30, 50)
ROOMS = (3, 6, 10)
DEMANDS = (0.8, 1.0, 1.4, 2.0)
SMALL_CELLS = ((10, 3, 1.4), (30, 6, 1.4))
SEEDS = int(os.environ.get("BENCH_SEEDS", 10 if FULL else 2))
TIME_LIMIT = 15.0 if FULL else 3.0
REFERENCE_LIMIT = float(os.environ.get("BENCH_REFERENCE_LIMIT", 120 if FULL else 20))
ORDERS = 20
CELLS = os.environ.get("BENCH_CELLS", "")
VERBOSE = bool(os.environ.get("BENCH_VERBOSE"))


def cells():
    if CELLS:
        for cell in CELLS.split(","):
            p, r, d = cell.strip().split("x")
            yield int(p), int(r), float(d)
        return
    if not FULL:
        yield from SMALL_CELLS
        return
    for p in PRACTICES:
        for r in ROOMS:
            for d in DEMANDS:
                yield p, r, d


def mean(values):
    values = [v for v in values if v is not None]
    return statistics.fmean(values) if values else float("nan")


def run_cell(practices, rooms, demand):
    rows = []
    for seed in range(SEEDS):
        instance = generate(practices, rooms, demand, seed)
        fair_result = solve(instance, time_limit=TIME_LIMIT)
        fair = figures(instance, fair_result)
        # The reference: the hours-only MIP with a generous limit; its proven upper bound (the optimum itself when
        # proven), so "99 % of the optimum" is never measured against a weak value.
        best_hours, hours_bound = max_hours(instance, time_limit=REFERENCE_LIMIT)
        fcfs = [figures(instance, first_come_first_served(instance, order)) for order in range(ORDERS)]
        if VERBOSE:
            print(
                f"  seed {seed}: hours {fair['granted_slots']} of {best_hours} (bound {hours_bound}), "
                f"lowest {fair['min_satisfaction']:.3f}, {fair['solve_seconds']:.2f} s, phases "
                + ", ".join(f"{k} {v.get('status', '')} {v.get('seconds')} s" for k, v in fair_result.phases.items()),
                flush=True,
            )
        rows.append(
            {
                "fair": fair,
                "served_all_possible": fair_result.phases.get("served", {}).get("status") == "optimal"
                and (fair_result.phases["served"]["objective"] or 0)
                >= len({r.practice for r in instance.requests if r.rooms}),
                "hours_only": hours_bound,
                "hours_only_found": best_hours,
                "fcfs_min": mean(f["min_satisfaction"] for f in fcfs),
                "fcfs_util": mean(f["utilisation"] for f in fcfs),
                "fcfs_jain": mean(f["jain"] for f in fcfs),
                "fcfs_nothing": mean(f["with_nothing"] for f in fcfs),
                "robin": figures(instance, round_robin(instance, seed)),
                "naive": figures(instance, naive_greedy(instance)),
                "greedy": figures(instance, greedy(instance)),
                "free": instance.free_room_slots(),
            }
        )
    return rows


def main() -> int:
    failures = []
    print(f"allocation rounds: {SEEDS} seeds per cell, {TIME_LIMIT:g} s per solve, FCFS over {ORDERS} orders")
    for practices, rooms, demand in cells():
        rows = run_cell(practices, rooms, demand)
        fair = [r["fair"] for r in rows]
        name = f"{practices}x{rooms}x{demand:g}"
        lowest = mean(f["min_satisfaction"] for f in fair)
        naive_lowest = mean(r["naive"]["min_satisfaction"] for r in rows)
        per_seed = sum(
            1
            for f, r in zip(fair, rows, strict=True)
            if f["min_satisfaction"] >= 3 * r["naive"]["min_satisfaction"] - 1e-9
        )
        util_ratio = min(
            f["granted_slots"] / r["hours_only"] if r["hours_only"] else 1.0 for f, r in zip(fair, rows, strict=True)
        )
        mean_ratio = sum(f["granted_slots"] for f in fair) / max(1, sum(r["hours_only"] for r in rows))
        worst_time = max(f["solve_seconds"] for f in fair)
        print(
            f"{name} fair: utilisation {mean(f['utilisation'] for f in fair):.3f}, lowest {lowest:.3f}, "
            f"mean {mean(f['mean_satisfaction'] for f in fair):.3f}, jain {mean(f['jain'] for f in fair):.3f}, "
            f"with nothing {mean(f['with_nothing'] for f in fair):.2f}, "
            f"solve {mean(f['solve_seconds'] for f in fair):.2f} s (max {worst_time:.2f} s), "
            f"gap {mean(f['gap'] for f in fair):.3f} (max {max((f['gap'] or 0) for f in fair):.3f}), "
            f"proven {sum(1 for f in fair if f['proven_optimal'])}/{len(fair)}, "
            f"max-min bound {mean(f['min_weighted_bound'] or 0 for f in fair):.3f}"
        )
        print(
            f"{name} fcfs: utilisation {mean(r['fcfs_util'] for r in rows):.3f}, "
            f"lowest {mean(r['fcfs_min'] for r in rows):.3f}, jain {mean(r['fcfs_jain'] for r in rows):.3f}, "
            f"with nothing {mean(r['fcfs_nothing'] for r in rows):.2f}"
        )
        for key, label in (("robin", "round-robin"), ("naive", "naive greedy"), ("greedy", "fair greedy")):
            print(
                f"{name} {label}: utilisation {mean(r[key]['utilisation'] for r in rows):.3f}, "
                f"lowest {mean(r[key]['min_satisfaction'] for r in rows):.3f}, "
                f"jain {mean(r[key]['jain'] for r in rows):.3f}, "
                f"with nothing {mean(r[key]['with_nothing'] for r in rows):.2f}"
            )
        proven_reference = sum(1 for r in rows if r["hours_only_found"] == r["hours_only"])
        reference_gap = max((r["hours_only"] - r["hours_only_found"]) / max(1, r["hours_only"]) for r in rows)
        print(
            f"{name} hours-only optimum: utilisation {mean(r['hours_only'] / r['free'] for r in rows):.3f} "
            f"(proven in {proven_reference}/{len(rows)} seeds, gap max {reference_gap:.4f}); "
            f"fair keeps {mean_ratio:.4f} of it on average, {util_ratio:.4f} at worst; "
            f"lowest >= 3x naive greedy's in {per_seed}/{len(rows)} seeds"
        )
        bound = mean(f["min_weighted_bound"] or 1.0 for f in fair)
        checks = {
            # The target compares the cell's figures: mean lowest satisfaction against the greedy's.
            # Where 3 x the greedy's lowest is above the solver's proven bound on the lowest (few practices, much
            # room: the greedy already serves everyone well), no timetable within the 1 % hours cap reaches it; the
            # check then holds when the cell's lowest is within 5 % of that bound.
            "lowest >= 3x naive greedy (cell means), or within 5% of the proven bound when 3x is above it": (
                lowest >= 3 * naive_lowest - 1e-9 if naive_lowest > 0 else lowest > 0
            )
            or (3 * naive_lowest > bound and lowest >= 0.95 * bound),
            "utilisation >= 99% of hours-only": util_ratio >= 0.99 - 1e-9,
            "nobody with nothing when feasible": all(
                f["with_nothing"] == 0 for f, r in zip(fair, rows, strict=True) if r["served_all_possible"]
            ),
        }
        if practices == 50 and rooms == 10:
            checks["within 15 s"] = worst_time <= 15.0
        for check, ok in checks.items():
            print(f"{name} check {check}: {'ok' if ok else 'MISSED'}")
            if not ok:
                failures.append(f"{name}: {check}")
        sys.stdout.flush()
    if failures:
        print("missed:", "; ".join(failures))
        # The promises hold for the full size (15 s per solve); the small run only shows that the script works.
        return 1 if FULL else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
