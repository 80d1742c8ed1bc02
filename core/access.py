"""Access helpers for UI views: fetch a space the way the rules allow, or stop with 404/403/login."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from spaces import rules
from spaces.models import Space


class LoginRequired(Exception):
    """Raised by helpers; turned into a redirect to the login page by core.middleware."""


def space_for_member(request, slug: str) -> Space:
    """The space if the user is one of its members: anonymous → login, outsiders → 404."""
    if not request.user.is_authenticated:
        raise LoginRequired
    space = get_object_or_404(Space, slug=slug)
    if not rules.is_member(request.user, space):
        raise Http404
    return space


def space_for_role(request, slug: str, *roles: str) -> Space:
    """As space_for_member, and 403 for members without one of ``roles``."""
    space = space_for_member(request, slug)
    if not rules.has_role(request.user, space, *roles):
        raise PermissionDenied
    return space


def space_for_coordinator(request, slug: str) -> Space:
    return space_for_role(request, slug, *rules.MANAGING_ROLES)


def login_redirect(request):
    return redirect_to_login(request.get_full_path())
