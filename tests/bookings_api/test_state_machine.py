"""Property-based: whatever members and coordinators do (book, recur, cancel, approve, change the rules), around
a daylight-saving change in Europe/Brussels, there are never two overlapping holding bookings of a resource,
and every booking follows the rules in force when it was made."""

import datetime as dt
import zoneinfo
from collections import defaultdict

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from bookings import services
from bookings.models import Booking
from bookings.services import BookingConflict, BookingRefused
from spaces.models import RoleAssignment
from tests import factories as f

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")


def next_dst_change(after: dt.date) -> dt.date:
    day = after
    while True:
        a = dt.datetime.combine(day, dt.time(12), tzinfo=BRUSSELS).utcoffset()
        b = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(12), tzinfo=BRUSSELS).utcoffset()
        if a != b:
            return day + dt.timedelta(days=1)
        day += dt.timedelta(days=1)


def local(day: dt.date, minutes: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=BRUSSELS) + dt.timedelta(minutes=minutes)


RULES = st.fixed_dictionaries(
    {
        "requires_approval": st.booleans(),
        "min_duration_minutes": st.sampled_from([None, 60]),
        "max_duration_minutes": st.sampled_from([None, 120, 240]),
        "max_days_ahead": st.sampled_from([None, 200, 400]),
        "buffer_after_minutes": st.sampled_from([0, 15, 30]),
        "quota_hours": st.sampled_from([None, 6]),
    }
)


