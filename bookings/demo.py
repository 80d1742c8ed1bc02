"""Demo bookings: booking rules and resource groups (the public may rent the Hall and the Kitchen as guests, at a
price per hour), recurring series, single bookings, a public event and a request waiting for approval, for the demo
spaces (``manage.py seed_demo`` runs this after the foundation). Dates are relative to the day the demo is loaded:
the week it is loaded in has bookings already over, some today, some to come and a weekly series.

Everything goes through bookings.services. Idempotent: a space that already has the demo's bookings is left
alone, and rules or groups that exist are not changed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from community.models import Member, PracticeMember
from spaces.models import Resource, RoleAssignment, Space

from . import services
from .models import Booking, BookingPolicy, ResourceGroup

# The titles of the demo's bookings: a space holding one of them has had its demo bookings.
WERKHUIS_TITLES = {
    "Live broadcast: Kuregem Calling",
    "Poster printing for the neighbourhood",
    "House meeting",
    "Repair café (open to all)",
    "Board meeting Radio Kuregem",
    "Neighbourhood soup evening",
    "Stoneware firing",
}
GENERIC_TITLES = {"Weekly team meeting", "Workshop with the neighbourhood"}
# The Werkhuis's ordinary days around today (resource, practice, title, from, until), within the opening hours of
# a weekday and of a Saturday: the last seven days get two each, today gets three (``_recent_days``).
EVERYDAY = [
    ("Wood workshop", "Fietsatelier De Ketting", "Wheel truing", "10:00", "12:30"),
    ("Screen-printing studio", "Atelier Zeefdruk", "Printing tote bags", "14:00", "17:00"),
    ("Meeting room Verso", "Radio Kuregem", "Editorial meeting", "10:30", "12:00"),
    ("Recording booth", "Radio Kuregem", "Interview recording", "14:00", "16:00"),
]
# On Sundays the building is closed; only the recording booth is used (by members of the network, at weekends).
SUNDAY = [
    ("Recording booth", "Radio Kuregem", "Sunday radio show", "11:00", "13:00"),
    ("Recording booth", "Radio Kuregem", "Interview recording", "15:00", "17:00"),
]
WERKHUIS_TITLES |= {title for _r, _p, title, _s, _e in EVERYDAY + SUNDAY} | {"Neighbourhood choir rehearsal"}
# What outside groups pay per hour for the Hall and the Kitchen (the costs demo books a few such guests).
GUEST_PRICE_PER_HOUR = Decimal("30.00")


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(f"  bookings: {text}")


def _day_on_or_after(space: Space, weekday: int, days: int) -> dt.date:
    """The first ``weekday`` (0 = Monday) at least ``days`` days from today, in the space's time zone."""
    start = timezone.localdate(timezone=space.tz) + dt.timedelta(days=days)
    return start + dt.timedelta(days=(weekday - start.weekday()) % 7)


def _weekday_from(space: Space, days: int) -> dt.date:
    """The first Monday-to-Friday day at least ``days`` days from today (the demo's closures are on days 4-5 and
    9-11 from today, so days 6 to 8 are open)."""
    day = timezone.localdate(timezone=space.tz) + dt.timedelta(days=days)
    while day.weekday() > 4:
        day += dt.timedelta(days=1)
    return day


def _this_week(space: Space, weekday: int) -> dt.date:
    """The ``weekday`` (0 = Monday) of the current week (Monday to Sunday) in the space's time zone: maybe past."""
    today = timezone.localdate(timezone=space.tz)
    return today + dt.timedelta(days=weekday - today.weekday())


def _first_monday_on_or_after(space: Space, days: int) -> dt.date:
    day = _day_on_or_after(space, 0, days)
    while day.day > 7:
        day += dt.timedelta(days=7)
    return day


def _at(space: Space, day: dt.date, hhmm: str) -> dt.datetime:
    hour, minute = (int(x) for x in hhmm.split(":"))
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=space.tz)


def _person(space: Space, practice_name: str | None = None) -> tuple[Member | None, object]:
    """A member acting for the named practice of the space (else any of its practices), and that practice."""
    links = PracticeMember.objects.filter(
        practice__space_memberships__space=space, member__is_active=True
    ).select_related("member", "practice")
    if practice_name:
        links = links.filter(practice__name=practice_name)
    link = links.order_by("-is_contact", "id").first()
    return (link.member, link.practice) if link else (None, None)


def _coordinator(space: Space) -> Member | None:
    role = (
        RoleAssignment.objects.filter(space=space, role=RoleAssignment.Role.COORDINATOR)
        .select_related("member")
        .order_by("id")
        .first()
    )
    return role.member if role else None


