"""Shared costs: periods, cost items and their allocation keys, solidarity, statements, payments.

Money is ``Decimal`` with two places. A closed period is frozen: the services refuse changes, the models refuse
saves and deletes, and the database refuses them too (triggers installed by migration 0001).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

CENT = Decimal("0.01")


def private_storage() -> FileSystemStorage:
    """Supporting documents live under MEDIA_ROOT/costs/ (never media/public/) and are only served by a view that
    checks permissions. MEDIA_ROOT is read when used, so tests can point it elsewhere; nothing routes
    /media/costs/ (only /media/public/ is served)."""
    return FileSystemStorage()


def document_path(instance, filename: str) -> str:
    return f"costs/{instance.period.space_id}/{instance.period_id}/{filename}"


class FrozenError(ValidationError):
    """A change to a closed period."""


class CostSettings(models.Model):
    """A space's settings for shared costs: currency, payment terms, reminders and the account to pay to."""

    space = models.OneToOneField("spaces.Space", on_delete=models.CASCADE, related_name="cost_settings")
    currency = models.CharField(_("currency"), max_length=3, default="EUR", help_text=_("ISO code, e.g. EUR."))
    payment_days = models.PositiveSmallIntegerField(_("days to pay"), default=30)
    reminder_every_days = models.PositiveSmallIntegerField(
        _("remind every (days)"), default=7, validators=[MinValueValidator(1)]
    )
    account_holder = models.CharField(_("account holder"), max_length=200, blank=True)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)

    class Meta:
        verbose_name = _("cost settings")
        verbose_name_plural = _("cost settings")

    def __str__(self) -> str:
        return f"{self.space}: {self.currency}"


