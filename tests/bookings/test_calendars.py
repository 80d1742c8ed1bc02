"""Calendars: week and day views per space and per resource, the public calendar, my bookings, the waitlist,
closures and the bookings they hit. List pages run a fixed number of queries (1 vs 3 bookings)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from bookings.models import Booking, WaitlistEntry
from tests import factories as f

from .conftest import local, local_day
from .factories import BookingFactory, WaitlistEntryFactory

pytestmark = pytest.mark.django_db


def base(space) -> str:
    return f"/en/spaces/{space.slug}/bookings/"


def same_queries(django_assert_num_queries, get, add_two, expected: int):
    """The page's query count with one item, then with three: both ``expected``."""
    with django_assert_num_queries(expected):
        get()
    add_two()
    with django_assert_num_queries(expected):
        return get()


# --- week and day -------------------------------------------------------------------------------------------


def test_week_view_puts_bookings_in_their_day(member_client, space, room, hall):
    monday = local_day(7) - dt.timedelta(days=local_day(7).weekday())
    offset = (monday - local_day(0)).days
    BookingFactory(resource=room, title="Rehearsal", start=local(offset + 2, 10), end=local(offset + 2, 12))

    response = member_client.get(base(space) + f"?date={monday + dt.timedelta(days=3)}")

    grid = response.context["grid"]
    assert grid["days"][0] == monday
    rows = {row.resource.name: [[b.title for b in c["bookings"]] for c in row.cells] for row in grid["rows"]}
    assert rows == {"Great hall": [[]] * 7, "Studio 2": [[], [], ["Rehearsal"], [], [], [], []]}
    assert "10:00–12:00 Rehearsal" in response.content.decode()


def test_week_view_puts_a_long_booking_in_every_day_it_covers(member_client, space, room):
    monday = local_day(7) - dt.timedelta(days=local_day(7).weekday())
    offset = (monday - local_day(0)).days
    BookingFactory(resource=room, title="Residency", start=local(offset + 1, 22), end=local(offset + 3, 2))
    BookingFactory(resource=room, title="Late", start=local(offset + 5, 20), end=local(offset + 6, 0))
    BookingFactory(resource=room, title="Before", start=local(offset - 1, 20), end=local(offset, 1), status="pending")

    response = member_client.get(base(space) + f"?date={monday}")

    (row,) = response.context["grid"]["rows"]
    assert [[b.title for b in c["bookings"]] for c in row.cells] == [
        ["Before"],
        ["Residency"],
        ["Residency"],
        ["Residency"],
        [],
        ["Late"],
        [],
    ]
    page = response.content.decode()
    assert "22:00–02:00 Residency" in page
    assert '20:00–01:00 Before <span class="status">(waiting for approval)</span>' in page


def test_week_view_shows_closures_in_words(member_client, space, room):
    f.ClosureFactory(space=space, start=local(3, 0), end=local(4, 0), reason="Works")

    response = member_client.get(base(space) + f"?date={local_day(3)}")

    assert "Closed</span>: Works" in response.content.decode()


def test_week_view_query_count_does_not_grow(member_client, space, room, hall, django_assert_num_queries):
    BookingFactory(resource=room, start=local(2, 10), end=local(2, 11))

    def add_two():
        BookingFactory(resource=room, start=local(2, 12), end=local(2, 13))
        BookingFactory(resource=hall, start=local(2, 12), end=local(2, 13))

    response = same_queries(
        django_assert_num_queries, lambda: member_client.get(base(space) + f"?date={local_day(2)}"), add_two, 7
    )
    assert sum(len(c["bookings"]) for row in response.context["grid"]["rows"] for c in row.cells) == 3


