"""Talking to partner installations over HTTP: discovery of their key, and pulling their status lists and feeds.

Every request has a short timeout (``conf.http_timeout()``), follows no redirect and reads at most 512 kB; reserved
names (``.example``, ``.invalid``, ``.test``) are never looked up. What comes back is verified with the partner's
pinned key before it is kept.
"""

from __future__ import annotations

import logging
from urllib.parse import quote, urlsplit

import requests
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from . import conf, keys
from .models import Partner

logger = logging.getLogger(__name__)

MAX_DOCUMENT = 512 * 1024


class FederationUnavailable(Exception):
    """A partner did not answer, or answered something that is not what plek publishes."""


def normalise_url(url: str) -> str:
    """A partner's base URL: http(s), a host, no query or fragment, no trailing slash."""
    value = (url or "").strip().rstrip("/")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ValidationError({"url": _("Give the partner's address, for example https://plek.example.org.")})
    if parts.username or parts.password:
        raise ValidationError({"url": _("Give the partner's address, for example https://plek.example.org.")})
    return value


# Reserved names (RFC 2606, RFC 6761) never answer: the demo's example partner is not looked up.
RESERVED_SUFFIXES = (".example", ".invalid", ".test")


def _get(url: str) -> requests.Response:
    if (urlsplit(url).hostname or "").endswith(RESERVED_SUFFIXES):
        raise FederationUnavailable(f"{url}: a reserved name")
    response = None
    try:
        response = requests.get(
            url, timeout=conf.http_timeout(), allow_redirects=False, headers={"Accept": "application/json"}, stream=True
        )
        if response.status_code != 200:
            raise FederationUnavailable(f"{url}: HTTP {response.status_code}")
        body = b""
        for chunk in response.iter_content(64 * 1024):
            body += chunk
            if len(body) > MAX_DOCUMENT:
                raise FederationUnavailable(f"{url}: too large")
    except requests.RequestException as error:
        raise FederationUnavailable(f"{url}: {error.__class__.__name__}") from None
    finally:
        if response is not None:
            response.close()
    response._content = body  # read at most MAX_DOCUMENT bytes; .text and .json() use it
    return response


def fetch_json(url: str) -> dict:
    try:
        data = _get(url).json()
    except ValueError:
        raise FederationUnavailable(f"{url}: not JSON") from None
    if not isinstance(data, dict):
        raise FederationUnavailable(f"{url}: not a JSON object")
    return data


def fetch_text(url: str) -> str:
    return _get(url).text.strip()


def discover(url: str) -> dict:
    """The partner's ``/.well-known/plek.json``, checked (raises FederationUnavailable)."""
    data = fetch_json(url + "/.well-known/plek.json")
    jwk = data.get("public_key")
    if not isinstance(jwk, dict) or jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
        raise FederationUnavailable(f"{url}: no Ed25519 public key")
    try:
        raw = keys.unb64url(str(jwk.get("x", "")))
    except ValueError:
        raise FederationUnavailable(f"{url}: unreadable public key") from None
    if len(raw) != 32:
        raise FederationUnavailable(f"{url}: unreadable public key")
    data["_raw_key"] = raw
    return data


def refresh_status(partner: Partner) -> bool:
    """Fetch and verify the partner's status list for us. True when it was refreshed."""
    if not partner.status_url:
        return False
    try:
        token = fetch_text(partner.status_url + "?aud=" + quote(conf.base_url(), safe=""))
        claims = keys.verify(
            token, public_key=partner.public_key, key_fingerprint=partner.fingerprint, typ=conf.STATUS_TYPE
        )
        now = timezone.now().timestamp()
        revoked = claims.get("revoked")
        if (
            claims.get("iss") != partner.url
            or claims.get("aud") != conf.base_url()
            or not isinstance(claims.get("iat"), int)
            or claims["iat"] > now + conf.clock_skew()
            or not isinstance(claims.get("exp"), int)
            or claims["exp"] < now - conf.clock_skew()
            or not isinstance(revoked, list)
            or not all(isinstance(s, str) for s in revoked)
        ):
            raise FederationUnavailable(f"{partner.url}: status list not for us")
    except (FederationUnavailable, keys.SignatureError) as error:
        Partner.objects.filter(pk=partner.pk).update(last_error=str(error)[:300])
        logger.warning("federation: status list of %s: %s", partner.url, error)
        return False
    partner.revoked_subs = sorted(set(revoked))
    partner.status_fetched_at = timezone.now()
    partner.last_error = ""
    Partner.objects.filter(pk=partner.pk).update(
        revoked_subs=partner.revoked_subs, status_fetched_at=partner.status_fetched_at, last_error=""
    )
    return True


def refresh_feed(partner: Partner) -> bool:
    """Fetch and verify the partner's feed. True when it was refreshed."""
    if not partner.feed_url:
        return False
    try:
        token = fetch_text(partner.feed_url)
        claims = keys.verify(
            token, public_key=partner.public_key, key_fingerprint=partner.fingerprint, typ=conf.FEED_TYPE
        )
        if claims.get("iss") != partner.url:
            raise FederationUnavailable(f"{partner.url}: feed of another installation")
    except (FederationUnavailable, keys.SignatureError) as error:
        Partner.objects.filter(pk=partner.pk).update(last_error=str(error)[:300])
        logger.warning("federation: feed of %s: %s", partner.url, error)
        return False
    feed = {
        "spaces": clean_items(claims.get("spaces"), SPACE_FIELDS),
        "events": clean_items(claims.get("events"), EVENT_FIELDS),
    }
    partner.feed, partner.feed_fetched_at = feed, timezone.now()
    Partner.objects.filter(pk=partner.pk).update(feed=feed, feed_fetched_at=partner.feed_fetched_at, last_error="")
    return True


SPACE_FIELDS = ("name", "slug", "city", "country", "network", "tagline", "access", "url")


EVENT_FIELDS = ("title", "start", "end", "space", "city", "url")


def clean_items(items, fields) -> list[dict]:
    """Keep only known text fields of a partner's feed, and only http(s) links (it is shown on our pages)."""
    out = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        row = {f: str(item.get(f, ""))[:300] for f in fields}
        if not row["url"].startswith(("https://", "http://")):
            row["url"] = ""
        out.append(row)
        if len(out) >= 200:
            break
    return out


def refresh_partners(*, force_feeds: bool = False) -> str:
    """The periodic job: every partner's status list, and its feed when older than ``conf.feed_max_age()``."""
    statuses = feeds = 0
    stale = timezone.now() - conf.feed_max_age()
    for partner in Partner.objects.filter(recognitions__isnull=False).distinct():
        statuses += refresh_status(partner)
        if force_feeds or partner.feed_fetched_at is None or partner.feed_fetched_at < stale:
            feeds += refresh_feed(partner)
    return f"{statuses} status lists, {feeds} feeds"
