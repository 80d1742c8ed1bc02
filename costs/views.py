"""Shared costs pages. Views fetch through core.access, validate a form, call one service, redirect."""

from __future__ import annotations

import csv
import datetime
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, Sum
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community.models import Practice, PracticeMember
from core.access import space_for_member, space_for_role
from core.forms import errors_to_form
from spaces import rules as space_rules

from . import forms, queries, rules, services, shares
from .models import RENTAL_INCOME_KEYS, Contribution, CostItem, CostPeriod, Headcount, Payment, Statement

ROLES = rules.COST_ROLES


def _space(request, slug, manage=False):
    return space_for_role(request, slug, *ROLES) if manage else space_for_member(request, slug)


def _period(request, slug, pk, manage=False):
    space = _space(request, slug, manage)
    period = get_object_or_404(CostPeriod.objects.select_related("space"), pk=pk, space=space)
    return space, period


def _practices(space):
    return Practice.objects.filter(space_memberships__space=space).distinct().order_by("name")


def _ctx(space, **extra):
    return {"space": space, "currency": services.settings_for(space).currency, **extra}


def periods(request, slug):
    space = _space(request, slug)
    rows = (
        CostPeriod.objects.filter(space=space)
        .annotate(
            n_items=Count("items"),
            costs=Sum("items__amount", filter=~Q(items__kind=CostItem.Kind.INCOME)),
            income=Sum("items__amount", filter=Q(items__kind=CostItem.Kind.INCOME)),
        )
        .order_by("-start")
    )
    mine = queries.statements_for_space(space, space_rules.practice_ids(request.user))
    return render(
        request,
        "costs/period_list.html",
        _ctx(space, periods=rows, can_manage=rules.can_manage(request.user, space), statements=mine[:20]),
    )


def period_new(request, slug):
    space = _space(request, slug, manage=True)
    form = forms.PeriodForm(request.POST or None, initial={"start": datetime.date.today()})
    if request.method == "POST" and form.is_valid():
        try:
            period = services.open_period(space, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("The period is open: add its costs."))
            return redirect("costs:period", slug=space.slug, pk=period.pk)
    return render(request, "costs/period_form.html", _ctx(space, form=form))


def period_detail(request, slug, pk):
    space, period = _period(request, slug, pk)
    items = list(period.items.select_related("corrects").order_by("kind", "id"))
    result = shares.compute(period, items)
    can_manage = rules.can_manage(request.user, space)
    rental = services.rental_income(period) if can_manage and not period.is_closed else None
    statements = []
    if period.is_closed:
        qs = queries.with_paid(Statement.objects.filter(period=period).select_related("practice")).order_by("number")
        if not can_manage:
            qs = qs.filter(practice_id__in=space_rules.practice_ids(request.user))
        statements = list(qs)
    return render(
        request,
        "costs/period_detail.html",
        _ctx(
            space,
            period=period,
            items=items,
            result=result,
            can_manage=can_manage,
            statements=statements,
            my_practices=space_rules.practice_ids(request.user),
            rental=rental,
            rental_item=next((i for i in items if i.source == "bookings"), None),
            rental_keys=[(key, CostItem.Key(key).label) for key in RENTAL_INCOME_KEYS],
        ),
    )


def practice_share(request, slug, pk, practice):
    space, period = _period(request, slug, pk)
    result = shares.compute(period)
    share = result.for_practice(practice)
    if share is None:
        raise Http404
    return render(
        request,
        "costs/practice_share.html",
        _ctx(space, period=period, share=share, lines=[line.as_dict() for line in share.lines]),
    )


@require_POST
def period_delete(request, slug, pk):
    space, period = _period(request, slug, pk, manage=True)
    try:
        services.delete_period(period, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("costs:period", slug=space.slug, pk=period.pk)
    messages.success(request, _("The period was deleted."))
    return redirect("costs:periods", slug=space.slug)


def period_close(request, slug, pk):
    space, period = _period(request, slug, pk, manage=True)
    if request.method == "POST":
        try:
            statements = services.close_period(period, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The period is closed; %(n)s statements were issued.") % {"n": len(statements)})
        return redirect("costs:period", slug=space.slug, pk=period.pk)
    result = shares.compute(period)
    return render(request, "costs/period_close.html", _ctx(space, period=period, result=result))


def _c(value):
    """An amount for the CSV: two decimals, a point, no thousands separator."""
    return "" if value is None or value == "" else str(Decimal(str(value)).quantize(Decimal("0.01")))


def period_export(request, slug, pk):
    space, period = _period(request, slug, pk, manage=True)
    result = shares.compute(period) if not period.is_closed else None
    statements = list(
        queries.with_paid(Statement.objects.filter(period=period).select_related("practice")).order_by("number")
    )
    payments = Payment.objects.filter(statement__period=period).select_related("statement__practice").order_by("date")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="costs-{space.slug}-{period.start}-{period.end}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "record",
            "period_start",
            "period_end",
            "practice",
            "statement",
            "reference",
            "date",
            "amount",
            "costs_by_keys",
            "solidarity",
            "income",
            "corrections",
            "paid",
            "outstanding",
            "counterparty",
        ]
    )
    for share in result.shares if result else []:
        writer.writerow(
            ["share", period.start, period.end, share.name, "", "", "", _c(share.amount), _c(share.base),
             _c(share.transfer), _c(share.income), _c(share.corrections), "", "", ""]
        )  # fmt: skip
    for s in statements:
        writer.writerow(
            ["statement", period.start, period.end, s.practice.name, s.number, s.reference, s.issued_at.date(),
             _c(s.amount), *_statement_parts(s), _c(s.paid), _c(s.outstanding), ""]
        )  # fmt: skip
    for p in payments:
        writer.writerow(
            ["payment", period.start, period.end, p.statement.practice.name, p.statement.number, p.reference, p.date,
             _c(p.amount), "", "", "", "", "", "", p.counterparty]
        )  # fmt: skip
    return response


