"""Computing a period's shares: the allocation keys, solidarity, income and corrections.

``compute(period)`` reads everything it needs in a few queries (no query per practice or per item) and returns
each practice's share with its lines; ``explain(line, …)`` turns a line into a sentence in the reader's language.
"""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.db.models import BigIntegerField, Case, Count, DateTimeField, F, Func, Q, Sum, Value, When
from django.db.models.functions import Greatest, Least
from django.utils.translation import gettext as _

from community.models import Practice, PracticeMember
from spaces.models import SpaceMembership

from . import money
from .models import Contribution, CostItem, CostPeriod, Headcount

ZERO = Decimal("0")
HOUR = datetime.timedelta(hours=1)


@dataclass
class Line:
    item_id: int | None
    label: str
    kind: str  # cost / income / correction / solidarity
    category: str
    key: str
    item_amount: Decimal
    amount: Decimal
    weight: Decimal = ZERO
    total_weight: Decimal = ZERO
    detail: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "item": self.item_id,
            "label": self.label,
            "kind": self.kind,
            "category": self.category,
            "key": self.key,
            "item_amount": str(self.item_amount),
            "amount": str(self.amount),
            "weight": str(self.weight),
            "total_weight": str(self.total_weight),
            "detail": {k: str(v) if isinstance(v, Decimal) else v for k, v in self.detail.items()},
        }


@dataclass
class PracticeShare:
    practice_id: int
    name: str
    language: str
    coefficient: Decimal = Decimal("1")
    base: Decimal = ZERO  # costs under the keys, before solidarity
    transfer: Decimal = ZERO  # solidarity: + pays more, − pays less
    income: Decimal = ZERO  # ≤ 0
    corrections: Decimal = ZERO
    amount: Decimal = ZERO
    # Cost lines are kept compact and turned into Line objects only when read (1,000 practices × 50 items).
    _raw: list[tuple] = field(default_factory=list, repr=False)
    _extra: list[Line] = field(default_factory=list, repr=False)
    _lines: list[Line] | None = field(default=None, repr=False)

    @property
    def lines(self) -> list[Line]:
        if self._lines is None:
            self._lines = [
                Line(
                    item.pk,
                    item.label,
                    item.kind,
                    item.category,
                    item.key,
                    item.amount,
                    part,
                    weight,
                    total_weight,
                    {**detail, "fallback": True} if fallback else dict(detail),
                )
                for item, part, weight, total_weight, detail, fallback in self._raw
            ] + self._extra
        return self._lines


@dataclass
class PeriodShares:
    period: CostPeriod
    total_costs: Decimal
    total_income: Decimal
    total_corrections: Decimal
    shares: list[PracticeShare]
    warnings: list[str] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((s.amount for s in self.shares), ZERO)

    def for_practice(self, practice_id: int) -> PracticeShare | None:
        return next((s for s in self.shares if s.practice_id == practice_id), None)


def period_bounds(period: CostPeriod) -> tuple[datetime.datetime, datetime.datetime]:
    """The period as aware datetimes [first day 00:00, day after the last 00:00) in the space's time zone."""
    tz = period.space.tz
    start = datetime.datetime.combine(period.start, datetime.time(), tzinfo=tz)
    end = datetime.datetime.combine(period.end + datetime.timedelta(days=1), datetime.time(), tzinfo=tz)
    return start, end


def presence(period: CostPeriod) -> tuple[dict[int, int], dict[int, Decimal], dict[int, Decimal]]:
    """Per practice: days present in the period, area × days, and the (last) dedicated area, pro rata temporis."""
    days: dict[int, int] = defaultdict(int)
    area_days: dict[int, Decimal] = defaultdict(lambda: ZERO)
    area: dict[int, Decimal] = {}
    rows = (
        SpaceMembership.objects.filter(space_id=period.space_id, start_date__lte=period.end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=period.start))
        .order_by("start_date")
        .values_list("practice_id", "start_date", "end_date", "area_m2")
    )
    for practice_id, start, end, area_m2 in rows:
        first = max(start, period.start)
        last = min(end or period.end, period.end)
        n = (last - first).days + 1
        if n <= 0:
            continue
        days[practice_id] = min(days[practice_id] + n, period.days)
        area_days[practice_id] += Decimal(area_m2) * n
        area[practice_id] = Decimal(area_m2)
    return dict(days), dict(area_days), area


