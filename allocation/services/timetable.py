"""Hand changes, publishing as recurring bookings, and releases and swaps during the season."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings import rules as booking_rules
from bookings import series as booking_series
from bookings.models import Booking
from bookings.services import BookingConflict, create_booking
from core import audit
from spaces.models import Closure, Resource

from .. import rules
from ..models import AllocationRequest, AllocationRound, GrantedSlot, SolveRun, SwapProposal
from ._common import (
    SKIP_SHARE,
    PublishConflict,
    StateError,
    Status,
    _minutes,
    _require,
    _time,
)
from .blockers import sentence, slot_causes
from .instance import build_instance, matching_resources, season_bounds
from .solving import live_slots

# --------------------------------------------------------------------------------------------- hand changes


def _check_place(
    round_: AllocationRound, request: AllocationRequest, resource: Resource, weekday: int, start: int, *, ignore=None
) -> None:
    if resource.pk not in set(round_.resources.values_list("pk", flat=True)):
        raise ValidationError({"resource": _("Choose among the round's resources.")})
    if not 0 <= weekday <= 6:
        raise ValidationError({"weekday": _("Choose a day.")})
    instance, context = build_instance(round_, requests=[])
    grid = context["grid"]
    end = start + request.duration_minutes
    if (start - grid.day_start) % grid.slot or start < grid.day_start or end > grid.minutes(grid.slots_per_day):
        raise ValidationError({"start": _("Choose a start time on the round's grid, within the day.")})
    first = grid.index(start)
    wanted = [(resource.pk, weekday, i) for i in range(first, first + request.duration_minutes // grid.slot)]
    causes = [c for s in wanted if s in instance.blocked for c in slot_causes(context, s)]
    if causes:
        raise ValidationError(
            {"start": _("The resource is not free at that time: %(why)s") % {"why": sentence(causes)}}
        )
    pad = instance.padding.get(resource.pk, 0)
    for other in live_slots(round_).filter(resource=resource, weekday=weekday):
        if ignore is not None and other.pk in ignore:
            continue
        o_start, o_end = _minutes(other.start), _minutes(other.end)
        gap = pad * grid.slot
        if o_start < end + gap and start < o_end + gap:
            if other.request.practice_id == request.practice_id:
                message = _("This overlaps another granted slot of the same practice (%(slot)s).")
            else:
                message = _("%(practice)s holds this time: its granted slot %(slot)s overlaps it.")
            raise ValidationError({"start": message % {"slot": str(other), "practice": other.request.practice.name}})


@transaction.atomic
def place_by_hand(request: AllocationRequest, *, by, resource: Resource, weekday: int, start: dt.time) -> GrantedSlot:
    """Grant a request a slot, or move its slot (coordinators, before publishing). Audit "allocation.slot_set"."""
    round_ = AllocationRound.objects.select_for_update().get(pk=request.round_id)
    _require(rules.can_manage(by, round_.space))
    if round_.status not in (Status.PROPOSED, Status.CLOSED, Status.OPEN):
        raise StateError(_("Slots can be adjusted between the proposal and the publication."))
    slot = live_slots(round_).filter(request=request).first()
    start_min = _minutes(start)
    _check_place(round_, request, resource, weekday, start_min, ignore={slot.pk} if slot else None)
    before = audit.snapshot(slot) if slot else {}
    if slot is None:
        slot = GrantedSlot(round=round_, request=request)
    slot.resource = resource
    slot.weekday = weekday
    slot.start = _time(start_min)
    slot.end = _time(start_min + request.duration_minutes)
    slot.source = GrantedSlot.Source.HAND
    slot.save()
    audit.record(slot, "allocation.slot_set", by=by, space=round_.space, before=before, after=audit.snapshot(slot))
    return slot


@transaction.atomic
def remove_slot(slot: GrantedSlot, *, by) -> None:
    """Take a proposed slot away from its request (coordinators, before publishing). Audit "allocation.slot_removed"."""
    round_ = slot.round
    _require(rules.can_manage(by, round_.space))
    if round_.status == Status.PUBLISHED:
        raise StateError(_("The round is published: release the slot instead."))
    audit.record(slot, "allocation.slot_removed", by=by, space=round_.space, before=audit.snapshot(slot))
    slot.delete()


# --------------------------------------------------------------------------------------------- publishing


def _occurrence(round_: AllocationRound, slot: GrantedSlot, after: dt.date | None = None):
    """The first local (start, end) of the slot in the season (on or after ``after``), and the number of weeks."""
    first_day = max(round_.season_start, after or round_.season_start)
    first_day += dt.timedelta(days=(slot.weekday - first_day.weekday()) % 7)
    if first_day > round_.season_end:
        return None
    weeks = (round_.season_end - first_day).days // 7 + 1
    tz = round_.space.tz
    start = dt.datetime.combine(first_day, slot.start, tzinfo=tz)
    end = dt.datetime.combine(first_day, slot.end, tzinfo=tz)
    return start, end, weeks


def _weeks(start: dt.datetime, end: dt.datetime, weeks: int):
    """The slot's local (start, end) in each of its ``weeks`` weeks of the season."""
    for week in range(weeks):
        shift = dt.timedelta(weeks=week)
        yield start + shift, end + shift


