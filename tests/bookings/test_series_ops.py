"""A recurring booking as a whole: cancel a date and the following ones; approve or refuse a series at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from bookings import series, services
from bookings.models import Booking
from core.models import AuditEntry
from tests import factories as f

from .conftest import BRUSSELS, local, local_day
from .factories import BookingPolicyFactory, WaitlistEntryFactory

pytestmark = pytest.mark.django_db

WEEKLY = "FREQ=WEEKLY;COUNT=4"


def _series(room, member, practice, **kwargs) -> list[Booking]:
    return services.create_booking(
        room, local(7, 10), local(7, 12), by=member, practice=practice, recurrence=WEEKLY, **kwargs
    )


def _statuses(bookings) -> list[str]:
    return [Booking.objects.get(pk=b.pk).status for b in bookings]


def test_cancel_following_cancels_this_date_and_the_later_ones(
    member, practice, room, django_capture_on_commit_callbacks
):
    dates = _series(room, member, practice)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        cancelled = series.cancel_following(dates[1], by=member, reason="Project over")

    assert [b.pk for b in cancelled] == [b.pk for b in dates[1:]]
    assert _statuses(dates) == ["confirmed", "cancelled", "cancelled", "cancelled"]
    assert AuditEntry.objects.filter(action="bookings.cancelled").count() == 3
    (message,) = mail.outbox  # one email for the three dates
    assert message.subject == "3 bookings cancelled: Studio 2"
    assert message.body.count("- Studio 2: ") == 3
    assert "Project over" in message.body


def test_cancel_following_of_a_single_booking_cancels_it(member, practice, room):
    [booking] = services.create_booking(room, local(7, 10), local(7, 12), by=member, practice=practice)

    cancelled = series.cancel_following(booking, by=member)

    assert [b.pk for b in cancelled] == [booking.pk]
    assert _statuses([booking]) == ["cancelled"]


def test_cancel_following_skips_dates_already_cancelled(member, practice, room):
    dates = _series(room, member, practice)
    services.cancel_booking(dates[2], by=member)

    cancelled = series.cancel_following(dates[0], by=member)

    assert [b.pk for b in cancelled] == [dates[0].pk, dates[1].pk, dates[3].pk]


def test_cancel_following_past_the_deadline_changes_nothing(space, coordinator, member, practice, room):
    dates = _series(room, member, practice)
    BookingPolicyFactory(space=space, resource=room, cancellation_deadline_hours=24 * 8)

    with pytest.raises(services.BookingRefused):
        series.cancel_following(dates[0], by=member)

    assert _statuses(dates) == ["confirmed"] * 4
    assert AuditEntry.objects.filter(action="bookings.cancelled").count() == 0
    # Coordinators always may.
    assert len(series.cancel_following(dates[0], by=coordinator)) == 4


def test_cancel_following_by_someone_else_is_refused(space, member, practice, room):
    dates = _series(room, member, practice)
    other = f.make_member_of(space, practice=f.PracticeFactory(name="Other"), email="other@example.org")

    with pytest.raises(PermissionDenied):
        series.cancel_following(dates[0], by=other)

    assert _statuses(dates) == ["confirmed"] * 4


def test_cancel_following_of_a_cancelled_date_is_a_state_error(member, practice, room):
    dates = _series(room, member, practice)
    services.cancel_booking(dates[0], by=member)

    with pytest.raises(services.BookingStateError):
        series.cancel_following(dates[0], by=member)


def test_cancel_following_offers_the_freed_slots_to_the_waitlist(space, member, practice, room):
    dates = _series(room, member, practice)
    waiting = f.make_member_of(space, practice=f.PracticeFactory(name="Waiting"), email="wait@example.org")
    entry = WaitlistEntryFactory(resource=room, member=waiting, start=dates[3].start, end=dates[3].end)

    series.cancel_following(dates[2], by=member)

    entry.refresh_from_db()
    assert entry.status == "offered"


def _pending_series(space, room, member, practice) -> list[Booking]:
    BookingPolicyFactory(space=space, resource=room, requires_approval=True)
    dates = _series(room, member, practice)
    assert {b.status for b in dates} == {"pending"}
    return dates


def test_approve_series_confirms_every_pending_date_and_writes_once(
    space, coordinator, member, practice, room, django_capture_on_commit_callbacks
):
    dates = _pending_series(space, room, member, practice)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        approved = series.approve_series(dates[2], by=coordinator)

    assert [b.pk for b in approved] == [b.pk for b in dates]
    assert _statuses(dates) == ["confirmed"] * 4
    assert AuditEntry.objects.filter(action="bookings.approved").count() == 4
    (message,) = mail.outbox
    assert message.to == ["member@example.org"]
    assert message.subject == "4 bookings approved: Studio 2"
    assert message.body.count("- Studio 2: ") == 4


def test_approve_series_leaves_dates_decided_one_by_one(space, coordinator, member, practice, room):
    dates = _pending_series(space, room, member, practice)
    services.refuse_booking(dates[1], by=coordinator, reason="Open day")

    approved = series.approve_series(dates[0], by=coordinator)

    assert len(approved) == 3
    assert _statuses(dates) == ["confirmed", "refused", "confirmed", "confirmed"]


def test_refuse_series_refuses_every_date_with_one_reason(
    space, coordinator, member, practice, room, django_capture_on_commit_callbacks
):
    dates = _pending_series(space, room, member, practice)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        refused = series.refuse_series(dates[0], by=coordinator, reason="Works in the studio")

    assert len(refused) == 4
    assert _statuses(dates) == ["refused"] * 4
    assert {b.reason for b in Booking.objects.all()} == {"Works in the studio"}
    (message,) = mail.outbox
    assert "Works in the studio" in message.body
    assert message.body.count("- Studio 2: ") == 4


def test_only_approvers_decide_a_series(space, member, practice, room):
    dates = _pending_series(space, room, member, practice)

    with pytest.raises(PermissionDenied):
        series.approve_series(dates[0], by=member)
    with pytest.raises(PermissionDenied):
        series.refuse_series(dates[0], by=member)

    assert _statuses(dates) == ["pending"] * 4


def test_approving_a_decided_date_is_a_state_error(space, coordinator, member, practice, room):
    dates = _pending_series(space, room, member, practice)
    services.approve_booking(dates[0], by=coordinator)

    with pytest.raises(services.BookingStateError):
        series.approve_series(dates[0], by=coordinator)

    assert _statuses(dates) == ["confirmed", "pending", "pending", "pending"]


def test_queue_rows_group_a_series():
    class B:
        def __init__(self, pk, start, series_id):
            self.pk, self.start, self.series_id = pk, start, series_id

    a, b, c = B(1, local(7, 10), 5), B(2, local(8, 10), None), B(3, local(14, 10), 5)

    rows = series.queue_rows([c, b, a])

    assert [(r["booking"].pk, r["count"], r["last"].pk) for r in rows] == [(1, 2, 3), (2, 1, 2)]


# --- The series' rule after "this date and the following ones" ----------------------------------------------


def _rule_dates(item) -> list:
    """The starts the series' stored rule and exceptions give now."""
    item.refresh_from_db()
    periods = services.recurrence_periods(
        item.rrule, item.dtstart, item.dtstart + item.duration, BRUSSELS, item.exdates
    )
    return [s for s, _e in periods]