def booked_hours(period: CostPeriod, split=None) -> dict[int, dict[int | None, int]]:
    """Seconds of confirmed bookings in the period, per practice and resource (cut at the period's edges).

    With ``split`` (the resources that some item weighs), the other resources are summed together under ``None``,
    which keeps the result small."""
    Booking = apps.get_model("bookings", "Booking")
    start, end = period_bounds(period)
    base = Booking.objects.filter(
        resource__space_id=period.space_id,
        status=Booking.Status.CONFIRMED,
        practice__isnull=False,
        start__lt=end,
        end__gt=start,
    )
    hours: dict[int, dict[int, int]] = defaultdict(dict)
    if split is None:
        base = base.values_list("practice_id", "resource_id")
    elif split:
        base = base.annotate(
            group_resource=Case(
                When(resource_id__in=sorted(split), then=F("resource_id")), default=None, output_field=BigIntegerField()
            )
        ).values_list("practice_id", "group_resource")
    else:
        base = base.annotate(group_resource=Value(None, output_field=BigIntegerField())).values_list(
            "practice_id", "group_resource"
        )
    rows = base.annotate(
        seconds=Sum(
            Seconds(
                Greatest("start", Value(start, output_field=DateTimeField())),
                Least("end", Value(end, output_field=DateTimeField())),
            )
        )
    ).order_by()
    for practice_id, resource_id, seconds in rows:
        hours[practice_id][resource_id] = int(
            seconds.total_seconds() if hasattr(seconds, "total_seconds") else seconds or 0
        )
    return hours


class Seconds(Func):
    """Whole seconds from ``start`` to ``end``, computed in the database (no per-row Python on SQLite)."""

    output_field = BigIntegerField()

    def __init__(self, start, end):
        super().__init__(start, end)

    def as_sql(self, compiler, connection, **extra):
        start, end = (compiler.compile(e) for e in self.source_expressions)
        return f"EXTRACT(EPOCH FROM ({end[0]} - {start[0]}))::bigint", [*end[1], *start[1]]

    def as_sqlite(self, compiler, connection, **extra):
        start, end = (compiler.compile(e) for e in self.source_expressions)
        sql = f"(CAST(strftime('%%s', {end[0]}) AS INTEGER) - CAST(strftime('%%s', {start[0]}) AS INTEGER))"
        return sql, [*end[1], *start[1]]