@dataclass
class _Known:
    """What publishing checks the slots against, read once per round: closures of the season, and the bookings the
    timetable was computed with (made before the latest finished run started, not the round's own; None without
    such a run), with the booking policies of the slots' resources."""

    closures: list  # [(resource id or None for the whole space, start, end)]
    bookings: dict | None  # resource id → [(blocked start, blocked end)]
    policies: dict  # resource id → BookingPolicy


def _known(round_: AllocationRound, slots: list[GrantedSlot]) -> _Known:
    resources = {slot.resource_id: slot.resource for slot in slots}
    policies = {pk: booking_rules.effective_policy(resource) for pk, resource in resources.items()}
    season_start, season_end = season_bounds(round_)
    closures = list(
        Closure.objects.filter(space=round_.space, end__gt=season_start, start__lt=season_end)
        .filter(Q(resource__isnull=True) | Q(resource_id__in=list(resources)))
        .values_list("resource_id", "start", "end")
    )
    run = round_.runs.filter(status=SolveRun.Status.DONE).order_by("-id").first()
    if run is None or run.started_at is None:
        return _Known(closures, None, policies)
    before = max((p.buffer_before_minutes for p in policies.values()), default=0)
    after = max((p.buffer_after_minutes for p in policies.values()), default=0)
    own_series = [s for s in round_.slots.values_list("series_id", flat=True) if s]
    bookings = defaultdict(list)
    for resource_id, b_start, b_end in (
        Booking.objects.blocking(season_start - dt.timedelta(minutes=before), season_end + dt.timedelta(minutes=after))
        .filter(resource_id__in=list(resources), created_at__lt=run.started_at)
        .exclude(series_id__in=own_series)
        .values_list("resource_id", "blocked_start", "blocked_end")
    ):
        bookings[resource_id].append((b_start, b_end))
    return _Known(closures, bookings, policies)


def _hit_dates(occurrences, intervals: list, before=dt.timedelta(0), after=dt.timedelta(0)) -> list:
    """Dates of the occurrences (widened by the buffers) that one of the (start, end) intervals overlaps."""
    return [
        s.date()
        for s, e in occurrences
        if any(i_start < e + after and i_end > s - before for i_start, i_end in intervals)
    ]


def _skipped_dates(known: _Known, slot: GrantedSlot, start: dt.datetime, end: dt.datetime, weeks: int) -> list:
    """Dates of the season left out of the slot's recurring booking: those a closure hits, and those a booking the
    timetable was computed with hits when they are few enough (``SKIP_SHARE``) to be skipped weeks rather than a
    conflict. Bookings made since are left to the conflict check."""
    closures = [(c_start, c_end) for room, c_start, c_end in known.closures if room in (None, slot.resource_id)]
    closed = _hit_dates(_weeks(start, end, weeks), closures)
    booked = []
    if known.bookings is not None:
        policy = known.policies[slot.resource_id]
        booked = _hit_dates(
            _weeks(start, end, weeks),
            known.bookings.get(slot.resource_id, []),
            dt.timedelta(minutes=policy.buffer_before_minutes),
            dt.timedelta(minutes=policy.buffer_after_minutes),
        )
        if len(booked) > SKIP_SHARE * weeks:
            booked = []
    return sorted(set(closed) | set(booked))


