"""A recurring booking as a whole: cancel a date and the following ones; approve or refuse a series at once."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from bookings import series, services
from bookings.models import Booking
from core.models import AuditEntry
from tests import factories as f

from .conftest import local
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
    assert message.subject == "Booking cancelled: Studio 2"
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
    assert message.subject == "Booking approved: Studio 2"
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
