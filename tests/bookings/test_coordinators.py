"""Coordinators: the queue of requests (approve, refuse with a reason), cancelling, the rules editor per resource,
per group and by default, resource groups."""

from __future__ import annotations

import pytest
from django.core import mail

from bookings.models import Booking, BookingPolicy, ResourceGroup
from tests import factories as f

from .conftest import local
from .factories import BookingFactory, BookingPolicyFactory, ResourceGroupFactory

pytestmark = pytest.mark.django_db


def base(space) -> str:
    return f"/en/spaces/{space.slug}/bookings/"


@pytest.fixture
def request_of(member, practice, room):
    return BookingFactory(
        resource=room,
        practice=practice,
        booked_by=member,
        status=Booking.Status.PENDING,
        start=local(4, 10),
        end=local(4, 12),
    )


# --- the queue ------------------------------------------------------------------------------------------------


def test_queue_lists_pending_requests(coordinator_client, space, request_of, room):
    BookingFactory(resource=room, start=local(5, 10), end=local(5, 11))  # confirmed: not in the queue

    response = coordinator_client.get(base(space) + "pending/")

    assert response.status_code == 200
    assert response.context["pending"] == [request_of]


def test_queue_query_count_does_not_grow(coordinator_client, space, member, practice, room, django_assert_num_queries):
    def pending(day):
        BookingFactory(
            resource=room,
            practice=practice,
            booked_by=member,
            status="pending",
            start=local(day, 9),
            end=local(day, 10),
        )

    pending(3)
    with django_assert_num_queries(5) as one:
        coordinator_client.get(base(space) + "pending/")
    pending(4)
    pending(5)
    with django_assert_num_queries(len(one.captured_queries)):
        response = coordinator_client.get(base(space) + "pending/")
    assert len(response.context["pending"]) == 3


