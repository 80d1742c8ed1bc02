from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.db import InterfaceError, OperationalError, connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from bookings.services import model_columns
from spaces import rules as space_rules

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
        raw = bearer_token(authentication.get_authorization_header(request))
        if raw is None:
            return None
        token = (
            ApiToken.objects.select_related("member").filter(key_hash=hash_token(raw), revoked_at__isnull=True).first()
        )
        if token is None or not token.member.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        note_use(token.pk, token.last_used_at)
        return token.member, token

    def authenticate_header(self, request):
        return self.keyword


def bearer_token(header: bytes) -> str | None:
    """The raw token of an ``Authorization: Bearer <token>`` header (bytes, as DRF reads it), None when the header
    is absent or of another scheme; AuthenticationFailed when it is malformed."""
    parts = header.split()
    if not parts or parts[0].lower() != BearerTokenAuthentication.keyword.lower().encode():
        return None
    if len(parts) != 2:
        raise exceptions.AuthenticationFailed(_("Invalid Authorization header: expected 'Bearer <token>'."))
    try:
        return parts[1].decode()
    except UnicodeError:
        raise exceptions.AuthenticationFailed(_("Invalid token.")) from None


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
    (the others load if read), and what spaces.rules asks about them is cached on it (read in the same query).
    For the short booking path (api.bookings)."""
    try:  # as DRF reads it: the header's bytes
        raw = bearer_token(header.encode("iso-8859-1"))
    except (UnicodeError, exceptions.AuthenticationFailed):
        return None
    if raw is None:
        return None
    member_model = get_user_model()
    fields = model_columns(member_model, _MEMBER_COLUMNS)
    rows = _first_query(_bearer_sql(), {"hash": hash_token(raw), "today": timezone.localdate()})
    token = next((row for row in rows if row[0] == "t"), None)
    if token is None:
        return None
    member = member_model.from_db(connection.alias, [f.attname for f in fields], token[7:])
    if not member.is_active:
        return None
    space_rules.fill(member, [row[:5] for row in rows if row[0] != "t"])
    last_used_at = token[6]
    if isinstance(last_used_at, str):  # SQLite, through the UNION: the column's type is lost
        last_used_at = parse_datetime(last_used_at)
    if last_used_at is not None and timezone.is_naive(last_used_at):  # SQLite: naive UTC
        last_used_at = timezone.make_aware(last_used_at, dt.UTC)
    note_use(token[5], last_used_at)
    return member


def _first_query(sql: str, params) -> list:
    """The rows of the request's first query, which also serves as Django's connection health check
    (CONN_HEALTH_CHECKS): instead of a ``SELECT 1`` round trip before it, a connection found broken by the query
    itself is closed and the query run once more on a new one, as the health check would have reconnected."""
    checking = (
        connection.health_check_enabled and not connection.health_check_done and connection.connection is not None
    )
    if checking:
        connection.health_check_done = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    except (OperationalError, InterfaceError):
        if not checking or connection.in_atomic_block:
            raise
        connection.close()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@functools.cache
def _bearer_sql() -> str:
    """The token's row ('t', four NULLs, token id, last use, the member's columns) and, in the same round trip,
    the rows of spaces.rules.load_sql for its member (padded with NULLs): what spaces.rules asks about the member
    costs no query of its own. Parameters: ``hash``, ``today``."""
    member_model = get_user_model()
    fields = model_columns(member_model, _MEMBER_COLUMNS)
    columns = ", ".join(f"m.{connection.ops.quote_name(f.column)}" for f in fields)
    token_t = ApiToken._meta.db_table
    nulls = ", ".join(["NULL"] * (2 + len(fields)))
    member_id = f"(SELECT k.member_id FROM {token_t} k WHERE k.key_hash = %(hash)s AND k.revoked_at IS NULL)"
    return f"""
        SELECT 't', NULL, NULL, NULL, NULL, t.id, t.last_used_at, {columns} FROM {token_t} t
          JOIN {member_model._meta.db_table} m ON m.id = t.member_id
         WHERE t.key_hash = %(hash)s AND t.revoked_at IS NULL
        UNION ALL
        SELECT x.*, {nulls} FROM ({space_rules.load_sql(member_id)}) x
    """


class CsrfSessionAuthentication(authentication.SessionAuthentication):
    """Session authentication for the browser (the API docs page), with Django's CSRF check."""
