"""The services a space offers its members and their office-hour slots."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from spaces.models import Space

from .. import rules
from ..models import Service, Slot

SERVICE_FIELDS = ("kind", "title", "description", "provider", "contact", "is_active")


@transaction.atomic
def create_service(space: Space, *, by, **fields) -> Service:
    """Add a service the space offers. Side effects: an audit entry."""
    if not rules.can_manage_services(by, space):
        raise PermissionDenied
    service = Service(space=space, **{k: v for k, v in fields.items() if k in SERVICE_FIELDS})
    if not service.title.strip():
        raise ValidationError({"title": [_("Give the service a name.")]})
    service.save()
    audit.record(service, "programme.service_created", by=by, after=audit.snapshot(service))
    return service


@transaction.atomic
def update_service(service: Service, *, by, **fields) -> Service:
    """Change a service. Side effects: an audit entry."""
    if not rules.can_manage_services(by, service.space):
        raise PermissionDenied
    before = audit.snapshot(service)
    for name, value in fields.items():
        if name in SERVICE_FIELDS:
            setattr(service, name, value)
    service.save()
    old, new = audit.diff(before, audit.snapshot(service))
    audit.record(service, "programme.service_updated", by=by, before=old, after=new)
    return service


@transaction.atomic
def add_slots(service: Service, *, by, start: datetime, end: datetime, minutes: int) -> list[Slot]:
    """Cut [start, end) into office-hour slots of ``minutes``; existing starts are kept. Side effects: an
    audit entry."""
    if not rules.can_manage_services(by, service.space):
        raise PermissionDenied
    if end <= start:
        raise ValidationError({"end": [_("The end must be after the start.")]})
    if not 5 <= minutes <= 480:
        raise ValidationError({"minutes": [_("A slot lasts between 5 and 480 minutes.")]})
    existing = set(service.slots.filter(start__gte=start, start__lt=end).values_list("start", flat=True))
    slots, cursor, step = [], start, timedelta(minutes=minutes)
    while cursor + step <= end:
        if cursor not in existing:
            slots.append(Slot(service=service, start=cursor, end=cursor + step))
        cursor += step
    if len(slots) > 200:
        raise ValidationError({"end": [_("That makes more than 200 slots; add them in smaller batches.")]})
    Slot.objects.bulk_create(slots)
    audit.record(service, "programme.slots_added", by=by, after={"slots": [s.start for s in slots]})
    return slots


class SlotTaken(Exception):
    """Someone else took the slot first."""


@transaction.atomic
def take_slot(slot: Slot, *, by, topic: str = "") -> Slot:
    """A member takes a free office-hour slot. One person per slot: the slot is taken with a conditional
    update, so two people taking it at once cannot both succeed (the second gets SlotTaken).
    Side effects: an audit entry."""
    if not rules.can_take_slot(by, slot.service.space):
        raise PermissionDenied
    if slot.start <= timezone.now():
        raise ValidationError(_("This slot is in the past."))
    now = timezone.now()
    taken = Slot.objects.filter(pk=slot.pk, taken_by__isnull=True).update(taken_by=by, taken_at=now, topic=topic[:300])
    if not taken:
        raise SlotTaken(_("Someone else has just taken this slot. Choose another one."))
    slot.refresh_from_db()
    audit.record(slot, "programme.slot_taken", by=by, space=slot.service.space)
    return slot


@transaction.atomic
def release_slot(slot: Slot, *, by) -> Slot:
    """Give a slot back (the person who took it, or a coordinator). Side effects: an audit entry."""
    if not (slot.taken_by_id == getattr(by, "pk", None) or rules.can_manage_services(by, slot.service.space)):
        raise PermissionDenied
    Slot.objects.filter(pk=slot.pk).update(taken_by=None, taken_at=None, topic="")
    slot.refresh_from_db()
    audit.record(slot, "programme.slot_released", by=by, space=slot.service.space)
    return slot
