"""/api/v1/spaces/{id}/network-access, /network-visits and /api/v1/network/ledger; booking a desk at another space
of the network through /api/v1/bookings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from network import services
from network.models import NetworkAccess, NetworkVisit
from spaces.models import RoleAssignment
from tests import factories as f

from .conftest import at, day_of

pytestmark = pytest.mark.django_db


def test_members_of_the_network_read_the_rules(api, space, visitor):
    NetworkAccess.objects.create(space=space, privilege="desk", free_days_per_month=3, day_price=Decimal("12.5"))

    response = api(visitor).get(f"/api/v1/spaces/{space.pk}/network-access")

    assert response.status_code == 200
    rules = {r["privilege"]: r for r in response.json()["rules"]}
    assert list(rules) == ["visit", "desk", "room", "events"]
    assert rules["desk"] == {
        "privilege": "desk",
        "local": True,
        "federated": False,
        "free_days_per_month": 3,
        "day_price": "12.50",
        "resource_kinds": [],
        "kinds": ["desk"],
        "configured": True,
    }
    assert rules["visit"]["configured"] is False


def test_coordinators_replace_the_rules(api, space, coordinator):
    NetworkAccess.objects.create(space=space, privilege="events", local=False)
    rules = [
        {"privilege": "desk", "local": True, "federated": True, "free_days_per_month": 2, "day_price": "9"},
        {"privilege": "room", "local": False, "federated": False, "free_days_per_month": None, "day_price": None},
    ]

    response = api(coordinator).put(f"/api/v1/spaces/{space.pk}/network-access", {"rules": rules}, format="json")

    assert response.status_code == 200
    saved = {r.privilege: r for r in NetworkAccess.objects.filter(space=space)}
    assert sorted(saved) == ["desk", "room"]
    assert (saved["desk"].federated, saved["desk"].day_price, saved["room"].local) == (True, Decimal("9.00"), False)


def test_the_rules_are_validated(api, space, coordinator, member, outsider):
    url = f"/api/v1/spaces/{space.pk}/network-access"
    bad = {
        "rules": [{"privilege": "fly", "local": True, "federated": False, "free_days_per_month": -1, "day_price": None}]
    }
    twice = {
        "rules": [
            {"privilege": "desk", "local": True, "federated": False, "free_days_per_month": None, "day_price": None}
        ]
        * 2
    }
    kinds = {
        "rules": [
            {
                "privilege": "visit",
                "local": True,
                "federated": False,
                "free_days_per_month": None,
                "day_price": None,
                "resource_kinds": ["desk"],
            }
        ]
    }

    response = api(coordinator).put(url, bad, format="json")

    assert response.status_code == 400
    assert set(response.json()["fields"]["rules"]["0"]) == {"privilege", "free_days_per_month"}
    assert api(coordinator).put(url, twice, format="json").status_code == 400
    assert api(coordinator).put(url, kinds, format="json").status_code == 400
    assert api(member).put(url, {"rules": []}, format="json").status_code == 403
    assert api(outsider).put(url, {"rules": []}, format="json").status_code == 403
    assert NetworkAccess.objects.count() == 0


def test_strangers_do_not_see_the_rules(api, space):
    stranger = f.make_member_of(f.SpaceFactory(name="Far"), email="far@example.org")

    assert api(stranger).get(f"/api/v1/spaces/{space.pk}/network-access").status_code == 404


def test_a_member_of_another_space_books_a_desk_through_the_api(api, space, desk, visitor, coordinator, month):
    services.save_access(space, "desk", by=coordinator, free_days_per_month=1, day_price=Decimal("7"))
    client = api(visitor)

    created = [
        client.post(
            "/api/v1/bookings",
            {"resource": desk.pk, "start": at(day, 9).isoformat(), "end": at(day, 17).isoformat()},
            format="json",
        )
        for day in (month, day_of(month, 2))
    ]
    mine = client.get("/api/v1/bookings", {"mine": "true"})
    visits = api(coordinator).get(f"/api/v1/spaces/{space.pk}/network-visits", {"month": month.strftime("%Y-%m")})

    assert [r.status_code for r in created] == [201, 201]
    assert sorted(b["id"] for b in mine.json()["results"]) == sorted(r.json()["id"] for r in created)
    assert [(v["date"], v["charge"], v["home"], v["counted"]) for v in visits.json()["results"]] == [
        (day_of(month, 2).isoformat(), "7.00", "Elsewhere", True),
        (month.isoformat(), "0.00", "Elsewhere", True),
    ]


def test_the_api_refuses_a_desk_the_host_does_not_open(api, space, desk, visitor, coordinator, month):
    services.save_access(space, "desk", by=coordinator, local=False)

    response = api(visitor).post(
        "/api/v1/bookings",
        {"resource": desk.pk, "start": at(month, 9).isoformat(), "end": at(month, 17).isoformat()},
        format="json",
    )

    assert response.status_code == 403
    assert response.json()["message"] == "Werkplaats does not let members of the network book desks."
    assert NetworkVisit.objects.count() == 0


def test_hosts_read_the_visits_and_members_do_not(api, space, member, month):
    host = f.MemberFactory(email="host@example.org")
    f.RoleAssignmentFactory(space=space, member=host, role=RoleAssignment.Role.HOST)
    url = f"/api/v1/spaces/{space.pk}/network-visits"

    assert api(host).get(url).status_code == 200
    assert api(member).get(url).status_code == 403
    assert api(host).get(url, {"month": "2025-13"}).status_code == 400


def test_the_ledger(api, network, space, other_space, visitor, coordinator, member):
    treasurer = f.MemberFactory(email="treasurer@example.org")
    f.RoleAssignmentFactory(space=other_space, member=treasurer, role=RoleAssignment.Role.TREASURER)
    NetworkAccess.objects.create(space=space, privilege="visit", day_price=Decimal("3"))
    services.admit(space, "visit", on_date=dt.date(2025, 2, 1), member=visitor)
    services.admit(space, "visit", on_date=dt.date(2025, 2, 2), member=visitor)
    row = {
        "host_space": space.pk,
        "host_name": "Werkplaats",
        "home": "Elsewhere",
        "home_space": other_space.pk,
        "home_installation": "",
        "visits": 2,
        "charged": "6.00",
        "currency": "EUR",
    }

    as_host = api(coordinator).get("/api/v1/network/ledger", {"year": 2025, "space": space.pk})
    as_home = api(treasurer).get("/api/v1/network/ledger", {"year": 2025})
    as_network = api(treasurer).get("/api/v1/network/ledger", {"year": 2025, "network": network.pk})

    assert as_host.json() == {"year": 2025, "results": [row]}
    assert as_home.json()["results"] == [row]
    assert as_network.json()["results"] == [row]
    assert api(member).get("/api/v1/network/ledger", {"year": 2025}).json()["results"] == []
    assert api(member).get("/api/v1/network/ledger", {"network": network.pk}).status_code == 403
    assert api(member).get("/api/v1/network/ledger", {"space": space.pk}).status_code == 403
    assert api().get("/api/v1/network/ledger").status_code == 401