def _holding_starts(item) -> list:
    return list(Booking.objects.holding().filter(series=item).order_by("start").values_list("start", flat=True))


def _utc_until(value) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def test_cancel_following_shortens_the_count(member, practice, room):
    dates = _series(room, member, practice)
    item = dates[0].series

    series.cancel_following(dates[2], by=member, reason="Project over")

    item.refresh_from_db()
    assert item.rrule == "FREQ=WEEKLY;COUNT=2"
    assert _rule_dates(item) == _holding_starts(item) == [dates[0].start, dates[1].start]
    entry = AuditEntry.objects.get(action="bookings.series_ended")
    assert (entry.object_type, entry.object_id) == ("bookings.bookingseries", str(item.pk))
    assert entry.before == {"rrule": "FREQ=WEEKLY;COUNT=4"}
    assert entry.after["rrule"] == "FREQ=WEEKLY;COUNT=2"
    assert entry.note == "Project over"


def test_cancel_following_moves_until_back_to_the_last_date_kept(member, practice, room):
    until = local_day(7 + 28).strftime("%Y%m%dT235959")
    dates = services.create_booking(
        room, local(7, 10), local(7, 12), by=member, practice=practice, recurrence=f"FREQ=WEEKLY;UNTIL={until}"
    )
    item = dates[0].series
    assert len(dates) == 5

    series.cancel_following(dates[3], by=member)

    item.refresh_from_db()
    assert item.rrule == f"FREQ=WEEKLY;UNTIL={_utc_until(dates[2].start)}"
    assert _rule_dates(item) == _holding_starts(item) == [b.start for b in dates[:3]]


