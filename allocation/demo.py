"""Demo allocation round: Werkhuis Kuregem shares its meeting room and its studios and workshops for the coming
season's weekday evenings (the Hall is left out: the programme's exhibitions and concerts take most of it). Most
practices want the same evenings (Tuesday and Thursday), so there is not room for every request: first come,
first served leaves some practices with nothing, while the fair (max-min) timetable gives every practice at least
one of its requests. The round is proposed (computed, not yet published), so the coordinator (ines@…) can adjust
it and publish, and every member can read the timetable, the fairness figures and the "why".

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
RESOURCES = ("Meeting room Verso", "Recording booth", "Screen-printing studio", "Wood workshop")
TUE, THU = 1, 3
# Per practice: (title, resource names, duration in minutes, [(weekday, start, end)] best first, flexibility in
# minutes, importance 1-5). Evenings run 17:00-22:00; Tuesday and Thursday are everyone's favourites.
WISHES = {
    "Atelier Zeefdruk": [
        ("Printing evening", ("Screen-printing studio",), 180, [(TUE, "18:00", "22:00"), (2, "18:00", "22:00")], 0, 5),
        ("Poster workshop", ("Screen-printing studio",), 120, [(THU, "18:00", "22:00")], 0, 3),
    ],
    "Buurtkeuken Kuregem": [
        ("Menu planning", ("Meeting room Verso",), 120, [(TUE, "18:00", "20:00"), (0, "18:00", "20:00")], 30, 4),
    ],
    "Collectif Brique": [
        ("Podcast on reuse", ("Recording booth",), 120, [(THU, "19:00", "21:00")], 0, 4),
        ("Design meeting", ("Meeting room Verso",), 120, [(TUE, "19:00", "22:00"), (THU, "19:00", "22:00")], 0, 3),
    ],
    "Céramiques Mauve": [
        ("Glaze printing", ("Screen-printing studio",), 120, [(THU, "18:00", "21:00"), (TUE, "18:00", "21:00")], 0, 4),
    ],
    "Fietsatelier De Ketting": [
        ("Bike repair evening", ("Wood workshop",), 180, [(TUE, "18:00", "22:00"), (THU, "18:00", "22:00")], 0, 5),
    ],
    "Joris Claes — bookkeeping for associations": [
        ("Office hours for associations", ("Meeting room Verso",), 120, [(THU, "18:00", "20:00")], 30, 3),
    ],
    "Leerwerkplaats Anderlecht": [
        (
            "Woodwork training",
            ("Wood workshop",),
            180,
            [(THU, "18:00", "22:00"), (TUE, "18:00", "22:00"), (0, "17:00", "21:00")],
            0,
            5,
        ),
        ("Trainers' meeting", ("Meeting room Verso",), 60, [(TUE, "17:00", "19:00"), (4, "17:00", "19:00")], 0, 2),
    ],
    "Les Archives Mobiles": [
        (
            "Oral history recordings",
            ("Recording booth",),
            120,
            [(TUE, "18:00", "21:00"), (THU, "18:00", "21:00"), (2, "17:00", "19:00")],
            0,
            4,
        ),
    ],
    "Meubelmakerij Hout & Zo": [
        ("Furniture class", ("Wood workshop",), 180, [(TUE, "18:00", "22:00"), (THU, "18:00", "22:00")], 0, 4),
    ],
    "Radio Kuregem": [
        ("Evening show", ("Recording booth",), 120, [(TUE, "19:00", "21:00"), (THU, "19:00", "21:00")], 0, 5),
        ("Editorial meeting", ("Meeting room Verso",), 60, [(0, "17:00", "20:00")], 0, 3),
    ],
    "Studio Ondine": [
        ("Sound for a film", ("Recording booth",), 180, [(THU, "18:00", "22:00"), (TUE, "18:00", "22:00")], 0, 4),
    ],
    "Textiel Lab": [
        (
            "Textile printing",
            ("Screen-printing studio",),
            180,
            [(TUE, "18:00", "22:00"), (THU, "18:00", "22:00")],
            0,
            4,
        ),
    ],
    "Théâtre de la Cour": [
        ("Script reading", ("Meeting room Verso",), 180, [(THU, "18:00", "22:00"), (TUE, "18:00", "22:00")], 0, 4),
    ],
    "École des Devoirs Clemenceau": [
        ("Parents' evening", ("Meeting room Verso",), 120, [(TUE, "17:00", "20:00"), (THU, "17:00", "20:00")], 0, 3),
    ],
}


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
    practices = (
        SpaceMembership.objects.filter(space=space, practice__name__in=WISHES)
        .active()
        .select_related("practice")
        .order_by("practice__name")
    )
    count = 0
    for practice in dict.fromkeys(m.practice for m in practices):
        for title, names, minutes, windows, flexibility, priority in WISHES[practice.name]:
            services.submit_request(
                round_,
                by=by,
                practice=practice,
                title=title,
                resources=[by_name[n] for n in names if n in by_name],
                duration_minutes=minutes,
                windows=[{"weekday": d, "start": s, "end": e} for d, s, e in windows],
                flexibility_minutes=flexibility,
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
