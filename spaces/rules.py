"""Who may do what in a space. One place for every permission question, used by views, the API and services.

Results are cached on the user object for the length of a request.
"""

from __future__ import annotations

import contextlib

from django.db.models import Q
from django.utils import timezone

from .models import RoleAssignment, Space, SpaceMembership

Role = RoleAssignment.Role

# Roles that may change a space's identity, resources, memberships and roles.
MANAGING_ROLES = (Role.COORDINATOR,)


def _cache(user) -> dict:
    cache = getattr(user, "_plek_rules_cache", None)
    if cache is None:
        cache = {}
        with contextlib.suppress(AttributeError):
            user._plek_rules_cache = cache
    return cache


def forget(user) -> None:
    """Drop cached answers, after a change to the user's roles or memberships."""
    if hasattr(user, "_plek_rules_cache"):
        del user._plek_rules_cache


def roles_by_space(user) -> dict[int, set[str]]:
    if not getattr(user, "is_authenticated", False):
        return {}
    cache = _cache(user)
    if "roles" not in cache:
        roles: dict[int, set[str]] = {}
        for space_id, role in RoleAssignment.objects.filter(member=user).values_list("space_id", "role"):
            roles.setdefault(space_id, set()).add(role)
        cache["roles"] = roles
    return cache["roles"]


def practice_ids(user) -> set[int]:
    """The practices the user acts for."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cache = _cache(user)
    if "practices" not in cache:
        cache["practices"] = set(user.practice_links.values_list("practice_id", flat=True))
    return cache["practices"]


def member_space_ids(user) -> set[int]:
    """Spaces where the user is a member: through an active membership of one of their practices, or a role."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cache = _cache(user)
    if "spaces" not in cache:
        today = timezone.localdate()
        via_practice = SpaceMembership.objects.filter(
            Q(practice_id__in=practice_ids(user)),
            Q(start_date__lte=today),
            Q(end_date__isnull=True) | Q(end_date__gte=today),
        ).values_list("space_id", flat=True)
        cache["spaces"] = set(via_practice) | set(roles_by_space(user))
    return cache["spaces"]


def network_ids(user) -> set[int]:
    """Networks of the spaces the user is a member of."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cache = _cache(user)
    if "networks" not in cache:
        cache["networks"] = set(
            Space.objects.filter(id__in=member_space_ids(user), network__isnull=False).values_list(
                "network_id", flat=True
            )
        )
    return cache["networks"]


def has_role(user, space: Space | int, *roles: str) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    space_id = space if isinstance(space, int) else space.pk
    return bool(roles_by_space(user).get(space_id, set()) & set(roles))


def is_member(user, space: Space | int) -> bool:
    """A member of the space (or a superuser): may read its member-only parts."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    space_id = space if isinstance(space, int) else space.pk
    return space_id in member_space_ids(user)


def is_coordinator(user, space: Space | int) -> bool:
    return has_role(user, space, *MANAGING_ROLES)


def can_manage(user, space: Space | int) -> bool:
    """May change the space's identity, resources, opening hours, closures, memberships and roles."""
    return is_coordinator(user, space)


def coordinated_space_ids(user) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return {sid for sid, roles in roles_by_space(user).items() if set(roles) & set(MANAGING_ROLES)}


def can_create_space(user, network_id: int | None) -> bool:
    """Superusers, and coordinators of a space in the same network, may add spaces to it."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    if network_id is None:
        return False
    return Space.objects.filter(id__in=coordinated_space_ids(user), network_id=network_id).exists()


def is_network_member(user, space: Space) -> bool:
    return is_member(user, space) or (space.network_id is not None and space.network_id in network_ids(user))


def visible_resource_filter(user, space: Space) -> Q:
    """Which of the space's resources the user may see."""
    from .models import Resource

    if is_member(user, space):
        return Q()
    if is_network_member(user, space):
        return Q(visibility__in=[Resource.Visibility.PUBLIC, Resource.Visibility.NETWORK])
    return Q(visibility=Resource.Visibility.PUBLIC)


def practice_is_visible(user, practice) -> bool:
    """A practice is visible to its own members, to members of its spaces, and to everyone if its profile is public."""
    if practice.public_profile:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or practice.pk in practice_ids(user):
        return True
    return practice.space_memberships.filter(space_id__in=member_space_ids(user)).exists()


def can_manage_practice(user, practice) -> bool:
    """Coordinators of a space the practice belongs to, and the practice's own members, may invite people to it."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or practice.pk in practice_ids(user):
        return True
    return practice.space_memberships.filter(space_id__in=coordinated_space_ids(user)).exists()
