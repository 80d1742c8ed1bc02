from __future__ import annotations

import zoneinfo
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.translation import Translated, translated_fields

TIME_ZONE_CHOICES = [
    (tz, tz) for tz in sorted(zoneinfo.available_timezones()) if "/" in tz and not tz.startswith("Etc")
]


def validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "Europe" (a folder), a name too long
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value}) from None


class Network(models.Model):
    """A set of spaces that recognise each other's members."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    website = models.URLField(_("website"), blank=True)
    locals().update(translated_fields("description", verbose_name=_("description")))
    description = Translated("description")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("network")
        verbose_name_plural = _("networks")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Space(models.Model):
    """One shared building or site, with its own identity and rules."""

    class Model(models.TextChoices):
        WORKSPACE = "workspace", _("shared workspace")
        THIRD_PLACE = "third_place", _("third place")
        BOTH = "both", _("shared workspace and third place")

    class Access(models.TextChoices):
        MEMBERS = "members", _("members of the space only")
        NETWORK = "network", _("members of the network")
        PUBLIC = "public", _("open to everyone")

    network = models.ForeignKey(
        Network, verbose_name=_("network"), null=True, blank=True, on_delete=models.SET_NULL, related_name="spaces"
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    address = models.CharField(_("street address"), max_length=255, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100)
    country = models.CharField(_("country"), max_length=2, help_text=_("Two-letter ISO code, for example BE."))
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Brussels", validators=[validate_time_zone]
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    languages = models.JSONField(_("languages spoken"), default=list, blank=True)
    model = models.CharField(_("model"), max_length=20, choices=Model.choices, default=Model.BOTH)
    access_policy = models.CharField(_("who may come"), max_length=20, choices=Access.choices, default=Access.PUBLIC)
    locals().update(translated_fields("tagline", models.CharField, verbose_name=_("tagline"), max_length=200))
    locals().update(translated_fields("purpose", verbose_name=_("purpose")))
    locals().update(translated_fields("procedures", verbose_name=_("procedures")))
    locals().update(translated_fields("house_rules", verbose_name=_("house rules")))
    locals().update(translated_fields("accessibility_notes", verbose_name=_("accessibility notes")))
    locals().update(translated_fields("member_info", verbose_name=_("practical information for members")))
    tagline = Translated("tagline")
    purpose = Translated("purpose")
    procedures = Translated("procedures")
    house_rules = Translated("house_rules")
    accessibility_notes = Translated("accessibility_notes")
    member_info = Translated("member_info")
    # Accessibility facts, structured so that visitors can filter on them.
    step_free_entrance = models.BooleanField(_("step-free entrance"), default=False)
    lift = models.BooleanField(_("lift to all floors"), default=False)
    accessible_toilet = models.BooleanField(_("accessible toilet"), default=False)
    gender_neutral_toilet = models.BooleanField(_("gender-neutral toilet"), default=False)
    hearing_loop = models.BooleanField(_("hearing loop"), default=False)
    quiet_room = models.BooleanField(_("quiet room"), default=False)
    assistance_dogs = models.BooleanField(_("assistance dogs welcome"), default=True)
    accessible_parking = models.BooleanField(_("accessible parking"), default=False)
    public_transport = models.CharField(_("public transport"), max_length=255, blank=True)
    email = models.EmailField(_("contact email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    TRANSLATED_BASES = ("tagline", "purpose", "procedures", "house_rules", "accessibility_notes", "member_info")
    ACCESSIBILITY_FIELDS = (
        "step_free_entrance",
        "lift",
        "accessible_toilet",
        "gender_neutral_toilet",
        "hearing_loop",
        "quiet_room",
        "assistance_dogs",
        "accessible_parking",
    )

    class Meta:
        verbose_name = pgettext_lazy("shared building", "space")
        verbose_name_plural = pgettext_lazy("shared buildings", "spaces")
        ordering = ["name"]
        # name: the network-wide resource search is ordered by space name first (bookings.availability)
        indexes = [models.Index(fields=["country", "city"]), models.Index(fields=["name"], name="space_name_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def accessibility_facts(self) -> list[tuple[str, bool]]:
        return [(self._meta.get_field(name).verbose_name, getattr(self, name)) for name in self.ACCESSIBILITY_FIELDS]

    def is_accessible(self) -> bool:
        return self.step_free_entrance and self.accessible_toilet


class Resource(models.Model):
    """Something bookable in a space: a room, studio, desk, workshop machine, hall or kitchen."""

    class Kind(models.TextChoices):
        ROOM = "room", _("meeting room")
        STUDIO = "studio", _("studio")
        DESK = "desk", _("desk")
        WORKSHOP = "workshop", _("workshop")
        MACHINE = "machine", _("machine")
        HALL = "hall", _("hall")
        KITCHEN = "kitchen", _("kitchen")
        OTHER = "other", _("other")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("everyone")
        NETWORK = "network", _("members of the network")
        MEMBERS = "members", _("members of the space")

    space = models.ForeignKey(
        Space,
        verbose_name=pgettext_lazy("shared building", "space"),
        on_delete=models.CASCADE,
        related_name="resources",
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ROOM)
    capacity = models.PositiveIntegerField(_("capacity (people)"), default=1, validators=[MinValueValidator(1)])
    area_m2 = models.DecimalField(
        _("area (m²)"), max_digits=8, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    floor = models.CharField(_("floor or location"), max_length=100, blank=True)
    features = models.JSONField(_("equipment and features"), default=list, blank=True)
    locals().update(translated_fields("description", verbose_name=_("description")))
    description = Translated("description")
    step_free = models.BooleanField(_("step-free access"), default=False)
    wheelchair_accessible = models.BooleanField(_("wheelchair accessible"), default=False)
    hearing_loop = models.BooleanField(_("hearing loop"), default=False)
    bookable = models.BooleanField(_("bookable"), default=True)
    visibility = models.CharField(_("visible to"), max_length=20, choices=Visibility.choices, default=Visibility.PUBLIC)
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["space", "name"]
        constraints = [models.UniqueConstraint(fields=["space", "name"], name="uniq_resource_name_per_space")]

    def __str__(self) -> str:
        return f"{self.name} ({self.space})"


class OpeningHours(models.Model):
    """A weekly opening period in the space's local time. Several per weekday are allowed."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["space", "weekday", "opens"]
        constraints = [models.CheckConstraint(condition=Q(closes__gt=models.F("opens")), name="opening_hours_order")]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self):
        if self.opens and self.closes and self.closes <= self.opens:
            raise ValidationError({"closes": _("The closing time must be after the opening time.")})


