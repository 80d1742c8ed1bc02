"""The week and day grids pinned to the exact HTML of their cells on a tricky week (the daylight-saving change,
bookings across midnight and beyond the week, a pending request, closures of the space and of one resource,
titles to escape), so that the speed work on them cannot change what the pages show."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from bookings import grids
from bookings.models import Booking
from tests import factories as f

from .factories import BookingFactory

pytestmark = pytest.mark.django_db

UTC = dt.UTC
MONDAY = dt.date(2026, 3, 23)  # the week of Sunday 29 March 2026, when Brussels goes from UTC+1 to UTC+2


def u(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def week(space, practice):
    room = f.ResourceFactory(space=space, name="Studio 2")
    hall = f.ResourceFactory(space=space, name="Great hall")
    f.ResourceFactory(space=space, name="Attic")
    f.ResourceFactory(space=space, name="Gone", is_active=False)
    BookingFactory(resource=room, title="Before", start=u(22, 20), end=u(23, 1))  # Sunday 21:00 to Monday 02:00
    BookingFactory(resource=room, title="<Rehearsal & co>", start=u(24, 9), end=u(24, 11))
    BookingFactory(resource=room, title="", practice=practice, start=u(24, 12), end=u(24, 13))
    BookingFactory(resource=room, title="", start=u(24, 14), end=u(24, 15), status=Booking.Status.PENDING)
    BookingFactory(resource=room, title="Cancelled", start=u(24, 16), end=u(24, 17), status=Booking.Status.CANCELLED)
    BookingFactory(resource=room, title="Night", start=u(28, 22), end=u(29, 3))  # Sat 23:00 CET to Sun 05:00 CEST
    BookingFactory(resource=hall, title="Residency", start=u(25, 8), end=u(27, 8))
    BookingFactory(resource=hall, title="Beyond", start=u(29, 20), end=u(31, 10))  # Sun 22:00 to Tue
    f.ClosureFactory(space=space, start=u(26, 11), end=u(26, 12), reason="Works")
    f.ClosureFactory(space=space, resource=hall, start=u(28, 9), end=u(28, 10), reason="")
    return room, hall


def test_week_grid_cells(space, week):
    room, hall = week
    with translation.override("en"):
        grid = grids.week_grid(space, MONDAY + dt.timedelta(days=2))

    rows = {row.resource.name: row for row in grid["rows"]}
    assert list(rows) == ["Attic", "Great hall", "Studio 2"]
    detail = f"/en/spaces/{space.slug}/bookings/"
    free = '<td><span class="visually-hidden">free</span></td>'
    works = '<li><span class="closed"><span class="status">Closed</span>: Works</span></li>'
    assert rows["Attic"].html == free * 3 + f"<td><ul>{works}</ul></td>" + free * 3
    assert (
        rows["Attic"].url == f"/en/spaces/{space.slug}/bookings/resources/{rows['Attic'].resource.pk}/?date=2026-03-23"
    )
    assert rows["Attic"].head == f'<th scope="row"><a href="{rows["Attic"].url}">Attic</a></th>'
    b = {x.title or x.status: x.pk for x in Booking.objects.all()}
    residency = f'<li><a class="booking" href="{detail}{b["Residency"]}/">09:00–09:00 Residency</a></li>'
    assert rows["Great hall"].html == (
        free * 2
        + f"<td><ul>{residency}</ul></td>"
        + f"<td><ul>{works}{residency}</ul></td>"
        + f"<td><ul>{residency}</ul></td>"
        + '<td><ul><li><span class="closed"><span class="status">Closed</span></span></li></ul></td>'
        + f'<td><ul><li><a class="booking" href="{detail}{b["Beyond"]}/">22:00–12:00 Beyond</a></li></ul></td>'
    )
    titled = {x.pk: x for x in Booking.objects.filter(title="")}
    by_practice = next(pk for pk, x in titled.items() if x.practice_id)
    anonymous = next(pk for pk, x in titled.items() if not x.practice_id)
    assert rows["Studio 2"].html == (
        f'<td><ul><li><a class="booking" href="{detail}{b["Before"]}/">21:00–02:00 Before</a></li></ul></td>'
        "<td><ul>"
        f'<li><a class="booking" href="{detail}{b["<Rehearsal & co>"]}/">10:00–12:00 &lt;Rehearsal &amp; co&gt;</a></li>'
        f'<li><a class="booking" href="{detail}{by_practice}/">13:00–14:00 Atelier Nord</a></li>'
        f'<li><a class="booking pending" href="{detail}{anonymous}/">15:00–16:00 Booked'
        ' <span class="status">(waiting for approval)</span></a></li>'
        "</ul></td>"
        + free
        + f"<td><ul>{works}</ul></td>"
        + free
        + f'<td><ul><li><a class="booking" href="{detail}{b["Night"]}/">23:00–05:00 Night</a></li></ul></td>'
        + f'<td><ul><li><a class="booking" href="{detail}{b["Night"]}/">23:00–05:00 Night</a></li></ul></td>'
    )
    studio = rows["Studio 2"]
    assert [[x.title for x in cell["bookings"]] for cell in studio.cells] == [
        ["Before"],
        ["<Rehearsal & co>", "", ""],
        [],
        [],
        [],
        ["Night"],
        ["Night"],
    ]
    assert [[c.reason for c in cell["closures"]] for cell in rows["Great hall"].cells] == [
        [],
        [],
        [],
        ["Works"],
        [],
        [""],
        [],
    ]
    assert [cell["day"] for cell in studio.cells] == grid["days"] == [MONDAY + dt.timedelta(days=i) for i in range(7)]
    night = studio.cells[6]["bookings"][0]
    assert (night.local_start.isoformat(), night.local_end.isoformat()) == (
        "2026-03-28T23:00:00+01:00",
        "2026-03-29T05:00:00+02:00",
    )
    assert (grid["monday"], grid["sunday"], grid["previous"], grid["next"]) == (
        MONDAY,
        dt.date(2026, 3, 29),
        dt.date(2026, 3, 16),
        dt.date(2026, 3, 30),
    )


def test_week_grid_of_one_resource(space, week):
    room, hall = week
    with translation.override("en"):
        grid = grids.week_grid(space, MONDAY, resource=hall)

    (row,) = grid["rows"]
    assert row.resource.name == "Great hall"
    assert row.head == '<th scope="row">Great hall</th>'
    assert [len(cell["bookings"]) for cell in row.cells] == [0, 0, 1, 1, 1, 0, 1]


def test_day_grid_cells_on_the_daylight_saving_day(space, week):
    room, hall = week
    f.OpeningHoursFactory(space=space, weekday=6, opens=dt.time(1), closes=dt.time(6))
    with translation.override("en"):
        grid = grids.day_grid(space, dt.date(2026, 3, 29))

    # 02:00 does not exist that day: 01:00 to 06:00 is four hours.
    assert grid["hours"] == [1, 3, 4, 5]
    rows = {row.resource.name: row for row in grid["rows"]}
    night = Booking.objects.get(title="Night")
    assert [(c["hour"], c["span"], [x.title for x in c["bookings"]]) for c in rows["Studio 2"].cells] == [
        (1, 3, ["Night"]),
        (5, 1, []),
    ]
    assert rows["Studio 2"].html.startswith(
        f'<td colspan="3"><ul><li><a class="booking" href="/en/spaces/{space.slug}/bookings/{night.pk}/">'
        "23:00–05:00 Night</a></li></ul></td>"
    )


def test_day_grid_free_hours_link_to_the_booking_form(space, week):
    f.OpeningHoursFactory(space=space, weekday=0, opens=dt.time(9), closes=dt.time(12))
    odd = f.ResourceFactory(space=space, name="A&B <x>")
    with translation.override("en"):
        grid = grids.day_grid(space, MONDAY)

    rows = {row.resource.name: row for row in grid["rows"]}
    new = f"/en/spaces/{space.slug}/bookings/new/?resource={odd.pk}&amp;date=2026-03-23"
    assert rows["A&B <x>"].html == "".join(
        f'<td class="free"><a href="{new}&amp;start={h:02d}%3A00&amp;end={h + 1:02d}%3A00">+'
        f'<span class="visually-hidden"> Book A&amp;B &lt;x&gt; at {h:02d}:00</span></a></td>'
        for h in (9, 10, 11)
    )
    assert [(c["hour"], c["span"], c["book_url"]) for c in rows["A&B <x>"].cells] == [
        (
            h,
            1,
            f"/en/spaces/{space.slug}/bookings/new/?resource={odd.pk}&date=2026-03-23&start={h:02d}%3A00&end={h + 1:02d}%3A00",
        )
        for h in (9, 10, 11)
    ]


def test_week_page_rows_name_their_resource(member_client, space, week):
    odd = f.ResourceFactory(space=space, name="A&B <x>")

    page = member_client.get(f"/en/spaces/{space.slug}/bookings/?date={MONDAY}").content.decode()
    one = member_client.get(f"/en/spaces/{space.slug}/bookings/resources/{odd.pk}/?date={MONDAY}").content.decode()

    link = f"/en/spaces/{space.slug}/bookings/resources/{odd.pk}/?date=2026-03-23"
    assert f'<tr><th scope="row"><a href="{link}">A&amp;B &lt;x&gt;</a></th><td>' in page
    assert '<tr><th scope="row">A&amp;B &lt;x&gt;</th><td>' in one
