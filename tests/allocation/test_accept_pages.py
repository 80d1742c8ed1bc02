"""Acceptance fixes on the allocation pages (issue 8): forms a screen reader can follow, no "why" before the
timetable is computed, swaps that say whose slot it is, and a release that asks first."""

from __future__ import annotations

import pytest
from django.urls import reverse

from allocation import services
from allocation.models import AllocationRound, GrantedSlot
from bookings.models import Booking

from .conftest import ask, window

pytestmark = pytest.mark.django_db


def _url(name, round_, **kwargs):
    return reverse(f"allocation:{name}", kwargs={"slug": round_.space.slug, "pk": round_.pk, **kwargs})


def _solve(round_, coordinator):
    services.set_status(round_, AllocationRound.Status.CLOSED, by=coordinator)
    services.start_solve(round_, by=coordinator)
    round_.refresh_from_db()


def _published(round_, rooms, member, practice, second_member, second_practice, coordinator):
    """One room, two practices asking for Monday 18:00-20:00 and Tuesday 18:00-20:00: both get a slot."""
    round_.resources.set(rooms[:1])
    ask(round_, member, practice, resources=rooms[:1], title="Choir", windows=[window(0)])
    ask(round_, second_member, second_practice, resources=rooms[:1], title="Dance", windows=[window(1)])
    _solve(round_, coordinator)
    services.publish(round_, by=coordinator)
    return GrantedSlot.objects.get(round=round_, request__practice=practice)


def test_the_resources_checkboxes_are_a_group_with_a_legend(client_for, space, round_, member, coordinator):
    pages = [
        (coordinator, reverse("allocation:round-new", kwargs={"slug": space.slug})),
        (member, _url("request-new", round_)),
    ]
    for person, url in pages:
        html = client_for(person).get(url).content.decode()

        assert '<fieldset class="field"' in html
        assert "<legend>Resources</legend>" in html


def test_result_gives_no_reasons_before_the_timetable_is_computed(client_for, space, round_, rooms, member, practice):
    ask(round_, member, practice, resources=rooms[:1], title="Choir")

    html = client_for(member).get(_url("result", round_)).content.decode()

    assert "Not granted yet: Choir." in html
    assert "Why:" not in html
    assert "The timetable is not computed yet" in html


def test_result_gives_the_reasons_once_computed(
    client_for, space, round_, rooms, member, practice, second_member, second_practice, coordinator
):
    round_.resources.set(rooms[:1])
    ask(round_, member, practice, resources=rooms[:1], title="Choir", windows=[window(0)])
    ask(round_, second_member, second_practice, resources=rooms[:1], title="Dance", windows=[window(0)])
    _solve(round_, coordinator)

    html = client_for(member).get(_url("result", round_)).content.decode()

    assert "Not granted: " in html and "Why:" in html
    assert "Not granted yet" not in html


def test_place_form_shows_the_start_in_hours_and_minutes(
    client_for, space, round_, rooms, member, practice, coordinator
):
    request = ask(round_, member, practice, resources=rooms[:1], title="Choir")
    _solve(round_, coordinator)

    html = client_for(coordinator).get(_url("place", round_, req=request.pk)).content.decode()

    assert 'name="start" value="18:00"' in html


def test_swap_form_names_the_practice_holding_each_slot(
    client_for, space, round_, rooms, member, practice, second_member, second_practice, coordinator
):
    mine = _published(round_, rooms, member, practice, second_member, second_practice, coordinator)

    html = client_for(member).get(_url("swap", round_, slot=mine.pk)).content.decode()

    assert "Tuesday 18:00–20:00 Studio A — Collectif Sud</option>" in html


def test_release_asks_first_and_changes_nothing(
    client_for, space, round_, rooms, member, practice, second_member, second_practice, coordinator
):
    mine = _published(round_, rooms, member, practice, second_member, second_practice, coordinator)
    url = _url("release", round_, slot=mine.pk)

    response = client_for(member).get(url)

    html = response.content.decode()
    assert response.status_code == 200
    assert "You cannot take it back." in html
    assert '<form method="post" class="form-actions">' in html  # posts back to this page
    mine.refresh_from_db()
    assert mine.released_at is None
    assert Booking.objects.filter(series=mine.series, status__in=Booking.HOLDING).count() == 4


def test_release_after_confirming(
    client_for, space, round_, rooms, member, practice, second_member, second_practice, coordinator
):
    mine = _published(round_, rooms, member, practice, second_member, second_practice, coordinator)

    response = client_for(member).post(_url("release", round_, slot=mine.pk))

    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.released_at is not None
    assert Booking.objects.filter(series=mine.series, status__in=Booking.HOLDING).count() == 0


def test_result_links_to_the_release_confirmation(
    client_for, space, round_, rooms, member, practice, second_member, second_practice, coordinator
):
    mine = _published(round_, rooms, member, practice, second_member, second_practice, coordinator)

    html = client_for(member).get(_url("result", round_)).content.decode()

    assert f'href="{_url("release", round_, slot=mine.pk)}"' in html


def test_release_page_of_a_round_not_published_sends_back_with_the_reason(
    client_for, space, round_, rooms, member, practice, coordinator
):
    request = ask(round_, member, practice, resources=rooms[:1], title="Choir")
    _solve(round_, coordinator)
    slot = GrantedSlot.objects.get(round=round_, request=request)

    response = client_for(member).get(_url("release", round_, slot=slot.pk), follow=True)

    assert response.redirect_chain[-1][0] == _url("result", round_)
    assert "Only a published slot that is still held can be released." in response.content.decode()


def test_release_page_of_another_practice_is_forbidden(
    client_for, space, round_, rooms, member, practice, second_member, second_practice, coordinator
):
    mine = _published(round_, rooms, member, practice, second_member, second_practice, coordinator)

    response = client_for(second_member).get(_url("release", round_, slot=mine.pk))

    assert response.status_code == 403
