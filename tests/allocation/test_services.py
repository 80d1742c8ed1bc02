"""Services of allocation rounds: permissions, deadlines, solving, publishing, releases and swaps."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from allocation import services
from allocation.models import AllocationRound, Entitlement, GrantedSlot, SolveRun
from bookings.models import Booking, BookingPolicy
from core.models import AuditEntry
from spaces.models import Closure, OpeningHours, SpaceMembership
from tests import factories as f

from .conftest import SEASON_END, SEASON_START, ask, window

pytestmark = pytest.mark.django_db
Status = AllocationRound.Status


def _solve(round_, coordinator):
    if round_.status == Status.OPEN:
        services.set_status(round_, Status.CLOSED, by=coordinator)
    run = services.start_solve(round_, by=coordinator)
    run.refresh_from_db()
    round_.refresh_from_db()
    return run


def _local(day: dt.date, hour: int, space) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=space.tz)


def test_create_round_gives_every_practice_an_equal_entitlement(practice, second_practice, round_):
    assert {(e.practice_id, e.weight) for e in round_.entitlements.all()} == {(practice.pk, 1), (second_practice.pk, 1)}
    assert AuditEntry.objects.filter(action="allocation.round_created", object_id=str(round_.pk)).count() == 1


def test_entitlements_by_membership_kind(space, rooms, coordinator, practice, second_practice):
    SpaceMembership.objects.filter(practice=second_practice).update(kind=SpaceMembership.Kind.COMMUNITY)
    round_ = services.create_round(
        space,
        by=coordinator,
        name="Weighted",
        resources=rooms,
        season_start=SEASON_START,
        season_end=SEASON_END,
        deadline=timezone.now() + dt.timedelta(days=1),
        entitlement_rule=AllocationRound.EntitlementRule.MEMBERSHIP_KIND,
    )
    weights = dict(Entitlement.objects.filter(round=round_).values_list("practice_id", "weight"))
    assert weights == {practice.pk: 3, second_practice.pk: 1}


def test_only_coordinators_create_rounds(space, rooms, member):
    with pytest.raises(PermissionDenied):
        services.create_round(
            space,
            by=member,
            name="Mine",
            resources=rooms,
            season_start=SEASON_START,
            season_end=SEASON_END,
            deadline=timezone.now(),
        )


def test_round_refuses_another_space_resources(space, other_space, coordinator):
    elsewhere = f.ResourceFactory(space=other_space)
    with pytest.raises(ValidationError) as error:
        services.create_round(
            space,
            by=coordinator,
            name="Bad",
            resources=[elsewhere],
            season_start=SEASON_START,
            season_end=SEASON_END,
            deadline=timezone.now(),
        )
    assert "resources" in error.value.message_dict


def test_member_submits_only_for_own_practice(round_, member, second_practice):
    with pytest.raises(PermissionDenied):
        ask(round_, member, second_practice)


def test_member_cannot_submit_after_the_deadline_but_a_coordinator_can(round_, member, practice, coordinator):
    AllocationRound.objects.filter(pk=round_.pk).update(deadline=timezone.now() - dt.timedelta(minutes=1))
    round_.refresh_from_db()
    with pytest.raises(services.StateError):
        ask(round_, member, practice)
    assert ask(round_, coordinator, practice).pk


def test_request_is_validated(round_, member, practice):
    with pytest.raises(ValidationError) as error:
        ask(round_, member, practice, duration_minutes=45, windows=[window(start="18:00", end="18:30")])
    assert {"duration_minutes", "windows"} <= set(error.value.message_dict)


def test_solving_proposes_a_timetable_with_figures_and_comparison(
    round_, member, practice, second_member, second_practice, coordinator
):
    ask(round_, member, practice)
    ask(round_, second_member, second_practice)
    run = _solve(round_, coordinator)
    assert run.status == SolveRun.Status.DONE
    assert run.progress == 100
    assert round_.status == Status.PROPOSED
    assert run.figures["with_nothing"] == 0
    assert run.comparison["fcfs"]["orders"] == 20
    assert set(run.comparison["round_robin"]) >= {"min_satisfaction", "jain", "utilisation"}
    assert GrantedSlot.objects.filter(round=round_).count() == 2
    result = services.result(round_)
    assert [p["satisfaction"] for p in result["practices"]] == [1.0, 1.0]


def test_solver_respects_opening_hours_and_existing_bookings(space, rooms, round_, member, practice, coordinator):
    round_.resources.set(rooms[:1])
    OpeningHours.objects.create(space=space, weekday=0, opens=dt.time(9), closes=dt.time(20))
    Booking.objects.create(
        resource=rooms[0],
        start=_local(SEASON_START + dt.timedelta(days=7), 18, space),
        end=_local(SEASON_START + dt.timedelta(days=7), 19, space),
        blocked_start=_local(SEASON_START + dt.timedelta(days=7), 18, space),
        blocked_end=_local(SEASON_START + dt.timedelta(days=7), 19, space),
    )
    ask(
        round_, member, practice, resources=rooms[:1], duration_minutes=60, windows=[window(start="17:00", end="21:00")]
    )
    _solve(round_, coordinator)
    slot = GrantedSlot.objects.get(round=round_)
    assert (slot.start, slot.end) in {(dt.time(17), dt.time(18)), (dt.time(19), dt.time(20))}


def test_solver_keeps_the_buffers_between_two_slots(
    space, rooms, round_, member, practice, second_member, second_practice, coordinator
):
    round_.resources.set(rooms[:1])
    BookingPolicy.objects.create(space=space, resource=rooms[0], buffer_after_minutes=30)
    for who, which in ((member, practice), (second_member, second_practice)):
        ask(round_, who, which, resources=rooms[:1], duration_minutes=60, windows=[window(start="18:00", end="20:00")])
    _solve(round_, coordinator)
    assert GrantedSlot.objects.filter(round=round_).count() == 1


def test_publish_makes_weekly_bookings_and_skips_closures(space, rooms, round_, member, practice, coordinator):
    ask(round_, member, practice, resources=rooms[:1])
    _solve(round_, coordinator)
    holiday = SEASON_START + dt.timedelta(days=14)
    Closure.objects.create(
        space=space, start=_local(holiday, 0, space), end=_local(holiday, 23, space), reason="Holiday"
    )
    assert services.publish(round_, by=coordinator) == 1
    slot = GrantedSlot.objects.get(round=round_)
    bookings = Booking.objects.filter(series=slot.series).order_by("start")
    assert [b.start.astimezone(space.tz).date() for b in bookings] == [
        SEASON_START + dt.timedelta(days=d) for d in (0, 7, 21)
    ]
    assert {b.practice_id for b in bookings} == {practice.pk}
    round_.refresh_from_db()
    assert round_.status == Status.PUBLISHED


def test_publish_is_all_or_nothing(space, rooms, round_, member, practice, second_member, second_practice, coordinator):
    ask(round_, member, practice, resources=rooms[:1], windows=[window(0)])
    ask(round_, second_member, second_practice, resources=rooms[1:], windows=[window(2)])
    _solve(round_, coordinator)
    late = GrantedSlot.objects.get(round=round_, request__practice=second_practice)
    day = SEASON_START + dt.timedelta(days=9)  # the second Wednesday
    start = dt.datetime.combine(day, late.start, tzinfo=space.tz)
    Booking.objects.create(
        resource=late.resource,
        start=start,
        end=start + dt.timedelta(hours=1),
        blocked_start=start,
        blocked_end=start + dt.timedelta(hours=1),
    )
    with pytest.raises(services.PublishConflict) as error:
        services.publish(round_, by=coordinator)
    assert "Collectif Sud" in error.value.messages[0]
    assert Booking.objects.filter(practice__in=[practice, second_practice]).count() == 0
    round_.refresh_from_db()
    assert round_.status == Status.PROPOSED


def _published_with_waitlist(space, rooms, round_, member, practice, second_member, second_practice, coordinator):
    round_.resources.set(rooms[:1])
    for who, which in ((member, practice), (second_member, second_practice)):
        ask(round_, who, which, resources=rooms[:1], duration_minutes=120, windows=[window(start="18:00", end="20:00")])
    _solve(round_, coordinator)
    services.publish(round_, by=coordinator)
    return GrantedSlot.objects.get(round=round_, released_at__isnull=True)


def test_release_cancels_future_bookings_and_offers_the_slot_to_the_waitlist(
    space, rooms, round_, member, practice, second_member, second_practice, coordinator
):
    held = _published_with_waitlist(space, rooms, round_, member, practice, second_member, second_practice, coordinator)
    holder = member if held.request.practice_id == practice.pk else second_member
    other = second_practice if held.request.practice_id == practice.pk else practice
    offered = services.release_slot(held, by=holder)
    assert Booking.objects.filter(series=held.series, status__in=Booking.HOLDING).count() == 0
    # The season has not started: no date is kept, the whole series is cancelled (its rule left to read).
    assert AuditEntry.objects.filter(action="bookings.series_cancelled", object_id=str(held.series_id)).exists()
    assert offered.request.practice_id == other.pk
    assert offered.source == GrantedSlot.Source.WAITLIST
    assert Booking.objects.filter(series=offered.series, practice=other).count() == 4


def test_only_the_holder_releases(space, rooms, round_, member, practice, second_member, second_practice, coordinator):
    held = _published_with_waitlist(space, rooms, round_, member, practice, second_member, second_practice, coordinator)
    stranger = second_member if held.request.practice_id == practice.pk else member
    with pytest.raises(PermissionDenied):
        services.release_slot(held, by=stranger)


def test_swap_needs_both_practices(space, rooms, round_, member, practice, second_member, second_practice, coordinator):
    ask(round_, member, practice, resources=rooms[:1], windows=[window(0)])
    ask(round_, second_member, second_practice, resources=rooms[:1], windows=[window(1)])
    _solve(round_, coordinator)
    services.publish(round_, by=coordinator)
    mine = GrantedSlot.objects.get(round=round_, request__practice=practice)
    theirs = GrantedSlot.objects.get(round=round_, request__practice=second_practice)
    proposal = services.propose_swap(mine, theirs, by=member)
    with pytest.raises(PermissionDenied):
        services.answer_swap(proposal, by=member, accept=True)
    services.answer_swap(proposal, by=second_member, accept=True)
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.request.practice_id == second_practice.pk
    assert theirs.request.practice_id == practice.pk
    assert set(Booking.objects.filter(series=mine.series).values_list("practice_id", flat=True)) == {second_practice.pk}


def test_hand_adjustment_refuses_an_overlap(
    round_, rooms, member, practice, second_member, second_practice, coordinator
):
    a = ask(round_, member, practice, resources=rooms[:1], windows=[window(0)])
    ask(round_, second_member, second_practice, resources=rooms[:1], windows=[window(1)])
    _solve(round_, coordinator)
    theirs = GrantedSlot.objects.get(round=round_, request__practice=second_practice)
    with pytest.raises(ValidationError):
        services.place_by_hand(a, by=coordinator, resource=theirs.resource, weekday=theirs.weekday, start=theirs.start)
    moved = services.place_by_hand(a, by=coordinator, resource=rooms[1], weekday=3, start=dt.time(10))
    assert (moved.weekday, moved.start, moved.end, moved.source) == (3, dt.time(10), dt.time(12), "hand")
    with pytest.raises(PermissionDenied):
        services.place_by_hand(a, by=member, resource=rooms[1], weekday=4, start=dt.time(10))


def test_a_failed_run_is_shown_and_the_round_can_be_solved_again(monkeypatch, round_, member, practice, coordinator):
    ask(round_, member, practice)

    def broken(*args, **kwargs):
        raise RuntimeError("solver crashed")

    monkeypatch.setattr(services.solver, "solve", broken)
    _solve(round_, coordinator)  # the task backend records the failure; the run says so
    run = SolveRun.objects.get(round=round_)
    round_.refresh_from_db()
    assert (run.status, run.error, round_.status) == (SolveRun.Status.FAILED, "solver crashed", Status.CLOSED)
    monkeypatch.undo()
    assert _solve(round_, coordinator).status == SolveRun.Status.DONE
