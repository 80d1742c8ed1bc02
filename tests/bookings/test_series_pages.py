"""Pages of a recurring booking as a whole (queue rows, approve/refuse all, cancel the following dates), the
network choice of "Find a place", and quota refusals that name what the quota covers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from bookings import rules as booking_rules
from bookings import services
from bookings.forms import FindForm
from bookings.models import Booking
from tests import factories as f

from .conftest import BRUSSELS, local
from .factories import BookingPolicyFactory

pytestmark = pytest.mark.django_db


def _series(room, member, practice) -> list[Booking]:
    return services.create_booking(
        room, local(7, 10), local(7, 12), by=member, practice=practice, recurrence="FREQ=WEEKLY;COUNT=3"
    )


def _url(space, booking, action="") -> str:
    return f"/en/spaces/{space.slug}/bookings/{booking.pk}/{action}"


def test_queue_shows_a_series_as_one_row(space, room, member, practice, coordinator_client):
    BookingPolicyFactory(space=space, resource=room, requires_approval=True)
    dates = _series(room, member, practice)

    page = coordinator_client.get(f"/en/spaces/{space.slug}/bookings/pending/").content.decode()

    assert "a series: 3 dates waiting" in page
    assert "Approve all 3 dates" in page
    assert _url(space, dates[0], "approve-series/") in page
    assert _url(space, dates[0], "refuse-series/") in page
    # Single dates can still be decided one by one.
    assert _url(space, dates[2], "approve/") in page


def test_approve_all_from_the_queue(space, room, member, practice, coordinator_client):
    BookingPolicyFactory(space=space, resource=room, requires_approval=True)
    dates = _series(room, member, practice)

    response = coordinator_client.post(_url(space, dates[0], "approve-series/"), follow=True)

    assert set(Booking.objects.values_list("status", flat=True)) == {"confirmed"}
    assert "3 dates are approved; we told the person who asked." in response.content.decode()
    assert response.redirect_chain[-1][0] == f"/en/spaces/{space.slug}/bookings/pending/"


def test_refuse_all_asks_a_reason_then_refuses(space, room, member, practice, coordinator_client):
    BookingPolicyFactory(space=space, resource=room, requires_approval=True)
    dates = _series(room, member, practice)

    form = coordinator_client.get(_url(space, dates[1], "refuse-series/"))
    empty = coordinator_client.post(_url(space, dates[1], "refuse-series/"), {"reason": ""})
    done = coordinator_client.post(_url(space, dates[1], "refuse-series/"), {"reason": "Works"})

    assert "These 3 dates wait for approval:" in form.content.decode()
    assert empty.status_code == 200
    assert done.status_code == 302
    assert set(Booking.objects.values_list("status", "reason")) == {("refused", "Works")}


def test_member_may_not_approve_a_series(space, room, member, practice, member_client):
    BookingPolicyFactory(space=space, resource=room, requires_approval=True)
    dates = _series(room, member, practice)

    response = member_client.post(_url(space, dates[0], "approve-series/"))

    assert response.status_code == 403
    assert set(Booking.objects.values_list("status", flat=True)) == {"pending"}


def test_detail_offers_to_cancel_the_following_dates(space, room, member, practice, member_client):
    dates = _series(room, member, practice)

    page = member_client.get(_url(space, dates[1])).content.decode()

    assert "Cancel this date and the following one" in page
    assert _url(space, dates[1], "cancel-following/") in page


def test_cancel_following_page_lists_then_cancels(space, room, member, practice, member_client):
    dates = _series(room, member, practice)

    page = member_client.get(_url(space, dates[0], "cancel-following/")).content.decode()
    response = member_client.post(_url(space, dates[0], "cancel-following/"), {"reason": "Moving out"}, follow=True)

    assert "These 3 dates will be cancelled:" in page
    assert "3 bookings are cancelled." in response.content.decode()
    assert set(Booking.objects.values_list("status", flat=True)) == {"cancelled"}


def _day(value) -> str:
    local_value = timezone.localtime(value, BRUSSELS)
    return f"{date_format(local_value, 'l')} {date_format(local_value, 'DATE_FORMAT')}"


def test_cancel_following_says_when_the_series_will_end_then_ends_it(space, room, member, practice, member_client):
    dates = _series(room, member, practice)

    page = member_client.get(_url(space, dates[1], "cancel-following/")).content.decode()
    response = member_client.post(_url(space, dates[1], "cancel-following/"), {"reason": ""}, follow=True)

    assert f"The series will then end on {_day(dates[0].start)}." in page
    assert f"2 bookings are cancelled. The series now ends on {_day(dates[0].start)}." in response.content.decode()
    assert Booking.objects.get(pk=dates[0].pk).series.rrule == "FREQ=WEEKLY;COUNT=1"


def test_cancel_following_from_the_first_date_says_the_whole_series_goes(space, room, member, practice, member_client):
    dates = _series(room, member, practice)

    page = member_client.get(_url(space, dates[0], "cancel-following/")).content.decode()
    response = member_client.post(_url(space, dates[0], "cancel-following/"), {"reason": ""}, follow=True)

    assert "This is the first date of the series: the whole series will be cancelled." in page
    assert "3 bookings are cancelled. The whole series is cancelled." in response.content.decode()


def test_cancel_following_of_someone_elses_series_is_forbidden(space, room, member, practice, client_for):
    dates = _series(room, member, practice)
    other = f.make_member_of(space, practice=f.PracticeFactory(name="Other"), email="other@example.org")

    response = client_for(other).post(_url(space, dates[0], "cancel-following/"), {"reason": ""})

    assert response.status_code == 403
    assert set(Booking.objects.values_list("status", flat=True)) == {"confirmed"}


# --- Find a place: a network ---------------------------------------------------------------------------------


def test_find_offers_the_networks_of_the_users_spaces(network, member):
    f.NetworkFactory(name="Elsewhere", slug="elsewhere")

    form = FindForm(user=member)

    assert list(form.fields["network"].queryset) == [network]


def test_find_has_no_network_choice_for_visitors():
    from django.contrib.auth.models import AnonymousUser

    assert "network" not in FindForm(user=AnonymousUser()).fields


def test_find_refuses_a_space_and_a_network(network, space, member):
    data = {"space": space.pk, "network": network.pk, "date": "2030-01-07", "start": "09:00", "end": "18:00"}

    form = FindForm({**data, "duration": 60}, user=member)

    assert not form.is_valid()
    assert form.errors["network"] == ["Choose a space or a network, not both."]


def test_find_searches_one_network(network, space, member, member_client):
    room = f.ResourceFactory(space=space, name="Net room")
    away = f.SpaceFactory(network=f.NetworkFactory(name="Far", slug="far"), slug="far-space", name="Far space")
    f.ResourceFactory(space=away, name="Far room", visibility="public")
    day = (dt.date.today() + dt.timedelta(days=3)).isoformat()

    page = member_client.get(
        f"/en/find/?network={network.pk}&date={day}&start=09:00&end=18:00&duration=60"
    ).content.decode()
    everywhere = member_client.get(f"/en/find/?date={day}&start=09:00&end=18:00&duration=60").content.decode()

    assert room.name in page
    assert "Far room" not in page
    assert "Far room" in everywhere
    assert f'<option value="{network.pk}" selected>' in page


# --- Quota refusals ------------------------------------------------------------------------------------------


def test_group_quota_refusal_names_the_group_and_the_hours_booked(space, coordinator, member, practice):
    wood = f.ResourceFactory(space=space, name="Wood workshop")
    kiln = f.ResourceFactory(space=space, name="Ceramic kiln")
    screen = f.ResourceFactory(space=space, name="Screen-printing studio")
    group = services.save_group(space, by=coordinator, name="Workshops", resources=[wood, kiln, screen])
    services.save_policy(space, by=coordinator, group=group, quota_hours=16, quota_period="week")
    monday = local(14, 9) - dt.timedelta(days=local(14, 9).weekday())
    services.create_booking(kiln, monday, monday + dt.timedelta(hours=10), by=member, practice=practice)
    policy = booking_rules.effective_policy(screen)

    reason = booking_rules.check_quota(
        policy, screen, [(monday + dt.timedelta(days=1), monday + dt.timedelta(days=1, hours=7))], practice
    )

    assert reason == (
        "Atelier Nord may book the Workshops group (Ceramic kiln, Screen-printing studio, Wood workshop) for at "
        "most 16 hours per week. 10 hours are already booked that week."
    )


def test_space_quota_refusal_says_all_together(space, coordinator, member, practice, room):
    services.save_policy(space, by=coordinator, quota_hours=2, quota_period="month")
    policy = booking_rules.effective_policy(room)

    reason = booking_rules.check_quota(policy, room, [(local(7, 9), local(7, 12))], practice)

    assert reason == "Atelier Nord may book the resources of Werkplaats for at most 2 hours per month, all together."


def test_resource_quota_refusal_counts_half_hours(space, coordinator, member, practice, room):
    services.save_policy(space, by=coordinator, resource=room, quota_hours=2, quota_period="week")
    start = local(7, 9)
    services.create_booking(room, start, start + dt.timedelta(minutes=90), by=member, practice=practice)
    policy = booking_rules.effective_policy(room)

    reason = booking_rules.check_quota(policy, room, [(local(7, 14), local(7, 15))], practice)

    assert (
        reason == "Atelier Nord may book Studio 2 for at most 2 hours per week. 1.5 hours are already booked that week."
    )
