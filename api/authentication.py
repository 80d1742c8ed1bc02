from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from bookings.services import model_columns

from .models import ApiToken

# Written at most this often: a token used for every request must not cost an UPDATE for each.
LAST_USE_EVERY = dt.timedelta(minutes=5)


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
            raise exceptions.AuthenticationFailed(_("Invalid Authorization header: expected 'Bearer <token>'."))
        try:
            raw = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        token = (
            ApiToken.objects.select_related("member").filter(key_hash=hash_token(raw), revoked_at__isnull=True).first()
        )
        if token is None or not token.member.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        note_use(token.pk, token.last_used_at)
        return token.member, token

    def authenticate_header(self, request):
        return self.keyword


def note_use(token_id: int, last_used_at: dt.datetime | None) -> None:
    """Record the token's last use (at most every LAST_USE_EVERY)."""
    now = timezone.now()
    if last_used_at is None or now - last_used_at > LAST_USE_EVERY:
        ApiToken.objects.filter(pk=token_id).update(last_used_at=now)


# The member's columns the rules, the audit and the emails read (the others load if read).
_MEMBER_COLUMNS = {"id", "is_active", "is_superuser", "email", "name", "language"}


def member_for_bearer(header: str):
    """The member an ``Authorization: Bearer <token>`` header stands for, as BearerTokenAuthentication would
    accept it, else None (no such header, a bad one, an unknown or revoked token: the caller then lets DRF
    authenticate, which answers 401). One query; the member has the columns the rules and the audit read
    (the others load if read). For the short booking path (api.bookings)."""
    try:  # as DRF reads it: bytes, split on ASCII whitespace, the token decoded as UTF-8
        parts = header.encode("iso-8859-1").split()
        if len(parts) != 2 or parts[0].lower() != BearerTokenAuthentication.keyword.lower().encode():
            return None
        raw = parts[1].decode()
    except UnicodeError:
        return None
    member_model = get_user_model()
    fields = model_columns(member_model, _MEMBER_COLUMNS)
    columns = ", ".join(f"m.{connection.ops.quote_name(f.column)}" for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT t.id, t.last_used_at, {columns} FROM {ApiToken._meta.db_table} t "
            f"JOIN {member_model._meta.db_table} m ON m.id = t.member_id "
            "WHERE t.key_hash = %s AND t.revoked_at IS NULL",
            [hash_token(raw)],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    member = member_model.from_db(connection.alias, [f.attname for f in fields], row[2:])
    if not member.is_active:
        return None
    last_used_at = row[1]
    if last_used_at is not None and timezone.is_naive(last_used_at):  # SQLite: naive UTC
        last_used_at = timezone.make_aware(last_used_at, dt.UTC)
    note_use(row[0], last_used_at)
    return member


class CsrfSessionAuthentication(authentication.SessionAuthentication):
    """Session authentication for the browser (the API docs page), with Django's CSRF check."""
