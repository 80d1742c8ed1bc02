"""Co-governance and care: proposals and the decision log, meetings, versioned documents, agreements with the
owner, the care rota and incidents.

The decision log (Decision) and document versions (DocumentVersion) are append-only: the models refuse updates
and deletes, and on PostgreSQL a trigger refuses them in the database too (migration 0001).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.translation import Translated, translated_fields


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an entry of an append-only record."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(_("This record is append-only: it cannot be changed."))

    def delete(self):
        raise AppendOnlyError(_("This record is append-only: it cannot be deleted."))


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(_("This record is append-only: it cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(_("This record is append-only: it cannot be deleted."))


def private_upload(instance, filename: str) -> str:
    """Uploads outside media/public/: only served through permission-checked views."""
    stamp = timezone.now().strftime("%Y/%m")
    return f"private/governance/{instance._meta.model_name}/{stamp}/{filename}"


DOCUMENT_EXTENSIONS = ["pdf", "odt", "ods", "docx", "xlsx", "txt", "md", "png", "jpg", "jpeg", "webp"]
PHOTO_EXTENSIONS = ["png", "jpg", "jpeg", "webp"]


# --- Proposals and decisions -------------------------------------------------------------------------------------


class ProposalType(models.TextChoices):
    GENERAL = "general", _("general")
    HOUSE_RULES = "house_rules", _("house rules")
    ROLES = "roles", _("roles")
    USE = "use", _("use of the space and quotas")
    COSTS = "costs", _("costs and allocation keys")


class Method(models.TextChoices):
    CONSENT = "consent", _("consent (passes unless someone objects)")
    MAJORITY = "majority", _("majority with quorum")
    TWO_THIRDS = "two_thirds", _("two-thirds majority with quorum")


class VoteUnit(models.TextChoices):
    PRACTICE = "practice", _("one vote per practice")
    MEMBER = "member", _("one vote per member")


class DecisionRule(models.Model):
    """How a space decides on one type of proposal."""

    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="decision_rules")
    proposal_type = models.CharField(_("type of proposal"), max_length=20, choices=ProposalType.choices)
    method = models.CharField(_("decision method"), max_length=20, choices=Method.choices, default=Method.CONSENT)
    vote_unit = models.CharField(_("who votes"), max_length=20, choices=VoteUnit.choices, default=VoteUnit.PRACTICE)
    quorum_percent = models.PositiveSmallIntegerField(
        _("quorum (%)"),
        default=50,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Share of those who may vote that must take part (majority and two-thirds only)."),
    )

    class Meta:
        verbose_name = _("decision rule")
        verbose_name_plural = _("decision rules")
        ordering = ["space", "proposal_type"]
        constraints = [
            models.UniqueConstraint(fields=["space", "proposal_type"], name="uniq_decision_rule_per_type"),
            models.CheckConstraint(condition=Q(quorum_percent__lte=100), name="decision_rule_quorum_max"),
        ]

    def __str__(self) -> str:
        return f"{self.get_proposal_type_display()}: {self.get_method_display()}"


class Meeting(models.Model):
    """A meeting of the space's members: agenda, minutes, attendance, and the decisions taken there."""

    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="uniq_attendance")]

    def __str__(self) -> str:
        return f"{self.member} @ {self.meeting}"


