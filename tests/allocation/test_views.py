"""The pages of allocation rounds: the request form, the progress while solving, the result and its "why"."""

from __future__ import annotations

import pytest
from django.urls import reverse

from allocation import services
from allocation.models import AllocationRequest, SolveRun

from .conftest import ask, window

pytestmark = pytest.mark.django_db


def test_member_submits_a_request_through_the_form(client_for, space, round_, rooms, member, practice):
    url = reverse("allocation:request-new", kwargs={"slug": space.slug, "pk": round_.pk})
    response = client_for(member).post(
        url,
        {
            "practice": practice.pk,
            "title": "Rehearsal",
            "resources": [rooms[0].pk],
            "capacity": 4,
            "duration_minutes": 120,
            "flexibility_minutes": 30,
            "priority": 5,
            "day_1": 2,
            "start_1": "18:00",
            "end_1": "21:00",
        },
    )
    assert response.status_code == 302
    request = AllocationRequest.objects.get(round=round_)
    assert (request.title, request.windows, request.priority) == (
        "Rehearsal",
        [{"weekday": 2, "start": "18:00", "end": "21:00"}],
        5,
    )


def test_form_shows_the_services_errors(client_for, space, round_, member, practice):
    url = reverse("allocation:request-new", kwargs={"slug": space.slug, "pk": round_.pk})
    response = client_for(member).post(
        url, {"practice": practice.pk, "duration_minutes": 120, "capacity": 1, "priority": 3}
    )
    assert response.status_code == 200
    assert "Choice 1: day" in response.content.decode()


def test_round_page_refreshes_while_solving(client_for, space, round_, member):
    SolveRun.objects.create(round=round_, status=SolveRun.Status.RUNNING, progress=40)
    response = client_for(member).get(reverse("allocation:round", kwargs={"slug": space.slug, "pk": round_.pk}))
    html = response.content.decode()
    assert 'http-equiv="refresh"' in html
    assert 'value="40"' in html


def test_result_page_shows_timetable_figures_and_why(
    client_for, space, round_, rooms, member, practice, second_member, second_practice, coordinator
):
    round_.resources.set(rooms[:1])
    ask(round_, member, practice, resources=rooms[:1], title="Choir", windows=[window(start="18:00", end="20:00")])
    ask(
        round_,
        second_member,
        second_practice,
        resources=rooms[:1],
        title="Dance",
        windows=[window(start="18:00", end="20:00")],
    )
    services.set_status(round_, "closed", by=coordinator)
    services.start_solve(round_, by=coordinator)
    response = client_for(member).get(reverse("allocation:result", kwargs={"slug": space.slug, "pk": round_.pk}))
    html = response.content.decode()
    assert response.status_code == 200
    assert "First come, first served" in html and "Jain" in html
    assert "Not granted" in html and "Why:" in html
    assert "Publish" not in html  # members do not publish
    coordinator_html = client_for(coordinator).get(response.request["PATH_INFO"]).content.decode()
    assert "Publish: turn every slot into weekly bookings" in coordinator_html


def test_space_navigation_links_to_the_rounds(client_for, space, member):
    response = client_for(member).get(reverse("allocation:rounds", kwargs={"slug": space.slug}))
    assert reverse("allocation:rounds", kwargs={"slug": space.slug}) in response.content.decode()
    assert 'aria-current="page"' in response.content.decode()


def test_round_list_queries_do_not_grow_with_the_rounds(client_for, space, rooms, coordinator, member):
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    client = client_for(member)
    url = reverse("allocation:rounds", kwargs={"slug": space.slug})
    counts = []
    for total in (1, 3):
        while space.allocation_rounds.count() < total:
            services.create_round(
                space,
                by=coordinator,
                name=f"R{space.allocation_rounds.count()}",
                resources=rooms,
                season_start=dt.date(2031, 9, 1),
                season_end=dt.date(2031, 12, 1),
                deadline=timezone.now() + dt.timedelta(days=3),
            )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_coordinator_sets_entitlements_by_hand(client_for, space, practice, round_, coordinator, member):
    url = reverse("allocation:entitlements", kwargs={"slug": space.slug, "pk": round_.pk})
    assert client_for(member).get(url).status_code == 403
    response = client_for(coordinator).post(url, {f"weight_{practice.pk}": "2.50"})
    assert response.status_code == 302
    round_.refresh_from_db()
    assert round_.entitlement_rule == "manual"
    assert str(round_.entitlements.get(practice=practice).weight) == "2.50"
