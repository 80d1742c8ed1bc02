"""The demo shows rental income: the Hall has a price for guests, outside groups rent it in the open cost period,
and counting that income works on the page and in the API (bookings/demo.py, costs/demo.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bookings import demo as bookings_demo
from bookings import rules as booking_rules
from bookings.models import Booking
from core import demo
from costs import demo as costs_demo
from costs import services
from costs.models import CostItem, CostPeriod
from spaces.models import Resource

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    demo.seed()
    bookings_demo.seed()
    costs_demo.seed()


@pytest.fixture
def open_period(seeded):
    return CostPeriod.objects.select_related("space").get(space__slug="werkhuis-kuregem", status="open")


def guest_bookings():
    return Booking.objects.filter(resource__space__slug="werkhuis-kuregem", kind=Booking.Kind.GUEST)


def test_the_hall_has_a_price_for_guests(seeded):
    hall = Resource.objects.get(space__slug="werkhuis-kuregem", name="Hall")
    policy = booking_rules.effective_policy(hall)

    assert policy.allow_guests is True
    assert policy.guest_price_per_hour == bookings_demo.GUEST_PRICE_PER_HOUR


def test_the_open_period_has_priced_guest_bookings(open_period):
    bookings = list(guest_bookings())
    total, count = services.rental_income(open_period)

    assert count == len(costs_demo.GUESTS) == len(bookings)
    assert all(b.status == Booking.Status.CONFIRMED and b.price > 0 and b.guest_name for b in bookings)
    hours = sum(Decimal((b.end - b.start).total_seconds()) / 3600 for b in bookings)
    assert total == hours * bookings_demo.GUEST_PRICE_PER_HOUR
    # The hall hire of the open period comes from these bookings, not from a hand-entered item as well.
    assert not open_period.items.filter(category=CostItem.Category.HIRE).exists()


def test_the_period_page_offers_to_count_the_rental_income(client_for, open_period):
    treasurer = open_period.space.roles.get(role="treasurer").member

    html = client_for(treasurer).get(f"/en/spaces/werkhuis-kuregem/costs/{open_period.pk}/").content.decode()

    assert "3 guest bookings with a price in this period bring" in html
    assert "Count the rental income" in html


def test_counting_the_demo_rental_income_in_the_api(api, open_period):
    treasurer = open_period.space.roles.get(role="treasurer").member
    total, _count = services.rental_income(open_period)

    response = api(treasurer).post(f"/api/v1/cost-periods/{open_period.pk}/rental-income", {}, format="json")

    assert response.status_code == 201, response.json()
    assert Decimal(response.json()["amount"]) == total
    assert response.json()["kind"] == "income"


def test_seeding_again_adds_no_guest_bookings(open_period):
    before = sorted(guest_bookings().values_list("id", flat=True))

    bookings_demo.seed()
    costs_demo.seed()

    assert sorted(guest_bookings().values_list("id", flat=True)) == before
