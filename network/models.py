"""What a space lets members of its network (and of partner installations) do, and the visits they make.

``NetworkAccess``: one rule per host space and privilege (visit, desk, room, events): allowed for members of the
space's network (local) and/or for members of partner installations (federated), with an optional number of free
days per visitor per calendar month (in the host's time zone) and a day price after the free ones.

``NetworkVisit``: one counted day of one visitor at one host for one privilege (unique per day), the basis of the
monthly free days and of the yearly visits ledger. Kept in the host's own database, so the counts still apply when
the visitor's home server is offline.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from spaces.models import Resource, Space


class Privilege(models.TextChoices):
    VISIT = "visit", pgettext_lazy("network privilege", "visit the space")
    DESK = "desk", pgettext_lazy("network privilege", "book desks")
    ROOM = "room", pgettext_lazy("network privilege", "book rooms")
    EVENTS = "events", pgettext_lazy("network privilege", "attend member events")


# The resource kinds a desk or room rule covers when the coordinator chose none.
DEFAULT_KINDS = {
    Privilege.DESK: [Resource.Kind.DESK.value],
    Privilege.ROOM: [k for k in Resource.Kind.values if k != Resource.Kind.DESK],
}
BOOKING_PRIVILEGES = (Privilege.DESK, Privilege.ROOM)


class NetworkAccess(models.Model):
    """What members of the network may do at a host space, and with what limits.

    No rule for a privilege: members of the network may do what the booking rules allow, free and without a
    monthly limit; members of partner installations may not. ``free_days_per_month`` empty: no free-day limit
    (every day costs ``day_price``, or nothing when there is no price). With free days and no day price, the free
    days are a monthly cap.
    """

    space = models.ForeignKey(
        Space,
        verbose_name=pgettext_lazy("shared building", "space"),
        on_delete=models.CASCADE,
        related_name="network_access",
    )
    privilege = models.CharField(_("privilege"), max_length=20, choices=Privilege.choices)
    local = models.BooleanField(_("members of the network"), default=True)
    federated = models.BooleanField(_("members of partner installations"), default=False)
    free_days_per_month = models.PositiveIntegerField(
        _("free days per month"),
        null=True,
        blank=True,
        help_text=_(
            "Days free per visitor per calendar month. Empty: no limit. Without a day price, no more days than this."
        ),
    )
    day_price = models.DecimalField(
        _("day price"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("What a day costs after the free ones; shown to the visitor, paid at the space."),
    )
    resource_kinds = models.JSONField(
        _("kinds of resources"),
        default=list,
        blank=True,
        help_text=_("For desks and rooms: the kinds of resources this covers. Empty: desks, or every other kind."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("network access rule")
        verbose_name_plural = _("network access rules")
        ordering = ["space", "privilege"]
        constraints = [
            models.UniqueConstraint(fields=["space", "privilege"], name="uniq_network_access_per_privilege"),
            models.CheckConstraint(
                condition=Q(day_price__isnull=True) | Q(day_price__gte=0), name="network_access_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.space}: {self.get_privilege_display()}"

    @property
    def kinds(self) -> list[str]:
        """The resource kinds this rule covers (desk and room rules only)."""
        if self.privilege not in BOOKING_PRIVILEGES:
            return []
        return list(self.resource_kinds or DEFAULT_KINDS[self.privilege])

    def clean(self):
        unknown = set(self.resource_kinds or []) - set(Resource.Kind.values)
        if unknown:
            raise ValidationError({"resource_kinds": _("Unknown kind of resource.")})
        if self.resource_kinds and self.privilege not in BOOKING_PRIVILEGES:
            raise ValidationError({"resource_kinds": _("Only desk and room rules cover kinds of resources.")})


class NetworkVisitQuerySet(models.QuerySet):
    def counted(self):
        """Visits that count: without a booking, or whose booking still holds its slot."""
        return self.filter(Q(booking__isnull=True) | Q(booking__status__in=["pending", "confirmed"]))


class NetworkVisit(models.Model):
    """One day of one network visitor at a host space, for one privilege."""

    space = models.ForeignKey(
        Space,
        verbose_name=_("host space"),
        on_delete=models.CASCADE,
        related_name="network_visits",
    )
    # Home: a space of this installation, or a partner installation (its base URL) with a label to show.
    home_space = models.ForeignKey(
        Space,
        verbose_name=_("home space"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="network_visits_out",
    )
    home_installation = models.CharField(_("home installation"), max_length=300, blank=True)
    home_label = models.CharField(_("home"), max_length=200, blank=True)
    # Visitor: a member of this installation, or the pseudonymous id a partner installation gave its member.
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="network_visits",
    )
    visitor_ref = models.CharField(_("visitor reference"), max_length=200, blank=True)
    # "m:<member id>" or "f:<installation>#<visitor_ref>": one key for the unique constraint.
    visitor_key = models.CharField(max_length=520, editable=False)
    privilege = models.CharField(_("privilege"), max_length=20, choices=Privilege.choices)
    date = models.DateField(_("date"))
    booking = models.ForeignKey(
        "bookings.Booking",
        verbose_name=pgettext_lazy("noun", "booking"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="network_visits",
    )
    charge = models.DecimalField(_("charge"), max_digits=8, decimal_places=2, default=Decimal("0"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = NetworkVisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("network visit")
        verbose_name_plural = _("network visits")
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["space", "visitor_key", "privilege", "date"], name="uniq_network_visit_per_day"
            ),
            models.CheckConstraint(condition=Q(charge__gte=0), name="network_visit_charge_not_negative"),
        ]
        indexes = [models.Index(fields=["space", "date"]), models.Index(fields=["date"])]

    def __str__(self) -> str:
        return f"{self.visitor_label} @ {self.space} {self.date}"

    def save(self, *args, **kwargs):
        self.visitor_key = self.key_for(
            member=self.member_id, home_installation=self.home_installation, visitor_ref=self.visitor_ref
        )
        super().save(*args, **kwargs)

    @staticmethod
    def key_for(*, member=None, home_installation: str = "", visitor_ref: str = "") -> str:
        if member is not None:
            return f"m:{member.pk if hasattr(member, 'pk') else member}"
        return f"f:{home_installation}#{visitor_ref}"

    @property
    def is_federated(self) -> bool:
        return self.member_id is None and bool(self.home_installation)

    @property
    def home(self) -> str:
        """Where the visitor comes from, in words."""
        if self.home_space_id:
            return self.home_space.name
        return self.home_label or self.home_installation

    @property
    def visitor_label(self) -> str:
        if self.member_id:
            return self.member.name or self.member.email
        return self.visitor_ref

    @property
    def is_free(self) -> bool:
        return not self.charge
