"""Agreements with the owner: how long the space is secured, renewals, reminders to the coordinators."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit, emails
from spaces.models import RoleAssignment, Space

from .. import rules
from ..models import Agreement, Category, Party, Renewal

AGREEMENT_FIELDS = [
    "kind",
    "title",
    "owner_party",
    "user_party",
    "start",
    "end",
    "notice_days",
    "rent",
    "rent_period",
    "indexation",
    "maintenance",
    "remind_days_before",
    "notes",
]


def clean_maintenance(value) -> dict:
    value = value or {}
    if not isinstance(value, dict):
        raise ValidationError({"maintenance": _("Give the maintenance split as category → party.")})
    out = {}
    for category, party in value.items():
        if category not in Category.values:
            raise ValidationError({"maintenance": _("Unknown category: %(c)s.") % {"c": category}})
        if party not in Party.values:
            raise ValidationError({"maintenance": _("Unknown party: %(p)s.") % {"p": party}})
        out[category] = party
    return out


@transaction.atomic
def create_agreement(space: Space, *, by, **fields) -> Agreement:
    """Record an agreement with the owner (coordinators). Side effect: audit entry."""
    if not rules.can_manage(by, space):
        raise PermissionDenied
    unknown = set(fields) - set(AGREEMENT_FIELDS)
    if unknown:
        raise ValidationError({k: _("Unknown field.") for k in unknown})
    fields["maintenance"] = clean_maintenance(fields.get("maintenance"))
    agreement = Agreement(space=space, **fields)
    agreement.full_clean()
    agreement.save()
    audit.record(agreement, "governance.agreement_created", by=by, after=audit.snapshot(agreement))
    return agreement


@transaction.atomic
def renew_agreement(agreement: Agreement, *, by, new_end: datetime.date | None, note: str = "") -> Renewal:
    """Extend (or make open-ended) an agreement; kept in its renewals history. Reminders are armed again."""
    if not rules.can_manage(by, agreement.space):
        raise PermissionDenied
    if new_end is not None and (new_end <= agreement.start or (agreement.end and new_end <= agreement.end)):
        raise ValidationError({"new_end": _("The new end must be after the current end.")})
    before = audit.snapshot(agreement, ["end"])
    renewal = Renewal.objects.create(
        agreement=agreement, previous_end=agreement.end, new_end=new_end, note=note, recorded_by=by
    )
    agreement.end = new_end
    agreement.notice_reminder_sent_at = None
    agreement.end_reminder_sent_at = None
    agreement.save(update_fields=["end", "notice_reminder_sent_at", "end_reminder_sent_at"])
    audit.record(
        agreement, "governance.agreement_renewed", by=by, before=before, after=audit.snapshot(agreement, ["end"])
    )
    return renewal


def current_agreement(space: Space, on: datetime.date | None = None) -> Agreement | None:
    on = on or timezone.localdate()
    from django.db.models import Q

    return (
        Agreement.objects.filter(Q(space=space), Q(start__lte=on), Q(end__isnull=True) | Q(end__gte=on))
        .order_by("-start", "-id")
        .first()
    )


def secured_until(space: Space, on: datetime.date | None = None) -> dict | None:
    """How long the space is secured: {"agreement", "end" (None: open-ended), "days"} or None without agreement."""
    agreement = current_agreement(space, on)
    if agreement is None:
        return None
    on = on or timezone.localdate()
    return {
        "agreement": agreement,
        "end": agreement.end,
        "days": (agreement.end - on).days if agreement.end else None,
    }


def send_reminders(today: datetime.date | None = None) -> int:
    """Periodic job: remind the coordinators before the notice deadline and the end date, once each."""
    today = today or timezone.localdate()
    sent = 0
    for agreement in Agreement.objects.filter(end__isnull=False).select_related("space"):
        lead = datetime.timedelta(days=agreement.remind_days_before)
        for kind, date, field in (
            ("notice", agreement.notice_deadline, "notice_reminder_sent_at"),
            ("end", agreement.end, "end_reminder_sent_at"),
        ):
            if getattr(agreement, field) is not None or not (date - lead <= today <= date):
                continue
            with transaction.atomic():
                locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
                if getattr(locked, field) is not None:
                    continue
                setattr(locked, field, timezone.now())
                locked.save(update_fields=[field])
                coordinators = RoleAssignment.objects.filter(
                    space=agreement.space, role=RoleAssignment.Role.COORDINATOR
                ).select_related("member")
                for role in coordinators:
                    emails.send_to_member(
                        "governance/email/agreement_reminder",
                        role.member,
                        {"agreement": agreement, "space": agreement.space, "kind": kind, "date": date},
                    )
                audit.record(locked, f"governance.agreement_{kind}_reminder_sent", after={"date": date})
                sent += 1
    return sent
