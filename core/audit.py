"""The audit log: every change that matters is written here (who, what, when, before/after)."""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils.translation import pgettext_lazy

from .models import AuditEntry


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, FieldFile):
        return value.name or ""
    return value


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The concrete field values of ``obj`` as JSON-safe data (foreign keys as ids)."""
    data = {}
    for field in obj._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        data[field.attname] = _plain(getattr(obj, field.attname))
    return data


def diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Keep only the keys whose values changed."""
    keys = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


def record(
    obj: models.Model,
    action: str,
    *,
    by=None,
    space=None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEntry:
    """Write one audit entry. ``space`` defaults to ``obj.space`` (or ``obj`` itself when it is a space)."""
    if space is None:
        if obj._meta.label == "spaces.Space":
            space = obj
        else:
            space = getattr(obj, "space", None)
    actor = by if getattr(by, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=actor,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        space=space,
        before=_plain(before or {}),
        after=_plain(after or {}),
        note=note,
    )


# -- display: plain words for the actions, on the audit page (the API and the database keep the raw names) ----------


ACTION_LABELS = {
    # The admin site
    "admin.created": pgettext_lazy("audit log", "added in the admin"),
    "admin.changed": pgettext_lazy("audit log", "changed in the admin"),
    "admin.deleted": pgettext_lazy("audit log", "deleted in the admin"),
    # Allocation rounds
    "allocation.round_created": pgettext_lazy("audit log", "allocation round opened"),
    "allocation.round_status": pgettext_lazy("audit log", "allocation round status changed"),
    "allocation.requests_closed_early": pgettext_lazy("audit log", "requests closed before the deadline"),
    "allocation.entitlement_set": pgettext_lazy("audit log", "entitlement set"),
    "allocation.request_submitted": pgettext_lazy("audit log", "allocation request submitted"),
    "allocation.request_changed": pgettext_lazy("audit log", "allocation request changed"),
    "allocation.request_withdrawn": pgettext_lazy("audit log", "allocation request withdrawn"),
    "allocation.solve_started": pgettext_lazy("audit log", "timetable computation started"),
    "allocation.proposed": pgettext_lazy("audit log", "timetable proposed"),
    "allocation.slot_set": pgettext_lazy("audit log", "slot placed by hand"),
    "allocation.slot_removed": pgettext_lazy("audit log", "slot removed"),
    "allocation.published": pgettext_lazy("audit log", "timetable published"),
    "allocation.slot_released": pgettext_lazy("audit log", "slot given back"),
    "allocation.slot_offered": pgettext_lazy("audit log", "slot offered from the waitlist"),
    "allocation.swap_proposed": pgettext_lazy("audit log", "swap proposed"),
    "allocation.swap_accepted": pgettext_lazy("audit log", "swap accepted"),
    "allocation.swap_declined": pgettext_lazy("audit log", "swap declined"),
    # Bookings
    "bookings.created": pgettext_lazy("audit log", "booking made"),
    "bookings.approved": pgettext_lazy("audit log", "booking approved"),
    "bookings.refused": pgettext_lazy("audit log", "booking refused"),
    "bookings.cancelled": pgettext_lazy("audit log", "booking cancelled"),
    "bookings.moved": pgettext_lazy("audit log", "booking moved"),
    "bookings.series_ended": pgettext_lazy("audit log", "recurring booking shortened"),
    "bookings.series_cancelled": pgettext_lazy("audit log", "recurring booking cancelled"),
    "bookings.waitlist_joined": pgettext_lazy("audit log", "waitlist joined"),
    "bookings.waitlist_left": pgettext_lazy("audit log", "waitlist left"),
    "bookings.waitlist_offered": pgettext_lazy("audit log", "freed slot offered to the waitlist"),
    "bookings.out_of_service": pgettext_lazy("audit log", "bookers told of a closure"),
    "bookings.policy_saved": pgettext_lazy("audit log", "booking rules saved"),
    "bookings.policy_deleted": pgettext_lazy("audit log", "booking rules deleted"),
    "bookings.group_saved": pgettext_lazy("audit log", "resource group saved"),
    "bookings.group_deleted": pgettext_lazy("audit log", "resource group deleted"),
    # Calendars
    "calendars.created": pgettext_lazy("audit log", "calendar link created"),
    "calendars.reset": pgettext_lazy("audit log", "calendar link renewed"),
    # Community
    "community.invited": pgettext_lazy("audit log", "person invited"),
    "community.reinvited": pgettext_lazy("audit log", "invitation sent again"),
    "community.invitation_accepted": pgettext_lazy("audit log", "invitation accepted"),
    "community.member_added": pgettext_lazy("audit log", "member added to a practice"),
    "community.member_removed": pgettext_lazy("audit log", "member removed from a practice"),
    "community.practice_created": pgettext_lazy("audit log", "practice created"),
    "community.practice_updated": pgettext_lazy("audit log", "practice changed"),
    "community.profile_updated": pgettext_lazy("audit log", "profile changed"),
    "community.token_created": pgettext_lazy("audit log", "API token created"),
    "community.token_revoked": pgettext_lazy("audit log", "API token revoked"),
    # Shared costs
    "costs.settings_changed": pgettext_lazy("audit log", "cost settings changed"),
    "costs.contribution_set": pgettext_lazy("audit log", "solidarity contribution set"),
    "costs.period_opened": pgettext_lazy("audit log", "cost period opened"),
    "costs.period_deleted": pgettext_lazy("audit log", "cost period deleted"),
    "costs.item_added": pgettext_lazy("audit log", "cost or income added"),
    "costs.item_changed": pgettext_lazy("audit log", "cost or income changed"),
    "costs.item_deleted": pgettext_lazy("audit log", "cost or income deleted"),
    "costs.headcount_set": pgettext_lazy("audit log", "headcount set"),
    "costs.headcount_cleared": pgettext_lazy("audit log", "headcount cleared"),
    "costs.statement_issued": pgettext_lazy("audit log", "statement issued"),
    "costs.period_closed": pgettext_lazy("audit log", "cost period closed"),
    "costs.payment_recorded": pgettext_lazy("audit log", "payment recorded"),
    "costs.reminder_sent": pgettext_lazy("audit log", "payment reminder sent"),
    # Federation
    "federation.partner_added": pgettext_lazy("audit log", "partner installation added"),
    "federation.partner_removed": pgettext_lazy("audit log", "partner installation removed"),
    "federation.consent_changed": pgettext_lazy("audit log", "consent to share changed"),
    "federation.pass_issued": pgettext_lazy("audit log", "network pass issued"),
    "federation.pass_verified": pgettext_lazy("audit log", "network pass accepted"),
    "federation.guest_booked": pgettext_lazy("audit log", "booking by a partner's member"),
    "federation.member_revoked": pgettext_lazy("audit log", "network passes revoked"),
    "federation.member_reinstated": pgettext_lazy("audit log", "network passes allowed again"),
    # Governance
    "governance.agreement_created": pgettext_lazy("audit log", "agreement added"),
    "governance.agreement_renewed": pgettext_lazy("audit log", "agreement renewed"),
    "governance.agreement_notice_reminder_sent": pgettext_lazy("audit log", "notice deadline reminder sent"),
    "governance.agreement_end_reminder_sent": pgettext_lazy("audit log", "agreement end reminder sent"),
    "governance.proposal_created": pgettext_lazy("audit log", "proposal made"),
    "governance.attachment_added": pgettext_lazy("audit log", "attachment added to a proposal"),
    "governance.comment_added": pgettext_lazy("audit log", "comment added"),
    "governance.vote_cast": pgettext_lazy("audit log", "vote cast"),
    "governance.decision_rule_set": pgettext_lazy("audit log", "decision rule set"),
    "governance.decision_recorded": pgettext_lazy("audit log", "decision recorded"),
    "governance.meeting_created": pgettext_lazy("audit log", "meeting planned"),
    "governance.meeting_updated": pgettext_lazy("audit log", "meeting changed"),
    "governance.attendance_recorded": pgettext_lazy("audit log", "meeting attendance recorded"),
    "governance.document_created": pgettext_lazy("audit log", "document added"),
    "governance.document_version_published": pgettext_lazy("audit log", "new document version published"),
    "governance.space_house_rules_updated": pgettext_lazy("audit log", "house rules changed"),
    "governance.house_rules_acknowledged": pgettext_lazy("audit log", "house rules acknowledged"),
    "governance.incident_reported": pgettext_lazy("audit log", "incident reported"),
    "governance.incident_updated": pgettext_lazy("audit log", "incident changed"),
    "governance.resource_out_of_service": pgettext_lazy("audit log", "resource out of service"),
    "governance.role_assigned": pgettext_lazy("audit log", "role assigned"),
    "governance.care_task_created": pgettext_lazy("audit log", "care task added"),
    "governance.rota_generated": pgettext_lazy("audit log", "rota made"),
    "governance.shift_offered": pgettext_lazy("audit log", "care shift offered"),
    "governance.shift_taken_over": pgettext_lazy("audit log", "care shift taken over"),
    "governance.shifts_swapped": pgettext_lazy("audit log", "care shifts swapped"),
    "governance.shift_done": pgettext_lazy("audit log", "care shift done"),
    # The network
    "network.access_saved": pgettext_lazy("audit log", "network access rule saved"),
    "network.access_deleted": pgettext_lazy("audit log", "network access rule deleted"),
    "network.visit_recorded": pgettext_lazy("audit log", "network visit recorded"),
    "network.visit_given_back": pgettext_lazy("audit log", "network visit day given back"),
    # Programme
    "programme.event_created": pgettext_lazy("audit log", "event created"),
    "programme.event_updated": pgettext_lazy("audit log", "event changed"),
    "programme.event_cancelled": pgettext_lazy("audit log", "event cancelled"),
    "programme.date_moved": pgettext_lazy("audit log", "event date moved"),
    "programme.date_cancelled": pgettext_lazy("audit log", "event date cancelled"),
    "programme.capacity_changed": pgettext_lazy("audit log", "event capacity changed"),
    "programme.registered": pgettext_lazy("audit log", "registration for an event"),
    "programme.registration_cancelled": pgettext_lazy("audit log", "event registration cancelled"),
    "programme.promoted": pgettext_lazy("audit log", "moved up from the event waitlist"),
    "programme.promotion_held": pgettext_lazy("audit log", "kept on the event waitlist (network days used)"),
    "programme.network_day_not_counted": pgettext_lazy("audit log", "network day not counted for a moved date"),
    "programme.attendance": pgettext_lazy("audit log", "event attendance recorded"),
    "programme.registrant_data_removed": pgettext_lazy("audit log", "registrants' personal data removed"),
    "programme.message_sent": pgettext_lazy("audit log", "message sent to registrants"),
    "programme.project_created": pgettext_lazy("audit log", "project added"),
    "programme.project_updated": pgettext_lazy("audit log", "project changed"),
    "programme.project_deleted": pgettext_lazy("audit log", "project deleted"),
    "programme.service_created": pgettext_lazy("audit log", "service added"),
    "programme.service_updated": pgettext_lazy("audit log", "service changed"),
    "programme.slots_added": pgettext_lazy("audit log", "office hours added"),
    "programme.slot_taken": pgettext_lazy("audit log", "office hour booked"),
    "programme.slot_released": pgettext_lazy("audit log", "office hour freed"),
    # Spaces
    "spaces.network_created": pgettext_lazy("audit log", "network created"),
    "spaces.space_created": pgettext_lazy("audit log", "space created"),
    "spaces.space_updated": pgettext_lazy("audit log", "space changed"),
    "spaces.resource_created": pgettext_lazy("audit log", "resource added"),
    "spaces.resource_updated": pgettext_lazy("audit log", "resource changed"),
    "spaces.opening_hours_set": pgettext_lazy("audit log", "opening hours set"),
    "spaces.closure_added": pgettext_lazy("audit log", "closure added"),
    "spaces.closure_removed": pgettext_lazy("audit log", "closure removed"),
    "spaces.membership_added": pgettext_lazy("audit log", "membership added"),
    "spaces.membership_updated": pgettext_lazy("audit log", "membership changed"),
    "spaces.membership_ended": pgettext_lazy("audit log", "membership ended"),
    "spaces.role_assigned": pgettext_lazy("audit log", "role assigned"),
    "spaces.role_removed": pgettext_lazy("audit log", "role removed"),
}


def action_label(action: str) -> str:
    """The action in plain words, in the active language; the raw name when it has none (a newer or older one)."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action
