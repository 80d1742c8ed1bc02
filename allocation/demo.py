"""Demo allocation round: Werkhuis Kuregem shares its Hall, meeting room and studios for the coming season's
evenings. The round is proposed (computed, not yet published), so the coordinator (ines@…) can adjust it and
publish, and every member can read the timetable, the fairness figures and the "why".

The demo computes the timetable in-process; in production ``manage.py db_worker`` runs it in the background.
Idempotent: the round is recognised by (space, name).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from spaces.models import Resource, RoleAssignment, Space, SpaceMembership

from . import services
from .models import AllocationRound, SolveRun

NAME = "Evening studios, next season"
RESOURCES = ("Hall", "Meeting room Verso", "Screen-printing studio", "Recording booth")
# (resource names or "", kind, duration minutes, [(weekday, start, end)], flexibility, priority, title)
WISHES = [
    (("Hall",), "", 180, [(1, "18:00", "22:00"), (3, "18:00", "22:00"), (0, "18:00", "22:00")], 0, 5, "Rehearsal"),
    (
        ("Meeting room Verso",),
        "",
        120,
        [(0, "18:00", "21:00"), (2, "18:00", "21:00"), (4, "17:00", "20:00")],
        30,
        3,
        "Collective meeting",
    ),
    (("Screen-printing studio",), "", 180, [(2, "18:00", "22:00"), (1, "17:00", "22:00")], 60, 4, "Printing evening"),
    (
        ("Recording booth",),
        "",
        120,
        [(3, "18:00", "22:00"), (4, "18:00", "22:00"), (0, "18:00", "22:00")],
        0,
        4,
        "Podcast",
    ),
    ((), "hall", 120, [(3, "18:00", "21:00"), (2, "18:00", "21:00")], 60, 3, "Dance class"),
    (
        ("Hall", "Meeting room Verso"),
        "",
        120,
        [(1, "18:00", "21:00"), (0, "19:00", "22:00"), (4, "18:00", "22:00")],
        0,
        2,
        "Open assembly",
    ),
]


def _coordinator(space):
    role = space.roles.filter(role=RoleAssignment.Role.COORDINATOR).select_related("member").order_by("id").first()
    return role.member if role else None


def seed(stdout=None) -> None:
    space = Space.objects.filter(slug="werkhuis-kuregem").first()
    if space is None or AllocationRound.objects.filter(space=space, name=NAME).exists():
        if stdout is not None:
            stdout.write("allocation: demo round already there (or no demo space)")
        return
    by = _coordinator(space)
    resources = list(Resource.objects.filter(space=space, name__in=RESOURCES))
    if by is None or not resources:
        return
    today = timezone.localdate()
    season_start = today + dt.timedelta(days=21 + (7 - today.weekday()) % 7)
    round_ = services.create_round(
        space,
        by=by,
        name=NAME,
        resources=resources,
        season_start=season_start,
        season_end=season_start + dt.timedelta(weeks=12) - dt.timedelta(days=1),
        deadline=timezone.now() + dt.timedelta(days=7),
        entitlement_rule=AllocationRound.EntitlementRule.MEMBERSHIP_KIND,
        seed=2026,
    )
    by_name = {r.name: r for r in resources}
    practices = [
        m.practice
        for m in SpaceMembership.objects.filter(space=space)
        .active()
        .select_related("practice")
        .order_by("practice__name")
    ]
    count = 0
    for i, practice in enumerate(dict.fromkeys(practices)):
        for j in range(2 if i % 3 else 1):
            names, kind, minutes, windows, flex, priority, title = WISHES[(i + 2 * j + 1) % len(WISHES)]
            services.submit_request(
                round_,
                by=by,
                practice=practice,
                title=title,
                resources=[by_name[n] for n in names if n in by_name],
                kind=kind,
                duration_minutes=minutes,
                windows=[{"weekday": d, "start": s, "end": e} for d, s, e in windows],
                flexibility_minutes=flex,
                priority=priority,
            )
            count += 1
    services.set_status(round_, AllocationRound.Status.CLOSED, by=by)
    # What start_solve does, without the queue: the demo has no worker running while it seeds.
    run = SolveRun.objects.create(round=round_, requested_by=by)
    AllocationRound.objects.filter(pk=round_.pk).update(status=AllocationRound.Status.SOLVING)
    services.run_solve(run.pk, time_limit=5)
    if stdout is not None:
        stdout.write(f"allocation: a proposed round with {count} requests at {space.name}")
