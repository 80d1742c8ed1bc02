"""Who may see and change what of the network. Built on spaces.rules."""

from __future__ import annotations

from spaces import rules as space_rules
from spaces.models import RoleAssignment, Space

Role = RoleAssignment.Role

# Who sees a space's network visitors: its coordinators and hosts (they welcome the visitors).
VISITOR_ROLES = (Role.COORDINATOR, Role.HOST)
# Who sees a space's visits ledger: its coordinators and treasurers (they settle up).
LEDGER_ROLES = (Role.COORDINATOR, Role.TREASURER)


def can_see_visitors(user, space: Space | int) -> bool:
    return space_rules.has_role(user, space, *VISITOR_ROLES)


def can_see_ledger(user, space: Space | int) -> bool:
    return space_rules.has_role(user, space, *LEDGER_ROLES)


def in_network(user, network) -> bool:
    """A member of one of the network's spaces (or a superuser)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or network.pk in space_rules.network_ids(user)


def can_see_network_ledger(user, network) -> bool:
    """Coordinators and treasurers of one of the network's spaces."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    roles = space_rules.roles_by_space(user)
    space_ids = [sid for sid, held in roles.items() if held & set(LEDGER_ROLES)]
    return Space.objects.filter(id__in=space_ids, network=network).exists()


def sees_network_section(user, space: Space) -> bool:
    """The space's "Network" tab: for those who see its visitors or its ledger."""
    return can_see_visitors(user, space) or can_see_ledger(user, space)