class BookingMachine(RuleBasedStateMachine):
    counter = 0

    def __init__(self):
        super().__init__()
        BookingMachine.counter += 1
        n = BookingMachine.counter
        self.space = f.SpaceFactory(slug=f"sm-{n}", name=f"SM {n}", time_zone="Europe/Brussels")
        for weekday in range(7):
            f.OpeningHoursFactory(space=self.space, weekday=weekday, opens=dt.time(8), closes=dt.time(22))
        self.rooms = [f.ResourceFactory(space=self.space, name=f"Room {i}") for i in range(2)]
        self.practice = f.PracticeFactory(name=f"SM practice {n}")
        self.member = f.make_member_of(self.space, practice=self.practice, email=f"sm-member-{n}@example.org")
        self.coordinator = f.MemberFactory(email=f"sm-coord-{n}@example.org")
        f.RoleAssignmentFactory(space=self.space, member=self.coordinator, role=RoleAssignment.Role.COORDINATOR)
        self.rules = {room.pk: {"respect_opening_hours": True} for room in self.rooms}
        for room in self.rooms:
            services.save_policy(self.space, by=self.coordinator, resource=room, respect_opening_hours=True)
        # Days around the next daylight-saving change.
        today = timezone.localdate()
        change = next_dst_change(today + dt.timedelta(days=3))
        self.base = max(today + dt.timedelta(days=2), change - dt.timedelta(days=10))
        self.made: dict[int, dict] = {}  # booking id -> rules in force when it was made

    # --- the model -------------------------------------------------------------------------------------------

    def breaks_rules(self, room, periods, rules, now) -> bool:
        for start, end in periods:
            minutes = (end - start).total_seconds() / 60
            local_start, local_end = start.astimezone(BRUSSELS), end.astimezone(BRUSSELS)
            if start < now:
                return True
            if rules.get("min_duration_minutes") and minutes < rules["min_duration_minutes"]:
                return True
            if rules.get("max_duration_minutes") and minutes > rules["max_duration_minutes"]:
                return True
            if rules.get("max_days_ahead") and start > now + dt.timedelta(days=rules["max_days_ahead"]):
                return True
            if local_start.date() != local_end.date() or local_start.hour < 8 or local_end.time() > dt.time(22):
                return True
        if rules.get("quota_hours"):
            week = defaultdict(float)

            def key(moment):
                d = moment.astimezone(BRUSSELS).date()
                return d - dt.timedelta(days=d.weekday())

            for start, end in periods:
                week[key(start)] += (end - start).total_seconds() / 3600
            for b in Booking.objects.holding().filter(resource=room, practice=self.practice):
                if key(b.start) in week:
                    week[key(b.start)] += (b.end - b.start).total_seconds() / 3600
            if any(h > rules["quota_hours"] for h in week.values()):
                return True
        return False

    def collides(self, room, periods, rules) -> bool:
        after = dt.timedelta(minutes=rules.get("buffer_after_minutes") or 0)
        for start, end in periods:
            if Booking.objects.blocking(start, end + after).filter(resource=room).exists():
                return True
        return False

    def attempt(self, room, start, end, by, recurrence=None):
        rules = dict(self.rules[room.pk])
        now = timezone.now()
        try:
            made = services.create_booking(room, start, end, by=by, practice=self.practice, recurrence=recurrence)
        except BookingRefused:
            periods = [(start, end)]
            if recurrence:
                periods = services.recurrence_periods(recurrence, start, end, BRUSSELS)
            assert self.breaks_rules(room, periods, rules, now - dt.timedelta(seconds=5)) or self.breaks_rules(
                room, periods, rules, now
            )
            return
        except BookingConflict:
            periods = [(start, end)]
            if recurrence:
                periods = services.recurrence_periods(recurrence, start, end, BRUSSELS)
            assert self.collides(room, periods, rules)
            return
        for booking in made:
            self.made[booking.pk] = rules
            expected = "pending" if rules.get("requires_approval") and by == self.member else "confirmed"
            assert booking.status == expected
            assert booking.blocked_end - booking.end == dt.timedelta(minutes=rules.get("buffer_after_minutes") or 0)
        periods = [(b.start, b.end) for b in made]
        # The rules held when it was made (quota counted without the new bookings themselves).
        assert not self.breaks_rules(room, periods, {**rules, "quota_hours": None}, now)

    # --- the rules -------------------------------------------------------------------------------------------

    @rule(
        room=st.integers(0, 1),
        day=st.integers(0, 20),
        start=st.integers(6 * 4, 22 * 4),
        length=st.sampled_from([30, 60, 90, 120, 180, 300]),
        as_member=st.booleans(),
    )
    def book(self, room, day, start, length, as_member):
        begin = local(self.base + dt.timedelta(days=day), start * 15)
        self.attempt(
            self.rooms[room],
            begin,
            begin + dt.timedelta(minutes=length),
            self.member if as_member else self.coordinator,
        )

    @rule(
        room=st.integers(0, 1),
        day=st.integers(0, 14),
        start=st.integers(7 * 4, 21 * 4),
        length=st.sampled_from([60, 120]),
        count=st.integers(2, 4),
        interval=st.integers(1, 2),
        as_member=st.booleans(),
    )
    def recur(self, room, day, start, length, count, interval, as_member):
        begin = local(self.base + dt.timedelta(days=day), start * 15)
        self.attempt(
            self.rooms[room],
            begin,
            begin + dt.timedelta(minutes=length),
            self.member if as_member else self.coordinator,
            recurrence=f"FREQ=WEEKLY;INTERVAL={interval};COUNT={count}",
        )

    @precondition(lambda self: self.made)
    @rule(pick=st.integers(0, 1000))
    def cancel(self, pick):
        holding = list(Booking.objects.holding().filter(pk__in=self.made).order_by("pk"))
        if holding:
            services.cancel_booking(holding[pick % len(holding)], by=self.coordinator)

    @precondition(lambda self: self.made)
    @rule(pick=st.integers(0, 1000))
    def approve(self, pick):
        pending = list(Booking.objects.filter(pk__in=self.made, status="pending").order_by("pk"))
        if pending:
            services.approve_booking(pending[pick % len(pending)], by=self.coordinator)

    @rule(room=st.integers(0, 1), values=RULES)
    def change_rules(self, room, values):
        resource = self.rooms[room]
        services.save_policy(self.space, by=self.coordinator, resource=resource, respect_opening_hours=True, **values)
        self.rules[resource.pk] = {"respect_opening_hours": True, **values}

    # --- the guarantees --------------------------------------------------------------------------------------

    @invariant()
    def no_overlap(self):
        for room in self.rooms:
            rows = list(Booking.objects.holding().filter(resource=room).order_by("blocked_start"))
            for a, b in zip(rows, rows[1:], strict=False):
                assert a.blocked_end <= b.blocked_start, (a.pk, b.pk)

    @invariant()
    def confirmed_within_opening_hours(self):
        for b in Booking.objects.holding().filter(resource__in=self.rooms):
            s, e = b.start.astimezone(BRUSSELS), b.end.astimezone(BRUSSELS)
            assert s.date() == e.date() and s.hour >= 8 and e.time() <= dt.time(22)


@pytest.mark.django_db
def test_bookings_state_machine():
    run_state_machine_as_test(
        BookingMachine,
        settings=settings(
            max_examples=10,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
