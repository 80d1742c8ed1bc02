"""Access helpers for API views: the same rules as the UI (spaces.rules).

Another space's object is a 404 (we don't say it exists); a missing role is a 403; no credentials is a 401.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from rest_framework import exceptions

from spaces import rules
from spaces.models import Space


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
        raise exceptions.PermissionDenied("You need the role of {} in this space.".format(" or ".join(roles)))
    return space


def check_role(request, space: Space, *roles: str) -> None:
    """For an object already fetched: 401/404/403 as above."""
    require_authenticated(request)
    if not rules.is_member(request.user, space):
        raise exceptions.NotFound()
    if not rules.has_role(request.user, space, *roles):
        raise exceptions.PermissionDenied("You need the role of {} in this space.".format(" or ".join(roles)))
