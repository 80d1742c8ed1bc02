"""Allocation keys, pro rata temporis, solidarity, income and corrections on real rows."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bookings.models import Booking
from costs import services, shares
from costs.explain import explain
from costs.models import CostItem, Headcount
from tests import factories as f

from .factories import ContributionFactory, CostItemFactory, CostPeriodFactory

D = Decimal
pytestmark = pytest.mark.django_db


def amounts(result):
    return {s.name: s.amount for s in result.shares}


def test_area_key_shares_in_proportion_to_dedicated_area(period, three_practices):
    CostItemFactory(period=period, label="Rent", amount=D("1200.00"), key=CostItem.Key.AREA)

    result = shares.compute(period)

    assert amounts(result) == {"Alpha": D("160.00"), "Beta": D("400.00"), "Gamma": D("640.00")}


def test_area_key_counts_a_membership_that_starts_inside_the_period_pro_rata(space, period, three_practices):
    late = f.PracticeFactory(name="Delta")
    f.SpaceMembershipFactory(space=space, practice=late, area_m2=100, start_date=datetime.date(2026, 2, 15))
    CostItemFactory(period=period, amount=D("900.00"), key=CostItem.Key.AREA)

    result = shares.compute(period)

    # Delta: 100 m² for 45 of 90 days = 50 m²; 350 m² in all.
    assert amounts(result) == {
        "Alpha": D("102.86"),
        "Beta": D("257.14"),
        "Delta": D("128.57"),
        "Gamma": D("411.43"),
    }
    assert sum(amounts(result).values()) == D("900.00")


def test_a_membership_that_ends_before_the_period_counts_for_nothing(space, period, three_practices):
    gone = f.PracticeFactory(name="Gone")
    f.SpaceMembershipFactory(
        space=space,
        practice=gone,
        area_m2=500,
        start_date=datetime.date(2025, 1, 1),
        end_date=datetime.date(2025, 12, 31),
    )
    CostItemFactory(period=period, amount=D("300.00"), key=CostItem.Key.EQUAL)

    result = shares.compute(period)

    assert amounts(result) == {"Alpha": D("100.00"), "Beta": D("100.00"), "Gamma": D("100.00")}


def test_headcount_key_uses_members_or_the_stored_headcount(period, three_practices):
    alpha, beta, gamma = three_practices
    for practice, n in ((alpha, 1), (beta, 3)):
        for _ in range(n):
            f.PracticeMemberFactory(practice=practice)
    Headcount.objects.create(period=period, practice=gamma, people=6)
    CostItemFactory(period=period, label="Coffee", amount=D("100.00"), key=CostItem.Key.HEADCOUNT)

    result = shares.compute(period)

    assert amounts(result) == {"Alpha": D("10.00"), "Beta": D("30.00"), "Gamma": D("60.00")}


def test_fixed_key_uses_the_agreed_percentages(period, three_practices):
    alpha, beta, gamma = three_practices
    CostItemFactory(
        period=period,
        amount=D("1000.00"),
        key=CostItem.Key.FIXED,
        key_params={"percentages": {str(alpha.pk): "12.5", str(beta.pk): "37.5", str(gamma.pk): "50"}},
    )

    assert amounts(shares.compute(period)) == {"Alpha": D("125.00"), "Beta": D("375.00"), "Gamma": D("500.00")}


def _book(resource, practice, start, hours, status=Booking.Status.CONFIRMED):
    return Booking.objects.create(
        resource=resource,
        practice=practice,
        start=start,
        end=start + datetime.timedelta(hours=hours),
        status=status,
    )


def test_hours_key_counts_confirmed_bookings_in_the_period_with_resource_weights(space, period, three_practices):
    alpha, beta, gamma = three_practices
    hall = f.ResourceFactory(space=space, name="Hall")
    room = f.ResourceFactory(space=space, name="Small room")
    tz = space.tz
    _book(hall, alpha, datetime.datetime(2026, 1, 5, 9, tzinfo=tz), 3)  # 3 h × 2 = 6
    _book(room, beta, datetime.datetime(2026, 1, 6, 9, tzinfo=tz), 6)  # 6 h × 1 = 6
    _book(room, beta, datetime.datetime(2025, 12, 31, 22, tzinfo=tz), 4)  # 2 h inside the period
    _book(hall, gamma, datetime.datetime(2026, 1, 7, 9, tzinfo=tz), 5, status=Booking.Status.CANCELLED)
    _book(hall, gamma, datetime.datetime(2026, 4, 1, 9, tzinfo=tz), 5)  # after the period
    CostItemFactory(
        period=period,
        label="Heating",
        amount=D("140.00"),
        key=CostItem.Key.HOURS,
        key_params={"weights": {str(hall.pk): "2"}},
    )

    result = shares.compute(period)

    # alpha 6 weighted hours, beta 8, gamma 0 (of 14).
    assert amounts(result) == {"Alpha": D("60.00"), "Beta": D("80.00"), "Gamma": D("0.00")}
    line = result.for_practice(beta.pk).lines[0]
    assert line.detail["hours"] == D("8.0000")


def test_hours_key_with_nobody_booked_falls_back_to_equal_shares(period, three_practices):
    CostItemFactory(period=period, label="Heating", amount=D("100.00"), key=CostItem.Key.HOURS)

    result = shares.compute(period)

    assert amounts(result) == {"Alpha": D("33.34"), "Beta": D("33.33"), "Gamma": D("33.33")}
    assert len(result.warnings) == 1


def test_income_lowers_everyones_share(period, three_practices):
    CostItemFactory(period=period, amount=D("300.00"), key=CostItem.Key.EQUAL)
    CostItemFactory(
        period=period, kind=CostItem.Kind.INCOME, label="Hall hire", amount=D("90.00"), key=CostItem.Key.EQUAL
    )

    result = shares.compute(period)

    assert amounts(result) == {"Alpha": D("70.00"), "Beta": D("70.00"), "Gamma": D("70.00")}
    assert result.total == D("210.00")


def test_solidarity_transfers_add_up_to_zero(space, period, three_practices):
    alpha, beta, gamma = three_practices
    ContributionFactory(space=space, practice=alpha, coefficient=D("0.5"))
    ContributionFactory(space=space, practice=gamma, coefficient=D("1.5"))
    CostItemFactory(period=period, amount=D("300.00"), key=CostItem.Key.EQUAL)

    result = shares.compute(period)

    # weights 0.5, 1, 1.5 of 3.
    assert amounts(result) == {"Alpha": D("50.00"), "Beta": D("100.00"), "Gamma": D("150.00")}
    assert {s.name: s.transfer for s in result.shares} == {
        "Alpha": D("-50.00"),
        "Beta": D("0.00"),
        "Gamma": D("50.00"),
    }


def test_explanation_reads_like_the_issue_in_english_and_french(space, period):
    us = f.PracticeFactory(name="Us")
    f.SpaceMembershipFactory(space=space, practice=us, area_m2=42, start_date=datetime.date(2025, 1, 1))
    others = f.PracticeFactory(name="Others")
    f.SpaceMembershipFactory(space=space, practice=others, area_m2=268, start_date=datetime.date(2025, 1, 1))
    CostItemFactory(period=period, label="Rent", amount=D("1200.00"), key=CostItem.Key.AREA)
    line = shares.compute(period).for_practice(us.pk).lines[0].as_dict()

    with translation.override("en"):
        english = explain(line)

    assert english == "Rent €1,200.00 × your 42 m² of 310 m² = €162.58"
    with translation.override("fr"):
        assert "1\u202f200,00\xa0€" in explain(line) or "1.200,00\xa0€" in explain(line)


def test_correction_goes_to_the_corrected_practice_only(space, treasurer, three_practices):
    alpha = three_practices[0]
    q1 = CostPeriodFactory(space=space, start=datetime.date(2026, 1, 1), end=datetime.date(2026, 3, 31))
    CostItemFactory(period=q1, amount=D("300.00"), key=CostItem.Key.EQUAL)
    statement = next(s for s in services.close_period(q1, by=treasurer) if s.practice_id == alpha.pk)
    q2 = services.open_period(space, by=treasurer, start=datetime.date(2026, 4, 1), kind="quarter")
    services.add_item(q2, by=treasurer, label="Rent", category="rent", amount="300", key="equal")
    services.add_item(
        q2, by=treasurer, kind="correction", label="Refund", category="rent", amount="-20.00", corrects=statement
    )

    result = shares.compute(q2)

    assert amounts(result) == {"Alpha": D("80.00"), "Beta": D("100.00"), "Gamma": D("100.00")}


keys = st.sampled_from(["area", "equal", "headcount", "hours"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    members=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=400),  # area
            st.integers(min_value=-30, max_value=80),  # starts this many days into the period
            st.integers(min_value=0, max_value=3),  # people
            st.integers(min_value=0, max_value=12),  # hours booked
            st.sampled_from([D("1"), D("0.5"), D("1.5"), D("0"), D("2.25")]),
        ),
        min_size=1,
        max_size=6,
    ),
    items=st.lists(
        st.tuples(keys, st.decimals(min_value=D("0.01"), max_value=D("99999.99"), places=2)), min_size=1, max_size=5
    ),
    use_coefficients=st.booleans(),
)
def test_property_shares_add_up_to_the_costs_to_the_cent(db, members, items, use_coefficients):
    space = f.SpaceFactory()
    period = CostPeriodFactory(space=space)
    room = f.ResourceFactory(space=space)
    rows = []
    for i, (area, offset, people, hours, coefficient) in enumerate(members):
        practice = f.PracticeFactory(name=f"P{i}")
        start = period.start + datetime.timedelta(days=offset)
        f.SpaceMembershipFactory(space=space, practice=practice, area_m2=area, start_date=start)
        for _ in range(people):
            f.PracticeMemberFactory(practice=practice)
        if hours:
            _book(room, practice, datetime.datetime(2026, 3, 1, 0, tzinfo=space.tz) + datetime.timedelta(days=i), hours)
        if use_coefficients:
            ContributionFactory(space=space, practice=practice, coefficient=coefficient)
        rows.append((practice, area, offset, hours))
    for key, amount in items:
        CostItemFactory(period=period, key=key, amount=amount)

    result = shares.compute(period)

    total = sum((amount for _key, amount in items), D("0"))
    present = [r for r in rows if r[2] < period.days]
    if present:
        assert result.total == total
    assert all(s.amount >= 0 for s in result.shares)
    assert sum((s.transfer for s in result.shares), D("0")) == 0
    if not use_coefficients:
        by_id = {s.practice_id: s.amount for s in result.shares}
        # Under the area key alone, more area (for the same days) never pays less.
        if all(k == "area" for k, _a in items):
            for p1, a1, o1, _h1 in rows:
                for p2, a2, o2, _h2 in rows:
                    if o1 == o2 and a1 > a2 and p1.pk in by_id and p2.pk in by_id:
                        assert by_id[p1.pk] >= by_id[p2.pk]
        if all(k == "hours" for k, _a in items):
            for p1, _a1, o1, h1 in rows:
                for p2, _a2, o2, h2 in rows:
                    if h1 > h2 and p1.pk in by_id and p2.pk in by_id and o1 <= 0 and o2 <= 0:
                        assert by_id[p1.pk] >= by_id[p2.pk]
