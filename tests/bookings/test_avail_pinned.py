"""availability.find_free pinned on tricky cases (buffers, closures, opening hours, daylight-saving days, bookings
across midnight, filters, chunks), with exact free slots, and compared with a brute-force reference on random
cases: the speed work on the search must not change what it answers."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bookings.availability import find_free
from bookings.models import Booking
from spaces.models import Resource
from tests import factories as f

from .factories import BookingFactory, BookingPolicyFactory, ResourceGroupFactory

pytestmark = pytest.mark.django_db

UTC = dt.UTC
BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
H = dt.timedelta(hours=1)


def u(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=UTC)


def book(resource, start, end, *, before=0, after=0, status=Booking.Status.CONFIRMED):
    return BookingFactory(
        resource=resource,
        start=start,
        end=end,
        blocked_start=start - dt.timedelta(minutes=before),
        blocked_end=end + dt.timedelta(minutes=after),
        status=status,
    )


def slots(user, start, end, **kwargs) -> dict[str, list[tuple[dt.datetime, dt.datetime]]]:
    return {r.resource.name: r.slots for r in find_free(user, start, end, **kwargs)}


# Bookings: statuses, edges, across midnight


def test_free_slots_around_bookings(member, room, hall):
    book(room, u(6, 1, 10), u(6, 1, 11))
    book(room, u(6, 1, 13), u(6, 1, 14), status=Booking.Status.PENDING)
    book(room, u(6, 1, 11), u(6, 1, 13), status=Booking.Status.CANCELLED)
    book(room, u(6, 1, 15), u(6, 1, 16), status=Booking.Status.REFUSED)

    assert slots(member, u(6, 1, 8), u(6, 1, 18), duration=H) == {
        "Great hall": [(u(6, 1, 8), u(6, 1, 18))],
        "Studio 2": [(u(6, 1, 8), u(6, 1, 10)), (u(6, 1, 11), u(6, 1, 13)), (u(6, 1, 14), u(6, 1, 18))],
    }


def test_bookings_touching_the_window_do_not_take_it(member, room):
    book(room, u(6, 1, 6), u(6, 1, 8))
    book(room, u(6, 1, 18), u(6, 1, 20))

    assert slots(member, u(6, 1, 8), u(6, 1, 18)) == {"Studio 2": [(u(6, 1, 8), u(6, 1, 18))]}


def test_bookings_sticking_out_of_the_window_are_cut_to_it(member, room):
    book(room, u(6, 1, 6), u(6, 1, 9))
    book(room, u(6, 1, 17), u(6, 1, 20))

    assert slots(member, u(6, 1, 8), u(6, 1, 18), duration=H) == {"Studio 2": [(u(6, 1, 9), u(6, 1, 17))]}


def test_a_booking_across_midnight(member, room):
    book(room, u(6, 1, 22), u(6, 2, 2))

    assert slots(member, u(6, 2, 0), u(6, 2, 6), duration=H) == {"Studio 2": [(u(6, 2, 2), u(6, 2, 6))]}
    assert slots(member, u(6, 1, 20), u(6, 2, 4), duration=H) == {
        "Studio 2": [(u(6, 1, 20), u(6, 1, 22)), (u(6, 2, 2), u(6, 2, 4))]
    }
    assert slots(member, u(6, 1, 23), u(6, 2, 1), duration=H) == {}


def test_back_to_back_bookings_leave_no_gap(member, room):
    book(room, u(6, 1, 9), u(6, 1, 10))
    book(room, u(6, 1, 10), u(6, 1, 11))

    assert slots(member, u(6, 1, 8), u(6, 1, 12), duration=dt.timedelta(minutes=30)) == {
        "Studio 2": [(u(6, 1, 8), u(6, 1, 9)), (u(6, 1, 11), u(6, 1, 12))]
    }


def test_the_duration_keeps_only_long_enough_slots(member, room):
    book(room, u(6, 1, 9), u(6, 1, 10))
    book(room, u(6, 1, 11, 30), u(6, 1, 12))

    found = slots(member, u(6, 1, 8), u(6, 1, 14), duration=dt.timedelta(minutes=90))

    assert found == {"Studio 2": [(u(6, 1, 10), u(6, 1, 11, 30)), (u(6, 1, 12), u(6, 1, 14))]}


def test_without_a_duration_the_whole_window_must_be_free(member, room, hall):
    book(room, u(6, 1, 9), u(6, 1, 10))

    assert slots(member, u(6, 1, 8), u(6, 1, 12)) == {"Great hall": [(u(6, 1, 8), u(6, 1, 12))]}


def test_a_window_over_several_days(member, room):
    book(room, u(6, 2, 12), u(6, 3, 12))

    assert slots(member, u(6, 1, 0), u(6, 5, 0), duration=H) == {
        "Studio 2": [(u(6, 1, 0), u(6, 2, 12)), (u(6, 3, 12), u(6, 5, 0))]
    }


# Buffers and which policy applies


def test_buffers_of_the_booking_and_of_the_resource(member, space, room):
    BookingPolicyFactory(space=space, buffer_before_minutes=15, buffer_after_minutes=30, respect_opening_hours=False)
    # Stored blocked period 09:50-11:10 (the booking's own buffers), widened by ours: 09:20-11:25.
    book(room, u(6, 1, 10), u(6, 1, 11), before=10, after=10)

    assert slots(member, u(6, 1, 8), u(6, 1, 14), duration=H) == {
        "Studio 2": [(u(6, 1, 8), u(6, 1, 9, 20)), (u(6, 1, 11, 25), u(6, 1, 14))]
    }
    assert slots(member, u(6, 1, 8), u(6, 1, 14), duration=dt.timedelta(minutes=90)) == {
        "Studio 2": [(u(6, 1, 11, 25), u(6, 1, 14))]
    }


def test_the_resource_policy_wins_over_the_group_and_the_space(member, space, room, hall):
    desk = f.ResourceFactory(space=space, name="Desk", kind="desk")
    group = ResourceGroupFactory(space=space)
    group.resources.set([hall, desk])
    BookingPolicyFactory(space=space, buffer_after_minutes=60, respect_opening_hours=False)
    BookingPolicyFactory(space=space, group=group, buffer_after_minutes=30, respect_opening_hours=False)
    BookingPolicyFactory(space=space, resource=desk, buffer_after_minutes=0, respect_opening_hours=False)
    for resource in (room, hall, desk):
        book(resource, u(6, 1, 10), u(6, 1, 11))

    assert slots(member, u(6, 1, 8), u(6, 1, 12), duration=dt.timedelta(minutes=30)) == {
        "Desk": [(u(6, 1, 8), u(6, 1, 10)), (u(6, 1, 11), u(6, 1, 12))],
        "Great hall": [(u(6, 1, 8), u(6, 1, 9, 30)), (u(6, 1, 11), u(6, 1, 12))],
        "Studio 2": [(u(6, 1, 8), u(6, 1, 9)), (u(6, 1, 11), u(6, 1, 12))],
    }


def test_a_group_without_a_policy_falls_back_to_the_space(member, space, room):
    ResourceGroupFactory(space=space).resources.set([room])
    BookingPolicyFactory(space=space, buffer_before_minutes=60, respect_opening_hours=False)
    book(room, u(6, 1, 10), u(6, 1, 11))

    assert slots(member, u(6, 1, 8), u(6, 1, 14), duration=H) == {
        "Studio 2": [(u(6, 1, 8), u(6, 1, 10)), (u(6, 1, 12), u(6, 1, 14))]
    }


# Closures


def test_closures_of_the_space_and_of_one_resource(member, space, other_space, room, hall):
    f.ClosureFactory(space=space, start=u(6, 1, 12), end=u(6, 1, 13))
    f.ClosureFactory(space=space, resource=hall, start=u(6, 1, 9), end=u(6, 1, 10))
    f.ClosureFactory(space=other_space, start=u(6, 1, 8), end=u(6, 1, 18))
    book(room, u(6, 1, 12, 30), u(6, 1, 14))

    assert slots(member, u(6, 1, 8), u(6, 1, 16), duration=H, space=space) == {
        "Great hall": [(u(6, 1, 8), u(6, 1, 9)), (u(6, 1, 10), u(6, 1, 12)), (u(6, 1, 13), u(6, 1, 16))],
        "Studio 2": [(u(6, 1, 8), u(6, 1, 12)), (u(6, 1, 14), u(6, 1, 16))],
    }


def test_closures_are_not_widened_by_the_buffers_as_in_create_booking(member, space, room):
    BookingPolicyFactory(space=space, buffer_before_minutes=30, buffer_after_minutes=15, respect_opening_hours=False)
    f.ClosureFactory(space=space, start=u(6, 1, 10), end=u(6, 1, 11))

    assert slots(member, u(6, 1, 8), u(6, 1, 14), duration=H) == {
        "Studio 2": [(u(6, 1, 8), u(6, 1, 10)), (u(6, 1, 11), u(6, 1, 14))]
    }


def test_closures_do_not_count_where_the_rules_ignore_them(member, space, room):
    BookingPolicyFactory(space=space, respect_closures=False, respect_opening_hours=False)
    f.ClosureFactory(space=space, start=u(6, 1, 10), end=u(6, 1, 11))

    assert slots(member, u(6, 1, 8), u(6, 1, 14), duration=H) == {"Studio 2": [(u(6, 1, 8), u(6, 1, 14))]}


def test_a_booking_just_outside_the_window_keeps_the_edge_free_by_the_buffers(member, space, room):
    BookingPolicyFactory(space=space, buffer_before_minutes=30, buffer_after_minutes=45, respect_opening_hours=False)
    book(room, u(6, 1, 7), u(6, 1, 7, 50))
    book(room, u(6, 1, 14, 20), u(6, 1, 15))

    assert slots(member, u(6, 1, 8), u(6, 1, 14), duration=H) == {"Studio 2": [(u(6, 1, 8, 20), u(6, 1, 13, 35))]}


def test_every_slot_found_can_be_booked(member, space, room, practice):
    from bookings import services

    BookingPolicyFactory(space=space, buffer_before_minutes=30, buffer_after_minutes=45, respect_opening_hours=False)
    book(room, u(6, 1, 7, year=2027), u(6, 1, 7, 50, year=2027))
    book(room, u(6, 1, 14, 20, year=2027), u(6, 1, 15, year=2027))
    f.ClosureFactory(space=space, start=u(6, 1, 11, year=2027), end=u(6, 1, 12, year=2027))

    found = slots(member, u(6, 1, 8, year=2027), u(6, 1, 14, year=2027), duration=H)["Studio 2"]
    assert len(found) == 2
    for start, end in found:
        for at in (start, end - H):  # the first and the last hour of each free slot
            with transaction.atomic():
                services.create_booking(room, at, at + H, by=member, practice=practice)
                transaction.set_rollback(True)


def test_a_closure_over_the_whole_window(member, space, room, hall):
    f.ClosureFactory(space=space, start=u(5, 30, 0), end=u(6, 3, 0))

    assert slots(member, u(6, 1, 8), u(6, 1, 16), duration=H) == {}


# Opening hours (local time of each space)


def test_opening_hours_in_local_summer_time(member, space, room):
    BookingPolicyFactory(space=space, respect_opening_hours=True)
    # 2026-06-01 is a Monday; Brussels is UTC+2 in summer.
    f.OpeningHoursFactory(space=space, weekday=0, opens=dt.time(9), closes=dt.time(12))
    f.OpeningHoursFactory(space=space, weekday=0, opens=dt.time(13), closes=dt.time(18))
    book(room, u(6, 1, 14), u(6, 1, 15))

    assert slots(member, u(6, 1, 6), u(6, 1, 20), duration=H) == {
        "Studio 2": [(u(6, 1, 7), u(6, 1, 10)), (u(6, 1, 11), u(6, 1, 14)), (u(6, 1, 15), u(6, 1, 16))]
    }


def test_adjacent_opening_periods_give_separate_slots(member, space, room):
    BookingPolicyFactory(space=space, respect_opening_hours=True)
    f.OpeningHoursFactory(space=space, weekday=0, opens=dt.time(9), closes=dt.time(12))
    f.OpeningHoursFactory(space=space, weekday=0, opens=dt.time(12), closes=dt.time(18))

    assert slots(member, u(6, 1, 0), u(6, 2, 0), duration=H) == {
        "Studio 2": [(u(6, 1, 7), u(6, 1, 10)), (u(6, 1, 10), u(6, 1, 16))]
    }
    # Neither period alone is long enough for four hours.
    assert slots(member, u(6, 1, 0), u(6, 2, 0), duration=4 * H) == {"Studio 2": [(u(6, 1, 10), u(6, 1, 16))]}
    assert slots(member, u(6, 1, 0), u(6, 2, 0), duration=7 * H) == {}


def test_opening_hours_over_a_week_and_days_without_hours(member, space, room):
    BookingPolicyFactory(space=space, respect_opening_hours=True)
    for weekday in (0, 2, 4):
        f.OpeningHoursFactory(space=space, weekday=weekday, opens=dt.time(8), closes=dt.time(10))
    # Saturday 30 May 2026 to Saturday 6 June.
    assert slots(member, u(5, 30, 0), u(6, 6, 0), duration=H) == {
        "Studio 2": [(u(6, 1, 6), u(6, 1, 8)), (u(6, 3, 6), u(6, 3, 8)), (u(6, 5, 6), u(6, 5, 8))]
    }


def test_opening_hours_cut_by_the_window(member, space, room):
    BookingPolicyFactory(space=space, respect_opening_hours=True)
    f.OpeningHoursFactory(space=space, weekday=0, opens=dt.time(9), closes=dt.time(18))

    assert slots(member, u(6, 1, 8, 30), u(6, 1, 12), duration=H) == {"Studio 2": [(u(6, 1, 8, 30), u(6, 1, 12))]}


def test_opening_hours_ignored_without_a_policy_or_when_the_policy_says_so(member, space, other_space, room):
    f.OpeningHoursFactory(space=space, weekday=0, opens=dt.time(9), closes=dt.time(10))
    f.OpeningHoursFactory(space=other_space, weekday=0, opens=dt.time(9), closes=dt.time(10))
    sala = f.ResourceFactory(space=other_space, name="Sala")
    BookingPolicyFactory(space=other_space, respect_opening_hours=False)

    assert slots(member, u(6, 1, 4), u(6, 1, 12), duration=H) == {
        "Sala": [(u(6, 1, 4), u(6, 1, 12))],
        "Studio 2": [(u(6, 1, 4), u(6, 1, 12))],
    }
    assert sala.pk


def test_a_policy_on_opening_hours_in_a_space_without_hours_keeps_the_window(member, space, room):
    BookingPolicyFactory(space=space, respect_opening_hours=True)

    assert slots(member, u(6, 1, 4), u(6, 1, 12), duration=H) == {"Studio 2": [(u(6, 1, 4), u(6, 1, 12))]}


def test_opening_hours_on_the_spring_daylight_saving_day(member, space, room):
    BookingPolicyFactory(space=space, respect_opening_hours=True)
    # Sunday 29 March 2026: 02:00 CET becomes 03:00 CEST. 02:30 does not exist: read with the offset before.
    f.OpeningHoursFactory(space=space, weekday=6, opens=dt.time(1), closes=dt.time(5))
    f.OpeningHoursFactory(space=space, weekday=6, opens=dt.time(2, 30), closes=dt.time(6))
    f.OpeningHoursFactory(space=space, weekday=5, opens=dt.time(22), closes=dt.time(23))

    assert slots(member, u(3, 28, 12), u(3, 29, 12), duration=dt.timedelta(minutes=30)) == {
        "Studio 2": [(u(3, 28, 21), u(3, 28, 22)), (u(3, 29, 0), u(3, 29, 3)), (u(3, 29, 1, 30), u(3, 29, 4))]
    }


def test_opening_hours_on_the_autumn_daylight_saving_day(member, space, room):
    BookingPolicyFactory(space=space, respect_opening_hours=True)
    # Sunday 25 October 2026: 03:00 CEST becomes 02:00 CET; 02:30 happens twice: the first one is taken.
    f.OpeningHoursFactory(space=space, weekday=6, opens=dt.time(1), closes=dt.time(5))
    f.OpeningHoursFactory(space=space, weekday=6, opens=dt.time(2, 30), closes=dt.time(9))
    book(room, u(10, 25, 2), u(10, 25, 2, 30))

    assert slots(member, u(10, 24, 12), u(10, 25, 12), duration=dt.timedelta(minutes=30)) == {
        "Studio 2": [
            (u(10, 24, 23), u(10, 25, 2)),
            (u(10, 25, 2, 30), u(10, 25, 4)),
            (u(10, 25, 0, 30), u(10, 25, 2)),
            (u(10, 25, 2, 30), u(10, 25, 8)),
        ]
    }


def test_a_week_across_the_daylight_saving_change(member, space, room):
    BookingPolicyFactory(space=space, respect_opening_hours=True)
    for weekday in range(7):
        f.OpeningHoursFactory(space=space, weekday=weekday, opens=dt.time(9), closes=dt.time(17))

    found = slots(member, u(3, 27, 0), u(3, 31, 0), duration=H)

    assert found == {
        "Studio 2": [
            (u(3, 27, 8), u(3, 27, 16)),
            (u(3, 28, 8), u(3, 28, 16)),
            (u(3, 29, 7), u(3, 29, 15)),
            (u(3, 30, 7), u(3, 30, 15)),
        ]
    }


def test_each_space_in_its_own_time_zone(member, space, other_space, room):
    other_space.time_zone = "America/New_York"
    other_space.save()
    sala = f.ResourceFactory(space=other_space, name="Sala")
    for s in (space, other_space):
        BookingPolicyFactory(space=s, respect_opening_hours=True)
        f.OpeningHoursFactory(space=s, weekday=0, opens=dt.time(9), closes=dt.time(17))
    book(sala, u(6, 1, 14), u(6, 1, 15))

    assert slots(member, u(6, 1, 0), u(6, 2, 0), duration=H) == {
        "Sala": [(u(6, 1, 13), u(6, 1, 14)), (u(6, 1, 15), u(6, 1, 21))],
        "Studio 2": [(u(6, 1, 7), u(6, 1, 15))],
    }


def test_opening_hours_and_a_window_starting_late_in_the_local_day(member, space, other_space):
    other_space.time_zone = "Pacific/Auckland"  # UTC+12 in June: Monday 09:00 there is Sunday 21:00 UTC
    other_space.save()
    f.ResourceFactory(space=other_space, name="Sala")
    BookingPolicyFactory(space=other_space, respect_opening_hours=True)
    f.OpeningHoursFactory(space=other_space, weekday=0, opens=dt.time(9), closes=dt.time(17))

    assert slots(member, u(5, 31, 20), u(6, 1, 8), duration=H, space=other_space) == {
        "Sala": [(u(5, 31, 21), u(6, 1, 5))]
    }


# Filters, visibility, order, limit and chunks


def test_capacity_kind_features_and_accessibility(member, space, room, hall):
    f.ResourceFactory(space=space, name="Desk", kind="desk", capacity=1, step_free=True, wheelchair_accessible=True)
    f.ResourceFactory(space=space, name="Ramp only", kind="desk", capacity=1, step_free=True)
    window = (u(6, 1, 8), u(6, 1, 12))

    assert list(slots(member, *window, capacity=20)) == ["Great hall"]
    assert list(slots(member, *window, capacity=8)) == ["Great hall", "Studio 2"]
    assert list(slots(member, *window, kind="desk")) == ["Desk", "Ramp only"]
    assert list(slots(member, *window, features=["projector"])) == ["Great hall"]
    assert list(slots(member, *window, features=["projector", "piano"])) == []
    assert list(slots(member, *window, accessible=True)) == ["Desk"]
    assert list(slots(member, *window, kind="desk", accessible=True, capacity=2)) == []


def test_inactive_and_unbookable_resources_are_left_out(member, space, room):
    f.ResourceFactory(space=space, name="Old", is_active=False)
    f.ResourceFactory(space=space, name="Boiler room", bookable=False)

    assert list(slots(member, u(6, 1, 8), u(6, 1, 12))) == ["Studio 2"]


def test_visibility_by_who_asks(member, outsider, space, other_space, db):
    f.ResourceFactory(space=space, name="Public")
    f.ResourceFactory(space=space, name="Network", visibility=Resource.Visibility.NETWORK)
    f.ResourceFactory(space=space, name="Members", visibility=Resource.Visibility.MEMBERS)
    stranger = f.MemberFactory(email="stranger@example.org")
    from django.contrib.auth.models import AnonymousUser

    window = (u(6, 1, 8), u(6, 1, 12))

    assert sorted(slots(member, *window)) == ["Members", "Network", "Public"]
    assert sorted(slots(outsider, *window)) == ["Network", "Public"]
    assert sorted(slots(stranger, *window)) == ["Public"]
    assert sorted(slots(AnonymousUser(), *window)) == ["Public"]


def test_one_space_one_network_or_everywhere(member, space, other_space, room):
    f.ResourceFactory(space=other_space, name="Sala")
    far = f.SpaceFactory(name="Far away")
    f.ResourceFactory(space=far, name="Remote")
    window = (u(6, 1, 8), u(6, 1, 12))

    assert list(slots(member, *window, space=space)) == ["Studio 2"]
    assert list(slots(member, *window, network=space.network)) == ["Sala", "Studio 2"]
    assert list(slots(member, *window)) == ["Sala", "Remote", "Studio 2"]


def test_ordered_by_space_then_name_and_cut_at_the_limit(member, space, other_space):
    for name in ("b", "a", "c"):
        f.ResourceFactory(space=space, name=name)
        f.ResourceFactory(space=other_space, name=name.upper())
    window = (u(6, 1, 8), u(6, 1, 12))

    found = find_free(member, *window, limit=4)

    assert [(r.resource.space.name, r.resource.name) for r in found] == [
        ("Elsewhere", "A"),
        ("Elsewhere", "B"),
        ("Elsewhere", "C"),
        ("Werkplaats", "a"),
    ]


def test_the_results_carry_what_the_api_shows(member, space, room, hall):
    hall.floor = "2nd"
    hall.hearing_loop = hall.step_free = True
    hall.save()

    found = find_free(member, u(6, 1, 8), u(6, 1, 12))

    free = found[0]
    assert [r.resource.pk for r in found] == [hall.pk, room.pk]
    assert (free.resource.name, free.resource.kind, free.resource.capacity, free.resource.features) == (
        "Great hall",
        "hall",
        80,
        ["projector"],
    )
    assert (free.resource.hearing_loop, free.resource.step_free, free.resource.wheelchair_accessible) == (
        True,
        True,
        False,
    )
    assert (free.resource.visibility, free.resource.space_id) == ("public", space.pk)
    assert (free.space.pk, free.space.name, free.space.slug, free.space.city, free.space.country) == (
        space.pk,
        "Werkplaats",
        "werkplaats",
        "Brussels",
        "BE",
    )
    assert (free.space.time_zone, free.space.network_id, free.space.tz) == (
        "Europe/Brussels",
        space.network_id,
        BRUSSELS,
    )
    assert found[1].space is free.space  # one instance per space
    # The columns not read are loaded when asked for, as with only().
    assert free.resource.floor == "2nd"
    assert free.space.purpose_en == space.purpose_en


@pytest.mark.parametrize(
    ("arrange", "queries"),
    [
        (lambda space, room: None, 4),
        (lambda space, room: BookingPolicyFactory(space=space, respect_opening_hours=False), 4),
        (lambda space, room: BookingPolicyFactory(space=space, respect_opening_hours=True), 5),
        (
            lambda space, room: BookingPolicyFactory(
                space=space, group=_group_of(space, room), respect_opening_hours=False
            ),
            5,
        ),
    ],
    ids=["no rules", "rules without opening hours", "opening hours", "rules of a group"],
)
def test_queries_per_search(member, space, room, arrange, queries, django_assert_num_queries):
    arrange(space, room)
    book(room, u(6, 1, 9), u(6, 1, 10))

    # the member's rules, the resources, their busy periods, their policies; the groups of their resources only
    # when a group has a policy, the opening hours only when a policy respects them
    with django_assert_num_queries(queries):
        find_free(member, u(6, 1, 8), u(6, 1, 12))


def _group_of(space, *resources):
    group = ResourceGroupFactory(space=space)
    group.resources.set(resources)
    return group


def test_opening_hours_for_some_resources_of_a_space(member, space, room, hall):
    BookingPolicyFactory(space=space, respect_opening_hours=True)
    BookingPolicyFactory(space=space, resource=hall, respect_opening_hours=False)
    f.OpeningHoursFactory(space=space, weekday=0, opens=dt.time(9), closes=dt.time(11))

    assert slots(member, u(6, 1, 5), u(6, 1, 12), duration=H) == {
        "Great hall": [(u(6, 1, 5), u(6, 1, 12))],
        "Studio 2": [(u(6, 1, 7), u(6, 1, 9))],
    }


@pytest.mark.parametrize("taken", [0, 19, 20, 21, 45])
def test_busy_resources_move_the_search_to_the_next_chunks(member, space, taken):
    # limit 3: the first chunk holds 20 resources, then 200 at a time.
    rooms = [f.ResourceFactory(space=space, name=f"Room {i:03d}") for i in range(60)]
    for r in rooms[:taken]:
        book(r, u(6, 1, 8), u(6, 1, 12))

    found = find_free(member, u(6, 1, 8), u(6, 1, 12), limit=3)

    assert [r.resource.name for r in found] == [f"Room {i:03d}" for i in range(taken, taken + 3)]


def test_fewer_free_resources_than_the_limit(member, space):
    rooms = [f.ResourceFactory(space=space, name=f"Room {i:03d}") for i in range(25)]
    for r in rooms[:23]:
        book(r, u(6, 1, 9), u(6, 1, 10))

    found = find_free(member, u(6, 1, 8), u(6, 1, 12), limit=5)

    assert [r.resource.name for r in found] == ["Room 023", "Room 024"]


# Compared with a brute-force reference (every 5 minutes) on random cases

STEP = 5  # minutes: every time in these cases is on this grid
ORIGIN = u(3, 27, 0)  # two days before the spring daylight-saving change in Brussels


def _reference(window, periods, tz, busy, duration):
    """Free slots by brute force: mark the busy minutes, then walk each opening window."""
    start, end = window
    if periods is None:
        windows = [(start, end)]
    else:
        windows = []
        day = start.astimezone(tz).date() - dt.timedelta(days=1)
        while day <= end.astimezone(tz).date():
            for weekday, opens, closes in periods:
                if weekday == day.weekday():
                    o = dt.datetime.combine(day, opens, tzinfo=tz).astimezone(UTC)
                    c = dt.datetime.combine(day, closes, tzinfo=tz).astimezone(UTC)
                    if max(o, start) < min(c, end):
                        windows.append((max(o, start), min(c, end)))
            day += dt.timedelta(days=1)
    step = dt.timedelta(minutes=STEP)
    out = []
    for w_start, w_end in windows:
        run = None
        t = w_start
        while t < w_end:
            taken = any(b_start < t + step and b_end > t for b_start, b_end in busy)
            if not taken and run is None:
                run = t
            if taken and run is not None:
                out.append((run, t))
                run = None
            t += step
        if run is not None:
            out.append((run, w_end))
    return [s for s in out if s[1] - s[0] >= duration]


minutes = st.integers(min_value=0, max_value=4 * 24 * 60 // STEP).map(lambda n: n * STEP)
lengths = st.integers(min_value=1, max_value=8 * 60 // STEP).map(lambda n: n * STEP)
case = st.fixed_dictionaries(
    {
        "bookings": st.lists(st.tuples(st.integers(0, 2), minutes, lengths, st.booleans()), max_size=12),
        "closures": st.lists(st.tuples(st.sampled_from([None, 0, 1, 2]), minutes, lengths), max_size=3),
        "hours": st.lists(
            st.tuples(
                st.integers(0, 6),
                st.integers(0, 23 * 60 // STEP - 1).map(lambda n: n * STEP),
                lengths,
            ),
            max_size=6,
        ),
        "respect_hours": st.booleans(),
        "before": st.sampled_from([0, 5, 30]),
        "after": st.sampled_from([0, 15, 60]),
        "window": st.tuples(minutes, lengths, st.integers(0, 3)),
        "duration": st.sampled_from([5, 30, 60, 120]),
    }
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=case)
def test_same_slots_as_a_brute_force_reference(superuser, network, case):
    with transaction.atomic():
        space = f.SpaceFactory(network=network, name="Random", time_zone="Europe/Brussels")
        rooms = [f.ResourceFactory(space=space, name=f"R{i}") for i in range(3)]
        BookingPolicyFactory(
            space=space,
            respect_opening_hours=case["respect_hours"],
            buffer_before_minutes=case["before"],
            buffer_after_minutes=case["after"],
        )
        periods = []
        for weekday, opens, length in case["hours"]:
            closes = min(opens + length, 24 * 60 - 1)
            periods.append((weekday, dt.time(*divmod(opens, 60)), dt.time(*divmod(closes, 60))))
            f.OpeningHoursFactory(space=space, weekday=weekday, opens=periods[-1][1], closes=periods[-1][2])
        taken: dict[int, list] = {i: [] for i in range(3)}
        for i, at, length, pending in case["bookings"]:
            s = ORIGIN + dt.timedelta(minutes=at)
            e = s + dt.timedelta(minutes=length)
            if any(b_s < e and b_e > s for b_s, b_e in taken[i]):
                continue  # one resource's holding bookings never overlap
            taken[i].append((s, e))
            book(rooms[i], s, e, status=Booking.Status.PENDING if pending else Booking.Status.CONFIRMED)
        closed = {i: [] for i in range(3)}
        for which, at, length in case["closures"]:
            s = ORIGIN + dt.timedelta(minutes=at)
            e = s + dt.timedelta(minutes=length)
            f.ClosureFactory(space=space, resource=None if which is None else rooms[which], start=s, end=e)
            for i in range(3) if which is None else [which]:
                closed[i].append((s, e))
        at, length, days = case["window"]
        start = ORIGIN + dt.timedelta(minutes=at)
        end = start + dt.timedelta(minutes=length, days=days)
        duration = min(dt.timedelta(minutes=case["duration"]), end - start)

        found = {r.resource.name: r.slots for r in find_free(superuser, start, end, duration=duration, space=space)}

        before, after = dt.timedelta(minutes=case["before"]), dt.timedelta(minutes=case["after"])
        expected = {}
        for i in range(3):
            # What create_booking refuses: a slot whose own buffers reach another booking (even one outside the
            # window), or that overlaps a closure (closures are not widened by the buffers).
            busy = [(s - after, e + before) for s, e in taken[i]] + closed[i]
            free = _reference(
                (start, end), periods if case["respect_hours"] and periods else None, BRUSSELS, busy, duration
            )
            if free:
                expected[f"R{i}"] = free
        assert found == expected
        transaction.set_rollback(True)