def test_week_view_query_count_does_not_grow_with_resources(member_client, space, django_assert_num_queries):
    rooms = [f.ResourceFactory(space=space) for _ in range(3)]
    with django_assert_num_queries(7):
        member_client.get(base(space))
    rooms += [f.ResourceFactory(space=space) for _ in range(30)]
    with django_assert_num_queries(7):
        response = member_client.get(base(space))
    assert len(response.context["grid"]["rows"]) == 33


def test_day_view_spans_the_booked_hours(member_client, space, room):
    f.OpeningHoursFactory(space=space, weekday=local_day(3).weekday(), opens=dt.time(9), closes=dt.time(13))
    BookingFactory(resource=room, title="Rehearsal", start=local(3, 10), end=local(3, 12))

    response = member_client.get(base(space) + f"day/?date={local_day(3)}")

    grid = response.context["grid"]
    (row,) = grid["rows"]
    assert grid["hours"] == [9, 10, 11, 12]
    assert [(c["hour"], c["span"], [b.title for b in c["bookings"]]) for c in row.cells] == [
        (9, 1, []),
        (10, 2, ["Rehearsal"]),
        (12, 1, []),
    ]
    assert (
        row.cells[0]["book_url"]
        == f"/en/spaces/{space.slug}/bookings/new/?resource={room.pk}&date={local_day(3)}&start=09%3A00&end=10%3A00"
    )
    assert 'colspan="2"' in response.content.decode()


def test_day_view_query_count_does_not_grow(member_client, space, room, hall, django_assert_num_queries):
    BookingFactory(resource=room, start=local(2, 10), end=local(2, 11))

    def add_two():
        BookingFactory(resource=room, start=local(2, 12), end=local(2, 13))
        BookingFactory(resource=hall, start=local(2, 12), end=local(2, 13))

    same_queries(
        django_assert_num_queries, lambda: member_client.get(base(space) + f"day/?date={local_day(2)}"), add_two, 8
    )


def test_resource_week_shows_only_that_resource(member_client, space, room, hall):
    BookingFactory(resource=hall, start=local(2, 10), end=local(2, 11))

    response = member_client.get(base(space) + f"resources/{room.pk}/?date={local_day(2)}")

    assert [row.resource for row in response.context["grid"]["rows"]] == [room]


def test_another_spaces_resource_calendar_is_404(member_client, space, other_space):
    elsewhere = f.ResourceFactory(space=other_space)

    response = member_client.get(base(space) + f"resources/{elsewhere.pk}/")

    assert response.status_code == 404


def test_bad_date_falls_back_to_today(member_client, space):
    response = member_client.get(base(space) + "?date=yesterday")

    assert response.status_code == 200
    assert local_day(0) in response.context["grid"]["days"]


# --- public calendar ---------------------------------------------------------------------------------------------


def test_public_calendar_lists_only_public_confirmed_bookings(client, space, room, django_assert_num_queries):
    BookingFactory(resource=room, title="Open studio", is_public=True, start=local(2, 18), end=local(2, 20))
    BookingFactory(resource=room, title="Private rehearsal", start=local(3, 18), end=local(3, 20))
    BookingFactory(
        resource=room,
        title="Public but pending",
        is_public=True,
        status="pending",
        start=local(4, 18),
        end=local(4, 20),
    )

    def add_two():
        BookingFactory(resource=room, title="Screening", is_public=True, start=local(5, 18), end=local(5, 20))
        BookingFactory(resource=room, title="Talk", is_public=True, start=local(6, 18), end=local(6, 20))

    response = same_queries(django_assert_num_queries, lambda: client.get(base(space) + "public/"), add_two, 2)
    assert [b.title for b in response.context["bookings"]] == ["Open studio", "Screening", "Talk"]


# --- my bookings ------------------------------------------------------------------------------------------------------