def _book(round_: AllocationRound, slot: GrantedSlot, *, by, after: dt.date | None = None, known: _Known | None = None):
    occurrence = _occurrence(round_, slot, after)
    if occurrence is None:
        return None
    start, end, weeks = occurrence
    exdates = _skipped_dates(known or _known(round_, [slot]), slot, start, end, weeks)
    if len(exdates) >= weeks:
        return None
    try:
        created = create_booking(
            slot.resource,
            start,
            end,
            by=by,
            practice=slot.request.practice,
            title=slot.request.title or round_.name,
            recurrence=f"FREQ=WEEKLY;COUNT={weeks}",
            exdates=exdates,
            check_rules=False,
        )
    except BookingConflict as conflict:
        first = conflict.conflicts[0]
        when = first["start"].astimezone(round_.space.tz)
        raise PublishConflict(
            _("%(slot)s for %(practice)s conflicts with a booking on %(date)s (%(reason)s). Nothing was published.")
            % {
                "slot": str(slot),
                "practice": slot.request.practice.name,
                "date": when.strftime("%Y-%m-%d %H:%M"),
                "reason": first["reason"],
            }
        ) from None
    return created[0].series


@transaction.atomic
def publish(round_: AllocationRound, *, by) -> int:
    """Turn every granted slot into a weekly recurring booking over the season, all or nothing (coordinators).
    Closures become exceptions. A conflict stops everything with a ValidationError naming the slot. Side effects:
    bookings (and their confirmation emails after the commit); audit "allocation.published". Returns the number
    of slots published."""
    round_ = AllocationRound.objects.select_for_update().select_related("space").get(pk=round_.pk)
    _require(rules.can_manage(by, round_.space))
    if round_.status != Status.PROPOSED:
        raise StateError(_("Only a proposed timetable can be published."))
    slots = list(live_slots(round_).order_by("weekday", "start", "resource__name"))
    known = _known(round_, slots)
    published = []
    for slot in slots:
        series = _book(round_, slot, by=by, known=known)
        if series is not None:
            slot.series = series
            published.append(slot)
    GrantedSlot.objects.bulk_update(published, ["series"])
    count = len(published)
    round_.status = Status.PUBLISHED
    round_.published_at = timezone.now()
    round_.save(update_fields=["status", "published_at"])
    audit.record(round_, "allocation.published", by=by, after={"slots": count})
    return count


# --------------------------------------------------------------------------------------------- during the season


def _cancel_future(slot: GrantedSlot, *, by, reason: str) -> int:
    if slot.series_id is None:
        return 0
    now = timezone.now()
    cancelled = Booking.objects.filter(series_id=slot.series_id, start__gte=now, status__in=Booking.HOLDING).update(
        status=Booking.Status.CANCELLED, reason=reason, decided_by=by, decided_at=now
    )
    # The series' rule ends with its last date kept, as "cancel this date and the following ones" ends it.
    booking_series.end_series(slot.series_id, now, by=by, reason=reason)
    return cancelled


@transaction.atomic
def release_slot(slot: GrantedSlot, *, by) -> GrantedSlot | None:
    """A practice gives back a published slot: its future bookings are cancelled and the slot goes to the first
    unmet request of the round's waitlist that fits it (highest importance, then earliest). Returns the new slot
    or None. Side effects: audit "allocation.slot_released" (and "allocation.slot_offered"); the new bookings."""
    slot = (
        GrantedSlot.objects.select_for_update()
        .select_related("round__space", "request__practice", "resource")
        .get(pk=slot.pk)
    )
    round_ = slot.round
    _require(
        rules.can_act_for(by, slot.request.practice, round_.space),
        _("Only the practice's members or a coordinator may release this slot."),
    )
    if round_.status != Status.PUBLISHED or slot.released_at is not None:
        raise StateError(_("Only a published slot that is still held can be released."))
    cancelled = _cancel_future(slot, by=by, reason=_("Released to the waitlist"))
    slot.released_at = timezone.now()
    slot.save(update_fields=["released_at"])
    audit.record(slot, "allocation.slot_released", by=by, space=round_.space, after={"cancelled_bookings": cancelled})
    return offer_to_waitlist(round_, slot, by=by)


def waitlist(round_: AllocationRound):
    """Unmet requests in the published order (importance, then submission time)."""
    held = GrantedSlot.objects.filter(round=round_, released_at__isnull=True).values("request_id")
    return round_.requests.exclude(pk__in=held).select_related("practice").prefetch_related("resources")


