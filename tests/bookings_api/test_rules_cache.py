"""spaces.rules reads everything about the user in one query per request (the booking API's hot path asks it
several times); the answers must be those of the plain queries."""

import datetime as dt

import pytest

from api.bookings import BookingCreateSerializer
from bookings import rules as booking_rules
from spaces import rules
from spaces.models import Resource
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_one_query_answers_roles_practices_spaces_and_networks(network, space, other_space, django_assert_num_queries):
    elsewhere = f.SpaceFactory(network=None, slug="alone")
    past = f.SpaceFactory(network=f.NetworkFactory(slug="old-net"), slug="past")
    practice, idle = f.PracticeFactory(), f.PracticeFactory()
    person = f.make_member_of(space, practice=practice)
    idle.memberships.create(member=person)
    f.SpaceMembershipFactory(space=past, practice=idle, start_date=dt.date(2020, 1, 1), end_date=dt.date(2020, 12, 31))
    f.RoleAssignmentFactory(space=elsewhere, member=person, role="host")
    f.RoleAssignmentFactory(space=other_space, member=person, role="coordinator")

    with django_assert_num_queries(1):
        assert rules.roles_by_space(person) == {elsewhere.pk: {"host"}, other_space.pk: {"coordinator"}}
        assert rules.practice_ids(person) == {practice.pk, idle.pk}
        assert rules.member_space_ids(person) == {space.pk, other_space.pk, elsewhere.pk}
        assert rules.network_ids(person) == {network.pk}
        assert rules.practice_space_ids(person, practice.pk) == {space.pk}
        assert rules.practice_space_ids(person, idle.pk) == set()  # its only membership has ended
        assert rules.practice_space_ids(person, 999_999) is None  # not one of theirs
        assert rules.is_coordinator(person, other_space) and not rules.is_coordinator(person, space)


def test_practice_is_member_uses_the_cache_for_the_users_practices(space, other_space, django_assert_num_queries):
    practice = f.PracticeFactory()
    person = f.make_member_of(space, practice=practice)
    stranger_practice = f.PracticeFactory()
    f.SpaceMembershipFactory(space=other_space, practice=stranger_practice)
    rules.practice_ids(person)

    with django_assert_num_queries(0):
        assert booking_rules.practice_is_member(practice, space, user=person)
        assert not booking_rules.practice_is_member(practice, other_space, user=person)
    with django_assert_num_queries(1):
        assert booking_rules.practice_is_member(stranger_practice, other_space, user=person)


@pytest.mark.parametrize("visibility", ["members", "network", "public"])
def test_resource_is_visible_agrees_with_the_filter(space, member, outsider, visibility):
    resource = f.ResourceFactory(space=space, visibility=visibility)
    loner = f.make_member_of(f.SpaceFactory(network=None, slug="loner"))
    for user in (member, outsider, loner):
        by_filter = Resource.objects.filter(rules.visible_resource_filter(user, space), pk=resource.pk).exists()

        assert rules.resource_is_visible(user, resource) == by_filter


def test_create_serializer_checks_visibility_without_a_query(rf, space, member, django_assert_num_queries):
    resource = f.ResourceFactory(space=space, visibility="members")
    request = rf.post("/")
    request.user = member
    rules.practice_ids(member)
    serializer = BookingCreateSerializer(context={"request": request})

    with django_assert_num_queries(0):
        assert serializer.validate_resource(resource) == resource
