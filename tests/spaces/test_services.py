import datetime
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.models import AuditEntry
from spaces import rules, services
from spaces.models import Closure, OpeningHours, Resource, RoleAssignment, Space, SpaceMembership
from tests import factories as f

Role = RoleAssignment.Role
pytestmark = pytest.mark.django_db


def test_update_space_writes_changed_values_to_the_audit_log(space, coordinator):
    services.update_space(space, by=coordinator, purpose_en="Making things together.", hearing_loop=True)

    space.refresh_from_db()
    entry = AuditEntry.objects.get(action="spaces.space_updated")
    assert space.purpose_en == "Making things together."
    assert space.hearing_loop is True
    assert entry.actor == coordinator
    assert entry.space == space
    assert entry.before == {"purpose_en": "A building shared by practices.", "hearing_loop": False}
    assert entry.after == {"purpose_en": "Making things together.", "hearing_loop": True}


def test_update_space_refuses_a_member_without_the_role(space, member):
    with pytest.raises(PermissionDenied):
        services.update_space(space, by=member, name="Taken over")

    assert Space.objects.get(pk=space.pk).name == "Werkplaats"
    assert AuditEntry.objects.count() == 0


def test_update_space_refuses_the_coordinator_of_another_space(space, outsider):
    f.RoleAssignmentFactory(space=f.SpaceFactory(), member=outsider, role=Role.COORDINATOR)

    with pytest.raises(PermissionDenied):
        services.update_space(space, by=outsider, name="Taken over")


def test_update_space_rejects_a_bad_time_zone_and_writes_nothing(space, coordinator):
    with pytest.raises(ValidationError) as error:
        services.update_space(space, by=coordinator, time_zone="Mars/Olympus", name="New name")

    assert "time_zone" in error.value.message_dict
    assert Space.objects.get(pk=space.pk).name == "Werkplaats"
    assert AuditEntry.objects.count() == 0


def test_update_space_rejects_unknown_fields(space, coordinator):
    with pytest.raises(ValidationError) as error:
        services.update_space(space, by=coordinator, slug="stolen")

    assert list(error.value.message_dict) == ["slug"]


def test_create_space_makes_the_creator_its_coordinator(network, coordinator, space):
    new = services.create_space(by=coordinator, network=network, name="Nieuw Huis", city="Ghent", country="BE")

    assert new.slug == "nieuw-huis"
    assert RoleAssignment.objects.filter(space=new, member=coordinator, role=Role.COORDINATOR).count() == 1
    assert rules.is_coordinator(coordinator, new)
    assert AuditEntry.objects.filter(space=new).values_list("action", flat=True).count() == 2


def test_create_space_refuses_a_coordinator_of_another_network(coordinator, space):
    other_network = f.NetworkFactory()

    with pytest.raises(PermissionDenied):
        services.create_space(by=coordinator, network=other_network, name="Elsewhere", city="Porto", country="PT")

    assert Space.objects.filter(name="Elsewhere").count() == 0


def test_create_and_retire_resource(space, coordinator):
    resource = services.create_resource(
        space, by=coordinator, name="Big hall", kind=Resource.Kind.HALL, capacity=80, features=["stage", "piano"]
    )
    services.retire_resource(resource, by=coordinator)

    resource.refresh_from_db()
    assert resource.is_active is False
    assert resource.features == ["stage", "piano"]
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)) == [
        "spaces.resource_created",
        "spaces.resource_updated",
    ]


def test_create_resource_rejects_zero_capacity(space, coordinator):
    with pytest.raises(ValidationError) as error:
        services.create_resource(space, by=coordinator, name="Nothing", capacity=0)

    assert "capacity" in error.value.message_dict
    assert Resource.objects.count() == 0


def test_set_opening_hours_replaces_the_week(space, coordinator):
    f.OpeningHoursFactory(space=space, weekday=6)

    services.set_opening_hours(
        space,
        [(0, datetime.time(9), datetime.time(12)), (0, datetime.time(13), datetime.time(18))],
        by=coordinator,
    )

    assert [str(h) for h in OpeningHours.objects.filter(space=space)] == ["Monday 09:00–12:00", "Monday 13:00–18:00"]
    assert AuditEntry.objects.get().before == {"hours": ["Sunday 09:00–18:00"]}


def test_set_opening_hours_refuses_overlapping_periods_and_keeps_the_old_week(space, coordinator):
    f.OpeningHoursFactory(space=space, weekday=6)

    with pytest.raises(ValidationError):
        services.set_opening_hours(
            space,
            [(0, datetime.time(9), datetime.time(14)), (0, datetime.time(13), datetime.time(18))],
            by=coordinator,
        )

    assert OpeningHours.objects.filter(space=space).count() == 1


def test_add_closure_tells_the_bookings_app(space, coordinator):
    start = timezone.now() + datetime.timedelta(days=3)
    with mock.patch("bookings.services.notify_out_of_service", create=True) as notify:
        closure = services.add_closure(space, by=coordinator, start=start, end=start + datetime.timedelta(days=1))

    notify.assert_called_once_with(closure, by=coordinator)
    assert AuditEntry.objects.get().action == "spaces.closure_added"


