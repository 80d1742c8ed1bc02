"""Computing waits for the deadline, unless a coordinator closes the requests early (issue 8 acceptance)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from allocation import services
from allocation.models import AllocationRound, SolveRun
from core.models import AuditEntry

from .conftest import ask

pytestmark = pytest.mark.django_db


def test_compute_before_the_deadline_is_refused(round_, member, practice, coordinator):
    ask(round_, member, practice)

    with pytest.raises(services.BeforeDeadline) as error:
        services.compute(round_, by=coordinator)

    assert error.value.code == "before_deadline"
    assert error.value.deadline == round_.deadline
    assert SolveRun.objects.filter(round=round_).count() == 0
    round_.refresh_from_db()
    assert round_.status == AllocationRound.Status.OPEN


def test_close_requests_now_moves_the_deadline_and_allows_computing(round_, member, practice, coordinator):
    ask(round_, member, practice)
    before = timezone.now()

    services.close_requests_now(round_, by=coordinator)

    round_.refresh_from_db()
    assert round_.status == AllocationRound.Status.CLOSED
    assert before <= round_.deadline <= timezone.now()
    assert AuditEntry.objects.filter(action="allocation.requests_closed_early").count() == 1
    assert services.accepting_requests(round_, member) is False
    run = services.compute(round_, by=coordinator)
    assert run.status == SolveRun.Status.DONE


def test_close_requests_now_is_for_coordinators_and_only_before_the_deadline(round_, member, coordinator):
    with pytest.raises(PermissionDenied):
        services.close_requests_now(round_, by=member)
    AllocationRound.objects.filter(pk=round_.pk).update(deadline=timezone.now() - dt.timedelta(minutes=1))
    round_.refresh_from_db()
    with pytest.raises(services.StateError):
        services.close_requests_now(round_, by=coordinator)


def test_round_page_says_when_computing_becomes_available(client_for, space, round_, member, practice, coordinator):
    ask(round_, member, practice)
    client = client_for(coordinator)
    page = client.get(f"/en/spaces/{space.slug}/allocation/{round_.pk}/")
    html = page.content.decode()
    assert "The timetable can be computed after the deadline for requests" in html
    assert f"/allocation/{round_.pk}/solve/" not in html
    assert f"/allocation/{round_.pk}/close-now/" in html

    refused = client.post(f"/en/spaces/{space.slug}/allocation/{round_.pk}/solve/", follow=True)
    assert "Requests may come until the deadline" in refused.content.decode()
    assert SolveRun.objects.count() == 0

    confirm = client.get(f"/en/spaces/{space.slug}/allocation/{round_.pk}/close-now/")
    assert confirm.status_code == 200
    assert "Closing now moves it to now" in confirm.content.decode()
    closed = client.post(f"/en/spaces/{space.slug}/allocation/{round_.pk}/close-now/", follow=True)
    assert "Requests are closed" in closed.content.decode()
    assert f"/allocation/{round_.pk}/solve/" in closed.content.decode()


def test_api_solve_before_the_deadline_is_409_with_a_code(api, round_, member, practice, coordinator):
    ask(round_, member, practice)

    response = api(coordinator).post(f"/api/v1/allocation-rounds/{round_.pk}/solve")

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "before_deadline"
    assert body["deadline"] == round_.deadline.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    closed = api(coordinator).post(f"/api/v1/allocation-rounds/{round_.pk}/close-requests")
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed"
    again = api(coordinator).post(f"/api/v1/allocation-rounds/{round_.pk}/close-requests")
    assert again.status_code == 409
    assert api(coordinator).post(f"/api/v1/allocation-rounds/{round_.pk}/solve").status_code == 202