def test_my_bookings_lists_mine_and_my_practices(member_client, member, practice, space, room):
    mine = BookingFactory(resource=room, booked_by=member, start=local(2, 10), end=local(2, 11))
    colleague = BookingFactory(resource=room, practice=practice, start=local(3, 10), end=local(3, 11))
    BookingFactory(resource=room, start=local(4, 10), end=local(4, 11))  # someone else's
    BookingFactory(resource=room, booked_by=member, start=local(-3, 10), end=local(-3, 11))  # past

    response = member_client.get("/en/me/bookings/")

    assert list(response.context["bookings"]) == [mine, colleague]


def test_my_past_bookings(member_client, member, room):
    old = BookingFactory(resource=room, booked_by=member, start=local(-3, 10), end=local(-3, 11))

    response = member_client.get("/en/me/bookings/?past=1")

    assert list(response.context["bookings"]) == [old]


def test_my_bookings_query_count_does_not_grow(
    member_client, member, space, other_space, room, django_assert_num_queries
):
    BookingFactory(resource=room, booked_by=member, start=local(2, 10), end=local(2, 11))

    def add_two():
        BookingFactory(resource=room, booked_by=member, start=local(3, 10), end=local(3, 11))
        BookingFactory(
            resource=f.ResourceFactory(space=other_space), booked_by=member, start=local(3, 10), end=local(3, 11)
        )

    same_queries(django_assert_num_queries, lambda: member_client.get("/en/me/bookings/"), add_two, 5)


def test_dashboard_links_to_my_bookings(member_client):
    response = member_client.get("/en/me/")

    assert 'href="/en/me/bookings/"' in response.content.decode()


def test_space_tab_links_to_bookings(member_client, space):
    response = member_client.get(f"/en/spaces/{space.slug}/")

    assert f'href="/en/spaces/{space.slug}/bookings/"' in response.content.decode()


# --- waitlist ---------------------------------------------------------------------------------------------------------


def test_member_joins_the_waitlist_of_a_taken_slot(member_client, member, space, room):
    BookingFactory(resource=room, start=local(3, 10), end=local(3, 12))

    response = member_client.post(
        base(space) + "waitlist/", {"resource": room.pk, "date": local_day(3), "start": "10:00", "end": "12:00"}
    )

    entry = WaitlistEntry.objects.get()
    assert response.status_code == 302
    assert (entry.member, entry.resource, entry.start, entry.end) == (member, room, local(3, 10), local(3, 12))