class Proposal(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("open for votes")
        PASSED = "passed", _("passed")
        REJECTED = "rejected", _("not passed")

    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="proposals")
    type = models.CharField(_("type"), max_length=20, choices=ProposalType.choices, default=ProposalType.GENERAL)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("proposal"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="governance_proposals"
    )
    deadline = models.DateTimeField(_("deadline"))
    method = models.CharField(_("decision method"), max_length=20, choices=Method.choices)
    vote_unit = models.CharField(_("who votes"), max_length=20, choices=VoteUnit.choices)
    quorum_percent = models.PositiveSmallIntegerField(_("quorum (%)"), default=50)
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), null=True, blank=True, on_delete=models.SET_NULL, related_name="proposals"
    )
    change_kind = models.CharField(_("change"), max_length=40, blank=True)
    change_data = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("governance:proposal", kwargs={"slug": self.space.slug, "pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN and timezone.now() < self.deadline


class Attachment(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(
        _("file"), upload_to=private_upload, validators=[FileExtensionValidator(DOCUMENT_EXTENSIONS)]
    )
    name = models.CharField(_("name"), max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name


class Comment(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:50]


class Vote(models.Model):
    """One vote per voter: ``voter_key`` is ``m<member id>`` or ``p<practice id>`` (the proposal's vote unit)."""

    class Choice(models.TextChoices):
        YES = "yes", pgettext_lazy("vote", "yes")
        NO = "no", pgettext_lazy("vote", "no")
        ABSTAIN = "abstain", pgettext_lazy("vote", "abstain")
        OBJECT = "object", pgettext_lazy("vote", "object")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    practice = models.ForeignKey(
        "community.Practice", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    voter_key = models.CharField(max_length=30)
    choice = models.CharField(_("vote"), max_length=10, choices=Choice.choices)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["proposal", "voter_key"], name="uniq_vote_per_voter")]

    def __str__(self) -> str:
        return f"{self.voter_name}: {self.choice}"

    @property
    def voter_name(self) -> str:
        return str(self.practice) if self.practice_id else str(self.member)


class Decision(AppendOnlyModel):
    """An entry of the space's decision log. Append-only."""

    class Outcome(models.TextChoices):
        PASSED = "passed", _("passed")
        REJECTED = "rejected", _("not passed")

    space = models.ForeignKey("spaces.Space", on_delete=models.PROTECT, related_name="decisions")
    number = models.PositiveIntegerField(_("number"))
    proposal = models.OneToOneField(Proposal, null=True, blank=True, on_delete=models.PROTECT, related_name="decision")
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions")
    title = models.CharField(_("title"), max_length=200)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    method = models.CharField(_("decision method"), max_length=20, choices=Method.choices)
    counts = models.JSONField(_("count"), default=dict)
    reasons = models.JSONField(_("reasons"), default=list)
    summary = models.TextField(_("summary"), blank=True)
    change_kind = models.CharField(_("change"), max_length=40, blank=True)
    change_label = models.CharField(_("change applied"), max_length=255, blank=True)
    change_object_type = models.CharField(max_length=100, blank=True)
    change_object_id = models.CharField(max_length=40, blank=True)
    recorded_by_name = models.CharField(_("recorded by"), max_length=150, blank=True)
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decision log")
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["space", "number"], name="uniq_decision_number")]

    def __str__(self) -> str:
        return f"#{self.number} {self.title}"

    def change_url(self) -> str:
        from . import changes

        return changes.url_for(self)


# --- Documents ---------------------------------------------------------------------------------------------------


class Document(models.Model):
    class Kind(models.TextChoices):
        CHARTER = "charter", _("charter")
        HOUSE_RULES = "house_rules", _("house rules")
        PROCEDURE = "procedure", _("procedure")

    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="governance_documents")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["space", "kind", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["space"], condition=Q(kind="house_rules"), name="one_house_rules_document_per_space"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def current_version(self):
        return self.versions.order_by("-number").first()


class DocumentVersion(AppendOnlyModel):
    """One version of a document. Past versions are append-only."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    locals().update(translated_fields("text", verbose_name=_("text")))
    text = Translated("text")
    note = models.CharField(_("what changed"), max_length=255, blank=True)
    proposal = models.ForeignKey(Proposal, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by_name = models.CharField(_("published by"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("published at"), default=timezone.now)

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering = ["document", "-number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="uniq_document_version")]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"


class Acknowledgement(models.Model):
    """A member has read and accepts a version of the house rules."""

    version = models.ForeignKey(DocumentVersion, on_delete=models.PROTECT, related_name="acknowledgements")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    acknowledged_at = models.DateTimeField(_("acknowledged at"), auto_now_add=True)

    class Meta:
        verbose_name = _("acknowledgement")
        verbose_name_plural = _("acknowledgements")
        constraints = [models.UniqueConstraint(fields=["version", "member"], name="uniq_acknowledgement")]

    def __str__(self) -> str:
        return f"{self.member}: {self.version}"


# --- Agreements with the owner -----------------------------------------------------------------------------------


class Category(models.TextChoices):
    HEATING = "heating", _("heating")
    ELECTRICITY = "electricity", _("electricity")
    WATER = "water", _("water")
    SAFETY = "safety", _("safety")
    CLEANLINESS = "cleanliness", _("cleanliness")
    EQUIPMENT = "equipment", _("equipment")


class Party(models.TextChoices):
    CARETAKER = "caretaker", _("caretaker")
    OWNER = "owner", _("owner")


class Agreement(models.Model):
    class Kind(models.TextChoices):
        LEASE = "lease", _("lease")
        USE = "use", _("use agreement")
        TEMPORARY = "temporary", _("temporary-use contract")

    class RentPeriod(models.TextChoices):
        MONTH = "month", _("per month")
        YEAR = "year", _("per year")

    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="agreements")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.USE)
    title = models.CharField(_("title"), max_length=200)
    owner_party = models.CharField(_("owner"), max_length=200)
    user_party = models.CharField(_("user (tenant)"), max_length=200)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True, help_text=_("Leave empty if open-ended."))
    notice_days = models.PositiveIntegerField(_("notice period (days)"), default=90)
    rent = models.DecimalField(_("rent"), max_digits=12, decimal_places=2, default=0, validators=[MinValueValidator(0)])
    rent_period = models.CharField(_("rent period"), max_length=10, choices=RentPeriod.choices, default="month")
    indexation = models.CharField(_("indexation"), max_length=255, blank=True)
    maintenance = models.JSONField(_("who maintains what"), default=dict, blank=True)
    remind_days_before = models.PositiveIntegerField(_("remind the coordinators (days before)"), default=60)
    notes = models.TextField(_("notes"), blank=True)
    notice_reminder_sent_at = models.DateTimeField(null=True, blank=True)
    end_reminder_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["space", "-start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gt=models.F("start")), name="agreement_order")
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": _("The end must be after the start.")})

    @property
    def notice_deadline(self) -> datetime.date | None:
        return self.end - datetime.timedelta(days=self.notice_days) if self.end else None

    def responsible_for(self, category: str) -> str:
        return self.maintenance.get(category, Party.CARETAKER)

    def maintenance_split(self) -> list[tuple[str, str]]:
        labels = dict(Party.choices)
        return [(label, labels[self.responsible_for(value)]) for value, label in Category.choices]

    def is_current(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.start <= on and (self.end is None or self.end >= on)


class Renewal(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="renewals")
    previous_end = models.DateField(_("previous end"), null=True, blank=True)
    new_end = models.DateField(_("new end"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("renewal")
        verbose_name_plural = _("renewals")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.agreement}: {self.previous_end} → {self.new_end}"


# --- Care rota ---------------------------------------------------------------------------------------------------


class CareTask(models.Model):
    class Kind(models.TextChoices):
        PERMANENCE = "permanence", _("opening or closing shift")
        CLEANING = "cleaning", _("cleaning")
        WASTE = "waste", _("waste")
        SAFETY = "safety", _("safety check")
        PLANTS = "plants", _("plant watering")
        OTHER = "other", _("other")

    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="care_tasks")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    description = models.TextField(_("description"), blank=True)
    rrule = models.CharField(
        _("repeats"), max_length=255, help_text=_("An iCalendar RRULE, for example FREQ=WEEKLY;BYDAY=MO,TH.")
    )
    starts_on = models.DateField(_("first time"), default=datetime.date.today)
    time = models.TimeField(_("time of day"), default=datetime.time(9, 0))
    effort_minutes = models.PositiveIntegerField(_("effort (minutes)"), default=30, validators=[MinValueValidator(1)])
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("care task")
        verbose_name_plural = _("care tasks")
        ordering = ["space", "title"]

    def __str__(self) -> str:
        return self.title


class Shift(models.Model):
    """One occurrence of a care task, given to a practice; a member may take it over; ticked when done."""

    task = models.ForeignKey(CareTask, on_delete=models.CASCADE, related_name="shifts")
    start = models.DateTimeField(_("when"))
    practice = models.ForeignKey(
        "community.Practice",
        verbose_name=_("practice"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    offered = models.BooleanField(_("offered for a swap"), default=False)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = ["start", "id"]
        constraints = [models.UniqueConstraint(fields=["task", "start"], name="uniq_shift_per_occurrence")]

    def __str__(self) -> str:
        return f"{self.task} {self.start:%Y-%m-%d %H:%M}"


# --- Incidents ---------------------------------------------------------------------------------------------------


class Incident(models.Model):
    class Severity(models.TextChoices):
        LOW = "low", _("low")
        MEDIUM = "medium", _("medium")
        HIGH = "high", _("high")
        URGENT = "urgent", _("urgent")

    class Status(models.TextChoices):
        NEW = "new", _("new")
        ACKNOWLEDGED = "acknowledged", _("acknowledged")
        IN_PROGRESS = "in_progress", _("in progress")
        WAITING_OWNER = "waiting_owner", _("waiting for the owner")
        SOLVED = "solved", _("solved")

    TRANSITIONS = {
        "new": {"acknowledged"},
        "acknowledged": {"in_progress", "waiting_owner", "solved"},
        "in_progress": {"waiting_owner", "solved"},
        "waiting_owner": {"in_progress", "solved"},
        "solved": set(),
    }

    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="incidents")
    resource = models.ForeignKey(
        "spaces.Resource",
        verbose_name=_("resource"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    title = models.CharField(_("what is wrong"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    photo = models.FileField(
        _("photo"), upload_to=private_upload, blank=True, validators=[FileExtensionValidator(PHOTO_EXTENSIONS)]
    )
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    responsible = models.CharField(_("responsible"), max_length=20, choices=Party.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    note = models.TextField(_("latest note"), blank=True)
    closure = models.ForeignKey("spaces.Closure", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("reported at"), default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    solved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["space", "status"])]

    def __str__(self) -> str:
        return self.title

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, set())
