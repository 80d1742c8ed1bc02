"""Forms: validation of what people type; the services check the rest."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from spaces.models import Resource

from .models import CostItem, CostPeriod, CostSettings, Statement

MONEY = {"max_digits": 12, "decimal_places": 2}


class AmountField(forms.DecimalField):
    """A number typed with a decimal comma or point, in any language (``1234,50``, ``1.234,50``, ``1,234.50``)."""

    def to_python(self, value):
        if isinstance(value, str):
            text = value.strip().replace(" ", "").replace("\u202f", "").replace("\xa0", "")
            if "," in text and "." in text:
                text = (
                    text.replace(".", "").replace(",", ".")
                    if text.rfind(",") > text.rfind(".")
                    else text.replace(",", "")
                )
            else:
                text = text.replace(",", ".")
            value = text
        return super().to_python(value)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class PeriodForm(forms.Form):
    kind = forms.ChoiceField(label=_("Length"), choices=CostPeriod.Kind.choices, initial=CostPeriod.Kind.QUARTER)
    start = forms.DateField(
        label=_("First day"),
        widget=DateInput(),
        help_text=_("For a month, quarter or year, any day in it will do."),
    )
    end = forms.DateField(
        label=_("Last day"), widget=DateInput(), required=False, help_text=_("Only for a custom period.")
    )

    def clean(self):
        data = super().clean()
        if data.get("kind") == CostPeriod.Kind.CUSTOM and not data.get("end"):
            self.add_error("end", _("Give the last day of a custom period."))
        return data


class ItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CostItem.Kind.choices, initial=CostItem.Kind.COST)
    label = forms.CharField(label=_("Label"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=CostItem.Category.choices)
    amount = AmountField(
        label=_("Amount, VAT included"),
        **MONEY,
        help_text=_("Use a point or a comma for the cents. A correction may be negative (money back)."),
    )
    vat_rate = AmountField(label=_("VAT rate (%)"), max_digits=5, decimal_places=2, required=False, min_value=0)
    vat_amount = AmountField(label=_("VAT amount"), **MONEY, required=False, min_value=0)
    key = forms.ChoiceField(
        label=_("Allocation key"),
        choices=CostItem.Key.choices,
        help_text=_("How the amount is divided. Corrections go entirely to the practice of the corrected statement."),
    )
    corrects = forms.ModelChoiceField(
        label=_("Corrects statement"),
        queryset=Statement.objects.none(),
        required=False,
        help_text=_("Only for a correction: the statement of an earlier period it corrects."),
    )
    document = forms.FileField(label=_("Supporting document"), required=False, help_text=_("An invoice or receipt."))

    def __init__(self, *args, period: CostPeriod, practices, item: CostItem | None = None, **kwargs):
        if item is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "kind": item.kind,
                "label": item.label,
                "category": item.category,
                "amount": item.amount,
                "vat_rate": item.vat_rate,
                "vat_amount": item.vat_amount,
                "key": item.key,
                "corrects": item.corrects_id,
            }
        super().__init__(*args, **kwargs)
        self.period = period
        self.practices = list(practices)
        self.resources = list(Resource.objects.filter(space_id=period.space_id).order_by("name"))
        self.fields["corrects"].queryset = (
            Statement.objects.filter(space_id=period.space_id, period__start__lt=period.start)
            .select_related("practice")
            .order_by("-number")
        )
        self.fields["corrects"].label_from_instance = lambda s: f"{s.number} — {s.practice.name} ({s.amount})"
        params = item.key_params if item is not None else {}
        weights = params.get("weights", {}) if item is not None and item.key == CostItem.Key.HOURS else {}
        percentages = params.get("percentages", {}) if item is not None and item.key == CostItem.Key.FIXED else {}
        for resource in self.resources:
            self.fields[f"weight_{resource.pk}"] = AmountField(
                label=resource.name,
                required=False,
                max_digits=6,
                decimal_places=3,
                min_value=0,
                initial=weights.get(str(resource.pk)),
            )
        for practice in self.practices:
            self.fields[f"percent_{practice.pk}"] = AmountField(
                label=practice.name,
                required=False,
                max_digits=6,
                decimal_places=3,
                min_value=0,
                max_value=100,
                initial=percentages.get(str(practice.pk)),
            )

    def weight_fields(self):
        return [self[f"weight_{r.pk}"] for r in self.resources]

    def percent_fields(self):
        return [self[f"percent_{p.pk}"] for p in self.practices]

    def service_data(self) -> dict:
        data = self.cleaned_data
        key = data["key"]
        key_params: dict = {}
        if key == CostItem.Key.HOURS:
            weights = {
                str(r.pk): str(data[f"weight_{r.pk}"]) for r in self.resources if data.get(f"weight_{r.pk}") is not None
            }
            key_params = {"weights": weights} if weights else {}
        elif key == CostItem.Key.FIXED:
            key_params = {
                "percentages": {
                    str(p.pk): str(data[f"percent_{p.pk}"])
                    for p in self.practices
                    if data.get(f"percent_{p.pk}") not in (None, Decimal(0))
                }
            }
        return {
            "kind": data["kind"],
            "label": data["label"],
            "category": data["category"],
            "amount": data["amount"],
            "vat_rate": data.get("vat_rate"),
            "vat_amount": data.get("vat_amount"),
            "key": key,
            "key_params": key_params,
            "corrects": data.get("corrects"),
        }


class SettingsForm(forms.ModelForm):
    class Meta:
        model = CostSettings
        fields = ["currency", "payment_days", "reminder_every_days", "account_holder", "iban"]


class ContributionsForm(forms.Form):
    """One coefficient, floor and cap per practice of the space."""

    def __init__(self, *args, practices, contributions: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.practices = list(practices)
        for p in self.practices:
            c = contributions.get(p.pk)
            self.fields[f"coefficient_{p.pk}"] = AmountField(
                label=_("Coefficient"),
                max_digits=6,
                decimal_places=3,
                min_value=0,
                max_value=100,
                initial=c.coefficient if c else Decimal("1"),
            )
            self.fields[f"floor_{p.pk}"] = AmountField(
                label=_("Minimum"), **MONEY, min_value=0, required=False, initial=c.floor if c else None
            )
            self.fields[f"cap_{p.pk}"] = AmountField(
                label=_("Maximum"), **MONEY, min_value=0, required=False, initial=c.cap if c else None
            )

    def rows(self):
        return [(p, self[f"coefficient_{p.pk}"], self[f"floor_{p.pk}"], self[f"cap_{p.pk}"]) for p in self.practices]

    def clean(self):
        data = super().clean()
        for p in self.practices:
            floor, cap = data.get(f"floor_{p.pk}"), data.get(f"cap_{p.pk}")
            if floor is not None and cap is not None and cap < floor:
                self.add_error(f"cap_{p.pk}", _("The maximum cannot be below the minimum."))
        return data


class HeadcountsForm(forms.Form):
    def __init__(self, *args, practices, stored: dict, counted: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.practices = list(practices)
        self.counted = counted
        for p in self.practices:
            self.fields[f"people_{p.pk}"] = forms.IntegerField(
                label=p.name,
                min_value=0,
                required=False,
                initial=stored.get(p.pk),
                help_text=_("Leave empty to count its %(n)s members.") % {"n": counted.get(p.pk, 0)},
            )

    def people_fields(self):
        return [self[f"people_{p.pk}"] for p in self.practices]


class PaymentForm(forms.Form):
    date = forms.DateField(label=_("Date received"), widget=DateInput(), initial=datetime.date.today)
    amount = AmountField(label=_("Amount"), **MONEY, help_text=_("A negative amount records money paid back."))
    reference = forms.CharField(label=_("Reference"), max_length=140, required=False)
    counterparty = forms.CharField(label=_("Paid by"), max_length=200, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Bank export (CSV)"),
        help_text=_(
            "One payment a line: date;amount;reference;counterparty. Commas or semicolons, decimal commas or "
            "points, dates as 2026-04-02 or 02/04/2026. A first line of headings is skipped."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 2_000_000:
            raise forms.ValidationError(_("The file is too large (at most 2 MB)."))
        raw = upload.read()
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                continue
        raise forms.ValidationError(_("This file cannot be read as text."))