class Contribution(models.Model):
    """Solidarity: a practice's contribution coefficient in a space, with an optional floor and cap per period."""

    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="cost_contributions")
    practice = models.ForeignKey("community.Practice", on_delete=models.CASCADE, related_name="cost_contributions")
    coefficient = models.DecimalField(
        _("contribution coefficient"),
        max_digits=6,
        decimal_places=3,
        default=Decimal("1"),
        validators=[MinValueValidator(0)],
        help_text=_("1 is a normal share; 0.5 pays half as much, 1.5 half as much again."),
    )
    floor = models.DecimalField(
        _("minimum per period"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    cap = models.DecimalField(
        _("maximum per period"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        constraints = [
            models.UniqueConstraint(fields=["space", "practice"], name="uniq_cost_contribution"),
            models.CheckConstraint(condition=Q(coefficient__gte=0), name="cost_coefficient_not_negative"),
            models.CheckConstraint(
                condition=Q(floor__isnull=True) | Q(cap__isnull=True) | Q(cap__gte=models.F("floor")),
                name="cost_cap_above_floor",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.practice} × {self.coefficient}"


class CostPeriod(models.Model):
    """A period (month, quarter, year or custom; start and end dates included) whose costs are shared."""

    class Kind(models.TextChoices):
        MONTH = "month", _("month")
        QUARTER = "quarter", _("quarter")
        YEAR = "year", _("year")
        CUSTOM = "custom", _("custom")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("cost period", "open")
        CLOSED = "closed", pgettext_lazy("cost period", "closed")

    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="cost_periods")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CUSTOM)
    start = models.DateField(_("first day"))
    end = models.DateField(_("last day"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cost period")
        verbose_name_plural = _("cost periods")
        ordering = ["space", "-start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="cost_period_order"),
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True) | Q(status="closed", closed_at__isnull=False),
                name="cost_period_closed_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.space}: {self.start:%Y-%m-%d} – {self.end:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            stored = CostPeriod.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored == self.Status.CLOSED:
                raise FrozenError(_("This period is closed: nothing in it can be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_closed:
            raise FrozenError(_("This period is closed: nothing in it can be changed."))
        return super().delete(*args, **kwargs)

    def clean(self):
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("The last day cannot be before the first day.")})

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


class CostItem(models.Model):
    """One cost (or income, or correction) of a period, with the key that divides it among the practices."""

    class Kind(models.TextChoices):
        COST = "cost", pgettext_lazy("money", "cost")
        INCOME = "income", _("income")
        CORRECTION = "correction", _("correction")

    class Category(models.TextChoices):
        RENT = "rent", _("rent")
        ENERGY = "energy", _("energy")
        WATER = "water", _("water")
        INSURANCE = "insurance", _("insurance")
        CLEANING = "cleaning", _("cleaning")
        MAINTENANCE = "maintenance", _("maintenance")
        INTERNET = "internet", _("internet")
        TAXES = "taxes", _("taxes")
        HIRE = "hire", _("hire of the space")
        OTHER = "other", _("other")

    class Key(models.TextChoices):
        AREA = "area", _("dedicated area")
        HOURS = "hours", _("hours booked")
        EQUAL = "equal", _("equal shares")
        HEADCOUNT = "headcount", _("headcount")
        FIXED = "fixed", _("fixed percentages")

    period = models.ForeignKey(CostPeriod, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.COST)
    label = models.CharField(_("label"), max_length=200)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, default=Category.OTHER)
    amount = models.DecimalField(
        _("amount"), max_digits=12, decimal_places=2, help_text=_("The amount to share, VAT included.")
    )
    vat_rate = models.DecimalField(
        _("VAT rate (%)"), max_digits=5, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    vat_amount = models.DecimalField(
        _("VAT amount"), max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    key = models.CharField(_("allocation key"), max_length=12, choices=Key.choices, default=Key.AREA)
    key_params = models.JSONField(_("key parameters"), default=dict, blank=True)
    # "bookings": the rental income of the period's guest bookings with a price, kept in step by
    # costs.services.count_rental_income; empty for items entered by hand.
    source = models.CharField(max_length=20, blank=True, default="")
    document = models.FileField(
        _("supporting document"), storage=private_storage, upload_to=document_path, blank=True, max_length=300
    )
    corrects = models.ForeignKey(
        "costs.Statement",
        verbose_name=_("corrects statement"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cost item")
        verbose_name_plural = _("cost items")
        ordering = ["period", "kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="correction", corrects__isnull=False) | (~Q(kind="correction") & Q(amount__gte=0)),
                name="cost_item_amount_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.amount}"

    def save(self, *args, **kwargs):
        self._check_open()
        if self.pk is not None:
            old_period = CostItem.objects.filter(pk=self.pk).values_list("period_id", flat=True).first()
            if (
                old_period
                and old_period != self.period_id
                and CostPeriod.objects.filter(pk=old_period, status=CostPeriod.Status.CLOSED).exists()
            ):
                raise FrozenError(_("This period is closed: nothing in it can be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._check_open()
        return super().delete(*args, **kwargs)

    def _check_open(self):
        if CostPeriod.objects.filter(pk=self.period_id, status=CostPeriod.Status.CLOSED).exists():
            raise FrozenError(_("This period is closed: nothing in it can be changed."))


# The keys by which rental income may lower the practices' shares (see costs.services.count_rental_income).
RENTAL_INCOME_KEYS = [CostItem.Key.EQUAL, CostItem.Key.AREA, CostItem.Key.HOURS, CostItem.Key.HEADCOUNT]
RENTAL_INCOME_KEY_CHOICES = [(key.value, key.label) for key in RENTAL_INCOME_KEYS]


class Headcount(models.Model):
    """The number of people a practice counts for in a period (for the headcount key), when not its member count."""

    period = models.ForeignKey(CostPeriod, on_delete=models.CASCADE, related_name="headcounts")
    practice = models.ForeignKey("community.Practice", on_delete=models.CASCADE, related_name="+")
    people = models.PositiveIntegerField(_("people"))

    class Meta:
        verbose_name = _("headcount")
        verbose_name_plural = _("headcounts")
        constraints = [models.UniqueConstraint(fields=["period", "practice"], name="uniq_headcount")]

    def __str__(self) -> str:
        return f"{self.practice}: {self.people}"

    def save(self, *args, **kwargs):
        if CostPeriod.objects.filter(pk=self.period_id, status=CostPeriod.Status.CLOSED).exists():
            raise FrozenError(_("This period is closed: nothing in it can be changed."))
        super().save(*args, **kwargs)


class StatementCounter(models.Model):
    """The last statement number of a space. Locked (SELECT … FOR UPDATE) while a period closes: gapless numbers."""

    space = models.OneToOneField("spaces.Space", on_delete=models.CASCADE, related_name="statement_counter")
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.space}: {self.last_number}"


class Statement(models.Model):
    """What a practice owes for a closed period: numbered, with a structured payment reference."""

    period = models.ForeignKey(CostPeriod, on_delete=models.PROTECT, related_name="statements")
    space = models.ForeignKey("spaces.Space", on_delete=models.PROTECT, related_name="cost_statements")
    practice = models.ForeignKey("community.Practice", on_delete=models.PROTECT, related_name="cost_statements")
    number = models.PositiveIntegerField(_("number"))
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    reference = models.CharField(_("payment reference"), max_length=40)
    reference_key = models.CharField(max_length=40, db_index=True, editable=False)
    language = models.CharField(_("language"), max_length=8, default="en")
    lines = models.JSONField(default=list)
    issued_at = models.DateTimeField(_("issued"))
    due_date = models.DateField(_("due date"))
    last_reminded_at = models.DateTimeField(_("last reminder"), null=True, blank=True)

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["space", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["space", "number"], name="uniq_statement_number_per_space"),
            models.UniqueConstraint(fields=["period", "practice"], name="uniq_statement_per_period_practice"),
            models.UniqueConstraint(fields=["reference_key"], name="uniq_statement_reference"),
        ]

    def __str__(self) -> str:
        return f"{self.space} #{self.number} — {self.practice}"


class Payment(models.Model):
    """Money received for a statement: entered by the treasurer or imported from a bank export."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("entered by hand")
        IMPORT = "import", _("bank import")

    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="payments")
    date = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    reference = models.CharField(_("reference"), max_length=140, blank=True)
    counterparty = models.CharField(_("paid by"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.MANUAL)
    fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["statement", "date", "id"]
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="payment_not_zero")]

    def __str__(self) -> str:
        return f"{self.date}: {self.amount}"
