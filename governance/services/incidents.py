"""Incidents: reported by members, routed by the agreement's maintenance split, followed to solved."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit, emails
from spaces.models import Closure, Resource, RoleAssignment, Space

from .. import rules
from ..models import Category, Incident, Party
from .agreements import current_agreement


def route(space: Space, category: str) -> str:
    """Who handles a problem of this category: the agreement's maintenance split; the caretaker by default."""
    agreement = current_agreement(space)
    return agreement.responsible_for(category) if agreement else Party.CARETAKER


@transaction.atomic
def report_incident(
    space: Space,
    *,
    by,
    category: str,
    title: str,
    severity: str = "medium",
    description: str = "",
    resource: Resource | None = None,
    photo=None,
) -> Incident:
    """Anyone in the space reports a problem. Side effects: routed to the caretaker or the owner's
    representative, who get an email; audit entry."""
    if not rules.can_read(by, space):
        raise PermissionDenied
    errors = {}
    if category not in Category.values:
        errors["category"] = _("Choose a category.")
    if severity not in Incident.Severity.values:
        errors["severity"] = _("Choose a severity.")
    if not (title or "").strip():
        errors["title"] = _("Say what is wrong.")
    if resource is not None and resource.space_id != space.pk:
        errors["resource"] = _("This resource belongs to another space.")
    if errors:
        raise ValidationError(errors)
    incident = Incident(
        space=space,
        category=category,
        severity=severity,
        title=title.strip(),
        description=description,
        resource=resource,
        reported_by=by,
        responsible=route(space, category),
    )
    if photo:
        incident.photo = photo
    incident.full_clean()
    incident.save()
    # The photo is left out: core.audit cannot snapshot an empty file field.
    after = audit.snapshot(incident, ["category", "severity", "title", "resource", "responsible", "status"])
    audit.record(incident, "governance.incident_reported", by=by, after={**after, "photo": bool(incident.photo)})
    role = rules.PARTY_ROLES[incident.responsible]
    people = [ra.member for ra in RoleAssignment.objects.filter(space=space, role=role).select_related("member")]
    transaction.on_commit(
        lambda: [
            emails.send_to_member("governance/email/incident_reported", person, {"incident": incident, "space": space})
            for person in people
        ]
    )
    return incident


@transaction.atomic
def update_incident(
    incident: Incident, *, by, status: str | None = None, note: str | None = None, responsible: str | None = None
) -> Incident:
    """Move an incident along new → acknowledged → in progress → waiting for owner → solved (validated), add a
    note, or hand it to the other party. Only the party it is routed to, or a coordinator. Side effect: audit."""
    incident = Incident.objects.select_for_update().select_related("space").get(pk=incident.pk)
    if not rules.can_update_incident(by, incident):
        raise PermissionDenied
    before = audit.snapshot(incident, ["status", "note", "responsible"])
    now = timezone.now()
    if status is not None and status != incident.status:
        if not incident.can_move_to(status):
            raise ValidationError(
                {
                    "status": _("An incident cannot go from “%(a)s” to “%(b)s”.")
                    % {"a": incident.get_status_display(), "b": dict(Incident.Status.choices).get(status, status)}
                }
            )
        incident.status = status
        if incident.acknowledged_at is None:
            incident.acknowledged_at = now
        if status == Incident.Status.SOLVED:
            incident.solved_at = now
    if note is not None:
        incident.note = note
    if responsible is not None and responsible != incident.responsible:
        if responsible not in Party.values:
            raise ValidationError({"responsible": _("Choose the caretaker or the owner.")})
        incident.responsible = responsible
    incident.save()
    audit.record(
        incident,
        "governance.incident_updated",
        by=by,
        before=before,
        after=audit.snapshot(incident, ["status", "note", "responsible"]),
    )
    return incident


@transaction.atomic
def put_out_of_service(
    incident: Incident, *, by, resource: Resource, start: datetime.datetime, end: datetime.datetime
) -> Closure:
    """Close a resource because of an incident. Side effects: a spaces.Closure (which blocks new bookings), the
    people whose bookings it hits are told (bookings.services.notify_out_of_service), audit entries."""
    if not rules.can_update_incident(by, incident):
        raise PermissionDenied
    if resource.space_id != incident.space_id:
        raise ValidationError({"resource": _("This resource belongs to another space.")})
    if end <= start:
        raise ValidationError({"end": _("The end must be after the start.")})
    closure = Closure.objects.create(
        space=incident.space,
        resource=resource,
        start=start,
        end=end,
        # The incident's words only: emails and pages say "out of service" themselves, each in its reader's
        # language (a stored English "Out of service: …" ended up inside French and Dutch emails).
        reason=incident.title[:255],
    )
    audit.record(
        closure,
        "governance.resource_out_of_service",
        by=by,
        space=incident.space,
        after={**audit.snapshot(closure), "incident": incident.pk},
    )
    incident.closure = closure
    incident.resource = resource
    incident.save(update_fields=["closure", "resource"])
    try:
        from bookings.services import notify_out_of_service
    except ImportError:
        notify_out_of_service = None
    if notify_out_of_service is not None:
        notify_out_of_service(closure, by=by)
    return closure


def bookings_hit(incident: Incident, *, closure: Closure | None = None) -> list:
    """The pending and confirmed bookings that the incident's closure (the resource out of service) hits."""
    closure = closure or incident.closure
    if closure is None:
        return []
    from bookings.services import affected_bookings

    if closure.resource_id:
        return list(affected_bookings(start=closure.start, end=closure.end, resource=closure.resource))
    return list(affected_bookings(start=closure.start, end=closure.end, space=closure.space))


def response_times(space: Space) -> list[dict]:
    """Per responsible party: incidents, open ones, average hours to acknowledge and to solve."""
    rows = {
        party: {"party": party, "label": label, "count": 0, "open": 0, "ack": [], "solve": []}
        for party, label in Party.choices
    }
    for incident in Incident.objects.filter(space=space).only(
        "responsible", "status", "created_at", "acknowledged_at", "solved_at"
    ):
        row = rows[incident.responsible]
        row["count"] += 1
        if incident.status != Incident.Status.SOLVED:
            row["open"] += 1
        if incident.acknowledged_at:
            row["ack"].append((incident.acknowledged_at - incident.created_at).total_seconds() / 3600)
        if incident.solved_at:
            row["solve"].append((incident.solved_at - incident.created_at).total_seconds() / 3600)
    out = []
    for row in rows.values():
        ack, solve = row.pop("ack"), row.pop("solve")
        row["hours_to_acknowledge"] = round(sum(ack) / len(ack), 1) if ack else None
        row["hours_to_solve"] = round(sum(solve) / len(solve), 1) if solve else None
        out.append(row)
    return out
