"""Booking in the web UI: once, repeating (weekly, every other week, monthly by weekday), exceptions, conflicts
(book the rest or give up), and the rules' refusals in plain words."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from bookings.forms import BookingForm
from bookings.models import Booking, BookingSeries
from tests import factories as f

from .conftest import BRUSSELS, local, local_day
from .factories import BookingFactory, BookingPolicyFactory

pytestmark = pytest.mark.django_db


def book_url(space) -> str:
    return f"/en/spaces/{space.slug}/bookings/new/"


def form_data(resource, day: dt.date, **extra) -> dict:
    return {
        "resource": resource.pk,
        "date": day.isoformat(),
        "start": "10:00",
        "end": "12:00",
        "repeat": "none",
        "title": "Rehearsal",
        **extra,
    }


def _form(space, member, data) -> BookingForm:
    form = BookingForm(data, space=space, user=member)
    assert form.is_valid(), form.errors
    return form


# --- the form builds the rule --------------------------------------------------------------------------------


def test_form_builds_weekly_rule_with_count(space, member, room):
    form = _form(space, member, form_data(room, local_day(3), repeat="weekly", count=4))

    assert form.recurrence() == "FREQ=WEEKLY;COUNT=4"


def test_form_builds_every_other_week_rule_until_a_day(space, member, room):
    form = _form(space, member, form_data(room, dt.date(2031, 3, 4), repeat="biweekly", until="2031-06-30"))

    assert form.recurrence() == "FREQ=WEEKLY;INTERVAL=2;UNTIL=20310630T235959"


def test_form_builds_monthly_rule_on_the_same_weekday(space, member, room):
    # 2031-03-11 is the second Tuesday of March 2031.
    form = _form(space, member, form_data(room, dt.date(2031, 3, 11), repeat="monthly", count=3))

    assert form.recurrence() == "FREQ=MONTHLY;COUNT=3;BYDAY=+2TU"


def test_form_uses_last_weekday_for_a_fifth_weekday(space, member, room):
    # 2031-03-31 is the fifth (and last) Monday of March 2031.
    form = _form(space, member, form_data(room, dt.date(2031, 3, 31), repeat="monthly", count=2))

    assert form.recurrence() == "FREQ=MONTHLY;COUNT=2;BYDAY=-1MO"


def test_form_gives_local_times_in_utc(space, member, room):
    form = _form(space, member, form_data(room, dt.date(2031, 7, 1)))

    assert form.period() == (
        dt.datetime(2031, 7, 1, 8, 0, tzinfo=dt.UTC),
        dt.datetime(2031, 7, 1, 10, 0, tzinfo=dt.UTC),
    )


def test_form_needs_an_end_for_a_repeat(space, member, room):
    form = BookingForm(form_data(room, local_day(3), repeat="weekly"), space=space, user=member)

    assert not form.is_valid()
    assert form.errors["until"] == ["Give an end date or a number of times for a repeating booking."]


def test_form_refuses_an_unreadable_exception(space, member, room):
    data = form_data(room, local_day(3), repeat="weekly", count=3, exceptions="next tuesday")

    form = BookingForm(data, space=space, user=member)

    assert not form.is_valid()
    assert form.errors["exceptions"] == ["“next” is not a date; write dates as YYYY-MM-DD."]


def test_form_offers_only_the_members_practices(space, member, practice, room):
    f.PracticeFactory(name="Someone else's practice")

    form = BookingForm(space=space, user=member)

    assert list(form.fields["practice"].queryset) == [practice]


# --- the page -------------------------------------------------------------------------------------------------


def test_member_books_once(member_client, space, member, practice, room, django_capture_on_commit_callbacks):
    day = local_day(4)

    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(book_url(space), form_data(room, day, practice=practice.pk))

    booking = Booking.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/en/spaces/{space.slug}/bookings/{booking.pk}/"
    assert (booking.resource, booking.practice, booking.booked_by, booking.status) == (
        room,
        practice,
        member,
        Booking.Status.CONFIRMED,
    )
    assert (booking.start, booking.end) == (local(4, 10), local(4, 12))


def test_member_books_weekly_with_an_exception(member_client, space, practice, room):
    day = local_day(3)
    skipped = day + dt.timedelta(days=7)
    data = form_data(room, day, practice=practice.pk, repeat="weekly", count=4, exceptions=skipped.isoformat())

    response = member_client.post(book_url(space), data)

    assert response.status_code == 302
    starts = [b.start.astimezone(BRUSSELS) for b in Booking.objects.order_by("start")]
    assert [s.date() for s in starts] == [day, day + dt.timedelta(days=14), day + dt.timedelta(days=21)]
    assert {(s.hour, s.minute) for s in starts} == {(10, 0)}
    assert BookingSeries.objects.get().rrule == "FREQ=WEEKLY;COUNT=4"


def test_recurring_conflict_shows_the_dates_and_books_nothing(member_client, space, practice, room):
    day = local_day(3)
    BookingFactory(resource=room, start=local(10, 11), end=local(10, 13))
    data = form_data(room, day, practice=practice.pk, repeat="weekly", count=3)

    response = member_client.post(book_url(space), data)

    assert response.status_code == 200
    assert Booking.objects.count() == 1
    assert response.context["conflicts"] == [{"start": local(10, 10), "end": local(10, 12), "reason": "already booked"}]
    assert response.context["free_count"] == 2
    assert "Book the 2 free dates" in response.content.decode()


def test_member_books_the_rest_of_a_colliding_series(member_client, space, practice, room):
    day = local_day(3)
    BookingFactory(resource=room, start=local(10, 11), end=local(10, 13))
    data = form_data(room, day, practice=practice.pk, repeat="weekly", count=3, on_conflict="skip")

    response = member_client.post(book_url(space), data)

    assert response.status_code == 302
    mine = Booking.objects.filter(practice=practice).order_by("start")
    assert [b.start for b in mine] == [local(3, 10), local(17, 10)]


def test_closure_is_a_conflict(member_client, space, practice, room):
    f.ClosureFactory(space=space, start=local(5, 0), end=local(6, 0), reason="Painting the floor")

    response = member_client.post(book_url(space), form_data(room, local_day(5), practice=practice.pk))

    assert response.status_code == 200
    assert [c["reason"] for c in response.context["conflicts"]] == ["Painting the floor"]
    assert Booking.objects.count() == 0


def test_member_who_may_not_book_sees_why(member_client, space, practice, room):
    BookingPolicyFactory(space=space, resource=room, allow_practices=False)

    response = member_client.post(book_url(space), form_data(room, local_day(4), practice=practice.pk))

    assert response.status_code == 200
    assert response.context["refusal"] == "Studio 2 cannot be booked by the practices of Werkplaats."
    assert "Studio 2 cannot be booked by the practices of Werkplaats." in response.content.decode()
    assert Booking.objects.count() == 0


def test_rules_refusal_is_shown_before_submitting(member_client, space, practice, room):
    BookingPolicyFactory(space=space, resource=room, allow_practices=False)

    response = member_client.get(book_url(space) + f"?resource={room.pk}")

    assert response.context["refusal"] == "Studio 2 cannot be booked by the practices of Werkplaats."


def test_too_long_booking_is_refused_with_the_rule(member_client, space, practice, room):
    BookingPolicyFactory(space=space, resource=room, max_duration_minutes=60)

    response = member_client.post(book_url(space), form_data(room, local_day(4), practice=practice.pk))

    assert response.context["refusal"] == "A booking of Studio 2 can last at most 60 minutes."
    assert Booking.objects.count() == 0


def test_booking_needing_approval_is_pending(member_client, space, practice, room):
    BookingPolicyFactory(space=space, resource=room, requires_approval=True)

    response = member_client.post(book_url(space), form_data(room, local_day(4), practice=practice.pk))

    assert response.status_code == 302
    assert Booking.objects.get().status == Booking.Status.PENDING


def test_end_before_start_is_a_form_error(member_client, space, practice, room):
    response = member_client.post(book_url(space), form_data(room, local_day(4), start="12:00", end="10:00"))

    assert response.status_code == 200
    assert response.context["form"].errors["end"] == ["The end must be after the start."]
    assert Booking.objects.count() == 0


def test_another_spaces_resource_is_not_a_choice(member_client, space, other_space, practice):
    elsewhere = f.ResourceFactory(space=other_space, name="Sala 1")

    response = member_client.post(book_url(space), form_data(elsewhere, local_day(4)))

    assert response.status_code == 200
    assert "resource" in response.context["form"].errors
    assert Booking.objects.count() == 0


def test_form_is_prefilled_from_a_link(member_client, space, room):
    day = local_day(4)

    response = member_client.get(book_url(space) + f"?resource={room.pk}&date={day}&start=14:00&end=15:30")

    form = response.context["form"]
    assert (form["resource"].value(), form["date"].value(), form["start"].value(), form["end"].value()) == (
        room.pk,
        day.isoformat(),
        "14:00",
        "15:30",
    )


# --- guests ------------------------------------------------------------------------------------------------------


def guest_data(resource, day, **extra) -> dict:
    return form_data(resource, day, guest_name="Gia Guest", guest_email="gia@example.net", **extra)


def test_guest_books_where_the_rules_let_the_public_book(client, space, room, django_capture_on_commit_callbacks):
    BookingPolicyFactory(space=space, resource=room, allow_guests=True)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(book_url(space), guest_data(room, local_day(4)))

    booking = Booking.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/en/spaces/{space.slug}/bookings/public/"
    assert (booking.booked_by, booking.guest_name, booking.guest_email, booking.kind) == (
        None,
        "Gia Guest",
        "gia@example.net",
        Booking.Kind.GUEST,
    )
    assert [m.to for m in mail.outbox] == [["gia@example.net"]]


def test_guest_is_refused_where_only_practices_book(client, space, room):
    response = client.post(book_url(space), guest_data(room, local_day(4)))

    assert response.status_code == 200
    assert response.context["refusal"] == "Only the practices of Werkplaats may book Studio 2."
    assert Booking.objects.count() == 0


def test_guest_form_asks_name_and_email_not_practice(client, space, room):
    form = client.get(book_url(space)).context["form"]

    assert ("practice" in form.fields, "is_public" in form.fields) == (False, False)
    assert (form.fields["guest_name"].required, form.fields["guest_email"].required) == (True, True)


def test_guest_must_give_an_email(client, space, room):
    BookingPolicyFactory(space=space, resource=room, allow_guests=True)

    response = client.post(book_url(space), form_data(room, local_day(4), guest_name="Gia"))

    assert response.context["form"].errors["guest_email"] == ["This field is required."]
    assert Booking.objects.count() == 0


def test_visitor_sees_only_public_resources(client, space, room):
    f.ResourceFactory(space=space, name="Members' desk", visibility="members")

    form = client.get(book_url(space)).context["form"]

    assert list(form.fields["resource"].queryset) == [room]
