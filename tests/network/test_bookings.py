"""The booking hooks: a member of another space of the network books a desk under the host's rules."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings.models import Booking
from bookings.services import BookingRefused, cancel_booking, create_booking
from network import hooks, services
from network.models import NetworkVisit
from tests import factories as f

from .conftest import at, day_of

pytestmark = pytest.mark.django_db


def test_a_network_member_books_a_desk_and_the_day_is_recorded(space, other_space, desk, visitor, month):
    services.save_access(space, "desk", by=f.MemberFactory(is_superuser=True), free_days_per_month=1, day_price=9)

    [first] = create_booking(desk, at(month, 9), at(month, 17), by=visitor)
    [second] = create_booking(desk, at(day_of(month, 2), 9), at(day_of(month, 2), 12), by=visitor)

    visits = list(NetworkVisit.objects.order_by("date"))
    assert [(v.date, v.booking, v.charge, v.home_space, v.privilege) for v in visits] == [
        (month, first, Decimal("0.00"), other_space, "desk"),
        (day_of(month, 2), second, Decimal("9.00"), other_space, "desk"),
    ]


def test_two_bookings_on_one_day_count_once(space, desk, visitor, month):
    create_booking(desk, at(month, 9), at(month, 11), by=visitor)
    create_booking(desk, at(month, 14), at(month, 16), by=visitor)

    assert NetworkVisit.objects.count() == 1


def test_the_hook_refuses_when_the_host_does_not_let_the_network_book_desks(space, desk, visitor, coordinator, month):
    services.save_access(space, "desk", by=coordinator, local=False)

    with pytest.raises(BookingRefused) as error:
        create_booking(desk, at(month, 9), at(month, 17), by=visitor)

    assert error.value.reason == "Werkplaats does not let members of the network book desks."
    assert NetworkVisit.objects.count() == 0


def test_a_room_rule_does_not_cover_desks(space, desk, visitor, coordinator, month):
    services.save_access(space, "room", by=coordinator, local=False)

    create_booking(desk, at(month, 9), at(month, 17), by=visitor)

    assert NetworkVisit.objects.get().privilege == "desk"


def test_a_rule_can_cover_chosen_kinds(space, visitor, coordinator, month):
    studio = f.ResourceFactory(space=space, name="Studio", kind="studio")
    services.save_access(space, "desk", by=coordinator, resource_kinds=["desk", "studio"], day_price=4)
    from bookings.models import BookingPolicy

    BookingPolicy.objects.create(space=space, resource=studio, allow_network=True)

    create_booking(studio, at(month, 9), at(month, 17), by=visitor)

    assert (NetworkVisit.objects.get().privilege, NetworkVisit.objects.get().charge) == ("desk", Decimal("4.00"))


def test_the_monthly_cap_refuses_the_days_beyond_it(space, desk, visitor, coordinator, month):
    services.save_access(space, "desk", by=coordinator, free_days_per_month=2)
    create_booking(desk, at(month, 9), at(month, 12), by=visitor)

    with pytest.raises(BookingRefused) as error:
        create_booking(
            desk, at(day_of(month, 2), 9), at(day_of(month, 2), 12), by=visitor, recurrence="FREQ=DAILY;COUNT=2"
        )

    assert error.value.reason == "Members of the network have 2 days a month at Werkplaats, and they are used."
    create_booking(desk, at(month, 14), at(month, 16), by=visitor)  # the same day again: still counted once
    create_booking(desk, at(day_of(month, 2), 9), at(day_of(month, 2), 12), by=visitor)
    assert NetworkVisit.objects.count() == 2


def test_a_cancelled_booking_gives_the_day_back(space, desk, visitor, coordinator, month):
    services.save_access(space, "desk", by=coordinator, free_days_per_month=1)
    [booking] = create_booking(desk, at(month, 9), at(month, 12), by=visitor)
    cancel_booking(booking, by=visitor)

    [again] = create_booking(desk, at(day_of(month, 3), 9), at(day_of(month, 3), 12), by=visitor)

    assert NetworkVisit.objects.counted().get().booking == again


def test_a_booking_over_several_days_counts_each_day(space, desk, visitor, month):
    create_booking(desk, at(month, 9), at(day_of(month, 3), 17), by=visitor)

    assert list(NetworkVisit.objects.order_by("date").values_list("date", flat=True)) == [
        month,
        day_of(month, 2),
        day_of(month, 3),
    ]


def test_members_of_the_space_leave_no_visit_and_cost_no_query(space, desk, member, month):
    from spaces import rules

    rules.member_space_ids(member)  # what bookings' own checks have cached by the time the hooks run
    with CaptureQueriesContext(connection) as queries:
        assert hooks.before_booking(member, desk, [(at(month, 9), at(month, 12))]) is None
        hooks.after_booking(member, [Booking(resource=desk)])
    assert len(queries) == 0
    create_booking(desk, at(month, 9), at(month, 12), by=member)
    assert NetworkVisit.objects.count() == 0


def test_guests_leave_no_visit(space, desk, month):
    from django.contrib.auth.models import AnonymousUser

    with CaptureQueriesContext(connection) as queries:
        assert hooks.before_booking(AnonymousUser(), desk, [(at(month, 9), at(month, 12))]) is None
        hooks.after_booking(None, [Booking(resource=desk)])
    assert len(queries) == 0
