from __future__ import annotations

import hashlib
import secrets

from django.utils import timezone
from rest_framework import authentication, exceptions

from .models import ApiToken


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(member, *, label: str = "") -> str:
    """Create a new API token for ``member``; only its hash is stored. Returns the raw token once."""
    raw = secrets.token_urlsafe(32)
    ApiToken.objects.create(member=member, key_hash=hash_token(raw), prefix=raw[:8], label=label)
    return raw


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer <token>``."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Invalid Authorization header: expected 'Bearer <token>'.")
        try:
            raw = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        token = (
            ApiToken.objects.select_related("member").filter(key_hash=hash_token(raw), revoked_at__isnull=True).first()
        )
        if token is None or not token.member.is_active:
            raise exceptions.AuthenticationFailed("Invalid or revoked token.")
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.member, token

    def authenticate_header(self, request):
        return self.keyword


class CsrfSessionAuthentication(authentication.SessionAuthentication):
    """Session authentication for the browser (the API docs page), with Django's CSRF check."""