def test_coordinator_approves(coordinator_client, space, request_of, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(base(space) + f"{request_of.pk}/approve/")

    request_of.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == base(space) + "pending/"
    assert request_of.status == Booking.Status.CONFIRMED
    assert [m.subject for m in mail.outbox] == ["Booking approved: Studio 2"]
    assert mail.outbox[0].to == ["member@example.org"]


def test_coordinator_refuses_with_a_reason(coordinator_client, space, request_of, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(
            base(space) + f"{request_of.pk}/refuse/", {"reason": "The studio is being repainted."}
        )

    request_of.refresh_from_db()
    assert response.status_code == 302
    assert (request_of.status, request_of.reason) == (Booking.Status.REFUSED, "The studio is being repainted.")
    assert [m.subject for m in mail.outbox] == ["Booking refused: Studio 2"]
    assert "Reason: The studio is being repainted." in mail.outbox[0].body


def test_refusing_needs_a_reason(coordinator_client, space, request_of):
    response = coordinator_client.post(base(space) + f"{request_of.pk}/refuse/", {"reason": ""})

    request_of.refresh_from_db()
    assert response.status_code == 200
    assert request_of.status == Booking.Status.PENDING


def test_member_cannot_approve(member_client, space, request_of):
    response = member_client.post(base(space) + f"{request_of.pk}/approve/")

    request_of.refresh_from_db()
    assert response.status_code == 403
    assert request_of.status == Booking.Status.PENDING


def test_approving_twice_says_so(coordinator_client, space, request_of):
    coordinator_client.post(base(space) + f"{request_of.pk}/approve/")

    response = coordinator_client.post(base(space) + f"{request_of.pk}/approve/", follow=True)

    assert [str(m) for m in response.context["messages"]][-1] == (
        "Only bookings waiting for approval can be approved or refused."
    )


def test_approver_role_from_the_rules_sees_the_queue(client_for, space, request_of, room):
    host = f.MemberFactory(email="host@example.org")
    f.RoleAssignmentFactory(space=space, member=host, role="host")
    BookingPolicyFactory(space=space, resource=room, requires_approval=True, approver_role="host")

    response = client_for(host).get(base(space) + "pending/")

    assert response.status_code == 200
    assert response.context["pending"] == [request_of]


# --- cancelling -----------------------------------------------------------------------------------------------


def test_member_cancels_own_booking(member_client, space, request_of, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(base(space) + f"{request_of.pk}/cancel/", {"reason": "Plans changed"})

    request_of.refresh_from_db()
    assert response.status_code == 302
    assert (request_of.status, request_of.reason) == (Booking.Status.CANCELLED, "Plans changed")
    assert [m.subject for m in mail.outbox] == ["Booking cancelled: Studio 2"]


def test_cancellation_deadline_is_explained(member_client, space, member, practice, room):
    BookingPolicyFactory(space=space, resource=room, cancellation_deadline_hours=48)
    soon = BookingFactory(resource=room, practice=practice, booked_by=member, start=local(1, 10), end=local(1, 11))

    response = member_client.post(base(space) + f"{soon.pk}/cancel/")

    soon.refresh_from_db()
    assert response.status_code == 200
    assert soon.status == Booking.Status.CONFIRMED
    assert response.context["why"] == (
        "Bookings of Studio 2 can be cancelled until 48 hours before they start; ask a coordinator."
    )


def test_member_cannot_cancel_someone_elses_booking(member_client, space, room):
    theirs = BookingFactory(resource=room, booked_by=f.MemberFactory(), start=local(4, 10), end=local(4, 11))

    response = member_client.post(base(space) + f"{theirs.pk}/cancel/")

    theirs.refresh_from_db()
    assert response.status_code == 403
    assert theirs.status == Booking.Status.CONFIRMED


def test_booking_page_shows_cancel_and_decision(coordinator_client, space, request_of):
    response = coordinator_client.get(base(space) + f"{request_of.pk}/")

    assert response.status_code == 200
    assert (response.context["can_cancel"], response.context["can_decide"]) == (True, True)


# --- rules ------------------------------------------------------------------------------------------------------


def policy_data(**changes) -> dict:
    data = {
        "allow_practices": "on",
        "approver_role": "coordinator",
        "buffer_before_minutes": "0",
        "buffer_after_minutes": "15",
        "respect_opening_hours": "on",
        "respect_closures": "on",
        "quota_period": "week",
        "max_duration_minutes": "240",
        "quota_hours": "6",
        "requires_approval": "on",
        "cancellation_deadline_hours": "24",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_coordinator_sets_a_resources_rules(coordinator_client, space, room):
    response = coordinator_client.post(base(space) + f"rules/resources/{room.pk}/", policy_data())

    policy = BookingPolicy.objects.get(resource=room)
    assert response.status_code == 302
    assert (
        policy.space,
        policy.allow_practices,
        policy.allow_network,
        policy.requires_approval,
        policy.max_duration_minutes,
        policy.buffer_after_minutes,
        policy.quota_hours,
        policy.quota_period,
        policy.cancellation_deadline_hours,
    ) == (space, True, False, True, 240, 15, 6, "week", 24)


def test_rules_with_min_above_max_are_refused(coordinator_client, space, room):
    response = coordinator_client.post(
        base(space) + f"rules/resources/{room.pk}/", policy_data(min_duration_minutes="300")
    )

    assert response.status_code == 200
    assert response.context["form"].errors["max_duration_minutes"] == [
        "The maximum duration cannot be shorter than the minimum."
    ]
    assert BookingPolicy.objects.count() == 0


def test_coordinator_sets_default_and_group_rules(coordinator_client, space, room):
    group = ResourceGroupFactory(space=space, name="Studios")
    group.resources.add(room)

    coordinator_client.post(base(space) + "rules/default/", policy_data(requires_approval=None))
    coordinator_client.post(base(space) + f"rules/groups/{group.pk}/", policy_data(quota_hours="10"))

    assert BookingPolicy.objects.get(resource=None, group=None).requires_approval is False
    assert BookingPolicy.objects.get(group=group).quota_hours == 10


def test_coordinator_removes_rules(coordinator_client, space, room):
    BookingPolicyFactory(space=space, resource=room)

    response = coordinator_client.post(base(space) + f"rules/resources/{room.pk}/", {"delete": "1"})

    assert response.status_code == 302
    assert BookingPolicy.objects.count() == 0


def test_rules_overview_says_what_each_resource_follows(coordinator_client, space, room, hall):
    group = ResourceGroupFactory(space=space, name="Studios")
    group.resources.add(room)
    BookingPolicyFactory(space=space, group=group)

    response = coordinator_client.get(base(space) + "rules/")

    by_name = {r.name: r for r in response.context["resources"]}
    assert (by_name["Studio 2"].rules_group, by_name["Great hall"].rules_group) == (group, None)
    assert "the rules of the group Studios" in response.content.decode()


def test_member_cannot_change_rules(member_client, space, room):
    response = member_client.post(base(space) + f"rules/resources/{room.pk}/", policy_data())

    assert response.status_code == 403
    assert BookingPolicy.objects.count() == 0


def test_rules_of_another_spaces_resource_are_404(coordinator_client, space, other_space):
    elsewhere = f.ResourceFactory(space=other_space)

    response = coordinator_client.get(base(space) + f"rules/resources/{elsewhere.pk}/")

    assert response.status_code == 404


# --- groups -----------------------------------------------------------------------------------------------------


def test_coordinator_creates_edits_and_deletes_a_group(coordinator_client, space, room, hall):
    coordinator_client.post(base(space) + "groups/", {"name": "Studios", "resources": [room.pk]})
    group = ResourceGroup.objects.get()
    assert (group.space, list(group.resources.all())) == (space, [room])

    coordinator_client.post(base(space) + f"groups/{group.pk}/", {"name": "Big rooms", "resources": [hall.pk]})
    group.refresh_from_db()
    assert (group.name, list(group.resources.all())) == ("Big rooms", [hall])

    coordinator_client.post(base(space) + f"groups/{group.pk}/", {"delete": "1"})
    assert ResourceGroup.objects.count() == 0


def test_group_names_are_unique_in_a_space(coordinator_client, space):
    ResourceGroupFactory(space=space, name="Studios")

    response = coordinator_client.post(base(space) + "groups/", {"name": "studios"})

    assert response.context["form"].errors["name"] == ["This space already has a group with this name."]


def test_group_cannot_hold_another_spaces_resource(coordinator_client, space, other_space):
    elsewhere = f.ResourceFactory(space=other_space)

    response = coordinator_client.post(base(space) + "groups/", {"name": "Studios", "resources": [elsewhere.pk]})

    assert response.status_code == 200
    assert "resources" in response.context["form"].errors
    assert ResourceGroup.objects.count() == 0
