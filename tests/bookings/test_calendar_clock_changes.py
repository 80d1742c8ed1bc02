"""The day and week calendars on the days the clocks change (Europe/Amsterdam): the columns are the hours the
space's clock really shows, each free hour's link books exactly that hour, and a time that comes twice says which
one it is."""

from __future__ import annotations

import datetime as dt
from html import unescape
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.utils import translation

from bookings import grids
from bookings.forms import BookingForm
from tests import factories as f

from .factories import BookingFactory

pytestmark = pytest.mark.django_db

SPRING = dt.date(2027, 3, 28)  # 02:00 CET becomes 03:00 CEST: 02:00 to 03:00 does not exist
AUTUMN = dt.date(2026, 10, 25)  # 03:00 CEST becomes 02:00 CET: 02:00 to 03:00 comes twice
UTC = dt.UTC


@pytest.fixture
def amsterdam(space):
    space.time_zone = "Europe/Amsterdam"
    space.save(update_fields=["time_zone"])
    # Open day and night on Sundays, so that the day view shows every hour of the day.
    f.OpeningHoursFactory(space=space, weekday=6, opens=dt.time(0), closes=dt.time(23, 59))
    return space


@pytest.fixture
def studio(amsterdam):
    return f.ResourceFactory(space=amsterdam, name="Studio")


def day_of(space, day, **kwargs):
    with translation.override("en"):
        return grids.day_grid(space, day, **kwargs)


def linked_period(space, member, url: str) -> tuple[dt.datetime, dt.datetime]:
    """The period the booking form books when filled in from ``url`` (as the booking page does)."""
    initial = grids.form_initial(dict(parse_qsl(urlsplit(url).query)))
    form = BookingForm({**initial, "repeat": "none"}, space=space, user=member)
    assert form.is_valid(), form.errors
    return form.period()


def test_spring_day_has_23_hours_without_the_skipped_one(amsterdam, studio, member):
    grid = day_of(amsterdam, SPRING)

    assert grid["hours"] == [0, 1, *range(3, 24)]
    assert grid["columns"][:4] == ["00:00", "01:00", "03:00", "04:00"]
    (row,) = grid["rows"]
    assert len(row.cells) == 23
    # Every free hour books exactly one hour, one after the other, from midnight to midnight (UTC+1 then UTC+2).
    periods = [linked_period(amsterdam, member, cell["book_url"]) for cell in row.cells]
    assert periods[0] == (dt.datetime(2027, 3, 27, 23, tzinfo=UTC), dt.datetime(2027, 3, 28, 0, tzinfo=UTC))
    assert periods[1] == (dt.datetime(2027, 3, 28, 0, tzinfo=UTC), dt.datetime(2027, 3, 28, 1, tzinfo=UTC))
    assert periods[2] == (dt.datetime(2027, 3, 28, 1, tzinfo=UTC), dt.datetime(2027, 3, 28, 2, tzinfo=UTC))
    assert periods[-1] == (dt.datetime(2027, 3, 28, 21, tzinfo=UTC), dt.datetime(2027, 3, 28, 22, tzinfo=UTC))
    assert all(end - start == dt.timedelta(hours=1) for start, end in periods)
    assert all(periods[i][1] == periods[i + 1][0] for i in range(22))
    # The 01:00 hour ends at 03:00 on the clock: 02:00 is never offered.
    assert row.cells[1]["book_url"].endswith("&start=01%3A00&end=03%3A00")
    assert "start=02" not in row.html