def headcounts(period: CostPeriod, practice_ids) -> dict[int, int]:
    stored = dict(Headcount.objects.filter(period=period).values_list("practice_id", "people"))
    counted = dict(
        PracticeMember.objects.filter(practice_id__in=practice_ids)
        .values("practice_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("practice_id", "n")
    )
    return {p: stored.get(p, counted.get(p, 0)) for p in practice_ids}


def _weights(item: CostItem, ctx: dict) -> tuple[dict[int, Decimal], dict[int, dict]]:
    """The key's weight per practice, and what to say about it (computed once per key and parameters)."""
    cache = ctx.setdefault("weight_cache", {})
    cache_key = (item.key, json.dumps(item.key_params or {}, sort_keys=True))
    if cache_key not in cache:
        cache[cache_key] = _compute_weights(item, ctx)
    return cache[cache_key]


def _compute_weights(item: CostItem, ctx: dict) -> tuple[dict[int, Decimal], dict[int, dict]]:
    present: list[int] = ctx["present"]
    days: dict[int, int] = ctx["days"]
    period_days: int = ctx["period_days"]
    key = item.key
    params = item.key_params or {}
    weights: dict[int, Decimal] = {}
    details: dict[int, dict] = {}
    if key == CostItem.Key.AREA:
        for p in present:
            weights[p] = ctx["area_days"].get(p, ZERO) / period_days
            details[p] = {"area": ctx["area"].get(p, ZERO), "days": days[p], "period_days": period_days}
    elif key == CostItem.Key.EQUAL:
        for p in present:
            weights[p] = Decimal(days[p]) / period_days
            details[p] = {"days": days[p], "period_days": period_days}
    elif key == CostItem.Key.HEADCOUNT:
        counts = ctx["headcounts"]
        for p in present:
            weights[p] = Decimal(counts.get(p, 0)) * days[p] / period_days
            details[p] = {"people": counts.get(p, 0), "days": days[p], "period_days": period_days}
    elif key == CostItem.Key.HOURS:
        if ctx.get("hours") is None:
            ctx["hours"] = booked_hours(ctx["period"], ctx["weighted_resources"])
            ctx["plain_hours"] = {p: Decimal(sum(by_r.values())) / 3600 for p, by_r in ctx["hours"].items()}
            ctx["shown_hours"] = {p: h.quantize(Decimal("0.0001")) for p, h in ctx["plain_hours"].items()}
            ctx["weighted_hours"] = {}
        raw = params.get("weights") or {}
        cache_key = tuple(sorted(raw.items()))
        if cache_key not in ctx["weighted_hours"]:
            resource_weights = {int(k): Decimal(str(v)) for k, v in raw.items()}
            ctx["weighted_hours"][cache_key] = (
                {
                    p: sum((h * resource_weights.get(r, 1) for r, h in by_r.items()), ZERO) / 3600
                    for p, by_r in ctx["hours"].items()
                }
                if resource_weights
                else ctx["plain_hours"]
            )
        weighted = ctx["weighted_hours"][cache_key]
        shown = ctx["shown_hours"]
        flag = bool(raw)
        for p in present:
            weights[p] = weighted.get(p, ZERO)
            details[p] = {"hours": shown.get(p, ZERO), "weighted": flag}
    elif key == CostItem.Key.FIXED:
        for k, v in (params.get("percentages") or {}).items():
            weights[int(k)] = Decimal(str(v))
            details[int(k)] = {"percent": Decimal(str(v))}
    return weights, details


def compute(period: CostPeriod, items=None) -> PeriodShares:
    """Each practice's share of the period: keys per item (each rounded once), then solidarity, then income and
    corrections. The shares add up to costs − income + corrections, to the cent."""
    if items is None:
        items = list(period.items.select_related("corrects").order_by("kind", "id"))
    days, area_days, area = presence(period)
    present = sorted(p for p, n in days.items() if n > 0)
    extra_ids = {i.corrects.practice_id for i in items if i.kind == CostItem.Kind.CORRECTION and i.corrects_id}
    for i in items:
        if i.key == CostItem.Key.FIXED:
            extra_ids |= {int(k) for k in (i.key_params or {}).get("percentages", {})}
    practice_ids = sorted(set(present) | extra_ids)
    practices = {
        p.pk: p for p in Practice.objects.filter(pk__in=practice_ids).only("id", "name", "language").order_by("name")
    }
    contributions = {
        c.practice_id: c for c in Contribution.objects.filter(space_id=period.space_id, practice_id__in=practice_ids)
    }
    ctx = {
        "period": period,
        "present": present,
        "days": days,
        "area_days": area_days,
        "area": area,
        "period_days": period.days,
        "headcounts": headcounts(period, present) if any(i.key == CostItem.Key.HEADCOUNT for i in items) else {},
        "hours": None,
        "weighted_resources": {
            int(r) for i in items if i.key == CostItem.Key.HOURS for r in (i.key_params or {}).get("weights", {})
        },
    }
    shares = {
        p: PracticeShare(
            practice_id=p,
            name=practices[p].name,
            language=practices[p].language,
            coefficient=contributions[p].coefficient if p in contributions else Decimal("1"),
        )
        for p in practice_ids
        if p in practices
    }
    warnings: list[str] = []
    total_costs = total_income = total_corrections = ZERO
    later: list[tuple[int, Line]] = []
    for item in items:
        if item.kind == CostItem.Kind.CORRECTION:
            total_corrections += item.amount
            p = item.corrects.practice_id
            later.append(
                (
                    p,
                    Line(
                        item.pk,
                        item.label,
                        item.kind,
                        item.category,
                        item.key,
                        item.amount,
                        item.amount,
                        detail={"statement": item.corrects.number},
                    ),
                )
            )
            continue
        weights, details = _weights(item, ctx)
        if not weights:
            warnings.append(
                _("Nobody to share “%(label)s” with: no practice is present in this period.") % {"label": item.label}
            )
            continue
        total_weight = sum(weights.values(), ZERO)
        fallback = total_weight == 0
        if fallback:
            warnings.append(
                _("“%(label)s”: the key gives nobody a share, so it is shared equally.") % {"label": item.label}
            )
        parts = money.largest_remainder(item.amount, weights)
        sign = -1 if item.kind == CostItem.Kind.INCOME else 1
        if item.kind == CostItem.Kind.INCOME:
            total_income += item.amount
        else:
            total_costs += item.amount
        if item.kind == CostItem.Kind.INCOME:
            for p, part in parts.items():
                if p in shares:
                    later.append(
                        (
                            p,
                            Line(
                                item.pk,
                                item.label,
                                item.kind,
                                item.category,
                                item.key,
                                item.amount,
                                sign * part,
                                weights[p],
                                total_weight,
                                {**details.get(p, {}), **({"fallback": True} if fallback else {})},
                            ),
                        )
                    )
            continue
        empty: dict = {}
        for p, part in parts.items():
            share = shares.get(p)
            if share is None:
                continue
            share._raw.append((item, part, weights[p], total_weight, details.get(p, empty), fallback))
            share.base += part

    # Solidarity over the costs.
    base = {p: s.base for p, s in shares.items()}
    if any(c.coefficient != 1 or c.floor is not None or c.cap is not None for c in contributions.values()):
        after = money.solidarity(
            base,
            {p: s.coefficient for p, s in shares.items()},
            {p: contributions[p].floor for p in contributions},
            {p: contributions[p].cap for p in contributions},
        )
        for p, s in shares.items():
            s.transfer = after[p] - s.base
            if s.transfer:
                s._extra.append(
                    Line(
                        None,
                        _("Solidarity"),
                        "solidarity",
                        "",
                        "",
                        s.base,
                        s.transfer,
                        detail={"coefficient": s.coefficient},
                    )
                )
    for p, line in later:
        share = shares[p]
        share._extra.append(line)
        if line.kind == CostItem.Kind.INCOME:
            share.income += line.amount
        else:
            share.corrections += line.amount
    for s in shares.values():
        s.amount = s.base + s.transfer + s.income + s.corrections
    ordered = sorted(shares.values(), key=lambda s: (s.name.lower(), s.practice_id))
    return PeriodShares(period, total_costs, total_income, total_corrections, ordered, warnings)