def test_add_closure_rejects_a_resource_of_another_space(space, other_space, coordinator):
    start = timezone.now() + datetime.timedelta(days=3)
    foreign = f.ResourceFactory(space=other_space)

    with pytest.raises(ValidationError) as error:
        services.add_closure(
            space, by=coordinator, start=start, end=start + datetime.timedelta(hours=2), resource=foreign
        )

    assert "resource" in error.value.message_dict
    assert Closure.objects.count() == 0


def test_add_closure_rejects_an_end_before_the_start(space, coordinator):
    start = timezone.now() + datetime.timedelta(days=3)

    with pytest.raises(ValidationError):
        services.add_closure(space, by=coordinator, start=start, end=start - datetime.timedelta(hours=1))

    assert Closure.objects.count() == 0


def test_remove_closure(space, coordinator):
    closure = f.ClosureFactory(space=space)

    services.remove_closure(closure, by=coordinator)

    assert Closure.objects.count() == 0
    assert AuditEntry.objects.get().before["reason"] == "Holidays"


def test_add_practice_to_space_creates_a_new_practice(space, coordinator):
    membership = services.add_practice_to_space(
        space, by=coordinator, new_name="Studio Zuid", new_kind="freelancer", kind="flexible", area_m2=12
    )

    assert membership.practice.name == "Studio Zuid"
    assert membership.practice.kind == "freelancer"
    assert membership.kind == "flexible"
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)) == [
        "community.practice_created",
        "spaces.membership_added",
    ]


def test_add_practice_to_space_writes_nothing_when_the_membership_is_refused(space, coordinator):
    with pytest.raises(ValidationError):
        services.add_practice_to_space(
            space,
            by=coordinator,
            new_name="Studio Zuid",
            start_date=datetime.date(2026, 5, 1),
            end_date=datetime.date(2026, 4, 1),
        )

    assert not SpaceMembership.objects.filter(practice__name="Studio Zuid").exists()
    assert AuditEntry.objects.count() == 0


def test_add_membership_refuses_a_practice_that_is_already_a_member(space, coordinator, practice):
    with pytest.raises(ValidationError) as error:
        services.add_membership(space, practice, by=coordinator)

    assert "practice" in error.value.message_dict


def test_end_membership_ends_it_today(space, coordinator, practice, member):
    membership = SpaceMembership.objects.get(space=space, practice=practice)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    services.end_membership(membership, by=coordinator, on=yesterday)
    rules.forget(member)

    assert membership.end_date == yesterday
    assert not rules.is_member(member, space)


def test_assign_role_makes_the_person_a_member(space, coordinator):
    person = f.MemberFactory(email="newcomer@example.org")

    services.assign_role(space, person, Role.HOST, by=coordinator, responsibility_en="Welcomes visitors.")

    assert rules.is_member(person, space)
    assert rules.has_role(person, space, Role.HOST)


def test_assign_role_twice_is_refused(space, coordinator):
    with pytest.raises(ValidationError) as error:
        services.assign_role(space, coordinator, Role.COORDINATOR, by=coordinator)

    assert "role" in error.value.message_dict


def test_remove_role_keeps_the_last_coordinator(space, coordinator):
    role = RoleAssignment.objects.get(space=space, member=coordinator)

    with pytest.raises(services.LastCoordinator):
        services.remove_role(role, by=coordinator)

    assert RoleAssignment.objects.filter(pk=role.pk).exists()
    assert AuditEntry.objects.count() == 0


def test_remove_role_when_another_coordinator_is_left(space, coordinator):
    second = f.MemberFactory()
    services.assign_role(space, second, Role.COORDINATOR, by=coordinator, responsibility_en="Keys.")
    role = RoleAssignment.objects.get(space=space, member=coordinator)

    services.remove_role(role, by=coordinator)

    assert list(RoleAssignment.objects.filter(space=space).values_list("member__email", flat=True)) == [second.email]


def test_superuser_may_manage_any_space(space, superuser):
    services.update_space(space, by=superuser, tagline_en="Open to all")

    assert Space.objects.get(pk=space.pk).tagline_en == "Open to all"


def test_create_network_only_for_superusers(coordinator, superuser):
    with pytest.raises(PermissionDenied):
        services.create_network(by=coordinator, name="Net", slug="net")

    network = services.create_network(by=superuser, name="Net", slug="net", description_en="Spaces.")
    assert network.description_en == "Spaces."


def test_add_closure_tells_the_people_whose_bookings_it_hits(space, coordinator, member, practice):
    from bookings.services import create_booking

    resource = f.ResourceFactory(space=space)
    start = (timezone.now() + datetime.timedelta(days=7)).replace(minute=0, second=0, microsecond=0)
    create_booking(resource, start, start + datetime.timedelta(hours=2), by=coordinator, check_rules=False)

    services.add_closure(
        space, by=coordinator, start=start - datetime.timedelta(hours=1), end=start + datetime.timedelta(days=1)
    )

    assert list(AuditEntry.objects.filter(space=space).values_list("action", flat=True).order_by("id"))[-2:] == [
        "spaces.closure_added",
        "bookings.out_of_service",
    ]
