"""The programme: public events (one row per occurrence, each with its own registrations), the practices'
projects, and the services a space offers (with bookable office-hour slots)."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from spaces.models import Resource, Space

LANGUAGE_CHOICES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("nl", _("Dutch")),
    ("de", _("German")),
    ("es", _("Spanish")),
    ("it", _("Italian")),
    ("pt", _("Portuguese")),
    ("pl", _("Polish")),
    ("ka", _("Georgian")),
    ("hy", _("Armenian")),
    ("ar", _("Arabic")),
    ("tr", _("Turkish")),
    ("sgn", _("sign language")),
]
LANGUAGE_CODES = [code for code, _label in LANGUAGE_CHOICES]


def _secret() -> str:
    return secrets.token_urlsafe(24)


class Event(models.Model):
    """A public activity in a space, by a practice or a coordinator; its dates are its occurrences."""

    class Category(models.TextChoices):
        TALK = "talk", _("talk")
        EXHIBITION = "exhibition", _("exhibition")
        SCREENING = "screening", _("screening")
        WORKSHOP = "workshop", pgettext_lazy("activity", "workshop")
        CONCERT = "concert", _("concert")
        MEETING = "meeting", _("meeting")
        OPEN_DAY = "open_day", _("open day")
        PERFORMANCE = "performance", _("performance")
        MARKET = "market", _("market")
        OTHER = "other", _("other")

    class Audience(models.TextChoices):
        PUBLIC = "public", _("everyone")
        NETWORK = "network", _("members of the network")
        MEMBERS = "members", _("members of the space")

    class Price(models.TextChoices):
        FREE = "free", _("free")
        PAY_WHAT_YOU_CAN = "pwyc", _("pay what you can")
        FIXED = "fixed", _("fixed price")

    class Status(models.TextChoices):
        PUBLISHED = "published", _("published")
        CANCELLED = "cancelled", _("cancelled")

    space = models.ForeignKey(
        Space, verbose_name=pgettext_lazy("shared building", "space"), on_delete=models.CASCADE, related_name="events"
    )
    resource = models.ForeignKey(
        Resource, verbose_name=_("room"), null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    practice = models.ForeignKey(
        "community.Practice",
        verbose_name=_("practice"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        help_text=_("Leave empty when the space itself organises the event."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, default=Category.TALK)
    languages = models.JSONField(_("languages spoken"), default=list, blank=True)
    audience = models.CharField(_("open to"), max_length=20, choices=Audience.choices, default=Audience.PUBLIC)
    # Accessibility facts (the building's own facts are on the space).
    wheelchair_accessible = models.BooleanField(_("wheelchair accessible"), default=False)
    hearing_loop = models.BooleanField(_("hearing loop"), default=False)
    sign_language = models.BooleanField(_("sign language interpretation"), default=False)
    relaxed = models.BooleanField(_("relaxed performance (quiet, lights on, come and go)"), default=False)
    accessibility_notes = models.TextField(_("accessibility notes"), blank=True)
    price_kind = models.CharField(_("price"), max_length=10, choices=Price.choices, default=Price.FREE)
    price = models.DecimalField(
        _("amount (EUR)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("Leave empty when no registration is needed.")
    )
    image = models.ImageField(_("image"), upload_to="public/programme/", blank=True)
    image_alt = models.CharField(_("image description"), max_length=300, blank=True)
    recurrence = models.CharField(_("repeats (RRULE)"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PUBLISHED)
    # The span of its dates, kept by programme.services, so that lists of events page over an index.
    first_start = models.DateTimeField(null=True, blank=True, editable=False)
    last_end = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    ACCESSIBILITY_FIELDS = ("wheelchair_accessible", "hearing_loop", "sign_language", "relaxed")

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["first_start", "id"], name="programme_event_first_start")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(price_kind="fixed") | Q(price__isnull=False), name="programme_fixed_price_has_amount"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_free(self) -> bool:
        return self.price_kind == self.Price.FREE

    @property
    def needs_registration(self) -> bool:
        return self.capacity is not None

    def accessibility_facts(self) -> list[tuple[str, bool]]:
        return [(self._meta.get_field(name).verbose_name, getattr(self, name)) for name in self.ACCESSIBILITY_FIELDS]

    def refresh_span(self) -> None:
        """Store the first start and last end of the event's shown dates (not cancelled, room booking
        confirmed); both empty when none is shown, which keeps the event out of lists."""
        shown = self.occurrences.filter(is_cancelled=False).filter(
            Q(booking__isnull=True) | Q(booking__status="confirmed")
        )
        span = shown.aggregate(first=models.Min("start"), last=models.Max("end"))
        self.first_start, self.last_end = span["first"], span["last"]
        Event.objects.filter(pk=self.pk).update(first_start=self.first_start, last_end=self.last_end)

    def language_labels(self) -> list[str]:
        labels = dict(LANGUAGE_CHOICES)
        return [str(labels.get(code, code)) for code in self.languages]


class Occurrence(models.Model):
    """One date of an event, with its own registrations. Filter columns are copied from the event so that the
    agenda is one indexed query over this table."""

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="occurrences")
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="+")
    booking = models.OneToOneField(
        "bookings.Booking", null=True, blank=True, on_delete=models.SET_NULL, related_name="programme_occurrence"
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    # Copies of the event's fields, kept in step by programme.services.
    audience = models.CharField(max_length=20, default=Event.Audience.PUBLIC)
    category = models.CharField(max_length=20, default=Event.Category.TALK)
    is_free = models.BooleanField(default=True)
    is_accessible = models.BooleanField(default=False)
    languages = models.JSONField(default=list, blank=True)
    is_cancelled = models.BooleanField(default=False)
    capacity = models.PositiveIntegerField(null=True, blank=True)
    confirmed_count = models.PositiveIntegerField(default=0)
    # For calendar clients (iCal SEQUENCE and LAST-MODIFIED): raised when the date moves or is cancelled; the
    # time of the last change to the date or to what its event says (None: unchanged since it was created).
    sequence = models.PositiveIntegerField(default=0)
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("date")
        verbose_name_plural = _("dates")
        ordering = ["start", "id"]
        indexes = [
            models.Index(fields=["start", "id"], name="programme_occ_start"),
            models.Index(fields=["space", "start"], name="programme_occ_space_start"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="programme_occurrence_order"),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(confirmed_count__lte=models.F("capacity")),
                name="programme_occurrence_within_capacity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} {self.start:%Y-%m-%d %H:%M}"

    @property
    def places_left(self) -> int | None:
        if self.capacity is None:
            return None
        return max(self.capacity - self.confirmed_count, 0)

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.confirmed_count >= self.capacity


class Registration(models.Model):
    """A visitor's place (or place on the waitlist) at one occurrence. Name and email are seen only by the
    event's organisers and by the visitor through the secret link in their email."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("registered")
        WAITLISTED = "waitlisted", _("on the waitlist")
        CANCELLED = "cancelled", _("cancelled")

    ACTIVE = (Status.CONFIRMED, Status.WAITLISTED)

    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="registrations")
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("email address"))
    language = models.CharField(_("language"), max_length=8, default="en")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.CONFIRMED)
    token = models.CharField(max_length=64, unique=True, default=_secret)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    promoted_at = models.DateTimeField(null=True, blank=True)
    # A member of the space's network (not of the space) registered for a member event: the day counted for them
    # at the host (network.NetworkVisit; several registrations of one day share it), only once they have a place.
    network_member = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    network_visit = models.ForeignKey(
        "network.NetworkVisit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="registrations",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["occurrence", "status", "created_at"], name="programme_reg_queue")]
        constraints = [
            models.UniqueConstraint(
                fields=["occurrence", "email"],
                condition=Q(status__in=["confirmed", "waitlisted"]),
                name="programme_one_active_registration_per_email",
            )
        ]

    def __str__(self) -> str:
        # Never the email address: this string lands in the audit log.
        return f"registration #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE


class Project(models.Model):
    """A practice's project, shown on its profile, on its spaces' programme pages and in the gallery."""

    practice = models.ForeignKey(
        "community.Practice", verbose_name=_("practice"), on_delete=models.CASCADE, related_name="projects"
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    links = models.JSONField(_("links"), default=list, blank=True)
    start_date = models.DateField(_("from"), null=True, blank=True)
    end_date = models.DateField(_("until"), null=True, blank=True)
    is_published = models.BooleanField(_("published"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="programme_project_dates_order",
            )
        ]

    def __str__(self) -> str:
        return self.title


class ProjectImage(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(_("image"), upload_to="public/programme/projects/")
    alt_text = models.CharField(_("image description"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("project image")
        verbose_name_plural = _("project images")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.alt_text or self.image.name


class Service(models.Model):
    """Something a space offers its members: guidance, advisors' office hours, legal help, a tool library…"""

    class Kind(models.TextChoices):
        GUIDANCE = "guidance", _("guidance")
        OFFICE_HOURS = "office_hours", _("advisors' office hours")
        LEGAL = "legal", _("legal help")
        ADMINISTRATIVE = "administrative", _("administrative help")
        TOOL_LIBRARY = "tool_library", _("tool library")
        VISIBILITY = "visibility", _("visibility for projects")
        OTHER = "other", _("other")

    space = models.ForeignKey(
        Space, verbose_name=pgettext_lazy("shared building", "space"), on_delete=models.CASCADE, related_name="services"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.GUIDANCE)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    provider = models.CharField(_("offered by"), max_length=200, blank=True)
    contact = models.CharField(_("how to reach"), max_length=200, blank=True)
    is_active = models.BooleanField(_("offered"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["space", "title"]

    def __str__(self) -> str:
        return self.title


class Slot(models.Model):
    """An office-hour appointment: one person per slot."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="slots")
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="office_hour_slots",
    )
    taken_at = models.DateTimeField(null=True, blank=True)
    topic = models.CharField(_("what it is about"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("office-hour slot")
        verbose_name_plural = _("office-hour slots")
        ordering = ["start", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="programme_slot_order"),
            models.UniqueConstraint(fields=["service", "start"], name="programme_one_slot_per_start"),
        ]

    def __str__(self) -> str:
        return f"{self.service_id} {self.start:%Y-%m-%d %H:%M}"

    @property
    def space(self) -> Space:
        return self.service.space
