import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from bookings import services
from bookings.models import Booking, BookingPolicy, BookingSeries, WaitlistEntry
from bookings.rules import effective_policy
from bookings.services import BookingConflict, BookingRefused, BookingStateError, create_booking
from core.models import AuditEntry
from spaces.models import RoleAssignment
from tests import factories as f

from .factories import BookingPolicyFactory, ResourceGroupFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch):
    """The notifications the services asked for, as (name, args)."""
    from bookings import notifications

    calls = []
    for name in (
        "booking_confirmed",
        "booking_pending",
        "booking_approved",
        "booking_refused",
        "booking_cancelled",
        "waitlist_offer",
        "out_of_service",
    ):
        monkeypatch.setattr(notifications, name, lambda *args, _n=name: calls.append((_n, args)))
    return calls


def test_member_books_for_their_practice(room, member, practice, at, sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        [booking] = create_booking(room, at(3, 10), at(3, 12), by=member, practice=practice, title="Rehearsal")

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.kind == Booking.Kind.BOOKING
    assert (booking.start, booking.end) == (at(3, 10), at(3, 12))
    assert (booking.blocked_start, booking.blocked_end) == (at(3, 10), at(3, 12))
    assert booking.booked_by == member
    assert [name for name, _args in sent] == ["booking_confirmed"]
    entry = AuditEntry.objects.get(action="bookings.created")
    assert entry.actor == member
    assert entry.after["bookings"] == [booking.pk]


def test_overlap_is_a_conflict_and_touching_is_fine(room, member, practice, at):
    create_booking(room, at(3, 10), at(3, 12), by=member, practice=practice)

    with pytest.raises(BookingConflict) as error:
        create_booking(room, at(3, 11), at(3, 13), by=member, practice=practice)
    after = create_booking(room, at(3, 12), at(3, 13), by=member, practice=practice)

    assert error.value.conflicts == [{"start": at(3, 11), "end": at(3, 13), "reason": "already booked"}]
    assert len(after) == 1
    assert Booking.objects.count() == 2


def test_buffers_keep_time_between_bookings(space, room, member, practice, coordinator, at):
    services.save_policy(space, by=coordinator, resource=room, buffer_after_minutes=30)
    create_booking(room, at(3, 10), at(3, 12), by=member, practice=practice)

    with pytest.raises(BookingConflict):
        create_booking(room, at(3, 12, 15), at(3, 13), by=member, practice=practice)
    [later] = create_booking(room, at(3, 12, 30), at(3, 13), by=member, practice=practice)

    assert (later.blocked_start, later.blocked_end) == (at(3, 12, 30), at(3, 13, 30))


def test_pending_bookings_hold_the_slot_until_refused(space, room, member, practice, coordinator, at, sent):
    services.save_policy(space, by=coordinator, resource=room, requires_approval=True)
    [pending] = create_booking(room, at(3, 10), at(3, 12), by=member, practice=practice)

    with pytest.raises(BookingConflict) as error:
        create_booking(room, at(3, 10), at(3, 11), by=coordinator, practice=practice)
    services.refuse_booking(pending, by=coordinator, reason="Reserved for the open day")
    [taken] = create_booking(room, at(3, 10), at(3, 11), by=coordinator, practice=practice)

    assert pending.status == Booking.Status.PENDING
    assert error.value.conflicts[0]["reason"] == "requested by someone else"
    assert Booking.objects.get(pk=pending.pk).status == Booking.Status.REFUSED
    assert Booking.objects.get(pk=pending.pk).reason == "Reserved for the open day"
    assert taken.status == Booking.Status.CONFIRMED  # the coordinator approves, so needs no approval


def test_approval_by_the_role_the_policy_names(space, room, member, practice, coordinator, at, sent):
    host = f.MemberFactory(email="host@example.org")
    f.RoleAssignmentFactory(space=space, member=host, role=RoleAssignment.Role.HOST)
    services.save_policy(space, by=coordinator, resource=room, requires_approval=True, approver_role="host")
    [pending] = create_booking(room, at(3, 10), at(3, 12), by=member, practice=practice)

    with pytest.raises(PermissionDenied):
        services.approve_booking(pending, by=member)
    approved = services.approve_booking(pending, by=host)
    with pytest.raises(BookingStateError):
        services.approve_booking(pending, by=host)

    assert approved.status == Booking.Status.CONFIRMED
    assert approved.decided_by == host
    assert AuditEntry.objects.filter(action="bookings.approved").count() == 1


def test_cancel_before_deadline_and_not_after(space, room, member, practice, coordinator, at):
    services.save_policy(space, by=coordinator, resource=room, cancellation_deadline_hours=48)
    [soon] = create_booking(room, at(1, 10), at(1, 11), by=member, practice=practice)
    [later] = create_booking(room, at(5, 10), at(5, 11), by=member, practice=practice)

    with pytest.raises(BookingRefused) as error:
        services.cancel_booking(soon, by=member)
    services.cancel_booking(later, by=member, reason="Ill")
    services.cancel_booking(soon, by=coordinator)

    assert error.value.reason == (
        "Bookings of Studio 2 can be cancelled until 48 hours before they start; ask a coordinator."
    )
    assert list(Booking.objects.order_by("start").values_list("status", flat=True)) == ["cancelled", "cancelled"]


def test_someone_else_may_not_cancel(room, member, practice, at, space):
    stranger = f.make_member_of(space, email="stranger@example.org")
    [booking] = create_booking(room, at(3, 10), at(3, 11), by=member, practice=practice)

    with pytest.raises(PermissionDenied):
        services.cancel_booking(booking, by=stranger)

    assert Booking.objects.get().status == Booking.Status.CONFIRMED


def test_cancel_offers_the_slot_to_the_first_on_the_waitlist(
    space, room, member, practice, at, sent, django_capture_on_commit_callbacks
):
    first = f.make_member_of(space, email="first@example.org")
    second = f.make_member_of(space, email="second@example.org")
    [booking] = create_booking(room, at(3, 10), at(3, 12), by=member, practice=practice)
    entry = services.join_waitlist(room, at(3, 10), at(3, 12), by=first)
    services.join_waitlist(room, at(3, 11), at(3, 12), by=second)

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_booking(booking, by=member)

    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.OFFERED
    assert list(WaitlistEntry.objects.order_by("id").values_list("status", flat=True)) == ["offered", "waiting"]
    assert [name for name, _a in sent] == ["booking_cancelled", "waitlist_offer"]
    assert sent[1][1] == (entry,)


def test_waitlist_for_a_free_slot_is_refused(room, member, at):
    with pytest.raises(ValidationError):
        services.join_waitlist(room, at(3, 10), at(3, 12), by=member)


@pytest.mark.parametrize(
    ("policy", "when", "reason"),
    [
        ({"max_days_ahead": 60}, (70, 10, 70, 12), "Bookings of Studio 2 can be made at most 60 days ahead."),
        ({"min_notice_hours": 72}, (1, 10, 1, 12), "Bookings of Studio 2 must be made at least 72 hours in advance."),
        ({"min_duration_minutes": 180}, (3, 10, 3, 12), "A booking of Studio 2 must last at least 180 minutes."),
        ({"max_duration_minutes": 60}, (3, 10, 3, 12), "A booking of Studio 2 can last at most 60 minutes."),
        ({"allow_practices": False}, (3, 10, 3, 12), "Studio 2 cannot be booked by the practices of Werkplaats."),
    ],
)
def test_rules_refuse_in_plain_words(space, room, member, practice, coordinator, policy, when, reason, at):
    services.save_policy(space, by=coordinator, resource=room, **policy)

    with pytest.raises(BookingRefused) as error:
        create_booking(room, at(when[0], when[1]), at(when[2], when[3]), by=member, practice=practice)

    assert error.value.reason == reason
    assert Booking.objects.count() == 0


def test_past_is_refused(room, member, practice):
    start = timezone.now() - dt.timedelta(hours=3)

    with pytest.raises(BookingRefused) as error:
        create_booking(room, start, start + dt.timedelta(hours=1), by=member, practice=practice)

    assert error.value.reason == "Bookings cannot start in the past."


def test_reason_is_translated(space, room, member, practice, coordinator, at):
    from django.utils import translation

    services.save_policy(space, by=coordinator, resource=room, max_days_ahead=60)

    with translation.override("fr"), pytest.raises(BookingRefused) as error:
        create_booking(room, at(70, 10), at(70, 12), by=member, practice=practice)

    assert "60" in error.value.reason


def test_opening_hours(space, room, member, practice, coordinator, at):
    services.save_policy(space, by=coordinator, resource=room, respect_opening_hours=True)
    day = at(3, 10)
    f.OpeningHoursFactory(space=space, weekday=day.weekday(), opens=dt.time(9), closes=dt.time(18))

    [inside] = create_booking(room, at(3, 9), at(3, 18), by=member, practice=practice)
    with pytest.raises(BookingRefused) as error:
        create_booking(room, at(3, 17), at(3, 19), by=member, practice=practice)
    with pytest.raises(BookingRefused):
        create_booking(room, at(4, 10), at(4, 11), by=member, practice=practice)  # closed that weekday

    assert inside.status == "confirmed"
    assert error.value.reason == "Studio 2 can only be booked within the opening hours of Werkplaats."


def test_closure_is_a_conflict(space, room, member, practice, at):
    f.ClosureFactory(space=space, start=at(3, 0), end=at(4, 0), reason="Heating repair")

    with pytest.raises(BookingConflict) as error:
        create_booking(room, at(3, 10), at(3, 12), by=member, practice=practice)

    assert error.value.conflicts == [{"start": at(3, 10), "end": at(3, 12), "reason": "Heating repair"}]


def test_weekly_quota_per_practice_counts_the_group(space, member, practice, coordinator, at):
    studio_a = f.ResourceFactory(space=space, name="Studio A")
    studio_b = f.ResourceFactory(space=space, name="Studio B")
    group = services.save_group(space, by=coordinator, name="Studios", resources=[studio_a, studio_b])
    services.save_policy(space, by=coordinator, group=group, quota_hours=4, quota_period="week")
    start = at(14, 9)
    monday = start - dt.timedelta(days=start.weekday())
    create_booking(studio_a, monday, monday + dt.timedelta(hours=3), by=member, practice=practice)

    with pytest.raises(BookingRefused) as error:
        create_booking(
            studio_b,
            monday + dt.timedelta(days=1),
            monday + dt.timedelta(days=1, hours=2),
            by=member,
            practice=practice,
        )
    create_booking(
        studio_b, monday + dt.timedelta(days=7), monday + dt.timedelta(days=7, hours=4), by=member, practice=practice
    )

    assert error.value.reason == (
        "Atelier Nord may book the Studios group (Studio A, Studio B) for at most 4 hours per week. "
        "3 hours are already booked that week."
    )
    assert Booking.objects.count() == 2


def test_effective_policy_order(space, room, coordinator):
    group = ResourceGroupFactory(space=space, name="Studios")
    group.resources.add(room)
    assert effective_policy(room).pk is None  # permissive defaults
    default = BookingPolicyFactory(space=space, max_days_ahead=90)
    assert effective_policy(room) == default
    grouped = BookingPolicyFactory(space=space, group=group, max_days_ahead=30)
    assert effective_policy(room) == grouped
    own = BookingPolicyFactory(space=space, resource=room, max_days_ahead=10)
    assert effective_policy(room) == own


def test_outsider_may_not_book_but_network_members_may_when_allowed(space, room, outsider, coordinator, at):
    outsider_practice = outsider.practice_links.get().practice

    with pytest.raises(BookingRefused) as error:
        create_booking(room, at(3, 10), at(3, 11), by=outsider, practice=outsider_practice)
    services.save_policy(space, by=coordinator, resource=room, allow_network=True)
    [booking] = create_booking(room, at(3, 10), at(3, 11), by=outsider, practice=outsider_practice)

    assert error.value.reason == "Only the practices of Werkplaats may book Studio 2."
    assert booking.practice == outsider_practice


def test_member_may_not_book_for_a_practice_they_do_not_act_for(room, member, at, space):
    stranger_practice = f.PracticeFactory(name="Someone Else")
    f.SpaceMembershipFactory(space=space, practice=stranger_practice)

    with pytest.raises(BookingRefused) as error:
        create_booking(room, at(3, 10), at(3, 11), by=member, practice=stranger_practice)

    assert error.value.reason == "You do not act for Someone Else."


def test_guests_book_when_the_public_may(space, room, coordinator, at):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(BookingRefused):
        create_booking(room, at(3, 10), at(3, 11), by=AnonymousUser(), guest_email="guest@example.org")
    services.save_policy(space, by=coordinator, resource=room, allow_guests=True, requires_approval=True)
    [booking] = create_booking(
        room, at(3, 10), at(3, 11), by=AnonymousUser(), guest_name="Gil", guest_email="guest@example.org"
    )

    assert (booking.kind, booking.status, booking.booked_by) == ("guest", "pending", None)


def test_recurring_conflicts_list_every_date_and_nothing_is_half_booked(room, member, practice, at):
    start = at(7, 19)
    create_booking(
        room, start + dt.timedelta(days=7), start + dt.timedelta(days=7, hours=2), by=member, practice=practice
    )
    create_booking(
        room, start + dt.timedelta(days=21), start + dt.timedelta(days=21, hours=1), by=member, practice=practice
    )

    with pytest.raises(BookingConflict) as error:
        create_booking(
            room, start, start + dt.timedelta(hours=2), by=member, practice=practice, recurrence="FREQ=WEEKLY;COUNT=5"
        )

    assert [c["start"] for c in error.value.conflicts] == [start + dt.timedelta(days=7), start + dt.timedelta(days=21)]
    assert Booking.objects.count() == 2
    assert BookingSeries.objects.count() == 0


def test_recurring_skip_books_the_rest(room, member, practice, at):
    start = at(7, 19)
    create_booking(
        room, start + dt.timedelta(days=7), start + dt.timedelta(days=7, hours=2), by=member, practice=practice
    )

    made = create_booking(
        room,
        start,
        start + dt.timedelta(hours=2),
        by=member,
        practice=practice,
        recurrence="FREQ=WEEKLY;COUNT=4",
        exdates=[start + dt.timedelta(days=14)],
        on_conflict="skip",
    )

    assert [b.start.astimezone(start.tzinfo).hour for b in made] == [19, 19]
    assert [(b.start - start).days for b in made] == [0, 21]
    assert {b.series_id for b in made} == {BookingSeries.objects.get().pk}
    entry = AuditEntry.objects.filter(action="bookings.created").order_by("id").last()
    assert len(entry.after["skipped"]) == 1


def test_skip_with_nothing_free_books_nothing(room, member, practice, at):
    create_booking(room, at(3, 9), at(3, 20), by=member, practice=practice)

    with pytest.raises(BookingConflict):
        create_booking(room, at(3, 10), at(3, 11), by=member, practice=practice, on_conflict="skip")

    assert Booking.objects.count() == 1


def test_check_rules_false_skips_rules_never_overlap(space, room, coordinator, at):
    services.save_policy(space, by=coordinator, resource=room, max_days_ahead=1, requires_approval=True)
    [booking] = create_booking(room, at(30, 10), at(30, 12), by=None, kind="allocation", check_rules=False)

    with pytest.raises(BookingConflict):
        create_booking(room, at(30, 11), at(30, 12), by=None, kind="allocation", check_rules=False)

    assert (booking.status, booking.kind) == ("confirmed", "allocation")


def test_bad_input(room, member, practice, at):
    with pytest.raises(ValidationError):
        create_booking(room, at(3, 12), at(3, 10), by=member, practice=practice)
    with pytest.raises(ValidationError):
        create_booking(room, dt.datetime(2030, 1, 1, 10), dt.datetime(2030, 1, 1, 11), by=member, practice=practice)
    with pytest.raises(ValidationError) as error:
        create_booking(room, at(3, 10), at(3, 11), by=member, practice=practice, recurrence="FREQ=WEEKLY")

    assert error.value.message_dict == {
        "recurrence": ["A recurring booking needs an end date (UNTIL) or a number of times (COUNT)."]
    }


def test_affected_bookings_and_out_of_service(
    space, room, member, practice, coordinator, at, sent, django_capture_on_commit_callbacks
):
    [hit] = create_booking(room, at(3, 10), at(3, 12), by=member, practice=practice)
    create_booking(room, at(4, 10), at(4, 12), by=member, practice=practice)
    [cancelled] = create_booking(room, at(3, 13), at(3, 14), by=member, practice=practice)
    services.cancel_booking(cancelled, by=member)
    closure = f.ClosureFactory(space=space, resource=room, start=at(3, 0), end=at(4, 0), reason="Leak")

    with django_capture_on_commit_callbacks(execute=True):
        count = services.notify_out_of_service(closure, by=coordinator)

    assert list(services.affected_bookings(start=at(3, 0), end=at(4, 0), space=space)) == [hit]
    assert count == 1
    assert sent[-1] == ("out_of_service", (closure, [hit]))


def test_policy_changes_are_for_coordinators(space, room, member):
    with pytest.raises(PermissionDenied):
        services.save_policy(space, by=member, resource=room, max_days_ahead=5)

    assert BookingPolicy.objects.count() == 0