def test_autumn_day_has_25_hours_with_the_repeated_one_twice(amsterdam, studio, member):
    grid = day_of(amsterdam, AUTUMN)

    assert grid["hours"] == [0, 1, 2, 2, *range(3, 24)]
    assert grid["columns"][1:5] == ["01:00", "02:00 (UTC+02:00)", "02:00 (UTC+01:00)", "03:00"]
    (row,) = grid["rows"]
    periods = [linked_period(amsterdam, member, cell["book_url"]) for cell in row.cells]
    assert len(periods) == 25
    assert periods[0] == (dt.datetime(2026, 10, 24, 22, tzinfo=UTC), dt.datetime(2026, 10, 24, 23, tzinfo=UTC))
    assert periods[2] == (dt.datetime(2026, 10, 25, 0, tzinfo=UTC), dt.datetime(2026, 10, 25, 1, tzinfo=UTC))
    assert periods[3] == (dt.datetime(2026, 10, 25, 1, tzinfo=UTC), dt.datetime(2026, 10, 25, 2, tzinfo=UTC))
    assert periods[-1] == (dt.datetime(2026, 10, 25, 22, tzinfo=UTC), dt.datetime(2026, 10, 25, 23, tzinfo=UTC))
    assert all(end - start == dt.timedelta(hours=1) for start, end in periods)
    assert all(periods[i][1] == periods[i + 1][0] for i in range(24))
    # Both 02:00 hours say which one they are, in the link and in the words a screen reader reads.
    assert row.cells[2]["book_url"].endswith("&start=02%3A00&end=02%3A00&start_offset=%2B02%3A00&end_offset=%2B01%3A00")
    assert row.cells[3]["book_url"].endswith("&start=02%3A00&end=03%3A00&start_offset=%2B01%3A00&end_offset=%2B01%3A00")
    assert '<span class="visually-hidden"> Book Studio at 02:00 (UTC+02:00)</span>' in row.html
    assert '<span class="visually-hidden"> Book Studio at 02:00 (UTC+01:00)</span>' in row.html
    assert unescape(row.html).count("start_offset") == 3  # 01:00 ends at the first 02:00, then both 02:00 hours


def test_an_ordinary_day_keeps_plain_links(amsterdam, studio):
    (row,) = day_of(amsterdam, dt.date(2026, 11, 22))["rows"]

    assert len(row.cells) == 24
    assert "offset" not in row.html
    # The last hour ends at midnight, the end of the day.
    assert row.cells[-1]["book_url"].endswith("&date=2026-11-22&start=23%3A00&end=00%3A00")


def test_last_hour_of_the_day_books_until_midnight(amsterdam, studio, member):
    (row,) = day_of(amsterdam, dt.date(2026, 11, 22))["rows"]

    assert linked_period(amsterdam, member, row.cells[-1]["book_url"]) == (
        dt.datetime(2026, 11, 22, 22, tzinfo=UTC),
        dt.datetime(2026, 11, 22, 23, tzinfo=UTC),
    )


def test_a_booking_in_the_repeated_hour_spans_its_own_column(amsterdam, studio):
    second = BookingFactory(
        resource=studio,
        title="Night shift",
        start=dt.datetime(2026, 10, 25, 1, tzinfo=UTC),  # the second 02:00, in CET
        end=dt.datetime(2026, 10, 25, 3, tzinfo=UTC),  # 04:00 CET
    )

    (row,) = day_of(amsterdam, AUTUMN)["rows"]

    assert [(c["hour"], c["span"], [b.pk for b in c["bookings"]]) for c in row.cells[1:6]] == [
        (1, 1, []),
        (2, 1, []),
        (2, 2, [second.pk]),
        (4, 1, []),
        (5, 1, []),
    ]
    assert "02:00 (UTC+01:00)–04:00 Night shift</a>" in row.html


def test_booking_form_takes_the_second_of_two_equal_times(amsterdam, studio, member):
    data = {"resource": studio.pk, "date": "2026-10-25", "start": "02:00", "end": "02:00", "repeat": "none"}

    plain = BookingForm(data, space=amsterdam, user=member)
    with_offsets = BookingForm({**data, "start_offset": "+02:00", "end_offset": "+01:00"}, space=amsterdam, user=member)
    wrong_offset = BookingForm(
        {**data, "start": "10:00", "end": "11:00", "start_offset": "+05:00"}, space=amsterdam, user=member
    )

    assert plain.errors["end"] == ["The end must be after the start."]
    assert with_offsets.is_valid(), with_offsets.errors
    assert with_offsets.period() == (dt.datetime(2026, 10, 25, 0, tzinfo=UTC), dt.datetime(2026, 10, 25, 1, tzinfo=UTC))
    # An offset that does not fit the time changes nothing.
    assert wrong_offset.is_valid(), wrong_offset.errors
    assert wrong_offset.period()[0] == dt.datetime(2026, 10, 25, 9, tzinfo=UTC)


