"""Every change to shared costs. Each service is atomic, checks permission and writes an audit entry."""

from __future__ import annotations

import calendar
import csv
import datetime
import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from community.models import Practice
from core import audit, emails
from core.forms import FIRST_YEAR, LAST_YEAR, plausible_date
from spaces.models import Space, SpaceMembership

from . import references, rules, shares
from .models import (
    Contribution,
    CostItem,
    CostPeriod,
    CostSettings,
    Headcount,
    Payment,
    Statement,
    StatementCounter,
)

CLOSED_MESSAGE = gettext_lazy(
    "This period is closed: nothing in it can be changed; make a correction in a later period."
)


def _item_snapshot(item: CostItem) -> dict:
    # core.audit.snapshot trips over an empty FileField (its .url raises), so the document goes in by name.
    fields = [f.name for f in CostItem._meta.concrete_fields if f.name != "document"]
    return {**audit.snapshot(item, fields), "document": item.document.name if item.document else ""}


def _require_manager(by, space) -> None:
    if not rules.can_manage(by, space):
        raise PermissionDenied(_("Only the treasurer or a coordinator may do this."))


def _require_open(period: CostPeriod) -> None:
    if period.is_closed:
        raise ValidationError(CLOSED_MESSAGE)


def settings_for(space: Space) -> CostSettings:
    """The space's cost settings (defaults if none were saved)."""
    found = CostSettings.objects.filter(space=space).first()
    return found or CostSettings(space=space)


