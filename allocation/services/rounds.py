"""Rounds, entitlements and the practices' requests."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from spaces.models import SpaceMembership

from .. import rules
from ..models import AllocationRequest, AllocationRound, Entitlement
from ._common import (
    KIND_WEIGHTS,
    BeforeDeadline,
    StateError,
    Status,
    _minutes,
    _require,
)

# --------------------------------------------------------------------------------------------- rounds


@transaction.atomic
def create_round(
    space,
    *,
    by,
    name: str,
    resources,
    season_start: dt.date,
    season_end: dt.date,
    deadline: dt.datetime,
    entitlement_rule: str = AllocationRound.EntitlementRule.EQUAL,
    slot_minutes: int = 60,
    seed: int | None = None,
) -> AllocationRound:
    """Open a round over ``resources`` of the space (coordinators). Side effects: one entitlement per practice of
    the space (by the rule); audit "allocation.round_created"."""
    _require(rules.can_manage(by, space))
    resources = list(resources)
    errors = {}
    if not resources:
        errors["resources"] = _("Choose at least one resource.")
    elif any(r.space_id != space.pk for r in resources):
        errors["resources"] = _("These resources must belong to this space.")
    if season_end < season_start:
        errors["season_end"] = _("The season must end after it starts.")
    elif (season_end - season_start).days > 7 * 104:
        errors["season_end"] = _("A season lasts two years at most.")
    if timezone.is_naive(deadline):
        deadline = timezone.make_aware(deadline, space.tz)
    if deadline.astimezone(space.tz).date() > season_start:
        errors["deadline"] = _("The deadline must come before the season starts.")
    if errors:
        raise ValidationError(errors)
    round_ = AllocationRound(
        space=space,
        name=name,
        season_start=season_start,
        season_end=season_end,
        deadline=deadline,
        entitlement_rule=entitlement_rule,
        slot_minutes=slot_minutes,
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    if seed is not None:
        round_.seed = seed
    round_.save()
    round_.resources.set(resources)
    refresh_entitlements(round_)
    audit.record(round_, "allocation.round_created", by=by, space=space, after=audit.snapshot(round_))
    return round_


def contribution_period(space):
    """The space's latest closed cost period that has statements, or None."""
    from costs.models import CostPeriod

    return (
        CostPeriod.objects.filter(space=space, status=CostPeriod.Status.CLOSED, statements__isnull=False)
        .distinct()
        .order_by("-end", "-closed_at", "-pk")
        .first()
    )


def contribution_weights(space, practice_ids) -> tuple[dict, object]:
    """Each practice's share of the space's costs in the latest closed cost period, in percent (at least 0.01):
    ({practice id: weight}, period). A practice without a statement in that period (it joined since) counts as
    the average share. No closed period: ({}, None), and the round counts every practice equally."""
    period = contribution_period(space)
    if period is None:
        return {}, None
    amounts: dict[int, Decimal] = {}
    for practice_id, amount in period.statements.values_list("practice_id", "amount"):
        amounts[practice_id] = amounts.get(practice_id, Decimal(0)) + amount
    total = sum((a for a in amounts.values() if a > 0), Decimal(0))
    if total <= 0:
        return {}, None
    floor, cent = Decimal("0.01"), Decimal("0.01")
    shares = {p: max(floor, (a * 100 / total).quantize(cent, ROUND_HALF_UP)) for p, a in amounts.items()}
    average = max(floor, (Decimal(100) / len(amounts)).quantize(cent, ROUND_HALF_UP))
    return {p: shares.get(p, average) for p in practice_ids}, period


def refresh_entitlements(round_: AllocationRound) -> None:
    """One entitlement per practice of the space; weights follow the rule unless set by hand."""
    memberships = SpaceMembership.objects.filter(space=round_.space).active()
    kinds: dict[int, str] = {}
    for practice_id, kind in memberships.values_list("practice_id", "kind"):
        kinds[practice_id] = max(kinds.get(practice_id, kind), kind, key=lambda k: KIND_WEIGHTS.get(k, 1))
    existing = {e.practice_id: e for e in round_.entitlements.all()}
    contributions = {}
    if round_.entitlement_rule == AllocationRound.EntitlementRule.CONTRIBUTION:
        contributions, _period = contribution_weights(round_.space, kinds)
    for practice_id, kind in kinds.items():
        if round_.entitlement_rule == AllocationRound.EntitlementRule.MEMBERSHIP_KIND:
            weight = KIND_WEIGHTS.get(kind, 1)
        elif round_.entitlement_rule == AllocationRound.EntitlementRule.CONTRIBUTION:
            weight = contributions.get(practice_id, 1)  # no closed cost period: equal
        elif round_.entitlement_rule == AllocationRound.EntitlementRule.EQUAL:
            weight = 1
        else:
            weight = existing[practice_id].weight if practice_id in existing else 1
        if practice_id in existing:
            if existing[practice_id].weight != weight:
                existing[practice_id].weight = weight
                existing[practice_id].save(update_fields=["weight"])
        else:
            Entitlement.objects.create(round=round_, practice_id=practice_id, weight=weight)


