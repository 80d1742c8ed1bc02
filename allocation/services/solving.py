"""Solving a round in the background (django-tasks) and reading the result back."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit

from .. import rules, solver
from ..models import AllocationRequest, AllocationRound, GrantedSlot, SolveRun
from . import blockers
from ._common import (
    FCFS_ORDERS,
    StateError,
    Status,
    _minutes,
    _require,
    _time,
)
from .instance import build_instance
from .rounds import refresh_entitlements

TIME_LIMIT = 15.0  # seconds for one solve (the target for 50 practices × 10 rooms)

# --------------------------------------------------------------------------------------------- solving


@transaction.atomic
def start_solve(round_: AllocationRound, *, by) -> SolveRun:
    """Queue the computation of the timetable (coordinators) and close the round for requests. The background
    worker runs ``tasks.solve_round``. Audit "allocation.solve_started"."""
    from .. import tasks

    round_ = AllocationRound.objects.select_for_update().get(pk=round_.pk)
    _require(rules.can_manage(by, round_.space))
    if round_.status == Status.PUBLISHED:
        raise StateError(_("The round is published: it cannot be computed again."))
    if round_.status == Status.SOLVING:
        raise StateError(_("The timetable is already being computed."))
    if not round_.requests.exists():
        raise ValidationError(_("There is no request to allocate yet."))
    refresh_entitlements(round_)  # practices that joined since the round opened
    run = SolveRun.objects.create(round=round_, requested_by=by if getattr(by, "is_authenticated", False) else None)
    before = {"status": round_.status}
    round_.status = Status.SOLVING
    round_.save(update_fields=["status"])
    audit.record(
        round_, "allocation.solve_started", by=by, before=before, after={"status": round_.status, "run": run.pk}
    )
    result = tasks.solve_round.enqueue(run.pk)
    SolveRun.objects.filter(pk=run.pk, task_id="").update(task_id=str(result.id)[:64])
    run.refresh_from_db()
    return run


def _progress(run_id: int):
    steps = {"served": 8, "hours_only": 15, "max_min": 30, "hours": 65, "preference": 85}

    def report(name: str, share: float) -> None:
        SolveRun.objects.filter(pk=run_id).update(phase=name, progress=steps.get(name, int(share * 100)))

    return report


def _summary(instance: solver.Instance, result: solver.Result) -> dict:
    f = solver.figures(instance, result)
    return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in f.items()}


def compare(instance: solver.Instance, orders: int = FCFS_ORDERS) -> dict:
    """First-come-first-served over ``orders`` arrival orders (mean, and the worst lowest satisfaction) and a
    round-robin draft, for the comparison next to the fair timetable."""
    runs = [solver.figures(instance, solver.first_come_first_served(instance, seed)) for seed in range(orders)]
    keys = ("utilisation", "min_satisfaction", "mean_satisfaction", "jain", "with_nothing")
    fcfs = {k: round(sum(r[k] for r in runs) / len(runs), 4) for k in keys}
    fcfs["worst_min_satisfaction"] = round(min(r["min_satisfaction"] for r in runs), 4)
    fcfs["orders_leaving_someone_with_nothing"] = sum(1 for r in runs if r["with_nothing"])
    fcfs["orders"] = orders
    robin = _summary(instance, solver.round_robin(instance, instance.seed))
    return {"fcfs": fcfs, "round_robin": {k: robin[k] for k in keys}}


def run_solve(run_id: int, *, time_limit: float | None = None) -> SolveRun:
    """The background task's body: compute, store slots and figures, and propose the timetable."""
    run = SolveRun.objects.select_related("round__space").get(pk=run_id)
    round_ = run.round
    SolveRun.objects.filter(pk=run_id).update(status=SolveRun.Status.RUNNING, started_at=timezone.now(), progress=5)
    try:
        instance, context = build_instance(round_)
        result = solver.solve(instance, time_limit=time_limit or TIME_LIMIT, on_phase=_progress(run_id))
        comparison = compare(instance)
        with transaction.atomic():
            round_ = AllocationRound.objects.select_for_update().get(pk=round_.pk)
            round_.slots.filter(series__isnull=True).delete()
            grid = context["grid"]
            slots = []
            for request_id, placement in result.placements.items():
                request = context["requests"][request_id]
                start = grid.minutes(placement.start)
                slots.append(
                    GrantedSlot(
                        round=round_,
                        request=request,
                        resource_id=placement.room,
                        weekday=placement.weekday,
                        start=_time(start),
                        end=_time(start + request.duration_minutes),
                    )
                )
            GrantedSlot.objects.bulk_create(slots)
            run.refresh_from_db()
            run.status = SolveRun.Status.DONE
            run.progress = 100
            run.phase = ""
            run.method = result.method if result.status != "fallback" else "greedy"
            run.proven_optimal = result.proven_optimal
            run.gap = result.gap
            run.figures = _summary(instance, result)
            run.comparison = comparison
            run.timings = {
                "total": round(result.solve_seconds, 3),
                "phases": result.phases,
                "hours_gap": result.hours_gap,
            }
            run.finished_at = timezone.now()
            run.save()
            round_.status = Status.PROPOSED
            round_.save(update_fields=["status"])
            audit.record(round_, "allocation.proposed", by=run.requested_by, after={"run": run.pk, **run.figures})
    except Exception as error:  # the page must say that it failed, whatever happened
        SolveRun.objects.filter(pk=run_id).update(
            status=SolveRun.Status.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        AllocationRound.objects.filter(pk=round_.pk, status=Status.SOLVING).update(status=Status.CLOSED)
        raise
    return run


# --------------------------------------------------------------------------------------------- the result

REASONS = {
    "no_matching_resource": lambda: _("No resource of the round matches what it needs (kind, capacity, equipment)."),
    "no_free_room": lambda: _(
        "Opening hours, closures or existing bookings leave no room free in its preferred times."
    ),
    "own_requests": lambda: _("Its preferred times went to the same practice's other requests."),
    "taken_for_fairness": lambda: _(
        "Its preferred times went to other practices' requests: there is not room for every request, and the "
        "timetable shares what there is as evenly as it can."
    ),
}


def _rank_of(request: AllocationRequest, slot: GrantedSlot) -> int:
    start, end = _minutes(slot.start), _minutes(slot.end)
    for rank, w in enumerate(request.windows):
        if (
            w["weekday"] == slot.weekday
            and _minutes(w["start"]) - request.flexibility_minutes <= start
            and end <= _minutes(w["end"]) + request.flexibility_minutes
        ):
            return rank
    return len(solver.RANK_FACTORS) - 1  # placed by hand outside its windows: the least preferred


def live_slots(round_: AllocationRound):
    return round_.slots.filter(released_at__isnull=True).select_related("resource", "request__practice")


def result(round_: AllocationRound) -> dict:
    """The current timetable: per practice its satisfaction, granted slots (with the weeks that bookings or closures
    take from them, left out of the satisfaction) and why the others were not granted; fairness figures of the
    current slots (after hand changes), of the solver run, and the comparison."""
    requests = list(round_.requests.select_related("practice").prefetch_related("resources"))
    instance, context = build_instance(round_, requests=requests)
    grid = context["grid"]
    slots = list(live_slots(round_))
    placements = {}
    for slot in slots:
        placements[slot.request_id] = solver.Placement(
            slot.request_id,
            slot.resource_id,
            slot.weekday,
            grid.index(_minutes(slot.start)),
            _rank_of(slot.request, slot),
        )
    current = solver.Result("current", "current", placements)
    by_id = {r.id: r for r in instance.requests}
    sat = solver.satisfactions(instance, placements)
    reasons = solver.explain(instance, current)
    # Reasons mean something once a run has finished; then each names what blocked the request.
    done = blockers.computed(round_)
    blocked = blockers.explain(instance, context, current) if done else {}
    entitlements = {e.practice_id: e.weight for e in round_.entitlements.all()}
    practices = {}
    for request in requests:
        entry = practices.setdefault(
            request.practice_id,
            {
                "practice": request.practice,
                "entitlement": entitlements.get(request.practice_id, 1),
                "satisfaction": round(sat.get(request.practice_id, 0.0), 4),
                "weighted_satisfaction": round(
                    sat.get(request.practice_id, 0.0) / instance.weight(request.practice_id), 4
                ),
                "granted": [],
                "unmet": [],
            },
        )
        slot = next((s for s in slots if s.request_id == request.pk), None)
        if slot is not None:
            skipped = instance.skipped_weeks(placements[request.pk], by_id[request.pk].duration)
            entry["granted"].append(
                {
                    "request": request,
                    "slot": slot,
                    "rank": _rank_of(request, slot) + 1,
                    "weeks": context["weeks"][slot.weekday],
                    "skipped": sorted(skipped),
                }
            )
        elif not done:
            entry["unmet"].append({"request": request, "reason": None, "why": "", "blockers": []})
        else:
            code = (
                "no_matching_resource"
                if request.pk in context["unmatched"]
                else reasons.get(request.pk, "taken_for_fairness")
            )
            found = blocked.get(request.pk)
            entry["unmet"].append(
                {
                    "request": request,
                    "reason": code,
                    "why": found["why"] if found else REASONS[code](),
                    "blockers": found["blockers"] if found else [],
                }
            )
    run = round_.latest_run()
    return {
        "round": round_,
        "computed": done,
        "run": run,
        "practices": sorted(practices.values(), key=lambda p: (p["satisfaction"], p["practice"].name)),
        "slots": slots,
        "figures": _summary(instance, current) if requests else {},
        "solved_figures": run.figures if run else {},
        "comparison": run.comparison if run else {},
        "grid": grid,
    }