def bounds_for(kind: str, on: datetime.date) -> tuple[datetime.date, datetime.date]:
    """First and last day of the month, quarter or year that contains ``on``."""
    if kind == CostPeriod.Kind.MONTH:
        return on.replace(day=1), on.replace(day=calendar.monthrange(on.year, on.month)[1])
    if kind == CostPeriod.Kind.QUARTER:
        first_month = 3 * ((on.month - 1) // 3) + 1
        last_month = first_month + 2
        return (
            datetime.date(on.year, first_month, 1),
            datetime.date(on.year, last_month, calendar.monthrange(on.year, last_month)[1]),
        )
    if kind == CostPeriod.Kind.YEAR:
        return datetime.date(on.year, 1, 1), datetime.date(on.year, 12, 31)
    raise ValueError(kind)


# Periods -------------------------------------------------------------------------------------------------------


@transaction.atomic
def open_period(
    space: Space, *, by, start: datetime.date, end: datetime.date | None = None, kind: str = CostPeriod.Kind.CUSTOM
) -> CostPeriod:
    """Open a cost period. For a month, quarter or year, ``end`` may be left out (the period around ``start``).

    Side effects: one audit entry. Refuses a period that overlaps another of the space.
    """
    _require_manager(by, space)
    # Years like 1 or 9999 are typing errors, and the space's time zone cannot even express their first or last day.
    message = _("Give a date between the years %(first)s and %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR}
    if not plausible_date(start):
        raise ValidationError({"start": message})
    if end is not None and not plausible_date(end):
        raise ValidationError({"end": message})
    if kind != CostPeriod.Kind.CUSTOM:
        start, end = bounds_for(kind, start)
    if end is None:
        raise ValidationError({"end": _("Give the last day of the period.")})
    if end < start:
        raise ValidationError({"end": _("The last day cannot be before the first day.")})
    if (end - start).days > 366:
        raise ValidationError({"end": _("A period lasts at most a year.")})
    Space.objects.select_for_update().filter(pk=space.pk).first()
    overlapping = CostPeriod.objects.filter(space=space, start__lte=end, end__gte=start).first()
    if overlapping:
        raise ValidationError(
            {
                "start": _("This period overlaps the period %(period)s.")
                % {"period": f"{overlapping.start} – {overlapping.end}"}
            }
        )
    period = CostPeriod.objects.create(space=space, kind=kind, start=start, end=end)
    audit.record(period, "costs.period_opened", by=by, after=audit.snapshot(period))
    return period


@transaction.atomic
def delete_period(period: CostPeriod, *, by) -> None:
    """Delete an open period and its items. Side effects: one audit entry; supporting documents are removed."""
    _require_manager(by, period.space)
    period = CostPeriod.objects.select_for_update().get(pk=period.pk)
    _require_open(period)
    before = audit.snapshot(period)
    documents = [item.document for item in period.items.all() if item.document]
    audit.record(period, "costs.period_deleted", by=by, space=period.space, before=before)
    period.delete()
    transaction.on_commit(lambda: [d.storage.delete(d.name) for d in documents])


# Items ---------------------------------------------------------------------------------------------------------


def _decimal(value, field_name: str, *, places: int = 2, allow_negative: bool = False) -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", ".")) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        raise ValidationError({field_name: _("Enter a number.")}) from None
    if not number.is_finite():
        raise ValidationError({field_name: _("Enter a number.")})
    if number != number.quantize(Decimal(1).scaleb(-places)):
        raise ValidationError({field_name: _("Use at most %(places)s decimal places.") % {"places": places}})
    if not allow_negative and number < 0:
        raise ValidationError({field_name: _("The amount cannot be negative.")})
    if abs(number) >= Decimal(10) ** 10:
        raise ValidationError({field_name: _("This amount is too large.")})
    return number


def clean_key_params(period: CostPeriod, key: str, params: dict | None) -> dict:
    """Check and normalise an item's key parameters.

    - ``hours``: ``{"weights": {"<resource id>": "1.5", …}}`` (optional; resources of this space, weights ≥ 0).
    - ``fixed``: ``{"percentages": {"<practice id>": "25", …}}``, practices of this space, adding up to 100.
    - the other keys take no parameters.
    """
    params = params or {}
    if not isinstance(params, dict):
        raise ValidationError({"key_params": _("Give the key's parameters as an object.")})
    if key not in CostItem.Key.values:
        raise ValidationError({"key": _("Choose one of the allocation keys.")})
    if key == CostItem.Key.HOURS:
        weights = params.get("weights") or {}
        if not isinstance(weights, dict):
            raise ValidationError({"key_params": _("Give the weights per resource as an object.")})
        ids = set()
        clean = {}
        for rid, w in weights.items():
            try:
                ids.add(int(rid))
            except (TypeError, ValueError):
                raise ValidationError({"key_params": _("Unknown resource: %(id)s.") % {"id": rid}}) from None
            clean[str(int(rid))] = str(_decimal(w, "key_params", places=3))
        from spaces.models import Resource

        known = set(Resource.objects.filter(space_id=period.space_id, pk__in=ids).values_list("pk", flat=True))
        if ids - known:
            raise ValidationError(
                {"key_params": _("Unknown resource: %(id)s.") % {"id": ", ".join(map(str, sorted(ids - known)))}}
            )
        return {"weights": clean} if clean else {}
    if key == CostItem.Key.FIXED:
        percentages = params.get("percentages")
        if not isinstance(percentages, dict) or not percentages:
            raise ValidationError({"key_params": _("Give the agreed percentage of each practice.")})
        clean = {}
        for pid, pct in percentages.items():
            try:
                pid_int = int(pid)
            except (TypeError, ValueError):
                raise ValidationError({"key_params": _("Unknown practice: %(id)s.") % {"id": pid}}) from None
            clean[str(pid_int)] = _decimal(pct, "key_params", places=3)
        known = set(
            SpaceMembership.objects.filter(
                space_id=period.space_id, practice_id__in=[int(k) for k in clean]
            ).values_list("practice_id", flat=True)
        )
        unknown = sorted(int(k) for k in clean if int(k) not in known)
        if unknown:
            raise ValidationError(
                {"key_params": _("Not a practice of this space: %(id)s.") % {"id": ", ".join(map(str, unknown))}}
            )
        if sum(clean.values()) != 100:
            raise ValidationError({"key_params": _("The percentages must add up to 100.")})
        return {"percentages": {k: str(v) for k, v in clean.items()}}
    return {}


def _clean_item(period: CostPeriod, data: dict) -> dict:
    kind = data.get("kind") or CostItem.Kind.COST
    if kind not in CostItem.Kind.values:
        raise ValidationError({"kind": _("Choose cost, income or correction.")})
    label = (data.get("label") or "").strip()
    if not label:
        raise ValidationError({"label": _("Give the item a label.")})
    if len(label) > 200:
        raise ValidationError({"label": _("At most 200 characters.")})
    category = data.get("category") or CostItem.Category.OTHER
    if category not in CostItem.Category.values:
        raise ValidationError({"category": _("Choose one of the categories.")})
    amount = _decimal(data.get("amount"), "amount", allow_negative=kind == CostItem.Kind.CORRECTION)
    corrects = data.get("corrects")
    if kind == CostItem.Kind.CORRECTION:
        if corrects is None:
            raise ValidationError({"corrects": _("Say which statement this corrects.")})
        if corrects.space_id != period.space_id or corrects.period_id == period.pk:
            raise ValidationError({"corrects": _("Choose a statement of an earlier period of this space.")})
        if corrects.period.start > period.start:
            raise ValidationError({"corrects": _("A correction goes in a later period than the statement.")})
        if amount == 0:
            raise ValidationError({"amount": _("A correction cannot be zero.")})
        key, key_params = CostItem.Key.FIXED, {}
    else:
        corrects = None
        key = data.get("key") or CostItem.Key.AREA
        key_params = clean_key_params(period, key, data.get("key_params"))
    vat_rate = data.get("vat_rate")
    vat_amount = data.get("vat_amount")
    vat_rate = None if vat_rate in (None, "") else _decimal(vat_rate, "vat_rate")
    if vat_rate is not None and vat_rate > 100:
        raise ValidationError({"vat_rate": _("A VAT rate is at most 100 %.")})
    vat_amount = None if vat_amount in (None, "") else _decimal(vat_amount, "vat_amount")
    if vat_amount is None and vat_rate is not None:
        vat_amount = (abs(amount) * vat_rate / (100 + vat_rate)).quantize(Decimal("0.01"))
    if vat_amount is not None and vat_amount > abs(amount):
        raise ValidationError({"vat_amount": _("The VAT cannot be more than the amount.")})
    return {
        "kind": kind,
        "label": label,
        "category": category,
        "amount": amount,
        "key": key,
        "key_params": key_params,
        "vat_rate": vat_rate,
        "vat_amount": vat_amount,
        "corrects": corrects,
    }


@transaction.atomic
def add_item(period: CostPeriod, *, by, document=None, source: str = "", **data) -> CostItem:
    """Add a cost, income or correction item to an open period.

    ``data``: label, category, amount (VAT included), key, key_params, vat_rate, vat_amount, kind, corrects.
    ``source``: "bookings" for the item count_rental_income keeps in step; empty for items entered by hand.
    Side effects: one audit entry; the document (if any) is stored under MEDIA_ROOT/costs/.
    """
    _require_manager(by, period.space)
    period = CostPeriod.objects.select_for_update().select_related("space").get(pk=period.pk)
    _require_open(period)
    created_by = by if by and by.is_authenticated else None
    item = CostItem(period=period, created_by=created_by, source=source, **_clean_item(period, data))
    if document is not None:
        item.document = document
    item.save()
    audit.record(item, "costs.item_added", by=by, space=period.space, after=_item_snapshot(item))
    return item


def rental_income(period: CostPeriod) -> tuple[Decimal, int]:
    """The period's guest bookings with a price (confirmed, starting on one of its days in the space's time zone):
    their total and their number."""
    from bookings.models import Booking

    tz = period.space.tz
    start = datetime.datetime.combine(period.start, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(period.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    totals = Booking.objects.filter(
        resource__space_id=period.space_id,
        status=Booking.Status.CONFIRMED,
        price__isnull=False,
        start__gte=start,
        start__lt=end,
    ).aggregate(total=Sum("price"), count=Count("id"))
    return totals["total"] or Decimal("0.00"), totals["count"]


@transaction.atomic
def count_rental_income(period: CostPeriod, *, by, key: str = CostItem.Key.EQUAL, key_params=None) -> CostItem:
    """Count the rental income of the period's priced guest bookings as an income item that lowers the practices'
    shares (divided by ``key``). Run again, it brings the same item up to date instead of adding a second one.

    Side effects: one audit entry. Raises ValidationError when there is no such income.
    """
    _require_manager(by, period.space)
    period = CostPeriod.objects.select_for_update().select_related("space").get(pk=period.pk)
    _require_open(period)
    total, count = rental_income(period)
    if not count:
        raise ValidationError({"amount": _("No guest booking with a price in this period: there is no rental income.")})
    item = period.items.filter(source="bookings").first()
    data = {
        "kind": CostItem.Kind.INCOME,
        "label": _("Rental income from %(count)s guest bookings") % {"count": count},
        "category": CostItem.Category.HIRE,
        "amount": total,
        "key": key,
        "key_params": key_params,
    }
    if item is None:
        return add_item(period, by=by, source="bookings", **data)
    return update_item(item, by=by, **data)


@transaction.atomic
def update_item(item: CostItem, *, by, document=None, **data) -> CostItem:
    """Change an item of an open period. Side effects: one audit entry."""
    period = CostPeriod.objects.select_for_update().select_related("space").get(pk=item.period_id)
    _require_manager(by, period.space)
    _require_open(period)
    before = _item_snapshot(item)
    merged = {
        "kind": item.kind,
        "label": item.label,
        "category": item.category,
        "amount": item.amount,
        "key": item.key,
        "key_params": item.key_params,
        "vat_rate": item.vat_rate,
        "vat_amount": item.vat_amount,
        "corrects": item.corrects,
        **data,
    }
    if "vat_rate" in data and "vat_amount" not in data:
        merged["vat_amount"] = None
    for name, value in _clean_item(period, merged).items():
        setattr(item, name, value)
    if document is not None:
        item.document = document
    item.save()
    audit.record(item, "costs.item_changed", by=by, space=period.space, before=before, after=_item_snapshot(item))
    return item


@transaction.atomic
def delete_item(item: CostItem, *, by) -> None:
    """Remove an item from an open period. Side effects: one audit entry; its document is deleted."""
    period = CostPeriod.objects.select_for_update().select_related("space").get(pk=item.period_id)
    _require_manager(by, period.space)
    _require_open(period)
    audit.record(item, "costs.item_deleted", by=by, space=period.space, before=_item_snapshot(item))
    document = item.document if item.document else None
    item.delete()
    if document:
        transaction.on_commit(lambda: document.storage.delete(document.name))


@transaction.atomic
def set_headcount(period: CostPeriod, practice: Practice, people: int | None, *, by) -> Headcount | None:
    """Store (or with ``None`` forget) how many people a practice counts for in a period. Side effects: audit."""
    _require_manager(by, period.space)
    period = CostPeriod.objects.select_for_update().select_related("space").get(pk=period.pk)
    _require_open(period)
    if not SpaceMembership.objects.filter(space_id=period.space_id, practice=practice).exists():
        raise ValidationError({"practice": _("Not a practice of this space.")})
    if people is None:
        Headcount.objects.filter(period=period, practice=practice).delete()
        audit.record(period, "costs.headcount_cleared", by=by, after={"practice": practice.pk})
        return None
    if people < 0:
        raise ValidationError({"people": _("The number of people cannot be negative.")})
    headcount, _created = Headcount.objects.update_or_create(
        period=period, practice=practice, defaults={"people": people}
    )
    audit.record(period, "costs.headcount_set", by=by, after={"practice": practice.pk, "people": people})
    return headcount


# Solidarity and settings ----------------------------------------------------------------------------------------


@transaction.atomic
def set_contribution(space: Space, practice: Practice, *, by, coefficient, floor=None, cap=None) -> Contribution:
    """Set a practice's contribution coefficient, floor and cap in a space. Side effects: one audit entry.

    Open periods' shares change with it; closed periods keep what they issued."""
    _require_manager(by, space)
    if not SpaceMembership.objects.filter(space=space, practice=practice).exists():
        raise ValidationError({"practice": _("Not a practice of this space.")})
    coefficient = _decimal(coefficient, "coefficient", places=3)
    if coefficient > 100:
        raise ValidationError({"coefficient": _("A coefficient is at most 100.")})
    floor = None if floor in (None, "") else _decimal(floor, "floor")
    cap = None if cap in (None, "") else _decimal(cap, "cap")
    if floor is not None and cap is not None and cap < floor:
        raise ValidationError({"cap": _("The maximum cannot be below the minimum.")})
    existing = Contribution.objects.filter(space=space, practice=practice).first()
    before = audit.snapshot(existing) if existing else {}
    contribution, _created = Contribution.objects.update_or_create(
        space=space, practice=practice, defaults={"coefficient": coefficient, "floor": floor, "cap": cap}
    )
    audit.record(
        contribution, "costs.contribution_set", by=by, space=space, before=before, after=audit.snapshot(contribution)
    )
    return contribution


@transaction.atomic
def update_settings(space: Space, *, by, **values) -> CostSettings:
    """Change the space's currency, payment terms, reminder interval or bank account. Side effects: audit."""
    _require_manager(by, space)
    current, _created = CostSettings.objects.get_or_create(space=space)
    before = audit.snapshot(current)
    for name in ("currency", "payment_days", "reminder_every_days", "account_holder", "iban"):
        if name in values:
            setattr(current, name, values[name])
    current.currency = (current.currency or "EUR").upper()
    if not re.fullmatch(r"[A-Z]{3}", current.currency):
        raise ValidationError({"currency": _("Give a three-letter currency code, for example EUR.")})
    current.iban = re.sub(r"\s", "", current.iban or "").upper()
    current.full_clean()
    current.save()
    audit.record(current, "costs.settings_changed", by=by, space=space, before=before, after=audit.snapshot(current))
    return current


# Closing -------------------------------------------------------------------------------------------------------


@transaction.atomic
def close_period(period: CostPeriod, *, by) -> list[Statement]:
    """Close a period: freeze it and issue one numbered statement per practice, in one transaction.

    Numbers come from the space's counter row, locked for the length of the transaction, so they are unique and
    gapless even when two periods close at once. Side effects: statements created; the period is closed; one
    audit entry per statement and one for the period. If anything fails, nothing of it is kept.
    """
    _require_manager(by, period.space)
    period = CostPeriod.objects.select_for_update().select_related("space").get(pk=period.pk)
    if period.is_closed:
        raise ValidationError(_("This period is already closed."))
    if period.end >= timezone.localdate() + datetime.timedelta(days=366):
        raise ValidationError(_("This period is too far in the future to close."))
    space = period.space
    result = shares.compute(period)
    if not result.shares:
        raise ValidationError(_("No practice is a member of the space during this period: nothing to share."))
    cost_settings = settings_for(space)
    StatementCounter.objects.get_or_create(space=space)
    counter = StatementCounter.objects.select_for_update().get(space=space)
    now = timezone.now()
    due = timezone.localdate() + datetime.timedelta(days=cost_settings.payment_days)
    statements = []
    number = counter.last_number
    for share in result.shares:
        number += 1
        reference = references.for_statement(space.country, space.pk, number)
        statements.append(
            Statement(
                period=period,
                space=space,
                practice_id=share.practice_id,
                number=number,
                amount=share.amount,
                currency=cost_settings.currency,
                reference=reference,
                reference_key=references.normalise(reference),
                language=share.language,
                lines=[line.as_dict() for line in share.lines],
                issued_at=now,
                due_date=due,
            )
        )
    Statement.objects.bulk_create(statements)
    StatementCounter.objects.filter(pk=counter.pk).update(last_number=number)
    before = audit.snapshot(period)
    CostPeriod.objects.filter(pk=period.pk, status=CostPeriod.Status.OPEN).update(
        status=CostPeriod.Status.CLOSED, closed_at=now, closed_by=by if by and by.is_authenticated else None
    )
    period.refresh_from_db()
    statements = list(Statement.objects.filter(period=period).order_by("number"))
    for statement in statements:
        audit.record(
            statement,
            "costs.statement_issued",
            by=by,
            space=space,
            after={"number": statement.number, "practice": statement.practice_id, "amount": statement.amount},
        )
    audit.record(period, "costs.period_closed", by=by, before=before, after=audit.snapshot(period))
    return statements


# Payments ------------------------------------------------------------------------------------------------------


@transaction.atomic
def record_payment(
    statement: Statement,
    *,
    by,
    date: datetime.date,
    amount,
    reference: str = "",
    counterparty: str = "",
    source: str = Payment.Source.MANUAL,
    fingerprint: str = "",
) -> Payment:
    """Record money received for a statement (partial and over-payments allowed; a negative amount is a refund).

    Side effects: one audit entry."""
    _require_manager(by, statement.space)
    amount = _decimal(amount, "amount", allow_negative=True)
    if amount == 0:
        raise ValidationError({"amount": _("A payment cannot be zero.")})
    if date is None:
        raise ValidationError({"date": _("Give the date of the payment.")})
    if date > timezone.localdate() + datetime.timedelta(days=1):
        raise ValidationError({"date": _("The date cannot be in the future.")})
    payment = Payment.objects.create(
        statement=statement,
        date=date,
        amount=amount,
        reference=(reference or "")[:140],
        counterparty=(counterparty or "")[:200],
        source=source,
        fingerprint=fingerprint,
        created_by=by if by and by.is_authenticated else None,
    )
    audit.record(payment, "costs.payment_recorded", by=by, space=statement.space, after=audit.snapshot(payment))
    return payment


@dataclass
class ImportResult:
    matched: list[Payment] = field(default_factory=list)
    unmatched: list[dict] = field(default_factory=list)
    duplicates: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def parse_amount(text: str) -> Decimal:
    """``1.234,56``, ``1,234.56``, ``1234,56``, ``-12.5`` → Decimal."""
    value = re.sub(r"[\s'€$£]", "", text or "")
    if not value:
        raise ValueError("empty")
    if "," in value and "." in value:
        if value.rfind(",") > value.rfind("."):
            value = value.replace(".", "").replace(",", ".")
        else:
            value = value.replace(",", "")
    elif "," in value:
        value = value.replace(",", ".")
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValueError(text) from None
    if not number.is_finite():
        raise ValueError(text)
    return number.quantize(Decimal("0.01"))


def parse_date(text: str) -> datetime.date:
    text = (text or "").strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def parse_bank_csv(content: str) -> tuple[list[dict], list[str]]:
    """Rows of a bank export: ``date;amount;reference;counterparty`` (a header line is optional).

    The separator may be ``;`` or ``,`` (found from the first line); amounts may use a decimal comma or point;
    dates are ``YYYY-MM-DD`` or ``DD/MM/YYYY``. Returns the rows and the errors (line by line).
    """
    content = content.lstrip("\ufeff")
    lines = [line for line in content.splitlines() if line.strip()]
    if not lines:
        return [], [_("The file is empty.")]
    delimiter = ";" if lines[0].count(";") >= 1 else ","
    rows, errors = [], []
    for number, values in enumerate(csv.reader(lines, delimiter=delimiter), start=1):
        values = [v.strip() for v in values]
        if number == 1 and values and values[0].lower() in {"date", "datum", "date;amount"}:
            continue
        if len(values) < 3:
            errors.append(_("Line %(line)s: expected date, amount, reference and counterparty.") % {"line": number})
            continue
        if delimiter == "," and len(values) > 4:
            # "12,50" written without quotes in a comma-separated file: join the amount back together.
            values = [values[0], f"{values[1]}.{values[2]}", *values[3:]]
        try:
            date = parse_date(values[0])
        except ValueError:
            errors.append(_("Line %(line)s: “%(value)s” is not a date.") % {"line": number, "value": values[0]})
            continue
        try:
            amount = parse_amount(values[1])
        except ValueError:
            errors.append(_("Line %(line)s: “%(value)s” is not an amount.") % {"line": number, "value": values[1]})
            continue
        rows.append(
            {
                "line": number,
                "date": date,
                "amount": amount,
                "reference": values[2],
                "counterparty": values[3] if len(values) > 3 else "",
            }
        )
    return rows, errors


@transaction.atomic
def import_payments(space: Space, content: str, *, by) -> ImportResult:
    """Import a bank CSV export and record the payments whose reference matches a statement of the space.

    A line already imported (same date, amount, reference and counterparty) is not recorded twice. Lines that
    match no statement are returned, not recorded. Side effects: one payment and one audit entry per match.
    """
    _require_manager(by, space)
    rows, errors = parse_bank_csv(content)
    result = ImportResult(errors=errors)
    keys = {references.normalise(r["reference"]) for r in rows}
    statements = {s.reference_key: s for s in Statement.objects.filter(space=space, reference_key__in=keys)}
    seen = set(
        Payment.objects.filter(statement__space=space, source=Payment.Source.IMPORT).values_list(
            "fingerprint", flat=True
        )
    )
    for row in rows:
        statement = statements.get(references.normalise(row["reference"]))
        if statement is None or row["amount"] == 0:
            result.unmatched.append(row)
            continue
        fingerprint = hashlib.sha256(
            f"{row['date']}|{row['amount']}|{row['reference']}|{row['counterparty']}".encode()
        ).hexdigest()
        if fingerprint in seen:
            result.duplicates.append(row)
            continue
        seen.add(fingerprint)
        result.matched.append(
            record_payment(
                statement,
                by=by,
                date=row["date"],
                amount=row["amount"],
                reference=row["reference"],
                counterparty=row["counterparty"],
                source=Payment.Source.IMPORT,
                fingerprint=fingerprint,
            )
        )
    return result


# Reminders -----------------------------------------------------------------------------------------------------


def send_reminders(now: datetime.datetime | None = None) -> int:
    """Periodic job: remind the members of each practice with an overdue, unpaid statement, at most once every
    ``reminder_every_days`` days per statement. Returns the number of statements reminded about.

    Side effects: emails (in each member's language); ``last_reminded_at`` set; one audit entry per statement."""
    from . import queries

    now = now or timezone.now()
    today = timezone.localdate(now)
    count = 0
    for statement in queries.overdue_statements(today):
        every = statement.space_settings_every
        if statement.last_reminded_at and statement.last_reminded_at > now - datetime.timedelta(days=every):
            continue
        with transaction.atomic():
            locked = Statement.objects.select_for_update().filter(pk=statement.pk).first()
            if locked.last_reminded_at and locked.last_reminded_at > now - datetime.timedelta(days=every):
                continue
            Statement.objects.filter(pk=statement.pk).update(last_reminded_at=now)
            audit.record(statement, "costs.reminder_sent", space=statement.space, after={"at": now})
            members = [link.member for link in statement.practice.memberships.select_related("member")]
            outstanding = statement.amount - (statement.paid or 0)
            for member in members:
                if not member.is_active:
                    continue
                context = {"statement": statement, "outstanding": outstanding, "space": statement.space}
                transaction.on_commit(
                    lambda member=member, context=context: emails.send_to_member(
                        "costs/email/reminder", member, context
                    )
                )
        count += 1
    return count