@transaction.atomic
def set_entitlement(round_: AllocationRound, practice, *, by, weight) -> Entitlement:
    """Set a practice's weight by hand (coordinators, before the proposal is published). The round's rule becomes
    "set by hand". Audit "allocation.entitlement_set"."""
    _require(rules.can_manage(by, round_.space))
    if round_.status == Status.PUBLISHED:
        raise StateError(_("The round is published: its entitlements can no longer change."))
    if weight is None or weight <= 0:
        raise ValidationError({"weight": _("The weight must be more than zero.")})
    entitlement, _created = Entitlement.objects.get_or_create(round=round_, practice=practice)
    before = {"weight": entitlement.weight}
    entitlement.weight = weight
    entitlement.save(update_fields=["weight"])
    if round_.entitlement_rule != AllocationRound.EntitlementRule.MANUAL:
        round_.entitlement_rule = AllocationRound.EntitlementRule.MANUAL
        round_.save(update_fields=["entitlement_rule"])
    audit.record(
        round_, "allocation.entitlement_set", by=by, before=before, after={"practice": practice.pk, "weight": weight}
    )
    return entitlement


@transaction.atomic
def set_status(round_: AllocationRound, status: str, *, by) -> AllocationRound:
    """Open or close a round for requests (coordinators). Audit "allocation.round_status"."""
    _require(rules.can_manage(by, round_.space))
    allowed = {Status.OPEN: (Status.DRAFT, Status.CLOSED), Status.CLOSED: (Status.OPEN, Status.DRAFT)}
    if round_.status not in allowed.get(status, ()):
        raise ValidationError(
            _("The round cannot go from “%(from)s” to “%(to)s”.") % {"from": round_.status, "to": status}
        )
    before = {"status": round_.status}
    round_.status = status
    round_.save(update_fields=["status"])
    audit.record(round_, "allocation.round_status", by=by, before=before, after={"status": status})
    return round_


def check_deadline(round_: AllocationRound) -> None:
    """Refuse to compute while requests may still come: raise BeforeDeadline before the round's deadline."""
    if timezone.now() < round_.deadline:
        when = round_.deadline.astimezone(round_.space.tz)
        raise BeforeDeadline(
            _(
                "Requests may come until the deadline (%(deadline)s): the timetable can be computed after it, "
                "or close the requests now."
            )
            % {"deadline": when.strftime("%Y-%m-%d %H:%M")},
            round_.deadline,
        )


def compute(round_: AllocationRound, *, by):
    """Start computing the timetable once the deadline has passed (coordinators): ``start_solve`` after
    ``check_deadline``. Side effects: those of ``start_solve``."""
    from .solving import start_solve

    _require(rules.can_manage(by, round_.space))
    check_deadline(round_)
    return start_solve(round_, by=by)


@transaction.atomic
def close_requests_now(round_: AllocationRound, *, by) -> AllocationRound:
    """Close a round for requests before its deadline (coordinators): the deadline moves to now and the round is
    closed, so the timetable can be computed (``round_`` is updated in place too).
    Audit "allocation.requests_closed_early"."""
    given, round_ = round_, AllocationRound.objects.select_for_update().select_related("space").get(pk=round_.pk)
    _require(rules.can_manage(by, round_.space))
    if round_.status not in (Status.DRAFT, Status.OPEN, Status.CLOSED):
        raise StateError(_("Only a round that has not been computed yet can be closed for requests."))
    now = timezone.now()
    if round_.deadline <= now:
        raise StateError(_("The deadline has already passed."))
    before = {"status": round_.status, "deadline": round_.deadline.isoformat()}
    round_.deadline = now
    round_.status = Status.CLOSED
    round_.save(update_fields=["deadline", "status"])
    audit.record(
        round_,
        "allocation.requests_closed_early",
        by=by,
        before=before,
        after={"status": round_.status, "deadline": now.isoformat()},
    )
    given.deadline, given.status = round_.deadline, round_.status
    return round_


# --------------------------------------------------------------------------------------------- requests


def accepting_requests(round_: AllocationRound, by) -> bool:
    if round_.status == Status.PUBLISHED or round_.status == Status.SOLVING:
        return False
    if rules.can_manage(by, round_.space):
        return True
    return round_.status == Status.OPEN and timezone.now() < round_.deadline


