"""Who may do what in a space. One place for every permission question, used by views, the API and services.

Results are cached on the user object for the length of a request.
"""

from __future__ import annotations

import contextlib

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from community.models import PracticeMember

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


def load_sql(member: str = "%(member)s") -> str:
    """The query behind ``_load``: rows (kind, id, role, network id, practice id) for the member whose id is the SQL
    expression ``member`` (by default the parameter ``%(member)s``; another query may pass a subquery to fold
    this one into its own round trip), with the parameter ``%(today)s``. ``fill`` makes the cache of its rows."""
    role_t, space_t = RoleAssignment._meta.db_table, Space._meta.db_table
    link_t, membership_t = PracticeMember._meta.db_table, SpaceMembership._meta.db_table
    return f"""
        SELECT 'r', ra.space_id, ra.role, s.network_id, CAST(NULL AS bigint)
          FROM {role_t} ra JOIN {space_t} s ON s.id = ra.space_id WHERE ra.member_id = {member}
        UNION ALL
        SELECT 'p', pm.practice_id, NULL, NULL, NULL FROM {link_t} pm WHERE pm.member_id = {member}
        UNION ALL
        SELECT 'm', sm.space_id, NULL, s.network_id, sm.practice_id
          FROM {membership_t} sm JOIN {link_t} pm ON pm.practice_id = sm.practice_id
          JOIN {space_t} s ON s.id = sm.space_id
         WHERE pm.member_id = {member} AND sm.start_date <= %(today)s AND (sm.end_date IS NULL OR sm.end_date >= %(today)s)
    """


def fill(user, rows) -> dict:
    """Cache on ``user`` what the rules ask about them, from the rows of ``load_sql`` (all of them)."""
    roles: dict[int, set[str]] = {}
    practices: set[int] = set()
    practice_spaces: dict[int, set[int]] = {}
    spaces: set[int] = set()
    networks: set[int] = set()
    for kind, ident, role, network_id, practice_id in rows:
        if kind == "p":
            practices.add(ident)
            continue
        spaces.add(ident)
        if network_id is not None:
            networks.add(network_id)
        if kind == "r":
            roles.setdefault(ident, set()).add(role)
        else:
            practice_spaces.setdefault(practice_id, set()).add(ident)
    cache = _cache(user)
    cache.update(roles=roles, practices=practices, practice_spaces=practice_spaces, spaces=spaces, networks=networks)
    return cache


def _load(user) -> dict:
    """Everything the rules ask about the user, in one query, cached on the user for the request.

    ``roles`` {space id: {role}}, ``practices`` {practice id}, ``practice_spaces`` {practice id: {space id}} (the
    active memberships of the user's practices), ``spaces`` (member of: through a practice or a role) and
    ``networks`` (of those spaces). One round trip instead of four: every API request and page asks.
    """
    cache = _cache(user)
    if "spaces" in cache:
        return cache
    with connection.cursor() as cursor:
        cursor.execute(load_sql(), {"member": user.pk, "today": timezone.localdate()})
        return fill(user, cursor.fetchall())


def roles_by_space(user) -> dict[int, set[str]]:
    if not getattr(user, "is_authenticated", False):
        return {}
    return _load(user)["roles"]


def practice_ids(user) -> set[int]:
    """The practices the user acts for."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return _load(user)["practices"]


def practice_space_ids(user, practice_id: int) -> set[int] | None:
    """The spaces where one of the user's practices holds an active membership (None: not one of theirs)."""
    if not getattr(user, "is_authenticated", False):
        return None
    cache = _load(user)
    if practice_id not in cache["practices"]:
        return None
    return cache["practice_spaces"].get(practice_id, set())


def member_space_ids(user) -> set[int]:
    """Spaces where the user is a member: through an active membership of one of their practices, or a role."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return _load(user)["spaces"]


def network_ids(user) -> set[int]:
    """Networks of the spaces the user is a member of."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return _load(user)["networks"]


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


def resource_is_visible(user, resource) -> bool:
    """``visible_resource_filter`` for one resource already loaded (with its space): no query."""
    from .models import Resource

    if is_member(user, resource.space_id):
        return True
    if resource.visibility == Resource.Visibility.PUBLIC:
        return True
    return resource.visibility == Resource.Visibility.NETWORK and is_network_member(user, resource.space)


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