def _first_monday_of_a_month(after: dt.date) -> dt.date:
    month = after.replace(day=1)
    while True:
        monday = month + dt.timedelta(days=(7 - month.weekday()) % 7)
        if monday >= after:
            return monday
        month = (month + dt.timedelta(days=32)).replace(day=1)


def test_cancel_following_of_a_monthly_rule_by_weekday(member, practice, room):
    first_monday = _first_monday_of_a_month(local_day(7))
    start = dt.datetime.combine(first_monday, dt.time(18), tzinfo=BRUSSELS)
    until = (first_monday + dt.timedelta(days=31 * 4)).strftime("%Y%m%dT235959")
    dates = services.create_booking(
        room,
        start,
        start + dt.timedelta(hours=2),
        by=member,
        practice=practice,
        recurrence=f"FREQ=MONTHLY;BYDAY=+1MO;UNTIL={until}",
    )
    item = dates[0].series
    assert {b.start.astimezone(BRUSSELS).day <= 7 for b in dates} == {True}

    series.cancel_following(dates[2], by=member)

    item.refresh_from_db()
    assert item.rrule == f"FREQ=MONTHLY;BYDAY=+1MO;UNTIL={_utc_until(dates[1].start)}"
    assert _rule_dates(item) == _holding_starts(item) == [dates[0].start, dates[1].start]


def test_cancel_following_keeps_the_exceptions_and_counts_them(member, practice, room):
    # Five weeks, the second one left out: COUNT counts it, as RFC 5545 does before the exceptions.
    dates = services.create_booking(
        room,
        local(7, 10),
        local(7, 12),
        by=member,
        practice=practice,
        recurrence="FREQ=WEEKLY;COUNT=5",
        exdates=[local(14, 10)],
    )
    item = dates[0].series
    assert len(dates) == 4

    series.cancel_following(dates[2], by=member)  # the fourth week

    item.refresh_from_db()
    assert item.rrule == "FREQ=WEEKLY;COUNT=3"
    assert item.exdates == [local(14, 10).isoformat()]
    assert _rule_dates(item) == _holding_starts(item) == [dates[0].start, dates[1].start]


def test_cancel_following_right_after_an_exception_ends_with_the_date_before_it(member, practice, room):
    until = local_day(7 + 28).strftime("%Y%m%dT235959")
    dates = services.create_booking(
        room,
        local(7, 10),
        local(7, 12),
        by=member,
        practice=practice,
        recurrence=f"FREQ=WEEKLY;UNTIL={until}",
        exdates=[local_day(14)],
    )
    item = dates[0].series

    series.cancel_following(dates[1], by=member)  # the third week

    item.refresh_from_db()
    assert item.rrule == f"FREQ=WEEKLY;UNTIL={_utc_until(dates[0].start)}"
    assert _rule_dates(item) == _holding_starts(item) == [dates[0].start]


def test_cancel_following_from_the_first_date_cancels_the_whole_series(member, practice, room):
    dates = _series(room, member, practice)
    item = dates[0].series

    series.cancel_following(dates[0], by=member, reason="Moving out")

    item.refresh_from_db()
    assert item.rrule == WEEKLY
    assert _holding_starts(item) == []
    entry = AuditEntry.objects.get(action="bookings.series_cancelled")
    assert entry.object_id == str(item.pk)
    assert entry.note == "Moving out"
    assert not AuditEntry.objects.filter(action="bookings.series_ended").exists()
    assert series.series_end(dates[0]).cancelled


def test_cancel_following_twice_keeps_the_earlier_end(member, practice, room):
    dates = _series(room, member, practice)
    item = dates[0].series
    series.cancel_following(dates[1], by=member)

    end = series.series_end(dates[1])

    item.refresh_from_db()
    assert item.rrule == "FREQ=WEEKLY;COUNT=1"
    assert (end.rule, end.last, end.cancelled) == ("FREQ=WEEKLY;COUNT=1", dates[0].start, False)
    assert AuditEntry.objects.filter(action="bookings.series_ended").count() == 1


def test_cancel_following_of_a_single_booking_touches_no_series(member, practice, room):
    [booking] = services.create_booking(room, local(7, 10), local(7, 12), by=member, practice=practice)

    series.cancel_following(booking, by=member)

    assert series.series_end(booking) is None
    assert not AuditEntry.objects.filter(action__startswith="bookings.series_").exists()
