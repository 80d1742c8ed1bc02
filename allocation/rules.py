"""Who may do what with allocation rounds, built on spaces.rules."""

from __future__ import annotations

from community.models import Practice
from spaces import rules
from spaces.models import SpaceMembership


def can_read(user, space) -> bool:
    """Everyone in the space sees the rounds, the proposal and the fairness figures."""
    return rules.is_member(user, space)


def can_manage(user, space) -> bool:
    """Coordinators open, close, solve, adjust and publish rounds."""
    return rules.is_coordinator(user, space)


def space_practices(space):
    """Practices with an active membership of the space."""
    ids = SpaceMembership.objects.filter(space=space).active().values_list("practice_id", flat=True)
    return Practice.objects.filter(pk__in=ids).order_by("name")


def practices_for(user, space):
    """The practices ``user`` may submit requests for: their own in the space; every practice for coordinators."""
    practices = space_practices(space)
    if can_manage(user, space):
        return practices
    return practices.filter(pk__in=rules.practice_ids(user))


def can_act_for(user, practice, space) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return practices_for(user, space).filter(pk=practice.pk).exists()
