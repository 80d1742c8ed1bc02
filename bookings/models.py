"""Bookings of a space's resources, their recurring series, the rules (policies) each space sets, waitlists.

Which bookings hold a slot: pending and confirmed ones (``Booking.HOLDING``). A pending request keeps the slot
until a coordinator approves or refuses it; refusing or cancelling frees it for the waitlist. On PostgreSQL an
exclusion constraint (see the migration) refuses two holding bookings of one resource whose blocked periods
(the booked period widened by the policy's buffers) overlap.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.postgres.fields import DateTimeRangeField
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import connections, models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from spaces.models import Resource, RoleAssignment, Space


class ResourceGroup(models.Model):
    """Resources of a space that share booking rules, e.g. "studios"."""

    space = models.ForeignKey(
        Space,
        verbose_name=pgettext_lazy("shared building", "space"),
        on_delete=models.CASCADE,
        related_name="resource_groups",
    )
    name = models.CharField(_("name"), max_length=200)
    resources = models.ManyToManyField(Resource, verbose_name=_("resources"), related_name="booking_groups", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("resource group")
        verbose_name_plural = _("resource groups")
        ordering = ["space", "name"]
        constraints = [models.UniqueConstraint(fields=["space", "name"], name="uniq_resource_group_name")]

    def __str__(self) -> str:
        return self.name


class BookingPolicy(models.Model):
    """A space's booking rules: for one resource, for a resource group, or the space's default (neither set).

    A resource's effective policy is its own, else its group's, else the space's default, else ``permissive()``.
    Empty limits mean "no limit".
    """

    class QuotaPeriod(models.TextChoices):
        WEEK = "week", _("per week")
        MONTH = "month", _("per month")

    space = models.ForeignKey(
        Space,
        verbose_name=pgettext_lazy("shared building", "space"),
        on_delete=models.CASCADE,
        related_name="booking_policies",
    )
    resource = models.OneToOneField(
        Resource,
        verbose_name=_("resource"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="booking_policy",
    )
    group = models.OneToOneField(
        ResourceGroup,
        verbose_name=_("resource group"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="policy",
    )
    # Who may book.
    allow_practices = models.BooleanField(_("the space's practices may book"), default=True)
    allow_network = models.BooleanField(_("members of the network may book"), default=False)
    allow_guests = models.BooleanField(_("the public may book as guests"), default=False)
    # Approval.
    requires_approval = models.BooleanField(_("bookings need approval"), default=False)
    approver_role = models.CharField(
        _("approved by"),
        max_length=30,
        choices=RoleAssignment.Role.choices,
        default=RoleAssignment.Role.COORDINATOR,
    )
    # Durations and timing.
    min_duration_minutes = models.PositiveIntegerField(_("minimum duration (minutes)"), null=True, blank=True)
    max_duration_minutes = models.PositiveIntegerField(
        _("maximum duration (minutes)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    max_days_ahead = models.PositiveIntegerField(_("at most this many days ahead"), null=True, blank=True)
    min_notice_hours = models.PositiveIntegerField(_("minimum notice (hours)"), null=True, blank=True)
    buffer_before_minutes = models.PositiveIntegerField(_("buffer before (minutes)"), default=0)
    buffer_after_minutes = models.PositiveIntegerField(_("buffer after (minutes)"), default=0)
    respect_opening_hours = models.BooleanField(_("only within opening hours"), default=True)
    respect_closures = models.BooleanField(_("not during closures"), default=True)
    # Quota per practice.
    quota_hours = models.PositiveIntegerField(_("quota per practice (hours)"), null=True, blank=True)
    quota_period = models.CharField(
        _("quota period"), max_length=10, choices=QuotaPeriod.choices, default=QuotaPeriod.WEEK
    )
    cancellation_deadline_hours = models.PositiveIntegerField(
        _("cancellation deadline (hours before the start)"), null=True, blank=True
    )
    guest_price_per_hour = models.DecimalField(
        _("price per hour for guests"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("booking policy")
        verbose_name_plural = _("booking policies")
        ordering = ["space", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["space"],
                condition=Q(resource__isnull=True, group__isnull=True),
                name="uniq_default_booking_policy_per_space",
            ),
            models.CheckConstraint(
                condition=Q(resource__isnull=True) | Q(group__isnull=True),
                name="booking_policy_one_scope",
            ),
            models.CheckConstraint(
                condition=Q(max_duration_minutes__isnull=True)
                | Q(min_duration_minutes__isnull=True)
                | Q(max_duration_minutes__gte=models.F("min_duration_minutes")),
                name="booking_policy_durations_order",
            ),
        ]

    def __str__(self) -> str:
        if self.resource_id:
            return str(_("Booking rules of %(name)s") % {"name": self.resource.name})
        if self.group_id:
            return str(_("Booking rules of %(name)s") % {"name": self.group.name})
        return str(_("Default booking rules"))

    @classmethod
    def permissive(cls, space: Space | None = None) -> BookingPolicy:
        """The rules when a space set none: its practices may book, whenever, without approval."""
        policy = cls(respect_opening_hours=False, respect_closures=True)
        if space is not None:
            policy.space = space
        return policy

    def guest_price(self, start, end) -> Decimal | None:
        """What a guest pays for ``start``–``end``: the hourly price × the hours, rounded once to the cent."""
        if self.guest_price_per_hour is None:
            return None
        hours = Decimal((end - start).total_seconds()) / Decimal(3600)
        return (self.guest_price_per_hour * hours).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    @property
    def is_saved_default(self) -> bool:
        return self.pk is not None and self.resource_id is None and self.group_id is None

    @property
    def buffer_before(self) -> timedelta:
        return timedelta(minutes=self.buffer_before_minutes or 0)

    @property
    def buffer_after(self) -> timedelta:
        return timedelta(minutes=self.buffer_after_minutes or 0)

    def clean(self):
        if self.resource_id and self.group_id:
            raise ValidationError(_("A policy applies to one resource or one group, not both."))
        if self.resource_id and self.space_id and self.resource.space_id != self.space_id:
            raise ValidationError({"resource": _("This resource belongs to another space.")})
        if self.group_id and self.space_id and self.group.space_id != self.space_id:
            raise ValidationError({"group": _("This group belongs to another space.")})
        if (
            self.min_duration_minutes is not None
            and self.max_duration_minutes is not None
            and self.max_duration_minutes < self.min_duration_minutes
        ):
            raise ValidationError(
                {"max_duration_minutes": _("The maximum duration cannot be shorter than the minimum.")}
            )


class BookingSeries(models.Model):
    """A recurring booking: an RFC 5545 rule in the space's local time; each occurrence is a Booking row."""

    resource = models.ForeignKey(Resource, verbose_name=_("resource"), on_delete=models.CASCADE, related_name="+")
    practice = models.ForeignKey(
        "community.Practice",
        verbose_name=_("practice"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="booking_series",
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="booking_series",
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    rrule = models.CharField(_("recurrence rule"), max_length=500)
    exdates = models.JSONField(_("exceptions"), default=list, blank=True)
    dtstart = models.DateTimeField(_("first start"))
    duration = models.DurationField(_("duration"))
    time_zone = models.CharField(_("time zone"), max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("booking series")
        verbose_name_plural = _("booking series")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.title or self.resource.name}: {self.rrule}"

    @property
    def space(self) -> Space:
        return self.resource.space


class BlockedRange(models.Func):
    """``tstzrange(blocked_start, blocked_end, '[)')``: the expression of the exclusion constraint's index."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class BookingQuerySet(models.QuerySet):
    def holding(self):
        """Bookings that hold their slot: pending and confirmed."""
        return self.filter(status__in=Booking.HOLDING)

    def overlapping(self, start, end):
        return self.filter(start__lt=end, end__gt=start)

    def blocking(self, start, end):
        """Holding bookings whose blocked period (with buffers) overlaps [start, end).

        On PostgreSQL the same condition is also written as a range overlap, so that the planner can use the
        exclusion constraint's GiST index (resource, blocked period): it finds the few bookings around the window
        instead of reading every booking of the resources before it.
        """
        qs = self.holding().filter(blocked_start__lt=end, blocked_end__gt=start)
        if connections[self.db].vendor == "postgresql":
            qs = qs.alias(blocked=BlockedRange("blocked_start", "blocked_end", models.Value("[)"))).filter(
                blocked__overlap=(start, end)
            )
        return qs


class Booking(models.Model):
    """A resource booked for a period, by a member for a practice (or by a guest)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for approval")
        CONFIRMED = "confirmed", _("confirmed")
        REFUSED = "refused", _("refused")
        CANCELLED = "cancelled", _("cancelled")

    class Kind(models.TextChoices):
        BOOKING = "booking", pgettext_lazy("noun", "booking")
        EVENT = "event", _("event")
        ALLOCATION = "allocation", _("allocation")
        GUEST = "guest", _("guest booking")
        MAINTENANCE = "maintenance", _("maintenance")

    HOLDING = (Status.PENDING, Status.CONFIRMED)

    # No single-column index on the foreign keys: the indexes in Meta start with them (each insert pays for every
    # index of this table, the busiest one; series and decided_by have partial ones, most bookings have neither).
    resource = models.ForeignKey(
        Resource, verbose_name=_("resource"), on_delete=models.CASCADE, related_name="bookings", db_index=False
    )
    practice = models.ForeignKey(
        "community.Practice",
        verbose_name=_("practice"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="bookings",
        db_index=False,
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="bookings",
        db_index=False,
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    # The period the booking keeps free of other bookings: [start - buffer before, end + buffer after).
    blocked_start = models.DateTimeField(editable=False)
    blocked_end = models.DateTimeField(editable=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.CONFIRMED)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.BOOKING)
    series = models.ForeignKey(
        BookingSeries,
        verbose_name=_("series"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="bookings",
        db_index=False,
    )
    is_public = models.BooleanField(_("public"), default=False)
    guest_name = models.CharField(_("guest's name"), max_length=150, blank=True)
    guest_email = models.EmailField(_("guest's email"), blank=True)
    # What a guest (an outside renter) pays for this booking: the rental income the space's costs can count.
    price = models.DecimalField(_("price"), max_digits=10, decimal_places=2, null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("noun", "booking")
        verbose_name_plural = pgettext_lazy("noun", "bookings")
        ordering = ["start", "id"]
        indexes = [
            models.Index(fields=["resource", "start"]),
            models.Index(fields=["resource", "blocked_start", "blocked_end"]),
            models.Index(fields=["practice", "start"]),
            models.Index(fields=["booked_by", "start"]),
            models.Index(fields=["series"], condition=Q(series__isnull=False), name="booking_series_idx"),
            models.Index(fields=["decided_by"], condition=Q(decided_by__isnull=False), name="booking_decided_by_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="booking_order"),
            models.CheckConstraint(
                condition=Q(blocked_start__lte=models.F("start")) & Q(blocked_end__gte=models.F("end")),
                name="booking_blocked_covers",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title or self.resource.name} {self.start:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.blocked_start is None or self.blocked_start > self.start:
            self.blocked_start = self.start
        if self.blocked_end is None or self.blocked_end < self.end:
            self.blocked_end = self.end
        super().save(*args, **kwargs)

    @property
    def space(self) -> Space:
        return self.resource.space

    @property
    def is_holding(self) -> bool:
        return self.status in self.HOLDING


class WaitlistEntry(models.Model):
    """Someone waiting for a taken slot; offered the slot when the booking that holds it is refused or cancelled."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("waiting")
        OFFERED = "offered", _("offered")
        WITHDRAWN = "withdrawn", _("withdrawn")

    resource = models.ForeignKey(
        Resource, verbose_name=_("resource"), on_delete=models.CASCADE, related_name="waitlist_entries"
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="waitlist_entries"
    )
    practice = models.ForeignKey(
        "community.Practice",
        verbose_name=_("practice"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="waitlist_entries",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.WAITING)
    offered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("waitlist entry")
        verbose_name_plural = _("waitlist entries")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="waitlist_order"),
            models.UniqueConstraint(
                fields=["resource", "start", "end", "member"],
                condition=Q(status="waiting"),
                name="uniq_waiting_per_slot",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} ⏳ {self.resource.name} {self.start:%Y-%m-%d %H:%M}"

    @property
    def space(self) -> Space:
        return self.resource.space
