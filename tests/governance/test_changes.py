"""Changes registered by governance.changes for other apps: a booking quota and a cost allocation key."""

import datetime

import pytest
from django.utils import timezone

from governance import changes
from governance.models import Proposal
from governance.services import proposals
from tests import factories as f

pytestmark = pytest.mark.django_db


def _pass(proposal):
    Proposal.objects.filter(pk=proposal.pk).update(deadline=timezone.now() - datetime.timedelta(minutes=1))
    return proposals.close_proposal(proposal)


def _propose(space, member, kind, data):
    return proposals.create_proposal(
        space,
        by=member,
        title=f"Change {kind}",
        text="Decided together",
        deadline=timezone.now() + datetime.timedelta(days=1),
        change_kind=kind,
        change_data=data,
    )


def test_registry_lists_every_change():
    assert [kind for kind, _label in changes.choices()] == ["house_rules", "role", "booking_quota", "cost_key"]


def test_passed_quota_change_sets_the_booking_policy(space, member, coordinator):
    from bookings.models import BookingPolicy

    resource = f.ResourceFactory(space=space, name="Kiln")
    proposal = _propose(
        space, member, "booking_quota", {"resource": str(resource.pk), "quota_hours": "6", "quota_period": "week"}
    )

    decision = _pass(proposal)

    policy = BookingPolicy.objects.get(space=space, resource=resource)
    assert (policy.quota_hours, policy.quota_period) == (6, "week")
    assert (decision.change_object_type, decision.change_object_id) == ("bookings.bookingpolicy", str(policy.pk))


def test_passed_cost_key_change_updates_the_item(space, member, coordinator):
    from costs import services as costs

    period = costs.open_period(space, by=coordinator, start=datetime.date(2026, 1, 1), end=datetime.date(2026, 3, 31))
    item = costs.add_item(period, by=coordinator, label="Heating", amount="900", key="area")
    proposal = _propose(space, member, "cost_key", {"item": str(item.pk), "key": "equal"})

    decision = _pass(proposal)

    item.refresh_from_db()
    assert item.key == "equal"
    assert decision.change_label == "Cost allocation key: " + str(item)


def test_change_without_a_coordinator_is_recorded_as_not_applied(space, member):
    proposal = _propose(space, member, "booking_quota", {"resource": "", "quota_hours": "4", "quota_period": "week"})

    decision = _pass(proposal)

    assert (decision.outcome, decision.change_label) == ("passed", "")
    assert decision.summary == "The change could not be applied: The space has no coordinator to apply this change."
