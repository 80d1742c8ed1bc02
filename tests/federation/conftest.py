"""Fixtures for the federation: this installation is the host ``https://host.example``; ``home`` is a partner
installation ``https://home.example`` with its own Ed25519 key (held by the test, to sign passes of any shape)."""

from __future__ import annotations

import datetime as dt

import pytest

from bookings.models import BookingPolicy
from federation.models import Partner, PartnerRecognition
from network.models import NetworkAccess
from tests import factories as f

from .helpers import HOME, HOST, Home, b64

__all__ = ["HOME", "HOST", "Home", "b64"]


@pytest.fixture(autouse=True)
def _host_url(settings):
    from django.core.cache import cache

    settings.PLEK_BASE_URL = HOST
    settings.PLEK_FEDERATION_KEY_FILE = ""
    cache.clear()  # the once-a-minute status-list attempts


@pytest.fixture(autouse=True)
def _no_http(monkeypatch):
    """Nothing leaves the machine: a test that needs a partner's answer sets ``fake_http``."""
    from federation import remote

    def refuse(url):
        raise remote.FederationUnavailable(f"{url}: no network in tests")

    monkeypatch.setattr(remote, "_get", refuse)


@pytest.fixture
def home():
    return Home()


@pytest.fixture
def partner(home, space):
    """The home installation, pinned, recognised by ``space``, with a fresh (empty) status list."""
    from django.utils import timezone

    partner = Partner.objects.create(
        url=home.url,
        name="Home plek",
        fingerprint=home.fingerprint,
        public_key=b64(home.raw),
        status_url=home.url + "/federation/status",
        feed_url=home.url + "/federation/feed",
        status_fetched_at=timezone.now(),
    )
    PartnerRecognition.objects.create(space=space, partner=partner)
    return partner


@pytest.fixture
def desk(space):
    desk = f.ResourceFactory(space=space, name="Desk 1", kind="desk", capacity=1)
    BookingPolicy.objects.create(space=space, resource=desk, allow_network=True)
    return desk


@pytest.fixture
def desk_rule(space):
    """Werkplaats lets members of partner installations book desks: two free days a month, then 12.50."""
    from decimal import Decimal

    return NetworkAccess.objects.create(
        space=space, privilege="desk", local=True, federated=True, free_days_per_month=2, day_price=Decimal("12.50")
    )


def tomorrow_at(space, hour: int, days: int = 1) -> dt.datetime:
    day = dt.datetime.now(space.tz).date() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=space.tz)


def pytest_configure(config):
    config.addinivalue_line("markers", "two_servers: starts two plek servers on loopback (tests/federation)")