def offer_to_waitlist(round_: AllocationRound, freed: GrantedSlot, *, by) -> GrantedSlot | None:
    resources = [freed.resource]
    free_from, free_to = _minutes(freed.start), _minutes(freed.end)
    for request in waitlist(round_).exclude(practice_id=freed.request.practice_id):
        if not matching_resources(request, resources):
            continue
        for w in request.windows:
            if w["weekday"] != freed.weekday:
                continue
            low = max(free_from, _minutes(w["start"]) - request.flexibility_minutes)
            if low + request.duration_minutes <= min(free_to, _minutes(w["end"]) + request.flexibility_minutes):
                try:
                    with transaction.atomic():  # a booking made since the release must not undo the release
                        slot = GrantedSlot.objects.create(
                            round=round_,
                            request=request,
                            resource=freed.resource,
                            weekday=freed.weekday,
                            start=_time(low),
                            end=_time(low + request.duration_minutes),
                            source=GrantedSlot.Source.WAITLIST,
                        )
                        slot.series = _book(round_, slot, by=by, after=timezone.localdate() + dt.timedelta(days=1))
                        slot.save(update_fields=["series"])
                except StateError:
                    break  # this time is taken now: try the next request on the waitlist
                audit.record(slot, "allocation.slot_offered", by=by, space=round_.space, after=audit.snapshot(slot))
                return slot
    return None


@transaction.atomic
def propose_swap(offered: GrantedSlot, wanted: GrantedSlot, *, by) -> SwapProposal:
    """Offer one's published slot for another practice's (equally long) one. Audit "allocation.swap_proposed"."""
    round_ = offered.round
    _require(
        rules.can_act_for(by, offered.request.practice, round_.space),
        _("You may only offer your own practice's slots."),
    )
    if wanted.round_id != round_.pk or round_.status != Status.PUBLISHED:
        raise ValidationError(_("Both slots must be published slots of the same round."))
    if offered.released_at or wanted.released_at:
        raise ValidationError(_("Both slots must still be held."))
    if offered.request.practice_id == wanted.request.practice_id:
        raise ValidationError(_("Both slots already belong to the same practice."))
    length = lambda s: _minutes(s.end) - _minutes(s.start)  # noqa: E731
    if length(offered) != length(wanted):
        raise ValidationError(_("Only slots of the same length can be swapped."))
    proposal = SwapProposal.objects.create(round=round_, offered=offered, wanted=wanted, proposed_by=by)
    audit.record(proposal, "allocation.swap_proposed", by=by, space=round_.space, after=audit.snapshot(proposal))
    return proposal


@transaction.atomic
def answer_swap(proposal: SwapProposal, *, by, accept: bool) -> SwapProposal:
    """The other practice accepts (the slots change hands, with their future bookings) or declines.
    Audit "allocation.swap_accepted" / "allocation.swap_declined"."""
    proposal = SwapProposal.objects.select_for_update().get(pk=proposal.pk)
    round_ = proposal.round
    offered = GrantedSlot.objects.select_related("request__practice").get(pk=proposal.offered_id)
    wanted = GrantedSlot.objects.select_related("request__practice").get(pk=proposal.wanted_id)
    _require(rules.can_act_for(by, wanted.request.practice, round_.space), _("Only the other practice may answer."))
    if proposal.status != SwapProposal.Status.PENDING:
        raise StateError(_("This proposal has already been answered."))
    proposal.status = SwapProposal.Status.ACCEPTED if accept else SwapProposal.Status.DECLINED
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decided_at"])
    if accept:
        if offered.released_at or wanted.released_at:
            raise ValidationError(_("Both slots must still be held."))
        now = timezone.now()
        a, b = offered.request, wanted.request
        for slot, request in ((offered, b), (wanted, a)):
            if slot.series_id:
                Booking.objects.filter(series_id=slot.series_id, start__gte=now).update(practice=request.practice)
        offered.request, wanted.request = b, a
        # The one-live-slot-per-request constraint: move one out of the way first.
        offered.released_at = now
        offered.save(update_fields=["released_at"])
        wanted.save(update_fields=["request"])
        offered.released_at = None
        offered.save(update_fields=["request", "released_at"])
    audit.record(
        proposal, f"allocation.swap_{proposal.status}", by=by, space=round_.space, after=audit.snapshot(proposal)
    )
    return proposal