def _book(stdout, resource, start, end, *, by, **kwargs) -> list[Booking]:
    """Book through the service, with its rules; what starts in the past (the demo's days before it was loaded)
    is entered as a coordinator enters past use, without them (``check_rules=False``)."""
    if by is None:
        return []
    if start < timezone.now():
        kwargs["check_rules"] = False
    try:
        return services.create_booking(resource, start, end, by=by, on_conflict="skip", **kwargs)
    except (services.BookingConflict, services.BookingRefused, ValidationError) as error:
        _say(stdout, f"left out {resource.name} {start:%Y-%m-%d %H:%M}: {getattr(error, 'reason', error)}")
        return []


def _group(space: Space, name: str, resources: list[Resource], by) -> ResourceGroup | None:
    group = ResourceGroup.objects.filter(space=space, name=name).first()
    if group is None and resources:
        group = services.save_group(space, by=by, name=name, resources=resources)
    return group


def _policy(space: Space, by, *, resource=None, group=None, **values) -> None:
    if BookingPolicy.objects.filter(space=space, resource=resource, group=group).exists():
        return
    services.save_policy(space, by=by, resource=resource, group=group, **values)


def seed_werkhuis(space: Space, stdout=None) -> None:
    """Werkhuis Kuregem: 14 practices share workshops, a kiln, a hall and a recording booth."""
    coordinator = _coordinator(space)
    if coordinator is None:
        return
    res = {r.name: r for r in Resource.objects.filter(space=space, is_active=True)}
    pick = [res[n] for n in ("Wood workshop", "Ceramic kiln", "Screen-printing studio") if n in res]
    workshops = _group(space, "Workshops", pick, coordinator)
    events = _group(space, "Event rooms", [res[n] for n in ("Hall", "Kitchen") if n in res], coordinator)
    _policy(space, coordinator, respect_opening_hours=True, cancellation_deadline_hours=24)
    if workshops:
        _policy(
            space,
            coordinator,
            group=workshops,
            max_duration_minutes=8 * 60,
            buffer_after_minutes=15,
            quota_hours=16,
            quota_period=BookingPolicy.QuotaPeriod.WEEK,
            cancellation_deadline_hours=24,
        )
    if events:
        _policy(
            space,
            coordinator,
            group=events,
            allow_network=True,
            allow_guests=True,
            guest_price_per_hour=GUEST_PRICE_PER_HOUR,
            requires_approval=True,
            min_notice_hours=48,
            cancellation_deadline_hours=72,
        )
    if "Ceramic kiln" in res:
        _policy(
            space,
            coordinator,
            resource=res["Ceramic kiln"],
            requires_approval=True,
            approver_role=RoleAssignment.Role.CARETAKER,
            min_notice_hours=24,
            max_duration_minutes=12 * 60,
            buffer_after_minutes=120,
            respect_opening_hours=False,
            quota_hours=24,
            quota_period=BookingPolicy.QuotaPeriod.MONTH,
        )

    if Booking.objects.filter(resource__space=space, title__in=WERKHUIS_TITLES).exists():
        return
    made = 0
    karim, radio = _person(space, "Radio Kuregem")
    lotte, zeefdruk = _person(space, "Atelier Zeefdruk")
    fixer, ketting = _person(space, "Fietsatelier De Ketting")
    if "Recording booth" in res:
        day = _day_on_or_after(space, 2, 2)
        made += len(
            _book(
                stdout,
                res["Recording booth"],
                _at(space, day, "19:00"),
                _at(space, day, "21:00"),
                by=karim,
                practice=radio,
                title="Live broadcast: Kuregem Calling",
                recurrence="FREQ=WEEKLY;COUNT=12",
            )
        )
    if "Screen-printing studio" in res:
        day = _day_on_or_after(space, 1, 2)
        made += len(
            _book(
                stdout,
                res["Screen-printing studio"],
                _at(space, day, "09:00"),
                _at(space, day, "13:00"),
                by=lotte,
                practice=zeefdruk,
                title="Poster printing for the neighbourhood",
                recurrence="FREQ=WEEKLY;INTERVAL=2;COUNT=8",
            )
        )
    if "Hall" in res:
        day = _first_monday_on_or_after(space, 3)
        made += len(
            _book(
                stdout,
                res["Hall"],
                _at(space, day, "18:00"),
                _at(space, day, "20:00"),
                by=coordinator,
                title="House meeting",
                recurrence="FREQ=MONTHLY;BYDAY=+1MO;COUNT=6",
            )
        )
    if "Wood workshop" in res:
        day = _day_on_or_after(space, 5, 2)
        made += len(
            _book(
                stdout,
                res["Wood workshop"],
                _at(space, day, "10:00"),
                _at(space, day, "14:00"),
                by=fixer,
                practice=ketting,
                title="Repair café (open to all)",
                recurrence="FREQ=WEEKLY;COUNT=10",
                public=True,
            )
        )
    if "Meeting room Verso" in res:
        day = _weekday_from(space, 6)
        made += len(
            _book(
                stdout,
                res["Meeting room Verso"],
                _at(space, day, "18:00"),
                _at(space, day, "20:00"),
                by=karim,
                practice=radio,
                title="Board meeting Radio Kuregem",
            )
        )
    if "Kitchen" in res:
        day = _weekday_from(space, 6)
        made += len(
            _book(
                stdout,
                res["Kitchen"],
                _at(space, day, "17:00"),
                _at(space, day, "21:00"),
                by=coordinator,
                title="Neighbourhood soup evening",
                public=True,
            )
        )
    if "Ceramic kiln" in res:
        # A request that waits for the caretaker's (or a coordinator's) approval.
        day = _weekday_from(space, 6)
        made += len(
            _book(
                stdout,
                res["Ceramic kiln"],
                _at(space, day, "08:00"),
                _at(space, day, "18:00"),
                by=lotte,
                practice=zeefdruk,
                title="Stoneware firing",
            )
        )
    made += _recent_days(space, res, coordinator, stdout)
    _say(stdout, f"{space.name}: {made} bookings")