def _clean_request(round_: AllocationRound, values: dict) -> dict:
    errors = {}
    resources = list(values.get("resources") or [])
    round_resources = set(round_.resources.values_list("pk", flat=True))
    if any(r.pk not in round_resources for r in resources):
        errors["resources"] = _("Choose among the round's resources.")
    if not resources and not values.get("kind"):
        errors["resources"] = _("Choose one or more resources, or a kind of resource.")
    duration = values.get("duration_minutes") or 0
    if duration <= 0 or duration % round_.slot_minutes:
        errors["duration_minutes"] = _("The duration must be a multiple of %(minutes)s minutes.") % {
            "minutes": round_.slot_minutes
        }
    windows = values.get("windows") or []
    clean = []
    if not windows:
        errors["windows"] = _("Give at least one preferred day and time.")
    for window in windows[:5]:
        try:
            weekday = int(window.get("weekday"))
            start, end = _minutes(window.get("start")), _minutes(window.get("end"))
        except (TypeError, ValueError, AttributeError):
            errors["windows"] = _("Each preferred time needs a day (0 = Monday … 6 = Sunday), a start and an end.")
            break
        except ValidationError as error:
            errors["windows"] = error.message_dict["windows"][0]
            break
        if not 0 <= weekday <= 6:
            errors["windows"] = _("Each preferred time needs a day (0 = Monday … 6 = Sunday), a start and an end.")
            break
        if end - start < duration:
            errors["windows"] = _("Each preferred time must be at least as long as the duration.")
            break
        clean.append(
            {
                "weekday": weekday,
                "start": f"{start // 60:02d}:{start % 60:02d}",
                "end": f"{end // 60:02d}:{end % 60:02d}",
            }
        )
    if len(windows) > 5:
        errors["windows"] = _("Give at most five preferred times.")
    priority = values.get("priority", 3)
    if not 1 <= int(priority) <= 5:
        errors["priority"] = _("The importance goes from 1 (nice to have) to 5 (essential).")
    flexibility = values.get("flexibility_minutes", 0) or 0
    if not 0 <= flexibility <= 180:
        errors["flexibility_minutes"] = _("The flexibility is between 0 and 180 minutes.")
    if errors:
        raise ValidationError(errors)
    return {**values, "windows": clean, "resources": resources}


@transaction.atomic
def submit_request(round_: AllocationRound, *, by, practice, **values) -> AllocationRequest:
    """A practice's weekly request (its members before the deadline; coordinators until the proposal is published).
    Audit "allocation.request_submitted"."""
    _require(rules.can_act_for(by, practice, round_.space), _("You may only submit requests for your own practices."))
    if not accepting_requests(round_, by):
        raise StateError(_("This round no longer accepts requests."))
    values = _clean_request(round_, values)
    resources = values.pop("resources")
    request = AllocationRequest.objects.create(
        round=round_, practice=practice, submitted_by=by if getattr(by, "is_authenticated", False) else None, **values
    )
    request.resources.set(resources)
    audit.record(request, "allocation.request_submitted", by=by, space=round_.space, after=audit.snapshot(request))
    return request


@transaction.atomic
def update_request(request: AllocationRequest, *, by, **values) -> AllocationRequest:
    """Change a request (same rules as submitting). Audit "allocation.request_changed"."""
    round_ = request.round
    _require(
        rules.can_act_for(by, request.practice, round_.space), _("You may only change your own practice's requests.")
    )
    if not accepting_requests(round_, by):
        raise StateError(_("This round no longer accepts requests."))
    current = {
        "title": request.title,
        "kind": request.kind,
        "capacity": request.capacity,
        "equipment": request.equipment,
        "duration_minutes": request.duration_minutes,
        "windows": request.windows,
        "flexibility_minutes": request.flexibility_minutes,
        "priority": request.priority,
        "resources": list(request.resources.all()),
    }
    values = _clean_request(round_, {**current, **values})
    resources = values.pop("resources")
    before = audit.snapshot(request)
    for key, value in values.items():
        setattr(request, key, value)
    request.save()
    request.resources.set(resources)
    audit.record(
        request, "allocation.request_changed", by=by, space=round_.space, before=before, after=audit.snapshot(request)
    )
    return request


@transaction.atomic
def withdraw_request(request: AllocationRequest, *, by) -> None:
    """Withdraw a request. Audit "allocation.request_withdrawn"."""
    round_ = request.round
    _require(
        rules.can_act_for(by, request.practice, round_.space), _("You may only change your own practice's requests.")
    )
    if not accepting_requests(round_, by):
        raise StateError(_("This round no longer accepts requests."))
    audit.record(request, "allocation.request_withdrawn", by=by, space=round_.space, before=audit.snapshot(request))
    request.delete()
