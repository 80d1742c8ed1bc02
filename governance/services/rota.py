"""The care rota: recurring tasks, a fair rotation among the space's practices, swaps, ticks and reminders."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from dateutil import rrule as dateutil_rrule
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit, emails
from spaces.models import Space, SpaceMembership

from .. import rules
from ..models import CareTask, Shift

# How much of the chores a practice takes on, by the kind of its membership.
KIND_WEIGHTS = {
    SpaceMembership.Kind.RESIDENT: Decimal(3),
    SpaceMembership.Kind.FLEXIBLE: Decimal(2),
    SpaceMembership.Kind.COMMUNITY: Decimal(1),
}
LOOKBACK_DAYS = 90


def validate_rrule(value: str, starts_on: datetime.date | None = None) -> str:
    value = (value or "").strip().upper()
    if value.startswith("RRULE:"):
        value = value[6:]
    try:
        rule = dateutil_rrule.rrulestr(
            value, dtstart=datetime.datetime.combine(starts_on or datetime.date.today(), datetime.time())
        )
    except (ValueError, TypeError):
        raise ValidationError({"rrule": _("This is not a valid repeat rule (RRULE).")}) from None
    if not isinstance(rule, dateutil_rrule.rrule):
        raise ValidationError({"rrule": _("Give a single repeat rule.")})
    return value


@transaction.atomic
def create_task(
    space: Space,
    *,
    by,
    title: str,
    rrule: str,
    kind: str = "other",
    description: str = "",
    starts_on: datetime.date | None = None,
    time: datetime.time | None = None,
    effort_minutes: int = 30,
) -> CareTask:
    """A recurring care task (coordinators). Side effect: audit entry."""
    if not rules.can_manage(by, space):
        raise PermissionDenied
    starts_on = starts_on or timezone.localdate()
    task = CareTask(
        space=space,
        title=(title or "").strip(),
        kind=kind,
        description=description,
        rrule=validate_rrule(rrule, starts_on),
        starts_on=starts_on,
        time=time or datetime.time(9, 0),
        effort_minutes=effort_minutes,
    )
    task.full_clean()
    task.save()
    audit.record(task, "governance.care_task_created", by=by, after=audit.snapshot(task))
    return task


def occurrences(task: CareTask, start: datetime.date, end: datetime.date) -> list[datetime.datetime]:
    """Aware UTC datetimes of the task's occurrences on days in [start, end)."""
    tz = task.space.tz
    rule = dateutil_rrule.rrulestr(task.rrule, dtstart=datetime.datetime.combine(task.starts_on, task.time))
    window_start = datetime.datetime.combine(start, datetime.time())
    window_end = datetime.datetime.combine(end, datetime.time()) - datetime.timedelta(microseconds=1)
    return [
        timezone.make_aware(naive, tz).astimezone(datetime.UTC)
        for naive in rule.between(window_start, window_end, inc=True)
    ]


def practice_weights(space: Space, basis: str = "kind", on: datetime.date | None = None) -> list[dict]:
    """Each active practice's weight: by membership kind (resident 3, flexible 2, community 1) or by area (m²)."""
    weights: dict[int, dict] = {}
    for membership in SpaceMembership.objects.active(on).filter(space=space).select_related("practice"):
        if basis == "area":
            weight = max(membership.area_m2 or Decimal(0), Decimal(1))
        else:
            weight = KIND_WEIGHTS.get(membership.kind, Decimal(1))
        entry = weights.setdefault(membership.practice_id, {"practice": membership.practice, "weight": Decimal(0)})
        entry["weight"] += weight
    out = sorted(weights.values(), key=lambda e: (e["practice"].name, e["practice"].pk))
    total = sum((e["weight"] for e in out), Decimal(0))
    for entry in out:
        entry["share"] = (entry["weight"] / total * 100).quantize(Decimal("0.1")) if total else Decimal(0)
    return out


@transaction.atomic
def generate_rota(space: Space, start: datetime.date, end: datetime.date, *, by, basis: str = "kind") -> list[Shift]:
    """Propose shifts for every occurrence of the space's active tasks in [start, end) that has none yet.

    Fair and deterministic: occurrences are taken in time order and each goes to the practice whose effort, after
    taking it, is smallest relative to its weight (ties: practice name, then id). Effort already given to shifts in
    the previous 90 days and in the period counts. Side effect: audit entry."""
    if not rules.can_manage(by, space):
        raise PermissionDenied
    if end <= start:
        raise ValidationError({"end": _("The end must be after the start.")})
    if (end - start).days > 366:
        raise ValidationError({"end": _("Plan at most a year at a time.")})
    weights = practice_weights(space, basis, max(start, timezone.localdate()))
    if not weights:
        raise ValidationError(_("The space has no practices to share the care with."))
    load: dict[int, int] = defaultdict(int)
    since = timezone.make_aware(
        datetime.datetime.combine(start - datetime.timedelta(days=LOOKBACK_DAYS), datetime.time()), space.tz
    )
    existing = set()
    for shift in Shift.objects.filter(task__space=space, start__gte=since).select_related("task"):
        existing.add((shift.task_id, shift.start))
        if shift.practice_id:
            load[shift.practice_id] += shift.task.effort_minutes
    todo = []
    for task in CareTask.objects.filter(space=space, is_active=True).select_related("space"):
        for when in occurrences(task, start, end):
            if (task.pk, when) not in existing:
                todo.append((when, task.pk, task))
    todo.sort(key=lambda item: (item[0], item[1]))
    created = []
    for when, _pk, task in todo:
        best = min(
            weights,
            key=lambda e: (
                (load[e["practice"].pk] + task.effort_minutes) / e["weight"],
                e["practice"].name,
                e["practice"].pk,
            ),
        )
        load[best["practice"].pk] += task.effort_minutes
        created.append(Shift(task=task, start=when, practice=best["practice"]))
    Shift.objects.bulk_create(created)
    audit.record(
        space,
        "governance.rota_generated",
        by=by,
        after={"start": start, "end": end, "basis": basis, "shifts": len(created)},
    )
    return created


