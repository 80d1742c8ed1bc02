"""Each unmet request says what blocked it; no reasons before a finished run; hand placement names the holder."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from allocation import services
from allocation.models import AllocationRound, Entitlement
from bookings.models import Booking
from costs import services as costs
from costs.models import CostPeriod

from .conftest import ask, window

pytestmark = pytest.mark.django_db


def _solve(round_, coordinator):
    services.close_requests_now(round_, by=coordinator)
    services.compute(round_, by=coordinator)


def _unmet(data):
    return [u for p in data["practices"] for u in p["unmet"]]


def test_unmet_request_names_the_practice_that_got_the_slot(
    round_, rooms, member, practice, second_member, second_practice, coordinator
):
    round_.resources.set(rooms[:1])
    one = {"resources": rooms[:1], "duration_minutes": 120, "windows": [window(0, "18:00", "20:00")]}
    ask(round_, member, practice, priority=5, **one)
    ask(round_, second_member, second_practice, priority=5, **one)
    _solve(round_, coordinator)

    data = services.result(round_)

    (unmet,) = _unmet(data)
    other = practice if unmet["request"].practice_id == second_practice.pk else second_practice
    assert [b["kind"] for b in unmet["blockers"]] == ["other_practices"]
    assert unmet["blockers"][0]["practice"] == other.name
    assert other.name in unmet["why"]


def test_unmet_request_names_the_booking_and_its_date(round_, rooms, member, practice, coordinator):
    round_.resources.set(rooms[:1])
    tz = round_.space.tz
    for day in (1, 8, 15, 22):
        start = dt.datetime(2031, 9, day, 18, tzinfo=tz)
        Booking.objects.create(
            resource=rooms[0],
            start=start,
            end=start + dt.timedelta(hours=2),
            blocked_start=start,
            blocked_end=start + dt.timedelta(hours=2),
            title="Choir",
        )
    ask(round_, member, practice, resources=rooms[:1], windows=[window(0, "18:00", "20:00")])
    _solve(round_, coordinator)

    data = services.result(round_)

    (unmet,) = _unmet(data)
    kinds = {(b["kind"], b["label"], b["date"]) for b in unmet["blockers"]}
    assert ("booking", "Choir", dt.date(2031, 9, 1)) in kinds
    assert "Choir" in unmet["why"]
    assert unmet["reason"] == "no_free_room"


def test_no_reasons_before_a_finished_run(api, round_, member, practice, coordinator):
    ask(round_, member, practice)

    data = services.result(round_)
    body = api(member).get(f"/api/v1/allocation-rounds/{round_.pk}/result").json()

    assert [(u["reason"], u["why"], u["blockers"]) for u in _unmet(data)] == [(None, "", [])]
    assert [(u["reason"], u["why"], u["blockers"]) for p in body["practices"] for u in p["unmet"]] == [(None, "", [])]


def test_api_result_lists_blockers(api, round_, rooms, member, practice, second_member, second_practice, coordinator):
    round_.resources.set(rooms[:1])
    one = {"resources": rooms[:1], "duration_minutes": 120, "windows": [window(0, "18:00", "20:00")]}
    ask(round_, member, practice, **one)
    ask(round_, second_member, second_practice, **one)
    _solve(round_, coordinator)

    body = api(member).get(f"/api/v1/allocation-rounds/{round_.pk}/result").json()

    (unmet,) = [u for p in body["practices"] for u in p["unmet"]]
    assert unmet["blockers"][0]["kind"] == "other_practices"
    assert set(unmet["blockers"][0]) == {"kind", "label", "date", "slot", "practice"}


def test_place_by_hand_names_the_practice_holding_the_slot(
    round_, rooms, member, practice, second_member, second_practice, coordinator
):
    round_.resources.set(rooms[:1])
    one = {"resources": rooms[:1], "duration_minutes": 120, "windows": [window(0, "18:00", "20:00")]}
    ask(round_, member, practice, **one)
    ask(round_, second_member, second_practice, **one)
    _solve(round_, coordinator)
    data = services.result(round_)
    (unmet,) = _unmet(data)
    holder = practice if unmet["request"].practice_id == second_practice.pk else second_practice

    with pytest.raises(ValidationError) as error:
        services.place_by_hand(unmet["request"], by=coordinator, resource=rooms[0], weekday=0, start=dt.time(18))

    assert holder.name in error.value.message_dict["start"][0]
    assert "closed or already booked" not in error.value.message_dict["start"][0]


def test_entitlement_by_contribution_follows_the_latest_closed_cost_period(
    space, rooms, coordinator, practice, second_practice, client_for
):
    period = CostPeriod.objects.create(space=space, start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31))
    costs.add_item(
        period,
        by=coordinator,
        label="Rent",
        category="rent",
        amount="1000",
        key="fixed",
        key_params={"percentages": {str(practice.pk): 75, str(second_practice.pk): 25}},
    )
    costs.close_period(period, by=coordinator)

    round_ = services.create_round(
        space,
        by=coordinator,
        name="By contribution",
        resources=rooms,
        season_start=dt.date(2031, 9, 1),
        season_end=dt.date(2031, 9, 28),
        deadline=dt.datetime(2031, 8, 1, tzinfo=dt.UTC),
        entitlement_rule=AllocationRound.EntitlementRule.CONTRIBUTION,
    )

    weights = dict(Entitlement.objects.filter(round=round_).values_list("practice_id", "weight"))
    assert weights[practice.pk] == Decimal("75.00")
    assert weights[second_practice.pk] == Decimal("25.00")
    page = client_for(coordinator).get(f"/en/spaces/{space.slug}/allocation/{round_.pk}/entitlements/")
    assert "the latest closed cost period" in page.content.decode()


def test_entitlement_by_contribution_without_a_closed_period_is_equal(
    space, rooms, coordinator, practice, second_practice, client_for
):
    round_ = services.create_round(
        space,
        by=coordinator,
        name="By contribution",
        resources=rooms,
        season_start=dt.date(2031, 9, 1),
        season_end=dt.date(2031, 9, 28),
        deadline=dt.datetime(2031, 8, 1, tzinfo=dt.UTC),
        entitlement_rule=AllocationRound.EntitlementRule.CONTRIBUTION,
    )

    assert set(Entitlement.objects.filter(round=round_).values_list("weight", flat=True)) == {Decimal("1.00")}
    page = client_for(coordinator).get(f"/en/spaces/{space.slug}/allocation/{round_.pk}/")
    assert "no closed cost period yet, so every practice counts equally" in page.content.decode()
