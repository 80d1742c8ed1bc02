"""Federation settings, each read from ``django.conf.settings`` with a default (plek/settings.py needs none).

- ``PLEK_BASE_URL`` (setting or environment variable; default ``SITE_URL``): this installation's public base URL,
  the ``iss`` of the passes it issues and the ``aud`` it accepts.
- ``PLEK_FEDERATION_NAME`` (default ``SITE_NAME``): the installation's name in ``/.well-known/plek.json``.
- ``PLEK_FEDERATION_KEY_FILE`` (setting or environment variable): a PEM file holding the Ed25519 signing key
  (created, mode 0600, when missing). Without it the key is kept in the database (``federation.Installation``).
- ``PLEK_FEDERATION_PASS_MINUTES`` (15): how long a network pass is valid.
- ``PLEK_FEDERATION_CLOCK_SKEW`` (60): seconds of clock difference tolerated between installations.
- ``PLEK_FEDERATION_HTTP_TIMEOUT`` (5): seconds to wait for a partner's answer.
- ``PLEK_FEDERATION_STATUS_MAX_AGE`` (600): a host refetches a partner's status list on verification when its copy
  is older than this (seconds); the periodic job refetches every run (every 5 minutes). Revoked members are thus
  refused within 15 minutes.
- ``PLEK_FEDERATION_FEED_MAX_AGE`` (1500): the periodic job refetches a partner's feed when older than this.

The key fingerprint is the lowercase hex SHA-256 of the 32 raw bytes of the Ed25519 public key (64 characters);
people may type it with spaces, colons or in capitals, and with a ``sha256:`` prefix.
"""

from __future__ import annotations

import os
from datetime import timedelta

from django.conf import settings


def _setting(name: str, default):
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name)
    return default if value in (None, "") else value


def base_url() -> str:
    return str(_setting("PLEK_BASE_URL", settings.SITE_URL)).rstrip("/")


def name() -> str:
    return str(_setting("PLEK_FEDERATION_NAME", settings.SITE_NAME))


def key_file() -> str:
    return str(_setting("PLEK_FEDERATION_KEY_FILE", ""))


def pass_lifetime() -> timedelta:
    return timedelta(minutes=int(_setting("PLEK_FEDERATION_PASS_MINUTES", 15)))


def clock_skew() -> int:
    return int(_setting("PLEK_FEDERATION_CLOCK_SKEW", 60))


def http_timeout() -> float:
    return float(_setting("PLEK_FEDERATION_HTTP_TIMEOUT", 5))


def status_max_age() -> timedelta:
    return timedelta(seconds=int(_setting("PLEK_FEDERATION_STATUS_MAX_AGE", 600)))


def feed_max_age() -> timedelta:
    return timedelta(seconds=int(_setting("PLEK_FEDERATION_FEED_MAX_AGE", 1500)))


# A pass may not be valid for longer than this, whatever its issuer says.
MAX_PASS_LIFETIME = timedelta(hours=1)
PASS_TYPE = "plek-pass+jwt"
STATUS_TYPE = "plek-status+jwt"
FEED_TYPE = "plek-feed+jwt"
