import datetime as dt
import zoneinfo

import pytest

from bookings.recurrence import RecurrenceError, occurrences

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")


def brussels(*args):
    return dt.datetime(*args, tzinfo=BRUSSELS)


def test_weekly_keeps_local_time_across_daylight_saving_change():
    # Arrange: Tuesdays 19:00–21:00 around the change of 29 March 2026.
    start, end = brussels(2026, 3, 17, 19), brussels(2026, 3, 17, 21)

    # Act
    result = occurrences("FREQ=WEEKLY;COUNT=3", start, end, BRUSSELS)

    # Assert: 18:00 UTC in winter, 17:00 UTC in summer, always 19:00 in Brussels.
    assert [s.isoformat() for s, _e in result] == [
        "2026-03-17T18:00:00+00:00",
        "2026-03-24T18:00:00+00:00",
        "2026-03-31T17:00:00+00:00",
    ]
    assert [s.astimezone(BRUSSELS).hour for s, _e in result] == [19, 19, 19]
    assert [(e - s) for s, e in result] == [dt.timedelta(hours=2)] * 3


def test_every_other_week_until():
    start, end = brussels(2026, 10, 6, 9), brussels(2026, 10, 6, 10)

    result = occurrences("RRULE:FREQ=WEEKLY;INTERVAL=2;UNTIL=20261110T235959", start, end, BRUSSELS)

    assert [s.astimezone(BRUSSELS).date().isoformat() for s, _e in result] == [
        "2026-10-06",
        "2026-10-20",
        "2026-11-03",
    ]
    # 25 October: back to winter time, still 09:00 local.
    assert result[2][0].isoformat() == "2026-11-03T08:00:00+00:00"


def test_monthly_by_weekday_with_utc_until():
    # The first Thursday of each month.
    start, end = brussels(2026, 1, 1, 18), brussels(2026, 1, 1, 20)

    result = occurrences("FREQ=MONTHLY;BYDAY=1TH;UNTIL=20260401T000000Z", start, end, BRUSSELS)

    assert [s.astimezone(BRUSSELS).date().isoformat() for s, _e in result] == [
        "2026-01-01",
        "2026-02-05",
        "2026-03-05",
    ]


def test_exdates_leave_out_single_occurrences():
    start, end = brussels(2026, 5, 4, 10), brussels(2026, 5, 4, 12)

    result = occurrences(
        "FREQ=WEEKLY;COUNT=4", start, end, BRUSSELS, exdates=[brussels(2026, 5, 11, 10), dt.date(2026, 5, 18)]
    )

    assert [s.astimezone(BRUSSELS).date().isoformat() for s, _e in result] == ["2026-05-04", "2026-05-25"]


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("", "The recurrence rule is empty."),
        ("COUNT=3", "The recurrence rule needs a frequency (FREQ=WEEKLY, for example)."),
        ("FREQ=WEEKLY", "A recurring booking needs an end date (UNTIL) or a number of times (COUNT)."),
        ("FREQ=HOURLY;COUNT=3", "Bookings can repeat daily, weekly, monthly or yearly."),
        ("FREQ=WEEKLY;COUNT=500", "A recurring booking can have at most 106 occurrences."),
        ("FREQ=WEEKLY;COUNT=x", "The recurrence rule cannot be read."),
    ],
)
def test_bad_rules_say_why(rule, message):
    start = brussels(2026, 5, 4, 10)

    with pytest.raises(RecurrenceError) as error:
        occurrences(rule, start, start + dt.timedelta(hours=1), BRUSSELS)

    assert str(error.value) == message