def _statement_parts(statement) -> list[str]:
    """Costs by the keys, solidarity, income and corrections of a statement, from its frozen lines."""
    sums = {"cost": Decimal(0), "solidarity": Decimal(0), "income": Decimal(0), "correction": Decimal(0)}
    for line in statement.lines:
        sums[line["kind"]] = sums.get(line["kind"], Decimal(0)) + Decimal(line["amount"])
    return [_c(sums["cost"]), _c(sums["solidarity"]), _c(sums["income"]), _c(sums["correction"])]


def item_new(request, slug, pk):
    space, period = _period(request, slug, pk, manage=True)
    form = forms.ItemForm(request.POST or None, request.FILES or None, period=period, practices=_practices(space))
    if request.method == "POST" and form.is_valid():
        try:
            services.add_item(
                period, by=request.user, document=form.cleaned_data.get("document"), **form.service_data()
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("The item was added."))
            return redirect("costs:period", slug=space.slug, pk=period.pk)
    return render(request, "costs/item_form.html", _ctx(space, period=period, form=form))


def item_edit(request, slug, pk, item):
    space, period = _period(request, slug, pk, manage=True)
    item = get_object_or_404(CostItem, pk=item, period=period)
    form = forms.ItemForm(
        request.POST or None, request.FILES or None, period=period, practices=_practices(space), item=item
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_item(
                item, by=request.user, document=form.cleaned_data.get("document"), **form.service_data()
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("The item was changed."))
            return redirect("costs:period", slug=space.slug, pk=period.pk)
    return render(request, "costs/item_form.html", _ctx(space, period=period, form=form, item=item))


@require_POST
def rental_income(request, slug, pk):
    """Count the period's priced guest bookings as income that lowers everyone's share (or bring it up to date)."""
    space, period = _period(request, slug, pk, manage=True)
    key = request.POST.get("key") or CostItem.Key.EQUAL
    if key not in RENTAL_INCOME_KEYS:
        messages.error(request, _("Choose how the income is divided."))
        return redirect("costs:period", slug=space.slug, pk=period.pk)
    try:
        item = services.count_rental_income(period, by=request.user, key=key)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The rental income is counted: %(label)s.") % {"label": item.label})
    return redirect("costs:period", slug=space.slug, pk=period.pk)


@require_POST
def item_delete(request, slug, pk, item):
    space, period = _period(request, slug, pk, manage=True)
    item = get_object_or_404(CostItem, pk=item, period=period)
    try:
        services.delete_item(item, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The item was removed."))
    return redirect("costs:period", slug=space.slug, pk=period.pk)


def item_document(request, slug, pk, item):
    """The supporting document, for members of the space only (never served from a public URL)."""
    space, period = _period(request, slug, pk)
    item = get_object_or_404(CostItem, pk=item, period=period)
    if not item.document:
        raise Http404
    try:
        handle = item.document.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    name = item.document.name.rsplit("/", 1)[-1]
    response = FileResponse(handle, as_attachment=True, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def headcounts(request, slug, pk):
    space, period = _period(request, slug, pk, manage=True)
    practices = list(_practices(space))
    stored = dict(Headcount.objects.filter(period=period).values_list("practice_id", "people"))
    counted = dict(
        PracticeMember.objects.filter(practice__in=practices)
        .values("practice_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("practice_id", "n")
    )
    form = forms.HeadcountsForm(request.POST or None, practices=practices, stored=stored, counted=counted)
    if request.method == "POST" and form.is_valid():
        try:
            for p in practices:
                people = form.cleaned_data.get(f"people_{p.pk}")
                if people != stored.get(p.pk):
                    services.set_headcount(period, p, people, by=request.user)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("The headcounts were saved."))
            return redirect("costs:period", slug=space.slug, pk=period.pk)
    return render(request, "costs/headcounts.html", _ctx(space, period=period, form=form))


def cost_settings(request, slug):
    space = _space(request, slug, manage=True)
    practices = list(_practices(space))
    contributions = {c.practice_id: c for c in Contribution.objects.filter(space=space)}
    current = services.settings_for(space)
    settings_form = forms.SettingsForm(request.POST or None, instance=current, prefix="s")
    contributions_form = forms.ContributionsForm(
        request.POST or None, practices=practices, contributions=contributions, prefix="c"
    )
    if request.method == "POST" and settings_form.is_valid() and contributions_form.is_valid():
        data = contributions_form.cleaned_data
        try:
            services.update_settings(space, by=request.user, **settings_form.cleaned_data)
            for p in practices:
                values = (data[f"coefficient_{p.pk}"], data.get(f"floor_{p.pk}"), data.get(f"cap_{p.pk}"))
                c = contributions.get(p.pk)
                if (c.coefficient, c.floor, c.cap) == values if c else values == (Decimal(1), None, None):
                    continue
                services.set_contribution(
                    space, p, by=request.user, coefficient=values[0], floor=values[1], cap=values[2]
                )
        except ValidationError as error:
            errors_to_form(settings_form, error)
        else:
            messages.success(request, _("The settings were saved."))
            return redirect("costs:periods", slug=space.slug)
    return render(
        request,
        "costs/settings.html",
        _ctx(space, settings_form=settings_form, contributions_form=contributions_form),
    )


def balances(request, slug):
    space = _space(request, slug)
    can_manage = rules.can_manage(request.user, space)
    practice_ids = None if can_manage else space_rules.practice_ids(request.user)
    statements = list(queries.statements_for_space(space, practice_ids))
    totals: dict[int, dict] = {}
    for s in statements:
        row = totals.setdefault(
            s.practice_id, {"practice": s.practice, "amount": Decimal(0), "paid": Decimal(0), "outstanding": Decimal(0)}
        )
        row["amount"] += s.amount
        row["paid"] += s.paid
        row["outstanding"] += s.outstanding
    rows = sorted(totals.values(), key=lambda r: r["practice"].name.lower())
    return render(
        request,
        "costs/balances.html",
        _ctx(space, statements=statements, rows=rows, can_manage=can_manage, today=datetime.date.today()),
    )


def _statement(request, slug, pk):
    space = _space(request, slug)
    statement = get_object_or_404(
        queries.with_paid(Statement.objects.select_related("practice", "period", "space")), pk=pk, space=space
    )
    if not rules.can_read_statement(request.user, statement):
        raise PermissionDenied
    return space, statement


def _statement_body(request, statement, *, pdf=False) -> str:
    cost_settings = services.settings_for(statement.space)
    payments = list(statement.payments.order_by("date", "id"))
    with translation.override(statement.language):
        return render_to_string(
            "costs/_statement.html",
            {
                "statement": statement,
                "space": statement.space,
                "settings": cost_settings,
                "payments": payments,
                "pdf": pdf,
                "LANGUAGE_CODE": statement.language,
            },
            request=request,
        )


def statement(request, slug, pk):
    space, statement = _statement(request, slug, pk)
    return render(
        request,
        "costs/statement.html",
        _ctx(
            space,
            statement=statement,
            body=mark_safe(_statement_body(request, statement)),  # noqa: S308 - our own template
            can_manage=rules.can_manage(request.user, space),
        ),
    )


def statement_pdf(request, slug, pk):
    from weasyprint import HTML

    space, statement = _statement(request, slug, pk)
    body = _statement_body(request, statement, pdf=True)
    with translation.override(statement.language):
        html = render_to_string(
            "costs/statement_pdf.html",
            {"body": mark_safe(body), "statement": statement, "LANGUAGE_CODE": statement.language},  # noqa: S308
        )
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="statement-{space.slug}-{statement.number}.pdf"'
    return response


def payment_new(request, slug, pk):
    space = _space(request, slug, manage=True)
    statement = get_object_or_404(
        queries.with_paid(Statement.objects.select_related("practice", "period")), pk=pk, space=space
    )
    form = forms.PaymentForm(request.POST or None, initial={"reference": statement.reference})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_payment(statement, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("The payment was recorded."))
            return redirect("costs:statement", slug=space.slug, pk=statement.pk)
    return render(request, "costs/payment_form.html", _ctx(space, statement=statement, form=form))


def payment_import(request, slug):
    space = _space(request, slug, manage=True)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = services.import_payments(space, form.cleaned_data["file"], by=request.user)
        messages.success(request, _("%(n)s payments were recorded.") % {"n": len(result.matched)})
    return render(
        request,
        "costs/payment_import.html",
        _ctx(space, form=form, result=result, balances_url=reverse("costs:balances", kwargs={"slug": space.slug})),
    )
