"""Who may do what with shared costs, built on spaces.rules."""

from __future__ import annotations

from spaces import rules
from spaces.models import RoleAssignment

Role = RoleAssignment.Role

# Roles that may open periods, enter items, close periods and record payments.
COST_ROLES = (Role.TREASURER, Role.COORDINATOR)


def can_read(user, space) -> bool:
    """Co-responsibility: every member of the space may read its periods, items and shares."""
    return rules.is_member(user, space)


def can_manage(user, space) -> bool:
    return rules.has_role(user, space, *COST_ROLES)


def can_read_statement(user, statement) -> bool:
    """A practice's statements: its own members, and the space's treasurers and coordinators."""
    if not getattr(user, "is_authenticated", False):
        return False
    return statement.practice_id in rules.practice_ids(user) or can_manage(user, statement.space_id)


def can_read_practice_statements(user, practice) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or practice.pk in rules.practice_ids(user):
        return True
    managed = {sid for sid, roles in rules.roles_by_space(user).items() if set(roles) & set(COST_ROLES)}
    return practice.space_memberships.filter(space_id__in=managed).exists()
