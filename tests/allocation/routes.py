"""Isolation Cases for every allocation-round route (UI and API)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from allocation import services
from allocation.models import AllocationRound, GrantedSlot, SwapProposal
from tests import factories as f
from tests.isolation import API_COORDINATOR, API_MEMBER, COORDINATOR, MEMBER, Case, expect

START = dt.date(2031, 9, 1)  # a Monday
END = dt.date(2031, 9, 29)


def _round(world, name, status):
    round_ = services.create_round(
        world.space,
        by=world.coordinator,
        name=name,
        resources=[world.resource],
        season_start=START,
        season_end=END,
        deadline=timezone.now() + dt.timedelta(days=30),
        seed=7,
    )
    AllocationRound.objects.filter(pk=round_.pk).update(status=status)
    round_.refresh_from_db()
    return round_


def _ask(world, round_, practice, by, start="10:00"):
    return services.submit_request(
        round_,
        by=by,
        practice=practice,
        resources=[world.resource],
        duration_minutes=60,
        windows=[{"weekday": 0, "start": start, "end": "17:00"}],
    )


def _grant(round_, request, resource, start):
    return GrantedSlot.objects.create(
        round=round_, request=request, resource=resource, weekday=0, start=dt.time(start), end=dt.time(start + 1)
    )


def build(world):
    world.alloc_round = _round(world, "Iso round", AllocationRound.Status.OPEN)
    world.alloc_request = _ask(world, world.alloc_round, world.practice, world.member)
    # Past its deadline: the timetable may be computed.
    world.alloc_due = _round(world, "Iso due", AllocationRound.Status.OPEN)
    _ask(world, world.alloc_due, world.practice, world.member)
    AllocationRound.objects.filter(pk=world.alloc_due.pk).update(deadline=timezone.now() - dt.timedelta(hours=1))

    world.alloc_proposed = _round(world, "Iso proposed", AllocationRound.Status.OPEN)
    request = _ask(world, world.alloc_proposed, world.practice, world.member)
    AllocationRound.objects.filter(pk=world.alloc_proposed.pk).update(status=AllocationRound.Status.PROPOSED)
    world.alloc_proposed.refresh_from_db()
    world.alloc_proposed_request = request
    world.alloc_proposed_slot = _grant(world.alloc_proposed, request, world.resource, 15)

    neighbour = f.PracticeFactory(name="Iso Neighbour")
    f.SpaceMembershipFactory(space=world.space, practice=neighbour)
    published = _round(world, "Iso published", AllocationRound.Status.OPEN)
    mine = _ask(world, published, world.practice, world.member)
    theirs = _ask(world, published, neighbour, world.coordinator, start="13:00")
    AllocationRound.objects.filter(pk=published.pk).update(status=AllocationRound.Status.PROPOSED)
    published.refresh_from_db()
    world.alloc_my_slot = _grant(published, mine, world.resource, 10)
    their_slot = _grant(published, theirs, world.resource, 13)
    services.publish(published, by=world.coordinator)
    world.alloc_published = published
    world.alloc_swap = SwapProposal.objects.create(
        round=published, offered=their_slot, wanted=world.alloc_my_slot, proposed_by=world.coordinator
    )


def ui(suffix):
    return lambda w: f"/en/spaces/{w.space.slug}/allocation/{suffix(w) if callable(suffix) else suffix}"


POSTED = expect(COORDINATOR, coordinator=302)
MEMBER_POSTED = expect(MEMBER, member=302, coordinator=302)

ROUTES = {
    "allocation:rounds": Case(ui(""), MEMBER),
    "allocation:round-new": [
        Case(ui("new/"), COORDINATOR),
        Case(
            ui("new/"),
            POSTED,
            method="post",
            data=lambda w: {
                "name": "Spring",
                "resources": [w.resource.pk],
                "season_start": "2032-03-01",
                "season_end": "2032-06-30",
                "deadline": "2032-02-01T12:00",
                "entitlement_rule": "equal",
                "slot_minutes": "60",
            },
        ),
    ],
    "allocation:round": Case(ui(lambda w: f"{w.alloc_round.pk}/"), MEMBER),
    "allocation:progress": Case(ui(lambda w: f"{w.alloc_round.pk}/progress/"), MEMBER),
    "allocation:round-status": Case(
        ui(lambda w: f"{w.alloc_round.pk}/status/"), POSTED, method="post", data=lambda w: {"status": "closed"}
    ),
    "allocation:entitlements": Case(ui(lambda w: f"{w.alloc_round.pk}/entitlements/"), COORDINATOR),
    "allocation:request-new": Case(ui(lambda w: f"{w.alloc_round.pk}/requests/new/"), MEMBER),
    "allocation:request-edit": Case(ui(lambda w: f"{w.alloc_round.pk}/requests/{w.alloc_request.pk}/edit/"), MEMBER),
    "allocation:request-delete": Case(
        ui(lambda w: f"{w.alloc_round.pk}/requests/{w.alloc_request.pk}/delete/"), MEMBER_POSTED, method="post"
    ),
    "allocation:place": Case(
        ui(lambda w: f"{w.alloc_proposed.pk}/requests/{w.alloc_proposed_request.pk}/place/"), COORDINATOR
    ),
    "allocation:solve": Case(ui(lambda w: f"{w.alloc_round.pk}/solve/"), POSTED, method="post"),
    "allocation:close-now": [
        Case(ui(lambda w: f"{w.alloc_round.pk}/close-now/"), COORDINATOR),
        Case(ui(lambda w: f"{w.alloc_round.pk}/close-now/"), POSTED, method="post"),
    ],
    "allocation:result": [
        Case(ui(lambda w: f"{w.alloc_proposed.pk}/result/"), MEMBER),
        Case(ui(lambda w: f"{w.alloc_published.pk}/result/"), MEMBER),
    ],
    "allocation:publish": Case(ui(lambda w: f"{w.alloc_proposed.pk}/publish/"), POSTED, method="post"),
    "allocation:slot-remove": Case(
        ui(lambda w: f"{w.alloc_proposed.pk}/slots/{w.alloc_proposed_slot.pk}/remove/"), POSTED, method="post"
    ),
    "allocation:release": [
        Case(ui(lambda w: f"{w.alloc_published.pk}/slots/{w.alloc_my_slot.pk}/release/"), MEMBER),  # asks first
        Case(ui(lambda w: f"{w.alloc_published.pk}/slots/{w.alloc_my_slot.pk}/release/"), MEMBER_POSTED, method="post"),
    ],
    "allocation:swap": Case(ui(lambda w: f"{w.alloc_published.pk}/slots/{w.alloc_my_slot.pk}/swap/"), MEMBER),
    "allocation:swap-answer": Case(
        ui(lambda w: f"{w.alloc_published.pk}/swaps/{w.alloc_swap.pk}/answer/"),
        MEMBER_POSTED,
        method="post",
        data=lambda w: {"answer": "accept"},
    ),
    "api:space-allocation-rounds": [
        Case(lambda w: f"/api/v1/spaces/{w.space.pk}/allocation-rounds", API_MEMBER),
        Case(
            lambda w: f"/api/v1/spaces/{w.space.pk}/allocation-rounds",
            expect(API_COORDINATOR, coordinator=201),
            method="post",
            data=lambda w: {
                "name": "Spring",
                "resources": [w.resource.pk],
                "season_start": "2032-03-01",
                "season_end": "2032-06-30",
                "deadline": "2032-02-01T12:00:00Z",
            },
        ),
    ],
    "api:allocation-round": Case(lambda w: f"/api/v1/allocation-rounds/{w.alloc_round.pk}", API_MEMBER),
    "api:allocation-round-requests": [
        Case(lambda w: f"/api/v1/allocation-rounds/{w.alloc_round.pk}/requests", API_MEMBER),
        Case(
            lambda w: f"/api/v1/allocation-rounds/{w.alloc_round.pk}/requests",
            expect(API_MEMBER, member=201, coordinator=201),
            method="post",
            data=lambda w: {
                "practice": w.practice.pk,
                "resources": [w.resource.pk],
                "duration_minutes": 60,
                "windows": [{"weekday": 0, "start": "10:00", "end": "12:00"}],
                "priority": 4,
            },
        ),
    ],
    "api:allocation-round-solve": Case(
        lambda w: f"/api/v1/allocation-rounds/{w.alloc_due.pk}/solve",
        expect(API_COORDINATOR, coordinator=202),
        method="post",
    ),
    "api:allocation-round-close-requests": Case(
        lambda w: f"/api/v1/allocation-rounds/{w.alloc_round.pk}/close-requests", API_COORDINATOR, method="post"
    ),
    "api:allocation-round-result": Case(
        lambda w: f"/api/v1/allocation-rounds/{w.alloc_proposed.pk}/result", API_MEMBER
    ),
    "api:allocation-round-publish": Case(
        lambda w: f"/api/v1/allocation-rounds/{w.alloc_proposed.pk}/publish", API_COORDINATOR, method="post"
    ),
}
