"""Who may do what in the programme, built on spaces.rules."""

from __future__ import annotations

from django.db.models import Q

from spaces import rules
from spaces.models import Space, SpaceMembership

from .models import Event


def _authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def practice_is_in_space(practice, space: Space) -> bool:
    return SpaceMembership.objects.active().filter(space=space, practice=practice).exists()


def organiser_practices(user, space: Space):
    """The practices in ``space`` for which ``user`` may organise events."""
    from community.models import Practice

    if not _authenticated(user):
        return Practice.objects.none()
    memberships = SpaceMembership.objects.active().filter(space=space)
    practices = Practice.objects.filter(id__in=memberships.values("practice_id"))
    if rules.is_coordinator(user, space):
        return practices
    return practices.filter(id__in=rules.practice_ids(user))


def can_create_event(user, space: Space, practice=None) -> bool:
    """Coordinators of the space, for the space or any of its practices; a practice's members, for their practice."""
    if not _authenticated(user):
        return False
    if rules.is_coordinator(user, space):
        return practice is None or practice_is_in_space(practice, space)
    if practice is None:
        return False
    return practice.pk in rules.practice_ids(user) and practice_is_in_space(practice, space)


def may_create_events_somewhere(user, space: Space) -> bool:
    return rules.is_coordinator(user, space) or organiser_practices(user, space).exists()


def is_organiser(user, event: Event) -> bool:
    """The space's coordinators, the organising practice's members and the person who created the event."""
    if not _authenticated(user):
        return False
    if rules.is_coordinator(user, event.space_id):
        return True
    if event.created_by_id == user.pk:
        return True
    return event.practice_id is not None and event.practice_id in rules.practice_ids(user)


def can_see_event(user, event: Event) -> bool:
    if event.audience == Event.Audience.PUBLIC:
        return True
    if event.audience == Event.Audience.NETWORK:
        return rules.is_network_member(user, event.space)
    return rules.is_member(user, event.space_id)


def visible_occurrences_filter(user, prefix: str = "") -> Q:
    """Occurrences the user may see: public ones, plus network/member ones where the user belongs."""
    q = Q(**{f"{prefix}audience": Event.Audience.PUBLIC})
    if not _authenticated(user):
        return q
    if user.is_superuser:
        return Q()
    spaces = rules.member_space_ids(user)
    networks = rules.network_ids(user)
    q |= Q(**{f"{prefix}space_id__in": spaces})
    if networks:
        q |= Q(**{f"{prefix}audience": Event.Audience.NETWORK, f"{prefix}space__network_id__in": networks})
    return q


def visible_events_filter(user) -> Q:
    return visible_occurrences_filter(user)


def can_manage_project(user, practice) -> bool:
    return rules.can_manage_practice(user, practice)


def can_see_space_services(user, space: Space) -> bool:
    """A space's services are public for spaces open to everyone, otherwise seen by those the space admits."""
    if space.access_policy == Space.Access.PUBLIC:
        return True
    if space.access_policy == Space.Access.NETWORK:
        return rules.is_network_member(user, space)
    return rules.is_member(user, space)


def can_take_slot(user, space: Space) -> bool:
    return rules.is_member(user, space)


def can_manage_services(user, space: Space) -> bool:
    return rules.can_manage(user, space)