def test_day_page_shows_the_real_hours(client_for, member, amsterdam, studio):
    client = client_for(member)

    spring = client.get(f"/en/spaces/{amsterdam.slug}/bookings/day/?date={SPRING}").content.decode()
    autumn = client.get(f"/en/spaces/{amsterdam.slug}/bookings/day/?date={AUTUMN}").content.decode()
    one = client.get(f"/en/spaces/{amsterdam.slug}/bookings/resources/{studio.pk}/day/?date={AUTUMN}").content.decode()

    assert spring.count('<th scope="col">') == 1 + 23
    assert '<th scope="col">02:00</th>' not in spring
    assert autumn.count('<th scope="col">') == 1 + 25
    assert '<th scope="col">02:00 (UTC+02:00)</th><th scope="col">02:00 (UTC+01:00)</th>' in autumn
    assert '<th scope="col">02:00 (UTC+01:00)</th>' in one


def test_booking_page_from_a_repeated_hour_link_keeps_the_offsets(client_for, member, amsterdam, studio):
    (row,) = day_of(amsterdam, AUTUMN)["rows"]

    page = client_for(member).get(row.cells[3]["book_url"]).content.decode()

    assert '<input type="hidden" name="start_offset" value="+01:00"' in page
    assert '<input type="hidden" name="end_offset" value="+01:00"' in page
    assert "the start is in UTC+01:00 and the end in UTC+01:00" in page


def test_week_grid_shows_the_offset_of_a_repeated_time_only(amsterdam, studio):
    BookingFactory(
        resource=studio,
        title="Early",
        start=dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC),  # 02:30 CEST
        end=dt.datetime(2026, 10, 25, 1, 30, tzinfo=UTC),  # 02:30 CET
    )
    BookingFactory(
        resource=studio,
        title="Rehearsal",
        start=dt.datetime(2026, 10, 25, 9, tzinfo=UTC),
        end=dt.datetime(2026, 10, 25, 11, tzinfo=UTC),
    )
    BookingFactory(
        resource=studio,
        title="Spring",
        start=dt.datetime(2027, 3, 28, 0, 30, tzinfo=UTC),  # 01:30 CET
        end=dt.datetime(2027, 3, 28, 1, 30, tzinfo=UTC),  # 03:30 CEST
    )

    with translation.override("en"):
        (autumn,) = grids.week_grid(amsterdam, AUTUMN)["rows"]
        (spring,) = grids.week_grid(amsterdam, SPRING)["rows"]

    assert [len(c["bookings"]) for c in autumn.cells] == [0, 0, 0, 0, 0, 0, 2]
    assert "02:30 (UTC+02:00)–02:30 (UTC+01:00) Early</a>" in autumn.html
    assert "10:00–12:00 Rehearsal</a>" in autumn.html
    assert [len(c["bookings"]) for c in spring.cells] == [0, 0, 0, 0, 0, 0, 1]
    assert "01:30–03:30 Spring</a>" in spring.html


@pytest.mark.parametrize(("start", "end", "wrong"), [("02:30", "04:00", "start"), ("01:00", "02:15", "end")])
def test_a_time_the_clocks_skip_is_refused_in_plain_words(amsterdam, studio, member, start, end, wrong):
    """02:00–03:00 does not exist on the spring day: a typed 02:30 is refused, not read as 03:30."""
    data = {"resource": studio.pk, "date": "2027-03-28", "start": start, "end": end, "repeat": "none"}

    form = BookingForm(data, space=amsterdam, user=member)

    assert not form.is_valid()
    assert list(form.errors) == [wrong]
    assert "does not exist on that day" in form.errors[wrong][0]
    assert BookingForm({**data, "start": "01:00", "end": "03:30"}, space=amsterdam, user=member).is_valid()


def test_the_waitlist_form_refuses_a_skipped_time_too(amsterdam, studio, member):
    from bookings.forms import WaitlistForm

    data = {"resource": studio.pk, "date": "2027-03-28", "start": "02:30", "end": "04:00"}
    form = WaitlistForm(data, space=amsterdam, user=member)

    assert not form.is_valid()
    assert "does not exist on that day" in form.errors["start"][0]
