"""Find a place: free resources in one space or across the network, with their next free slots and links to book."""

from __future__ import annotations

import pytest

from tests import factories as f

from .conftest import local, local_day
from .factories import BookingFactory

pytestmark = pytest.mark.django_db


def search(client, **params):
    query = {"date": local_day(3).isoformat(), "start": "09:00", "end": "13:00", "duration": "120", **params}
    return client.get("/en/find/", {k: v for k, v in query.items() if v is not None})


def found(response) -> dict:
    return {r["resource"].name: [(s["start"], s["end"]) for s in r["slots"]] for r in response.context["results"]}


def test_free_places_with_their_next_slots(member_client, space, room, hall):
    BookingFactory(resource=room, start=local(3, 9), end=local(3, 10))

    response = search(member_client)

    assert found(response) == {
        "Great hall": [(local(3, 9), local(3, 11)), (local(3, 11), local(3, 13))],
        "Studio 2": [(local(3, 10), local(3, 12))],
    }


def test_slots_link_to_the_filled_in_booking_form(member_client, space, room):
    response = search(member_client)

    (result,) = response.context["results"]
    assert result["slots"][0]["url"] == (
        f"/en/spaces/{space.slug}/bookings/new/?resource={room.pk}&date={local_day(3)}&start=09%3A00&end=11%3A00"
    )


def test_a_place_without_room_for_the_duration_is_left_out(member_client, space, room, hall):
    BookingFactory(resource=room, start=local(3, 10), end=local(3, 12))

    response = search(member_client)

    assert list(found(response)) == ["Great hall"]


def test_capacity_kind_and_equipment_filter(member_client, space, room, hall):
    assert list(found(search(member_client, capacity="20"))) == ["Great hall"]
    assert list(found(search(member_client, kind="studio"))) == ["Studio 2"]
    assert list(found(search(member_client, equipment="projector"))) == ["Great hall"]


def test_accessibility_needs(member_client, space, room, hall):
    room.step_free = room.wheelchair_accessible = room.hearing_loop = True
    room.save()

    assert list(found(search(member_client, accessible="on"))) == ["Studio 2"]
    assert list(found(search(member_client, hearing_loop="on"))) == ["Studio 2"]


def test_one_space_or_the_whole_network(member_client, space, other_space, room):
    f.ResourceFactory(space=other_space, name="Sala 1")

    assert sorted(found(search(member_client))) == ["Sala 1", "Studio 2"]
    assert list(found(search(member_client, space=space.pk))) == ["Studio 2"]


def test_visitors_see_only_public_resources(client, space, room):
    f.ResourceFactory(space=space, name="Members' desk", visibility="members")

    assert list(found(search(client))) == ["Studio 2"]


def test_each_space_is_searched_in_its_own_local_time(member_client, other_space):
    other_space.time_zone = "Europe/Lisbon"
    other_space.save()
    f.ResourceFactory(space=other_space, name="Sala 1")

    response = search(member_client)

    slots = found(response)["Sala 1"]
    assert [s.astimezone(other_space.tz).hour for s, _e in slots] == [9, 11]


def test_duration_longer_than_the_window_is_an_error(member_client, db):
    response = search(member_client, duration="300")

    assert response.status_code == 200
    assert response.context["form"].errors["duration"] == ["The duration does not fit in the time window."]
    assert response.context["results"] is None
