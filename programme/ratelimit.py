"""Limits on the public registration, so that it cannot be used to send emails to strangers in bulk.

Counted in Django's cache (shared by the workers when REDIS_URL is set) in fixed windows: per client address
and per email address. Switched off with PLEK_NO_RATE_LIMITS=1 (settings.PLEK_RATE_LIMITS), like the login
limits.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

WINDOW_SECONDS = 10 * 60
PER_ADDRESS = 10  # registrations from one client address per window
PER_EMAIL = 5  # registrations for one email address per window (each sends that address an email)


class RateLimited(Exception):
    """Too many registrations; ``message`` says so in plain words, ``retry_after`` in seconds."""

    def __init__(self, message: str, retry_after: int = WINDOW_SECONDS):
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


def client_address(request) -> str:
    """The client's IP address. Behind the reverse proxy (BEHIND_PROXY=1), the last address of
    X-Forwarded-For: the one the proxy itself saw (earlier ones are the client's own claims)."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.SECURE_PROXY_SSL_HEADER and forwarded.strip():
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _hit(key: str) -> int:
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS)
        return 1


def check_registration(request, email: str) -> None:
    """Count one registration attempt; raise RateLimited when the client or the email address has had too many
    in the last window."""
    if not getattr(settings, "PLEK_RATE_LIMITS", True):
        return
    address = hashlib.sha256(client_address(request).encode()).hexdigest()[:32]
    mailbox = hashlib.sha256((email or "").strip().lower().encode()).hexdigest()[:32]
    by_address = _hit(f"programme:register:ip:{address}")
    by_email = _hit(f"programme:register:email:{mailbox}")
    if by_address > PER_ADDRESS or by_email > PER_EMAIL:
        raise RateLimited(
            _("Too many registrations in a short time. Please wait ten minutes and try again."),
            retry_after=WINDOW_SECONDS,
        )
