"""The money guarantees: largest-remainder rounding and solidarity, including property-based tests."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from costs import money

D = Decimal


def test_largest_remainder_gives_the_leftover_cents_to_the_largest_remainders():
    parts = money.largest_remainder(D("100.00"), {"a": D(1), "b": D(1), "c": D(1)})

    assert parts == {"a": D("33.34"), "b": D("33.33"), "c": D("33.33")}


def test_largest_remainder_follows_the_example_of_the_issue():
    parts = money.largest_remainder(D("1200.00"), {"us": D(42), "others": D(268)})

    assert parts == {"us": D("162.58"), "others": D("1037.42")}


def test_largest_remainder_splits_a_negative_total_as_its_opposite():
    parts = money.largest_remainder(D("-10.00"), {"a": D(1), "b": D(2)})

    assert parts == {"a": D("-3.33"), "b": D("-6.67")}


def test_largest_remainder_splits_equally_when_every_weight_is_zero():
    assert money.largest_remainder(D("1.00"), {"a": D(0), "b": D(0)}) == {"a": D("0.50"), "b": D("0.50")}


def test_solidarity_moves_money_by_coefficient_and_keeps_the_total():
    base = {"collective": D("100.00"), "company": D("100.00")}

    after = money.solidarity(base, {"collective": D("0.5"), "company": D("1.5")})

    assert after == {"collective": D("50.00"), "company": D("150.00")}


def test_solidarity_respects_floors_and_caps():
    base = {"a": D("100.00"), "b": D("100.00"), "c": D("100.00")}

    after = money.solidarity(base, {"a": D("0.1"), "b": D("1"), "c": D("3")}, {"a": D("50")}, {"c": D("150")})

    assert after == {"a": D("50.00"), "b": D("100.00"), "c": D("150.00")}


def test_solidarity_sets_aside_floors_that_exceed_the_total():
    after = money.solidarity({"a": D("10.00"), "b": D("10.00")}, {}, {"a": D("15"), "b": D("15")})

    assert after == {"a": D("10.00"), "b": D("10.00")}


amounts = st.decimals(min_value=D("0.00"), max_value=D("100000.00"), places=2)
weights = st.decimals(min_value=D("0"), max_value=D("5000"), places=2)
coefficients = st.decimals(min_value=D("0"), max_value=D("3"), places=3)


@settings(max_examples=300, deadline=None)
@given(total=amounts, ws=st.lists(weights, min_size=1, max_size=30))
def test_property_parts_add_up_are_not_negative_and_follow_the_weights(total, ws):
    parts = money.largest_remainder(total, dict(enumerate(ws)))

    assert sum(parts.values()) == total
    assert all(p >= 0 for p in parts.values())
    for i, wi in enumerate(ws):
        for j, wj in enumerate(ws):
            if wi > wj:
                assert parts[i] >= parts[j]


@settings(max_examples=300, deadline=None)
@given(
    data=st.lists(
        st.tuples(
            amounts,
            coefficients,
            st.none() | st.decimals(min_value=D("0"), max_value=D("5000"), places=2),
            st.none() | st.decimals(min_value=D("0"), max_value=D("50000"), places=2),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_property_solidarity_creates_no_money_and_no_negative_share(data):
    base = {i: b for i, (b, _c, _f, _cap) in enumerate(data)}
    coefficient = {i: c for i, (_b, c, _f, _cap) in enumerate(data)}
    floors = {i: f for i, (_b, _c, f, cap) in enumerate(data) if f is not None and (cap is None or cap >= f)}
    caps = {i: cap for i, (_b, _c, f, cap) in enumerate(data) if cap is not None and (f is None or cap >= f)}

    after = money.solidarity(base, coefficient, floors, caps)

    assert sum(after.values()) == sum(base.values())
    assert all(v >= 0 for v in after.values())


@settings(max_examples=200, deadline=None)
@given(bases=st.lists(amounts, min_size=1, max_size=20))
def test_property_equal_coefficients_change_nothing(bases):
    base = dict(enumerate(bases))

    assert money.solidarity(base, dict.fromkeys(base, D("1.5"))) == base
