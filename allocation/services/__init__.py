"""Every state change of allocation rounds. Each service checks permission, runs atomically and writes an audit
entry. The solver itself (allocation/solver.py) knows nothing of Django: ``build_instance`` turns a round into an
``Instance`` (opening hours, closures, buffers and existing bookings become blocked slots) and ``run_solve``
turns the answer back into granted slots.

- ``rounds``: rounds, entitlements, requests;
- ``instance``: a round as a solver instance;
- ``solving``: the background computation and the result (``TIME_LIMIT``);
- ``timetable``: hand changes, publishing, releases and swaps;
- ``blockers``: what blocked each unmet request (bookings, closures, opening hours, other practices' slots).
"""

from .. import solver
from . import blockers
from ._common import KIND_WEIGHTS, SKIP_SHARE, BeforeDeadline, PublishConflict, StateError
from .instance import Grid, build_instance, grid_for, matching_resources, season_bounds
from .rounds import (
    accepting_requests,
    check_deadline,
    close_requests_now,
    compute,
    contribution_period,
    contribution_weights,
    create_round,
    refresh_entitlements,
    set_entitlement,
    set_status,
    submit_request,
    update_request,
    withdraw_request,
)
from .solving import REASONS, compare, live_slots, result, run_solve, start_solve
from .timetable import (
    answer_swap,
    offer_to_waitlist,
    place_by_hand,
    propose_swap,
    publish,
    release_slot,
    remove_slot,
    waitlist,
)

__all__ = [
    "KIND_WEIGHTS",
    "REASONS",
    "SKIP_SHARE",
    "BeforeDeadline",
    "blockers",
    "check_deadline",
    "close_requests_now",
    "compute",
    "contribution_period",
    "contribution_weights",
    "Grid",
    "PublishConflict",
    "StateError",
    "accepting_requests",
    "answer_swap",
    "build_instance",
    "compare",
    "create_round",
    "grid_for",
    "live_slots",
    "matching_resources",
    "offer_to_waitlist",
    "place_by_hand",
    "propose_swap",
    "publish",
    "refresh_entitlements",
    "release_slot",
    "remove_slot",
    "result",
    "run_solve",
    "season_bounds",
    "set_entitlement",
    "set_status",
    "solver",
    "start_solve",
    "submit_request",
    "update_request",
    "waitlist",
    "withdraw_request",
]
