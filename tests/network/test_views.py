"""Network pages: the coordinator's rules, the host's visitors, the ledgers, the member's network; and a member of
one space finding and booking a desk at another space of the network through the UI."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from bookings.models import Booking
from network import services
from network.models import NetworkAccess, NetworkVisit
from spaces.models import RoleAssignment
from tests import factories as f

from .conftest import day_of

pytestmark = pytest.mark.django_db


def base(space):
    return f"/en/spaces/{space.slug}/network/"


def test_a_member_of_another_space_finds_and_books_a_desk_and_sees_it_in_my_bookings(
    client_for, space, other_space, desk, visitor, coordinator, month
):
    services.save_access(space, "desk", by=coordinator, free_days_per_month=1, day_price=Decimal("12.50"))
    client = client_for(visitor)
    query = {"kind": "desk", "date": month, "start": "09:00", "end": "18:00", "duration": 480}

    found = client.get("/en/find/", query)
    booked = [
        client.post(
            f"/en/spaces/{space.slug}/bookings/new/",
            {"resource": desk.pk, "date": day, "start": "09:00", "end": "17:00", "repeat": "none"},
        )
        for day in (month, day_of(month, 2))
    ]
    mine = client.get("/en/me/bookings/")

    assert [r["resource"] for r in found.context["results"]] == [desk]
    assert [r.status_code for r in booked] == [302, 302]
    bookings = list(Booking.objects.filter(booked_by=visitor).order_by("start"))
    assert [b.resource for b in bookings] == [desk, desk]
    assert list(mine.context["bookings"]) == bookings
    visits = NetworkVisit.objects.order_by("date")
    assert [(v.booking, v.charge, v.home_space) for v in visits] == [
        (bookings[0], Decimal("0.00"), other_space),
        (bookings[1], Decimal("12.50"), other_space),
    ]


def test_the_booking_form_says_why_the_host_refuses(client_for, space, desk, visitor, coordinator, month):
    services.save_access(space, "desk", by=coordinator, local=False)

    response = client_for(visitor).post(
        f"/en/spaces/{space.slug}/bookings/new/",
        {"resource": desk.pk, "date": month, "start": "09:00", "end": "17:00", "repeat": "none"},
    )

    assert response.status_code == 200
    assert response.context["refusal"] == "Werkplaats does not let members of the network book desks."
    assert Booking.objects.count() == 0


def test_coordinators_set_what_the_network_may_do(client_for, space, coordinator):
    response = client_for(coordinator).post(
        base(space) + "access/",
        {
            "visit-local": "on",
            "desk-local": "on",
            "desk-federated": "on",
            "desk-free_days_per_month": "3",
            "desk-day_price": "12.50",
            "room-free_days_per_month": "",
            "events-local": "on",
        },
    )

    assert response.status_code == 302
    rules = {r.privilege: r for r in NetworkAccess.objects.filter(space=space)}
    assert sorted(rules) == ["desk", "room"]  # visit and events kept their defaults: nothing to save
    desk = rules["desk"]
    assert (desk.local, desk.federated, desk.free_days_per_month, desk.day_price) == (True, True, 3, Decimal("12.50"))
    assert rules["room"].local is False


def test_the_rules_form_shows_errors(client_for, space, coordinator):
    response = client_for(coordinator).post(base(space) + "access/", {"desk-local": "on", "desk-day_price": "-1"})

    assert response.status_code == 200
    assert "day_price" in response.context["sections"][1][0].errors
    assert NetworkAccess.objects.count() == 0


def test_hosts_see_the_network_visitors_of_the_month(client_for, space, other_space, visitor, month):
    host = f.MemberFactory(email="host@example.org")
    f.RoleAssignmentFactory(space=space, member=host, role=RoleAssignment.Role.HOST)
    NetworkAccess.objects.create(space=space, privilege="visit", free_days_per_month=1, day_price=Decimal("5"))
    services.admit(space, "visit", on_date=day_of(month, 1), member=visitor)
    services.admit(space, "visit", on_date=day_of(month, 2), member=visitor)
    services.admit(space, "visit", on_date=month + dt.timedelta(days=40), member=visitor)

    response = client_for(host).get(base(space) + "visitors/", {"month": month.strftime("%Y-%m")})

    assert response.status_code == 200
    assert [(v.date, v.charge) for v in response.context["visits"]] == [
        (day_of(month, 2), Decimal("5.00")),
        (day_of(month, 1), Decimal("0.00")),
    ]
    assert (response.context["days"], response.context["charged"]) == (2, Decimal("5.00"))
    assert "Elsewhere" in response.content.decode()


@pytest.mark.parametrize("count", [1, 3])
def test_the_visitors_page_queries_do_not_grow_with_the_visits(
    client_for, space, coordinator, visitor, month, count, django_assert_max_num_queries
):
    for n in range(count):
        services.admit(space, "visit", on_date=day_of(month, n + 1), member=visitor)
    client = client_for(coordinator)

    with django_assert_max_num_queries(12):
        response = client.get(base(space) + "visitors/", {"month": month.strftime("%Y-%m")})

    assert len(response.context["visits"]) == count


def test_members_without_a_role_do_not_see_visitors(client_for, space, member, outsider):
    assert client_for(member).get(base(space) + "visitors/").status_code == 403
    assert client_for(outsider).get(base(space) + "visitors/").status_code == 404


def test_the_space_ledger_and_its_csv(client_for, space, other_space, visitor, coordinator):
    NetworkAccess.objects.create(space=space, privilege="visit", day_price=Decimal("4"))
    services.admit(space, "visit", on_date=dt.date(2025, 6, 2), member=visitor)
    services.admit(space, "visit", on_date=dt.date(2025, 6, 3), member=visitor)
    client = client_for(coordinator)

    page = client.get(base(space) + "ledger/", {"year": 2025})
    export = client.get(base(space) + "ledger.csv", {"year": 2025})

    assert [(r.home, r.visits, r.charged) for r in page.context["rows"]] == [("Elsewhere", 2, Decimal("8.00"))]
    assert page.context["totals"] == [("EUR", 2, Decimal("8.00"))]
    assert export["Content-Type"] == "text/csv; charset=utf-8"
    assert export.content.decode().splitlines() == [
        "Host space,Home,Home installation,Visits,Charged,Currency",
        "Werkplaats,Elsewhere,,2,8.00,EUR",
    ]


def test_the_network_ledger_is_for_the_network_coordinators(
    client_for, network, space, other_space, coordinator, member
):
    stranger = f.make_member_of(f.SpaceFactory(name="Far"), email="far@example.org")
    f.RoleAssignmentFactory(space=stranger.practice_links.get().practice.space_memberships.get().space, member=stranger)
    url = f"/en/networks/{network.slug}/ledger/"

    assert client_for(coordinator).get(url).status_code == 200
    assert client_for(member).get(url).status_code == 403
    assert client_for(stranger).get(url).status_code == 404
    assert client_for(coordinator).get(f"/en/networks/{network.slug}/ledger.csv").status_code == 200


def test_my_network_lists_the_other_spaces_and_my_days(client_for, space, other_space, visitor, coordinator):
    services.save_access(space, "desk", by=coordinator, free_days_per_month=3, day_price=Decimal("12.50"))
    services.admit(space, "desk", on_date=dt.date.today(), member=visitor)

    response = client_for(visitor).get("/en/me/network/")

    [entry] = response.context["spaces"]
    assert entry["space"] == space
    desk = next(p for p in entry["privileges"] if p["privilege"] == "desk")
    assert desk["used"] == 1
    assert "3 free days a month, then 12.50 EUR a day." in response.content.decode()
