"""Who may do what in co-governance, built on spaces.rules."""

from __future__ import annotations

from spaces import rules
from spaces.models import RoleAssignment

from .models import Incident, Party

Role = RoleAssignment.Role

PARTY_ROLES = {Party.CARETAKER: Role.CARETAKER, Party.OWNER: Role.OWNER_REPRESENTATIVE}


def can_read(user, space) -> bool:
    return rules.is_member(user, space)


def can_propose(user, space) -> bool:
    return rules.is_member(user, space)


def can_vote(user, space) -> bool:
    return rules.is_member(user, space)


def can_manage(user, space) -> bool:
    """Decision rules, meetings, documents, agreements, care tasks: the coordinators."""
    return rules.is_coordinator(user, space)


def can_update_incident(user, incident: Incident) -> bool:
    """The party the incident is routed to (caretaker or owner's representative), and coordinators."""
    role = PARTY_ROLES.get(incident.responsible)
    return rules.is_coordinator(user, incident.space_id) or (
        role is not None and rules.has_role(user, incident.space_id, role)
    )


def can_handle_incidents(user, space) -> bool:
    return rules.has_role(user, space, Role.COORDINATOR, Role.CARETAKER, Role.OWNER_REPRESENTATIVE)


def practices_in_space(user, space) -> list[int]:
    """The user's practices with an active membership of the space."""
    from spaces.models import SpaceMembership

    ids = rules.practice_ids(user)
    if not ids:
        return []
    return sorted(
        SpaceMembership.objects.active().filter(space=space, practice_id__in=ids).values_list("practice_id", flat=True)
    )
