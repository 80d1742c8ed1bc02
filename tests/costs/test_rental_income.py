"""Income from renting rooms to outsiders (guest bookings with a price) lowers everyone's share (issue 4)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from bookings import services as bookings
from bookings.models import Booking, BookingPolicy
from core.models import AuditEntry
from costs import services, shares
from costs.models import CostItem
from tests import factories as f

from .factories import CostPeriodFactory

pytestmark = pytest.mark.django_db
BRUSSELS = ZoneInfo("Europe/Brussels")


@pytest.fixture
def period(space):
    """Q1 2027, open (the bookings must be in the future)."""
    return CostPeriodFactory(space=space, start=datetime.date(2027, 1, 1), end=datetime.date(2027, 3, 31))


@pytest.fixture
def hall(space):
    hall = f.ResourceFactory(space=space, name="Hall")
    BookingPolicy.objects.create(
        space=space,
        resource=hall,
        allow_guests=True,
        respect_opening_hours=False,
        guest_price_per_hour=Decimal("35.50"),
    )
    return hall


def at(day, hour):
    return datetime.datetime(2027, 2, day, hour, tzinfo=BRUSSELS)


def guest_booking(hall, day, hours):
    from django.contrib.auth.models import AnonymousUser

    return bookings.create_booking(
        hall, at(day, 10), at(day, 10 + hours), by=AnonymousUser(), guest_name="Wedding", guest_email="w@example.org"
    )[0]


def test_a_guest_booking_gets_the_hourly_price_rounded_once(hall):
    booking = guest_booking(hall, 3, 3)
    assert booking.kind == Booking.Kind.GUEST
    assert booking.price == Decimal("106.50")
    policy = BookingPolicy(guest_price_per_hour=Decimal("10.00"))
    assert policy.guest_price(at(1, 10), at(1, 10) + datetime.timedelta(minutes=20)) == Decimal("3.33")


def test_practices_do_not_pay_a_guest_price(hall, member, practice):
    booking = bookings.create_booking(hall, at(4, 10), at(4, 12), by=member, practice=practice)[0]
    assert booking.price is None


def test_rental_income_lowers_the_shares_and_is_counted_once(hall, space, treasurer, period, three_practices):
    services.add_item(period, by=treasurer, label="Rent", category="rent", amount=Decimal("1200.00"), key="area")
    guest_booking(hall, 3, 2)  # 71.00
    guest_booking(hall, 10, 4)  # 142.00
    outside = guest_booking(hall, 12, 1)
    Booking.objects.filter(pk=outside.pk).update(status=Booking.Status.CANCELLED)  # cancelled: no income

    assert services.rental_income(period) == (Decimal("213.00"), 2)
    item = services.count_rental_income(period, by=treasurer, key="equal")
    assert (item.kind, item.amount, item.key, item.source) == (
        CostItem.Kind.INCOME,
        Decimal("213.00"),
        "equal",
        "bookings",
    )
    result = shares.compute(period)
    assert result.total == Decimal("987.00")
    assert sum(s.amount for s in result.shares) == Decimal("987.00")
    assert [s.income for s in result.shares] == [Decimal("-71.00")] * 3

    guest_booking(hall, 20, 2)  # a new booking: counting again updates the same item
    again = services.count_rental_income(period, by=treasurer, key="area")
    assert again.pk == item.pk and again.amount == Decimal("284.00") and again.key == "area"
    assert period.items.filter(source="bookings").count() == 1
    assert AuditEntry.objects.filter(action="costs.item_changed", object_id=str(item.pk)).exists()


def test_no_priced_booking_is_a_clear_refusal(period, treasurer):
    with pytest.raises(ValidationError) as error:
        services.count_rental_income(period, by=treasurer)
    assert "no rental income" in " ".join(error.value.messages)
    assert not period.items.exists()


def test_ui_and_api(hall, space, treasurer, period, three_practices, client_for, api, member):
    guest_booking(hall, 3, 2)
    page = client_for(treasurer).get(f"/en/spaces/{space.slug}/costs/{period.pk}/")
    assert "guest booking with a price in this period brings €71.00 of rental income" in page.content.decode()
    posted = client_for(treasurer).post(
        f"/en/spaces/{space.slug}/costs/{period.pk}/items/rental-income/", {"key": "area"}
    )
    assert posted.status_code == 302
    assert period.items.get(source="bookings").key == "area"

    url = f"/api/v1/cost-periods/{period.pk}/rental-income"
    assert api(member).post(url, {"key": "equal"}, format="json").status_code == 403
    assert api(treasurer).post(url, {"key": "nonsense"}, format="json").status_code == 400
    response = api(treasurer).post(url, {"key": "equal"}, format="json")
    assert response.status_code == 200  # it existed: brought up to date
    assert response.json()["amount"] == "71.00" and response.json()["source"] == "bookings"
