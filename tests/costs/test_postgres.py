"""Guarantees that need a real database: concurrent closes and the database-level freeze (PostgreSQL)."""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, connections, transaction

from costs import services
from costs.models import CostItem, CostPeriod, Statement, StatementCounter
from tests import factories as f

from .factories import CostItemFactory, CostPeriodFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def _run_at_once(*calls):
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as error:  # noqa: BLE001 - reported to the test
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_two_treasurers_closing_at_once_get_unique_gapless_numbers(space, treasurer, three_practices):
    other = f.MemberFactory(email="second-treasurer@example.org")
    f.RoleAssignmentFactory(space=space, member=other, role="treasurer")
    periods = []
    for month in (1, 2, 3, 4):
        start = datetime.date(2026, month, 1)
        period = CostPeriodFactory(space=space, kind="month", start=start, end=start + datetime.timedelta(days=27))
        CostItemFactory(period=period, amount=Decimal("300.00"), key="equal")
        periods.append(period)

    results = _run_at_once(
        *[
            lambda p=p, by=by: services.close_period(p, by=by)
            for p, by in zip(periods, [treasurer, other] * 2, strict=True)
        ]
    )

    assert not [r for r in results if isinstance(r, Exception)]
    numbers = sorted(Statement.objects.filter(space=space).values_list("number", flat=True))
    assert numbers == list(range(1, 13))
    assert StatementCounter.objects.get(space=space).last_number == 12


@pytest.mark.django_db(transaction=True)
def test_the_same_period_closed_twice_at_once_is_closed_once(space, treasurer, three_practices):
    other = f.MemberFactory(email="second-treasurer@example.org")
    f.RoleAssignmentFactory(space=space, member=other, role="treasurer")
    period = CostPeriodFactory(space=space)
    CostItemFactory(period=period, amount=Decimal("300.00"), key="equal")

    results = _run_at_once(
        lambda: services.close_period(period, by=treasurer), lambda: services.close_period(period, by=other)
    )

    assert sorted(type(r).__name__ for r in results) == ["ValidationError", "list"]
    assert sorted(Statement.objects.values_list("number", flat=True)) == [1, 2, 3]


@pytest.mark.django_db
def test_the_database_refuses_changes_to_a_closed_period(space, treasurer, period, three_practices):
    item = CostItemFactory(period=period, amount=Decimal("300.00"), key="equal")
    statement = services.close_period(period, by=treasurer)[0]

    for attempt in (
        lambda: CostItem.objects.filter(pk=item.pk).update(amount=1),
        lambda: CostItem.objects.filter(pk=item.pk).delete(),
        lambda: CostItem.objects.bulk_create([CostItem(period=period, label="x", amount=1, key="area")]),
        lambda: CostPeriod.objects.filter(pk=period.pk).update(status="open", closed_at=None),
        lambda: Statement.objects.filter(pk=statement.pk).update(amount=1),
        lambda: Statement.objects.filter(pk=statement.pk).delete(),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            attempt()

    item.refresh_from_db()
    assert item.amount == Decimal("300.00")
    Statement.objects.filter(pk=statement.pk).update(last_reminded_at=datetime.datetime.now(datetime.UTC))


@pytest.mark.django_db
def test_closing_fails_as_a_whole_on_postgres(monkeypatch, space, treasurer, period, three_practices):
    CostItemFactory(period=period, amount=Decimal("300.00"), key="equal")
    monkeypatch.setattr(Statement.objects, "bulk_create", lambda *a, **k: (_ for _ in ()).throw(IntegrityError("boom")))

    with pytest.raises(IntegrityError):
        services.close_period(period, by=treasurer)

    period.refresh_from_db()
    assert period.status == "open"
    assert not Statement.objects.exists()
    assert services.add_item(period, by=treasurer, label="Still open", category="other", amount="1", key="area").pk