def test_waitlist_of_a_free_slot_says_book_it(member_client, space, room):
    response = member_client.post(
        base(space) + "waitlist/", {"resource": room.pk, "date": local_day(3), "start": "10:00", "end": "12:00"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["start"] == ["This time is free: you can book it."]
    assert WaitlistEntry.objects.count() == 0


def test_cancelling_offers_the_slot_with_a_link_to_book_it(
    client_for, member, space, room, django_capture_on_commit_callbacks
):
    waiting = f.make_member_of(space, email="waiting@example.org", language="nl")
    booking = BookingFactory(resource=room, booked_by=member, start=local(3, 10), end=local(3, 12))
    WaitlistEntryFactory(resource=room, member=waiting, start=local(3, 10), end=local(3, 12))

    with django_capture_on_commit_callbacks(execute=True):
        client_for(member).post(base(space) + f"{booking.pk}/cancel/")

    offer = next(m for m in mail.outbox if m.to == ["waiting@example.org"])
    link = f"http://127.0.0.1:8000/nl/spaces/{space.slug}/bookings/new/?resource={room.pk}&date={local_day(3)}&start=10%3A00&end=12%3A00"
    assert link in offer.body


def test_member_leaves_a_waitlist(member_client, member, space, room):
    entry = WaitlistEntryFactory(resource=room, member=member)

    response = member_client.post(base(space) + f"waitlist/{entry.pk}/leave/")

    entry.refresh_from_db()
    assert response.status_code == 302
    assert entry.status == WaitlistEntry.Status.WITHDRAWN


# --- closures ---------------------------------------------------------------------------------------------------------


def test_closure_page_lists_the_bookings_it_hits(coordinator_client, space, room, hall):
    closure = f.ClosureFactory(space=space, resource=room, start=local(3, 0), end=local(4, 0), reason="Broken kiln")
    hit = BookingFactory(resource=room, start=local(3, 10), end=local(3, 12))
    BookingFactory(resource=hall, start=local(3, 10), end=local(3, 12))  # another resource
    BookingFactory(resource=room, start=local(5, 10), end=local(5, 12))  # another day

    response = coordinator_client.get(base(space) + f"closures/{closure.pk}/")

    assert response.context["bookings"] == [hit]


def test_closures_list_counts_hits(coordinator_client, space, room, django_assert_num_queries):
    f.ClosureFactory(space=space, start=local(3, 0), end=local(4, 0))
    BookingFactory(resource=room, start=local(3, 10), end=local(3, 12))

    def add_two():
        f.ClosureFactory(space=space, resource=room, start=local(5, 0), end=local(6, 0))
        BookingFactory(resource=room, start=local(5, 10), end=local(5, 12))

    response = same_queries(
        django_assert_num_queries, lambda: coordinator_client.get(base(space) + "closures/"), add_two, 6
    )
    assert [c.hits for c in response.context["closures"]] == [1, 1]


def test_coordinator_notifies_the_people_hit(
    coordinator_client, space, room, member, django_capture_on_commit_callbacks
):
    french = f.make_member_of(space, email="fr@example.org", language="fr")
    closure = f.ClosureFactory(space=space, start=local(3, 0), end=local(4, 0), reason="Panne de chauffage")
    BookingFactory(resource=room, booked_by=member, start=local(3, 10), end=local(3, 12))
    BookingFactory(resource=room, booked_by=french, start=local(3, 14), end=local(3, 15))
    BookingFactory(resource=room, booked_by=french, start=local(3, 16), end=local(3, 17))

    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(base(space) + f"closures/{closure.pk}/")

    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == ["fr@example.org", "member@example.org"]
    to_french = next(m for m in mail.outbox if m.to == ["fr@example.org"])
    assert to_french.body.count("- Studio 2:") == 2
    assert f"/fr/spaces/{space.slug}/bookings/" in to_french.body


def test_member_cannot_see_closure_hits(member_client, space):
    closure = f.ClosureFactory(space=space)

    assert member_client.get(base(space) + f"closures/{closure.pk}/").status_code == 403
    assert Booking.objects.count() == 0


# --- one booking's page ---------------------------------------------------------------------------------------------


def test_network_member_sees_own_booking_in_another_space(client_for, other_space, room, space):
    visitor = f.make_member_of(other_space, email="visitor@example.org")
    theirs = BookingFactory(resource=room, booked_by=visitor, start=local(3, 10), end=local(3, 12))
    someone_elses = BookingFactory(resource=room, start=local(4, 10), end=local(4, 12))

    assert client_for(visitor).get(base(space) + f"{theirs.pk}/").status_code == 200
    assert client_for(visitor).get(base(space) + f"{someone_elses.pk}/").status_code == 404


def test_booking_page_offers_the_waitlist_to_others(member_client, space, room):
    taken = BookingFactory(resource=room, start=local(3, 10), end=local(3, 12))

    response = member_client.get(base(space) + f"{taken.pk}/")

    assert response.context["waitlist_url"] == (
        f"/en/spaces/{space.slug}/bookings/waitlist/?resource={room.pk}&date={local_day(3)}&start=10%3A00&end=12%3A00"
    )


def test_booking_page_of_a_series_lists_its_other_dates(member_client, member, practice, space, room):
    from bookings import services

    first, *others = services.create_booking(
        room, local(3, 10), local(3, 11), by=member, practice=practice, recurrence="FREQ=WEEKLY;COUNT=3"
    )

    response = member_client.get(base(space) + f"{first.pk}/")

    assert response.context["series"] == others
    assert response.context["waitlist_url"] is None
