"""Allocation rounds (issue 8): a season's recurring weekly slots shared out fairly among a space's practices.

A coordinator opens a round over some resources; practices submit requests before the deadline; the solver
(allocation/solver.py) proposes granted slots; the coordinator may adjust them by hand and publishes them as
weekly recurring bookings. Times of windows and slots are wall-clock times in the space's time zone.
"""

from __future__ import annotations

import random

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from spaces.models import OpeningHours, Resource, Space


def new_seed() -> int:
    return random.SystemRandom().randrange(1, 2**31 - 1)


class AllocationRound(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        OPEN = "open", _("open for requests")
        CLOSED = "closed", _("closed for requests")
        SOLVING = "solving", _("being computed")
        PROPOSED = "proposed", _("proposed")
        PUBLISHED = "published", _("published")

    class EntitlementRule(models.TextChoices):
        EQUAL = "equal", _("equal for every practice")
        MEMBERSHIP_KIND = "membership_kind", _("by kind of membership")
        MANUAL = "manual", _("set by hand")
        CONTRIBUTION = "contribution", _("by contribution to the costs")

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="allocation_rounds")
    name = models.CharField(_("name"), max_length=200)
    resources = models.ManyToManyField(Resource, verbose_name=_("resources"), related_name="allocation_rounds")
    season_start = models.DateField(_("season starts"))
    season_end = models.DateField(_("season ends"))
    deadline = models.DateTimeField(_("deadline for requests"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    seed = models.PositiveIntegerField(_("published random seed"), default=new_seed)
    entitlement_rule = models.CharField(
        _("entitlements"), max_length=20, choices=EntitlementRule.choices, default=EntitlementRule.EQUAL
    )
    slot_minutes = models.PositiveSmallIntegerField(
        _("length of a time slot (minutes)"), default=60, choices=[(30, "30"), (60, "60")]
    )
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("allocation round")
        verbose_name_plural = _("allocation rounds")
        ordering = ["-season_start", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(season_end__gte=models.F("season_start")), name="alloc_season_order")
        ]

    def __str__(self) -> str:
        return self.name

    def latest_run(self) -> SolveRun | None:
        return self.runs.order_by("-id").first()


class Entitlement(models.Model):
    """How much a practice counts in the max-min: its satisfaction is divided by its weight (relative to the top)."""

    round = models.ForeignKey(AllocationRound, on_delete=models.CASCADE, related_name="entitlements")
    practice = models.ForeignKey("community.Practice", verbose_name=_("practice"), on_delete=models.CASCADE)
    weight = models.DecimalField(
        _("weight"), max_digits=6, decimal_places=2, default=1, validators=[MinValueValidator(0.01)]
    )

    class Meta:
        verbose_name = _("entitlement")
        verbose_name_plural = _("entitlements")
        ordering = ["practice__name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "practice"], name="alloc_one_entitlement_per_practice"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="alloc_entitlement_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.practice}: {self.weight}"


class AllocationRequest(models.Model):
    """A practice's weekly request: where (resources, or a kind with capacity and equipment), how long, when."""

    round = models.ForeignKey(AllocationRound, on_delete=models.CASCADE, related_name="requests")
    practice = models.ForeignKey(
        "community.Practice", verbose_name=_("practice"), on_delete=models.CASCADE, related_name="allocation_requests"
    )
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(_("what for"), max_length=200, blank=True)
    resources = models.ManyToManyField(Resource, verbose_name=_("resources"), blank=True, related_name="+")
    kind = models.CharField(_("kind of resource"), max_length=20, choices=Resource.Kind.choices, blank=True)
    capacity = models.PositiveIntegerField(_("people"), default=1, validators=[MinValueValidator(1)])
    equipment = models.JSONField(_("equipment needed"), default=list, blank=True)
    duration_minutes = models.PositiveIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(15), MaxValueValidator(12 * 60)]
    )
    # Ranked: [{"weekday": 0-6, "start": "HH:MM", "end": "HH:MM"}, …], best first.
    windows = models.JSONField(_("preferred times"), default=list)
    flexibility_minutes = models.PositiveIntegerField(
        _("flexibility (minutes earlier or later)"), default=0, validators=[MaxValueValidator(180)]
    )
    priority = models.PositiveSmallIntegerField(
        _("importance"), default=3, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("allocation request")
        verbose_name_plural = _("allocation requests")
        ordering = ["-priority", "created_at", "id"]  # the published order of the waitlist

    def __str__(self) -> str:
        return f"{self.practice}: {self.title or self.duration_minutes}"

    def window_labels(self) -> list[str]:
        days = dict(OpeningHours.Weekday.choices)
        return [f"{days.get(w['weekday'], '?')} {w['start']}–{w['end']}" for w in self.windows]


class SolveRun(models.Model):
    """One computation of a round's timetable, run by the background worker."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting for the worker")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    round = models.ForeignKey(AllocationRound, on_delete=models.CASCADE, related_name="runs")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    phase = models.CharField(max_length=40, blank=True)
    method = models.CharField(max_length=20, blank=True)  # mip, greedy fallback
    proven_optimal = models.BooleanField(_("proven optimal"), default=False)
    gap = models.FloatField(_("gap"), null=True, blank=True)
    figures = models.JSONField(default=dict, blank=True)
    comparison = models.JSONField(default=dict, blank=True)  # {"fcfs": {...}, "round_robin": {...}}
    timings = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("solver run")
        verbose_name_plural = _("solver runs")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.round} #{self.pk} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class GrantedSlot(models.Model):
    """A weekly slot granted to a request: proposed by the solver (or by hand), then published as bookings."""

    class Source(models.TextChoices):
        SOLVER = "solver", _("computed")
        HAND = "hand", _("adjusted by hand")
        WAITLIST = "waitlist", _("from the waitlist")

    round = models.ForeignKey(AllocationRound, on_delete=models.CASCADE, related_name="slots")
    request = models.ForeignKey(AllocationRequest, on_delete=models.CASCADE, related_name="slots")
    resource = models.ForeignKey(Resource, verbose_name=_("resource"), on_delete=models.CASCADE, related_name="+")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=OpeningHours.Weekday.choices)
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"))
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.SOLVER)
    series = models.ForeignKey(
        "bookings.BookingSeries", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("granted slot")
        verbose_name_plural = _("granted slots")
        ordering = ["weekday", "start", "resource__name"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="alloc_slot_order"),
            models.UniqueConstraint(
                fields=["request"], condition=Q(released_at__isnull=True), name="alloc_one_live_slot_per_request"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M} {self.resource.name}"


class SwapProposal(models.Model):
    """One practice offers its granted slot for another practice's; the other practice accepts or declines."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for an answer")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")

    round = models.ForeignKey(AllocationRound, on_delete=models.CASCADE, related_name="swaps")
    offered = models.ForeignKey(GrantedSlot, on_delete=models.CASCADE, related_name="+")
    wanted = models.ForeignKey(GrantedSlot, on_delete=models.CASCADE, related_name="+")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("swap proposal")
        verbose_name_plural = _("swap proposals")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.offered_id} ↔ {self.wanted_id} ({self.status})"
