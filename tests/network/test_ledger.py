"""The yearly visits ledger per pair of spaces."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from network import ledger, services
from network.models import NetworkAccess
from tests import factories as f

pytestmark = pytest.mark.django_db

PARTNER = "https://plek.partner.example"


def test_the_ledger_sums_visits_and_charges_per_pair(space, other_space, visitor, network):
    third = f.SpaceFactory(network=network, name="Third", slug="third")
    NetworkAccess.objects.create(space=space, privilege="visit", free_days_per_month=1, day_price=Decimal("7.50"))
    NetworkAccess.objects.create(space=space, privilege="desk", federated=True, day_price=Decimal("3"))
    NetworkAccess.objects.create(space=other_space, privilege="visit")
    host_member = f.make_member_of(space, email="host@example.org")
    for day in (1, 2, 3):
        services.admit(space, "visit", on_date=dt.date(2025, 3, day), member=visitor)
    services.admit(space, "visit", on_date=dt.date(2024, 12, 31), member=visitor)  # another year
    services.admit(
        space, "desk", on_date=dt.date(2025, 3, 1), home_installation=PARTNER, home_label="Partner", visitor_ref="x"
    )
    services.admit(other_space, "visit", on_date=dt.date(2025, 5, 1), member=host_member)
    services.admit(third, "visit", on_date=dt.date(2025, 5, 1), member=host_member, home_space=space)

    rows = [(r.host.name, r.home, r.visits, r.charged) for r in ledger.yearly(2025)]

    assert rows == [
        ("Elsewhere", "Werkplaats", 1, Decimal("0.00")),
        ("Third", "Werkplaats", 1, Decimal("0.00")),
        ("Werkplaats", "Elsewhere", 3, Decimal("15.00")),
        ("Werkplaats", "Partner", 1, Decimal("3.00")),
    ]
    assert [(r.home, r.visits) for r in ledger.yearly(2025, host_space=space)] == [("Elsewhere", 3), ("Partner", 1)]
    assert [r.visits for r in ledger.yearly(2024)] == [1]
    assert ledger.yearly(2025, network=f.NetworkFactory()) == []


def test_the_ledger_takes_two_queries(space, visitor, django_assert_num_queries):
    services.admit(space, "visit", on_date=dt.date(2025, 3, 1), member=visitor)

    with django_assert_num_queries(3):
        ledger.yearly(2025)
