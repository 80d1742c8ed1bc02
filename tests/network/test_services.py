"""admit(): the host's rules, free days per month then the day price, idempotent days, federated visitors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.models import AuditEntry
from network import services
from network.models import NetworkAccess, NetworkVisit
from tests import factories as f

from .conftest import day_of

pytestmark = pytest.mark.django_db

PARTNER = "https://plek.partner.example"


def rule(space, privilege="visit", **values):
    return NetworkAccess.objects.create(space=space, privilege=privilege, **values)


def test_three_free_days_a_month_then_the_day_price(space, other_space, visitor, month):
    rule(space, free_days_per_month=3, day_price=Decimal("12.50"))

    answers = [services.admit(space, "visit", on_date=day_of(month, n), member=visitor) for n in range(1, 6)]

    assert [(a.allowed, a.free, a.charge, a.used_this_month) for a in answers] == [
        (True, True, Decimal("0.00"), 0),
        (True, True, Decimal("0.00"), 1),
        (True, True, Decimal("0.00"), 2),
        (True, False, Decimal("12.50"), 3),
        (True, False, Decimal("12.50"), 4),
    ]
    visits = NetworkVisit.objects.order_by("date")
    assert [v.charge for v in visits] == [0, 0, 0, Decimal("12.50"), Decimal("12.50")]
    assert {v.home_space for v in visits} == {other_space}
    assert {v.member for v in visits} == {visitor}


def test_free_days_start_again_each_calendar_month(space, visitor, month):
    rule(space, free_days_per_month=1, day_price=Decimal("10"))
    services.admit(space, "visit", on_date=day_of(month, 1), member=visitor)

    same_month = services.admit(space, "visit", on_date=day_of(month, 2), member=visitor, record=False)
    next_month = services.admit(space, "visit", on_date=(month + dt.timedelta(days=32)).replace(day=1), member=visitor)

    assert (same_month.free, same_month.charge) == (False, Decimal("10.00"))
    assert (next_month.free, next_month.used_this_month) == (True, 0)


def test_a_day_is_counted_once(space, visitor, month):
    rule(space, free_days_per_month=1, day_price=Decimal("5"))

    first = services.admit(space, "visit", on_date=month, member=visitor)
    again = services.admit(space, "visit", on_date=month, member=visitor)

    assert NetworkVisit.objects.count() == 1
    assert again.visit == first.visit
    assert (again.free, again.charge, again.used_this_month) == (True, Decimal("0.00"), 0)


def test_free_days_without_a_price_are_a_cap(space, visitor, month):
    rule(space, free_days_per_month=2)
    services.admit(space, "visit", on_date=day_of(month, 1), member=visitor)
    services.admit(space, "visit", on_date=day_of(month, 2), member=visitor)

    third = services.admit(space, "visit", on_date=day_of(month, 3), member=visitor)

    assert (third.allowed, third.used_this_month) == (False, 2)
    assert third.reason == "Members of the network have 2 days a month at Werkplaats, and they are used."
    assert NetworkVisit.objects.count() == 2


def test_a_price_without_free_days_charges_every_day(space, visitor, month):
    rule(space, day_price=Decimal("8"))

    answer = services.admit(space, "visit", on_date=month, member=visitor)

    assert (answer.allowed, answer.free, answer.charge) == (True, False, Decimal("8.00"))


def test_refused_when_the_host_does_not_allow_the_privilege(space, visitor, month):
    rule(space, "room", local=False)

    answer = services.admit(space, "room", on_date=month, member=visitor)

    assert (answer.allowed, answer.reason) == (False, "Werkplaats does not let members of the network book rooms.")
    assert NetworkVisit.objects.count() == 0


def test_no_rule_lets_the_network_in_for_free_but_not_partner_installations(space, visitor, month):
    local = services.admit(space, "visit", on_date=month, member=visitor)
    federated = services.admit(space, "visit", on_date=month, home_installation=PARTNER, visitor_ref="abc")

    assert (local.allowed, local.free, local.charge) == (True, True, Decimal("0.00"))
    assert (federated.allowed, federated.reason) == (
        False,
        "Werkplaats does not receive visitors from partner installations.",
    )


def test_members_of_the_host_are_not_visitors(space, member, month):
    rule(space, local=False)

    answer = services.admit(space, "visit", on_date=month, member=member)

    assert (answer.allowed, answer.free) == (True, True)
    assert NetworkVisit.objects.count() == 0


def test_people_outside_the_network_are_refused(space, month):
    stranger = f.make_member_of(f.SpaceFactory(name="Far away"), email="far@example.org")

    answer = services.admit(space, "visit", on_date=month, member=stranger)

    assert (answer.allowed, answer.reason) == (False, "Only members of the network of Werkplaats are received.")


def test_federated_visitors_are_counted_at_the_host(space, month):
    rule(space, "desk", local=False, federated=True, free_days_per_month=1, day_price=Decimal("15"))

    first = services.admit(
        space, "desk", on_date=day_of(month, 1), home_installation=PARTNER, home_label="Partner", visitor_ref="p-1"
    )
    second = services.admit(space, "desk", on_date=day_of(month, 2), home_installation=PARTNER, visitor_ref="p-1")
    someone_else = services.admit(space, "desk", on_date=day_of(month, 2), home_installation=PARTNER, visitor_ref="p-2")

    assert (first.free, second.free, second.charge, someone_else.free) == (True, False, Decimal("15.00"), True)
    visit = first.visit
    assert (visit.member, visit.home_installation, visit.home, visit.visitor_ref) == (None, PARTNER, "Partner", "p-1")
    assert visit.is_federated


def test_record_false_writes_nothing(space, visitor, month):
    answer = services.admit(space, "visit", on_date=month, member=visitor, record=False)

    assert answer.allowed and answer.visit is None
    assert NetworkVisit.objects.count() == 0


def test_a_recorded_visit_is_audited(space, visitor, month):
    services.admit(space, "visit", on_date=month, member=visitor)

    entry = AuditEntry.objects.get(action="network.visit_recorded")
    assert (entry.space, entry.actor, entry.after["date"]) == (space, visitor, month.isoformat())


def test_a_visitor_must_be_named(space, month):
    with pytest.raises(ValidationError):
        services.admit(space, "visit", on_date=month, visitor_ref="abc")
    with pytest.raises(ValidationError):
        services.admit(space, "fly", on_date=month, home_installation=PARTNER, visitor_ref="abc")


def test_coordinators_save_the_rules(space, coordinator, member):
    saved = services.save_access(space, "desk", by=coordinator, free_days_per_month=3, day_price=Decimal("10"))

    assert (saved.local, saved.federated, saved.free_days_per_month, saved.kinds) == (True, False, 3, ["desk"])
    assert AuditEntry.objects.filter(action="network.access_saved").count() == 1
    with pytest.raises(PermissionDenied):
        services.save_access(space, "desk", by=member, free_days_per_month=5)


def test_rules_refuse_unknown_kinds(space, coordinator):
    with pytest.raises(ValidationError):
        services.save_access(space, "desk", by=coordinator, resource_kinds=["spaceship"])
    with pytest.raises(ValidationError):
        services.save_access(space, "visit", by=coordinator, resource_kinds=["desk"])
