"""Access helpers for API views: the same rules as the UI (spaces.rules).

Another space's object is a 404 (we don't say it exists); a missing role is a 403; no credentials is a 401.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions

from spaces import rules
from spaces.models import RoleAssignment, Space

Role = RoleAssignment.Role

# Whole sentences, so that each language words the list of roles its own way.
ROLE_MESSAGES = {
    (Role.COORDINATOR.value,): gettext_lazy("You need the role of coordinator in this space."),
    (Role.COORDINATOR.value, Role.HOST.value): gettext_lazy("You need the role of coordinator or host in this space."),
    (Role.COORDINATOR.value, Role.TREASURER.value): gettext_lazy(
        "You need the role of coordinator or treasurer in this space."
    ),
    (Role.TREASURER.value, Role.COORDINATOR.value): gettext_lazy(
        "You need the role of treasurer or coordinator in this space."
    ),
}


def role_message(roles) -> str:
    """The 403 message for a member without any of ``roles``, in the request's language."""
    message = ROLE_MESSAGES.get(tuple(str(r) for r in roles))
    if message is not None:
        return str(message)
    labels = [str(Role(r).label) if r in Role.values else str(r) for r in roles]
    return _("You need one of these roles in this space: %(roles)s.") % {"roles": ", ".join(labels)}


def require_authenticated(request) -> None:
    if not request.user or not request.user.is_authenticated:
        raise exceptions.NotAuthenticated()


def space_for_member(request, space_id) -> Space:
    """The space if the requester is one of its members; 401 for anonymous, 404 for outsiders."""
    require_authenticated(request)
    space = get_object_or_404(Space, pk=space_id)
    if not rules.is_member(request.user, space):
        raise exceptions.NotFound()
    return space


def space_for_role(request, space_id, *roles: str) -> Space:
    """The space if the requester holds one of ``roles`` there (superusers always); 403 for members without it."""
    space = space_for_member(request, space_id)
    if not rules.has_role(request.user, space, *roles):
        raise exceptions.PermissionDenied(role_message(roles))
    return space


def check_role(request, space: Space, *roles: str) -> None:
    """For an object already fetched: 401/404/403 as above."""
    require_authenticated(request)
    if not rules.is_member(request.user, space):
        raise exceptions.NotFound()
    if not rules.has_role(request.user, space, *roles):
        raise exceptions.PermissionDenied(role_message(roles))
