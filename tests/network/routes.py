"""Isolation Cases of the network pages (UI) and the network API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from network.models import NetworkAccess, NetworkVisit
from tests.isolation import API_COORDINATOR, API_SIGNED_IN, COORDINATOR, SIGNED_IN, Case, expect

COORDINATOR_POSTED = expect(COORDINATOR, coordinator=302)
# The network ledger: coordinators of any space of the network (the outsider coordinates the other space).
NETWORK_COORDINATORS = {"anonymous": 302, "outsider": 200, "member": 403, "coordinator": 200}


def build(w):
    w.network_access = NetworkAccess.objects.create(
        space=w.space, privilege="desk", free_days_per_month=2, day_price=Decimal("9.50")
    )
    w.network_visit = NetworkVisit.objects.create(
        space=w.space,
        home_space=w.other_space,
        member=w.outsider,
        privilege="desk",
        date=timezone.localdate() - dt.timedelta(days=1),
    )


def _s(w, rest=""):
    return f"/en/spaces/{w.space.slug}/network/{rest}"


ROUTES = {
    "network:access": [
        Case(lambda w: _s(w, "access/"), COORDINATOR),
        Case(
            lambda w: _s(w, "access/"),
            COORDINATOR_POSTED,
            method="post",
            data=lambda w: {"visit-local": "on", "desk-local": "on", "desk-free_days_per_month": "3"},
        ),
    ],
    "network:visitors": Case(lambda w: _s(w, "visitors/"), COORDINATOR),
    "network:space-ledger": Case(lambda w: _s(w, "ledger/"), COORDINATOR),
    "network:space-ledger-csv": Case(lambda w: _s(w, "ledger.csv"), COORDINATOR),
    "network:network-ledger": Case(lambda w: f"/en/networks/{w.network.slug}/ledger/", NETWORK_COORDINATORS),
    "network:network-ledger-csv": Case(lambda w: f"/en/networks/{w.network.slug}/ledger.csv", NETWORK_COORDINATORS),
    "network:mine": Case(lambda w: "/en/me/network/", SIGNED_IN),
    # API
    "api:space-network-access": [
        # Members of the network (the outsider coordinates another space of it) read the rules.
        Case(lambda w: f"/api/v1/spaces/{w.space.pk}/network-access", API_SIGNED_IN),
        Case(
            lambda w: f"/api/v1/spaces/{w.space.pk}/network-access",
            expect(API_COORDINATOR, outsider=403),
            method="put",
            data=lambda w: {
                "rules": [
                    {
                        "privilege": "desk",
                        "local": True,
                        "federated": False,
                        "free_days_per_month": 3,
                        "day_price": "12.50",
                    }
                ]
            },
        ),
    ],
    "api:space-network-visits": Case(lambda w: f"/api/v1/spaces/{w.space.pk}/network-visits", API_COORDINATOR),
    "api:network-ledger": [
        Case(lambda w: "/api/v1/network/ledger", API_SIGNED_IN),
        Case(lambda w: f"/api/v1/network/ledger?space={w.space.pk}", API_COORDINATOR),
        Case(
            lambda w: f"/api/v1/network/ledger?network={w.network.pk}",
            expect(API_COORDINATOR, member=403, outsider=200),
        ),
    ],
}
