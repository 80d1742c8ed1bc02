"""Acceptance fixes on the booking pages (issue 3): the booking form says, before anything is typed, which
resources the person may not book and why; the closures page leads to adding one."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests import factories as f

from .factories import BookingPolicyFactory, ResourceGroupFactory

pytestmark = pytest.mark.django_db


def book_url(space) -> str:
    return f"/en/spaces/{space.slug}/bookings/new/"


def test_form_lists_the_resources_a_network_member_may_not_book(client_for, space, room, hall):
    group = ResourceGroupFactory(space=space, name="Event rooms")
    group.resources.set([hall])
    BookingPolicyFactory(space=space, group=group, allow_practices=True, allow_network=True)
    visitor = f.make_member_of(f.SpaceFactory(network=space.network), email="visitor@example.org")

    html = client_for(visitor).get(book_url(space)).content.decode()

    assert "You cannot book 1 of these resources: see why" in html
    assert f"Only the practices of {space.name} may book Studio 2." in html
    assert "may book Great hall" not in html
    assert 'name="resource"' in html  # the hall is still there to book


def test_form_says_why_a_guest_may_book_nothing(space, room, hall):
    BookingPolicyFactory(space=space, allow_practices=True, allow_guests=False)

    html = Client().get(book_url(space)).content.decode()

    assert "There is nothing you can book in this space." in html
    assert f"Only the practices of {space.name} may book Great hall." in html
    assert f"Only the practices of {space.name} may book Studio 2." in html
    assert 'name="resource"' not in html


def test_form_lists_nothing_for_a_member_who_may_book_everything(client_for, space, member, room, hall):
    html = client_for(member).get(book_url(space)).content.decode()

    assert "see why" not in html
    assert "There is nothing you can book" not in html


def test_form_follows_resource_then_group_then_default_rules(client_for, space, room, hall):
    """The list reads each resource's rules like rules.effective_policy: its own, else its group's, else the
    space's default."""
    kiln = f.ResourceFactory(space=space, name="Kiln")
    BookingPolicyFactory(space=space, allow_practices=True, allow_network=True)  # default: network welcome
    group = ResourceGroupFactory(space=space, name="Workshops")
    group.resources.set([room, kiln])
    BookingPolicyFactory(space=space, group=group, allow_practices=True, allow_network=False)
    BookingPolicyFactory(space=space, resource=kiln, allow_practices=True, allow_network=True)
    visitor = f.make_member_of(f.SpaceFactory(network=space.network), email="visitor@example.org")

    html = client_for(visitor).get(book_url(space)).content.decode()

    assert "You cannot book 1 of these resources: see why" in html
    assert "may book Studio 2." in html  # the group's rules
    assert "may book Kiln." not in html  # its own rules win over the group's
    assert "may book Great hall." not in html  # the default rules


def test_form_query_count_does_not_grow_with_the_resources(client_for, space):
    visitor = f.make_member_of(f.SpaceFactory(network=space.network), email="visitor@example.org")
    client = client_for(visitor)
    f.ResourceFactory(space=space, name="One")
    with CaptureQueriesContext(connection) as one:
        client.get(book_url(space))
    for name in ("Two", "Three"):
        f.ResourceFactory(space=space, name=name)

    with CaptureQueriesContext(connection) as three:
        client.get(book_url(space))

    assert len(three) == len(one)


def test_closures_page_links_to_adding_a_closure(client_for, space, coordinator):
    html = client_for(coordinator).get(f"/en/spaces/{space.slug}/bookings/closures/").content.decode()

    assert f'href="/en/spaces/{space.slug}/manage/closures/">Add a closure</a>' in html
