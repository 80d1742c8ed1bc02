"""The API contract of issue 4."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from costs import services
from costs.models import CostItem, CostPeriod, Payment
from tests import factories as f

from .factories import CostItemFactory, CostPeriodFactory

D = Decimal
pytestmark = pytest.mark.django_db


def test_treasurer_opens_a_period_adds_items_reads_shares_and_closes(api, treasurer, space, three_practices):
    client = api(treasurer)

    opened = client.post(
        f"/api/v1/spaces/{space.pk}/cost-periods", {"start": "2026-01-01", "end": "2026-03-31"}, format="json"
    )
    period_id = opened.json()["id"]
    added = client.post(
        f"/api/v1/cost-periods/{period_id}/items",
        {"label": "Rent", "category": "rent", "amount": "1200.00", "key": "area"},
        format="json",
    )
    shares = client.get(f"/api/v1/cost-periods/{period_id}/shares")
    closed = client.post(f"/api/v1/cost-periods/{period_id}/close")

    assert (opened.status_code, added.status_code, shares.status_code, closed.status_code) == (201, 201, 200, 200)
    results = shares.json()["results"]
    assert [(r["practice"], r["practice_name"], r["amount"]) for r in results] == [
        (p.pk, p.name, amount) for p, amount in zip(three_practices, ["160.00", "400.00", "640.00"], strict=True)
    ]
    assert results[0]["breakdown"][0]["explanation"] == "Rent €1,200.00 × your 40 m² of 300 m² = €160.00"
    body = closed.json()
    assert body["period"]["status"] == "closed"
    assert [s["number"] for s in body["statements"]] == [1, 2, 3]


def test_item_with_bad_key_params_is_a_400_with_fields(api, treasurer, period, three_practices):
    response = api(treasurer).post(
        f"/api/v1/cost-periods/{period.pk}/items",
        {"label": "Insurance", "amount": "100", "key": "fixed", "key_params": {"percentages": {"999999": "100"}}},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {"key_params": ["Not a practice of this space: 999999."]}


def test_a_negative_cost_is_refused(api, treasurer, period):
    response = api(treasurer).post(
        f"/api/v1/cost-periods/{period.pk}/items", {"label": "Rent", "amount": "-5", "key": "area"}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["amount"]


def test_adding_to_a_closed_period_is_a_400_and_changes_nothing(api, treasurer, period, three_practices):
    CostItemFactory(period=period, key="equal")
    services.close_period(period, by=treasurer)

    response = api(treasurer).post(
        f"/api/v1/cost-periods/{period.pk}/items", {"label": "Late", "amount": "5", "key": "area"}, format="json"
    )

    assert response.status_code == 400
    assert CostItem.objects.count() == 1


def test_closing_twice_is_a_400(api, treasurer, period, three_practices):
    CostItemFactory(period=period, key="equal")
    api(treasurer).post(f"/api/v1/cost-periods/{period.pk}/close")

    again = api(treasurer).post(f"/api/v1/cost-periods/{period.pk}/close")

    assert again.status_code == 400
    assert again.json()["message"] == "This period is already closed."


def test_a_member_reads_shares_but_cannot_write(api, member, period):
    client = api(member)

    assert client.get(f"/api/v1/cost-periods/{period.pk}/shares").status_code == 200
    assert client.post(f"/api/v1/cost-periods/{period.pk}/close").status_code == 403
    assert CostPeriod.objects.get().status == "open"


def test_practice_statements_and_payments(api, treasurer, member, space, practice, period):
    space.memberships.update(start_date=datetime.date(2025, 1, 1))
    CostItemFactory(period=period, amount=D("90.00"), key="equal")
    (statement,) = services.close_period(period, by=treasurer)

    paid = api(treasurer).post(
        f"/api/v1/statements/{statement.pk}/payments", {"date": "2026-04-02", "amount": "40.00"}, format="json"
    )
    listed = api(member).get(f"/api/v1/practices/{practice.pk}/statements")
    member_pays = api(member).post(
        f"/api/v1/statements/{statement.pk}/payments", {"date": "2026-04-02", "amount": "40.00"}, format="json"
    )

    assert paid.status_code == 201
    (row,) = listed.json()["results"]
    assert (row["number"], row["amount"], row["paid"], row["outstanding"]) == (1, "90.00", "40.00", "50.00")
    assert member_pays.status_code == 403
    assert Payment.objects.count() == 1


def test_a_payment_of_zero_is_a_400(api, treasurer, space, practice, period):
    space.memberships.update(start_date=datetime.date(2025, 1, 1))
    CostItemFactory(period=period, key="equal")
    (statement,) = services.close_period(period, by=treasurer)

    response = api(treasurer).post(
        f"/api/v1/statements/{statement.pk}/payments", {"date": "2026-04-02", "amount": "0"}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["amount"]


@pytest.mark.parametrize("n", [1, 3])
def test_lists_do_not_grow_in_queries(n, api, treasurer, space, django_assert_num_queries):
    for i in range(n):
        p = f.PracticeFactory(name=f"P{i}")
        f.SpaceMembershipFactory(space=space, practice=p, start_date=datetime.date(2019, 1, 1))
    periods = []
    for i in range(n):
        period = CostPeriodFactory(
            space=space, start=datetime.date(2020 + i, 1, 1), end=datetime.date(2020 + i, 12, 31)
        )
        for key in ("area", "equal", "headcount"):
            CostItemFactory(period=period, key=key)
        periods.append(period)
    services.close_period(periods[0], by=treasurer)
    client = api(treasurer)
    practice_id = space.memberships.first().practice_id

    with django_assert_num_queries(6):
        client.get(f"/api/v1/spaces/{space.pk}/cost-periods")
    with django_assert_num_queries(5):
        client.get(f"/api/v1/cost-periods/{periods[-1].pk}/items")
    with django_assert_num_queries(10):
        client.get(f"/api/v1/cost-periods/{periods[-1].pk}/shares")
    with django_assert_num_queries(6):
        client.get(f"/api/v1/practices/{practice_id}/statements")