def _owns(user, shift: Shift) -> bool:
    return shift.taken_by_id == user.pk or (
        shift.practice_id is not None and shift.practice_id in rules.practices_in_space(user, shift.task.space)
    )


@transaction.atomic
def offer_shift(shift: Shift, *, by) -> Shift:
    """The practice holding the shift offers it for a swap or a take-over."""
    if not rules.can_read(by, shift.task.space):
        raise PermissionDenied
    if not _owns(by, shift):
        raise PermissionDenied(_("Only the practice holding this shift can offer it."))
    shift.offered = True
    shift.save(update_fields=["offered"])
    audit.record(shift, "governance.shift_offered", by=by, space=shift.task.space)
    return shift


@transaction.atomic
def take_over_shift(shift: Shift, *, by, practice=None) -> Shift:
    """A member takes a shift over, for themselves and one of their practices in the space."""
    space = shift.task.space
    if not rules.can_read(by, space):
        raise PermissionDenied
    shift = Shift.objects.select_for_update().get(pk=shift.pk)
    if shift.done_at:
        raise ValidationError(_("This shift is already done."))
    ids = rules.practices_in_space(by, space)
    before = audit.snapshot(shift, ["practice", "taken_by"])
    shift.taken_by = by
    if practice is not None and practice.pk in ids:
        shift.practice = practice
    elif ids and shift.practice_id not in ids:
        from community.models import Practice

        shift.practice = Practice.objects.get(pk=ids[0])
    shift.offered = False
    shift.save(update_fields=["taken_by", "practice", "offered"])
    audit.record(
        shift,
        "governance.shift_taken_over",
        by=by,
        space=space,
        before=before,
        after=audit.snapshot(shift, ["practice", "taken_by"]),
    )
    return shift


@transaction.atomic
def swap_shifts(mine: Shift, theirs: Shift, *, by) -> tuple[Shift, Shift]:
    """Exchange a shift of the member's practice with a shift another practice has offered."""
    space = mine.task.space
    if not rules.can_read(by, space) or theirs.task.space_id != space.pk:
        raise PermissionDenied
    mine, theirs = (Shift.objects.select_for_update().get(pk=s.pk) for s in (mine, theirs))
    if not _owns(by, mine):
        raise PermissionDenied(_("You can only swap a shift of your own practice."))
    if not theirs.offered:
        raise ValidationError(_("The other shift is not offered for a swap."))
    if mine.done_at or theirs.done_at:
        raise ValidationError(_("Done shifts cannot be swapped."))
    mine.practice_id, theirs.practice_id = theirs.practice_id, mine.practice_id
    mine.taken_by_id, theirs.taken_by_id = theirs.taken_by_id, mine.taken_by_id
    mine.offered = theirs.offered = False
    for shift in (mine, theirs):
        shift.save(update_fields=["practice", "taken_by", "offered"])
    audit.record(mine, "governance.shifts_swapped", by=by, space=space, after={"with": theirs.pk})
    return mine, theirs


@transaction.atomic
def complete_shift(shift: Shift, *, by) -> Shift:
    """Tick a shift as done (any member of the space; recorded with who did it)."""
    if not rules.can_read(by, shift.task.space):
        raise PermissionDenied
    if shift.done_at:
        raise ValidationError(_("This shift is already done."))
    shift.done_at = timezone.now()
    shift.done_by = by
    shift.save(update_fields=["done_at", "done_by"])
    audit.record(shift, "governance.shift_done", by=by, space=shift.task.space)
    return shift


def send_reminders(now: datetime.datetime | None = None) -> int:
    """Periodic job: email the people of the practice holding a shift in the next 24 hours, once."""
    from community.models import Member

    now = now or timezone.now()
    due = Shift.objects.filter(
        start__gte=now,
        start__lt=now + datetime.timedelta(hours=24),
        reminder_sent_at__isnull=True,
        done_at__isnull=True,
    ).select_related("task__space", "taken_by", "practice")
    sent = 0
    for shift in due:
        if shift.taken_by is not None:
            people = [shift.taken_by]
        elif shift.practice_id:
            people = list(Member.objects.filter(practice_links__practice_id=shift.practice_id, is_active=True))
        else:
            people = []
        updated = Shift.objects.filter(pk=shift.pk, reminder_sent_at__isnull=True).update(reminder_sent_at=now)
        if not updated:
            continue
        for person in people:
            emails.send_to_member(
                "governance/email/shift_reminder", person, {"shift": shift, "space": shift.task.space}
            )
            sent += 1
    return sent