def _recent_days(space: Space, res: dict, coordinator, stdout) -> int:
    """The bookings that make this week's calendar look lived in, whatever the day the demo is loaded: two a
    day over the last seven days (the past ones earlier this week), three today (some over, some to come) and a
    weekly choir rehearsal in the Hall that began three weeks ago and runs two weeks more."""
    today = timezone.localdate(timezone=space.tz)
    made = 0
    plan = []
    for back in range(7, 0, -1):
        day = today - dt.timedelta(days=back)
        if day.weekday() == 6:
            plan.extend((day, item) for item in SUNDAY)
        else:
            plan.extend((day, EVERYDAY[(2 * back + i) % len(EVERYDAY)]) for i in range(2))
    plan.extend((today, item) for item in (SUNDAY if today.weekday() == 6 else EVERYDAY[:3]))
    for day, (name, practice_name, title, start, end) in plan:
        person, practice = _person(space, practice_name)
        if name in res:
            booked = _book(
                stdout,
                res[name],
                _at(space, day, start),
                _at(space, day, end),
                by=person,
                practice=practice,
                title=title,
                check_rules=False,  # the space's usual use, as its coordinator enters it (the booth on Sundays too)
            )
            made += len(booked)
    if "Hall" in res:
        day = _this_week(space, 3) - dt.timedelta(weeks=3)
        made += len(
            _book(
                stdout,
                res["Hall"],
                _at(space, day, "19:30"),
                _at(space, day, "21:30"),
                by=coordinator,
                title="Neighbourhood choir rehearsal",
                recurrence="FREQ=WEEKLY;COUNT=6",
                public=True,
            )
        )
    return made


def seed_space(space: Space, stdout=None) -> None:
    """Any other space: a weekly team meeting of one of its practices and a public workshop."""
    if Booking.objects.filter(resource__space=space, title__in=GENERIC_TITLES).exists():
        return
    resources = list(Resource.objects.filter(space=space, is_active=True, bookable=True).order_by("name")[:2])
    if not resources:
        return
    person, practice = _person(space)
    coordinator = _coordinator(space)
    made = 0
    day = _this_week(space, 1)  # from this week's Tuesday, maybe past: the week's calendar is not empty
    made += len(
        _book(
            stdout,
            resources[0],
            _at(space, day, "10:00"),
            _at(space, day, "11:30"),
            by=person or coordinator,
            practice=practice if person else None,
            title="Weekly team meeting",
            recurrence="FREQ=WEEKLY;COUNT=8",
        )
    )
    day = _day_on_or_after(space, 3, 5)
    made += len(
        _book(
            stdout,
            resources[-1],
            _at(space, day, "14:00"),
            _at(space, day, "17:00"),
            by=coordinator or person,
            title="Workshop with the neighbourhood",
            public=True,
        )
    )
    _say(stdout, f"{space.name}: {made} bookings")


def seed(stdout=None) -> None:
    for space in Space.objects.order_by("name"):
        if space.slug == "werkhuis-kuregem":
            seed_werkhuis(space, stdout)
        else:
            seed_space(space, stdout)
