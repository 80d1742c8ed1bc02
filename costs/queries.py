"""Reads used in several places: statements with what was paid, balances, overdue statements."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import DecimalField, F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from .models import CostSettings, Payment, Statement

MONEY = DecimalField(max_digits=14, decimal_places=2)


def with_paid(queryset):
    """Annotate ``paid`` (sum of payments) and ``outstanding`` (amount − paid) on statements, in one query."""
    paid = (
        Payment.objects.filter(statement=OuterRef("pk"))
        .order_by()
        .values("statement")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return queryset.annotate(
        paid=Coalesce(Subquery(paid, output_field=MONEY), Value(Decimal("0"), output_field=MONEY))
    ).annotate(outstanding=F("amount") - F("paid"))


def statements_for_space(space, practice_ids=None):
    qs = Statement.objects.filter(space=space).select_related("practice", "period")
    if practice_ids is not None:
        qs = qs.filter(practice_id__in=practice_ids)
    return with_paid(qs).order_by("-number")


def balances(statements) -> dict[int, Decimal]:
    """Outstanding per practice (positive: owes; negative: has paid too much), from annotated statements."""
    out: dict[int, Decimal] = {}
    for s in statements:
        out[s.practice_id] = out.get(s.practice_id, Decimal("0")) + s.outstanding
    return out


def overdue_statements(today: datetime.date):
    """Statements past their due date with money still owed, with the space's reminder interval."""
    every = CostSettings.objects.filter(space=OuterRef("space_id")).values("reminder_every_days")[:1]
    return (
        with_paid(Statement.objects.filter(due_date__lt=today).select_related("space", "practice", "period"))
        .filter(outstanding__gt=0)
        .annotate(space_settings_every=Coalesce(Subquery(every), Value(7)))
        .order_by("space_id", "number")
    )