class Closure(models.Model):
    """A period when the whole space, or one resource, is closed (holidays, works, out of service)."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="closures")
    resource = models.ForeignKey(
        Resource,
        verbose_name=_("resource"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="closures",
        help_text=_("Leave empty to close the whole space."),
    )
    start = models.DateTimeField(_("from"))
    end = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering = ["space", "start"]
        constraints = [models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="closure_order")]

    def __str__(self) -> str:
        return f"{self.space}: {self.start:%Y-%m-%d} – {self.end:%Y-%m-%d}"

    def clean(self):
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": _("The end must be after the start.")})
        if self.resource_id and self.space_id and self.resource.space_id != self.space_id:
            raise ValidationError({"resource": _("This resource belongs to another space.")})


class SpaceMembershipQuerySet(models.QuerySet):
    def active(self, on: date | None = None):
        on = on or timezone.localdate()
        return self.filter(Q(start_date__lte=on), Q(end_date__isnull=True) | Q(end_date__gte=on))


class SpaceMembership(models.Model):
    """A practice's membership of a space: from when, until when, what kind, how much dedicated area."""

    class Kind(models.TextChoices):
        RESIDENT = "resident", _("resident")
        FLEXIBLE = "flexible", _("flexible")
        COMMUNITY = "community", _("community")

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="memberships")
    practice = models.ForeignKey(
        "community.Practice", verbose_name=_("practice"), on_delete=models.CASCADE, related_name="space_memberships"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.RESIDENT)
    start_date = models.DateField(_("start date"), default=date.today)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    area_m2 = models.DecimalField(
        _("dedicated area (m²)"), max_digits=8, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SpaceMembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("space membership")
        verbose_name_plural = _("space memberships")
        ordering = ["space", "practice__name", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="membership_dates_order",
            ),
            models.CheckConstraint(condition=Q(area_m2__gte=0), name="membership_area_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.practice} @ {self.space}"

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date cannot be before the start date.")})

    def is_active(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.start_date <= on and (self.end_date is None or self.end_date >= on)


class RoleAssignment(models.Model):
    """Who is who and who does what: a member's role in a space, with a written responsibility."""

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("coordinator")
        HOST = "host", _("host")
        TREASURER = "treasurer", _("treasurer")
        CARETAKER = "caretaker", _("caretaker")
        OWNER_REPRESENTATIVE = "owner_representative", _("owner's representative")
        MEMBER = "member", _("member")

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="roles")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="roles"
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    locals().update(translated_fields("responsibility", verbose_name=_("responsibility")))
    responsibility = Translated("responsibility")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["space", "role", "member__name"]
        constraints = [models.UniqueConstraint(fields=["space", "member", "role"], name="uniq_role_per_member_space")]

    def __str__(self) -> str:
        return f"{self.member} — {self.get_role_display()} ({self.space})"
