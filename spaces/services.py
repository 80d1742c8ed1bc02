"""Every change to networks, spaces, resources, opening hours, closures, memberships and roles.

Each function is atomic, checks permission (``spaces.rules``), validates its input (raising Django's
``ValidationError`` with field messages) and writes an audit entry. Views, the API, commands and tests call these.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community.models import Member, Practice
from core import audit

from . import rules
from .models import Closure, Network, OpeningHours, Resource, RoleAssignment, Space, SpaceMembership

Role = RoleAssignment.Role

SPACE_EDITABLE = [
    "network",
    "name",
    "address",
    "postal_code",
    "city",
    "country",
    "time_zone",
    "latitude",
    "longitude",
    "languages",
    "model",
    "access_policy",
    *[f"{base}_{code}" for base in Space.TRANSLATED_BASES for code in ("en", "fr", "nl")],
    *Space.ACCESSIBILITY_FIELDS,
    "public_transport",
    "email",
    "phone",
    "website",
]
RESOURCE_EDITABLE = [
    "name",
    "kind",
    "capacity",
    "area_m2",
    "floor",
    "features",
    "description_en",
    "description_fr",
    "description_nl",
    "step_free",
    "wheelchair_accessible",
    "hearing_loop",
    "bookable",
    "visibility",
    "is_active",
]
MEMBERSHIP_EDITABLE = ["kind", "start_date", "end_date", "area_m2", "notes"]


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You may not change this space."))


def _apply(obj, changes: dict[str, Any], allowed: Iterable[str]) -> None:
    allowed = set(allowed)
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    for name, value in changes.items():
        setattr(obj, name, value)


def _clean(obj, exclude: list[str] | None = None) -> None:
    obj.full_clean(exclude=exclude)


def _forget(*people) -> None:
    for person in people:
        rules.forget(person)


# --- networks and spaces ---------------------------------------------------------------------------------------


@transaction.atomic
def create_network(*, by: Member, name: str, slug: str, website: str = "", **texts) -> Network:
    """Create a network (superusers only). Side effects: an audit entry."""
    _require(getattr(by, "is_superuser", False))
    network = Network(name=name, slug=slug, website=website)
    _apply(network, texts, ["description_en", "description_fr", "description_nl"])
    _clean(network)
    network.save()
    audit.record(network, "spaces.network_created", by=by, after=audit.snapshot(network))
    return network


@transaction.atomic
def create_space(*, by: Member, **fields) -> Space:
    """Create a space; its creator becomes its coordinator.

    Allowed for superusers and for coordinators of a space of the same network (``rules.can_create_space``).
    Side effects: a coordinator role for ``by``; audit entries for the space and the role.
    """
    network = fields.get("network")
    _require(rules.can_create_space(by, network.pk if network else None))
    slug = fields.pop("slug", None)
    space = Space(slug=slug or "")
    _apply(space, fields, SPACE_EDITABLE)
    if not space.slug:
        from community.models import unique_slug

        space.slug = unique_slug(Space, space.name)
    _clean(space)
    space.save()
    audit.record(space, "spaces.space_created", by=by, after=audit.snapshot(space))
    role = RoleAssignment.objects.create(space=space, member=by, role=Role.COORDINATOR)
    audit.record(role, "spaces.role_assigned", by=by, after=audit.snapshot(role))
    _forget(by)
    return space


@transaction.atomic
def update_space(space: Space, *, by: Member, **changes) -> Space:
    """Change a space's identity (texts, model, access, contact, accessibility facts, time zone, coordinates).

    Coordinators of the space and superusers. Moving the space to another network needs ``can_create_space`` there.
    Side effects: an audit entry with the changed values before and after.
    """
    _require(rules.can_manage(by, space))
    if "network" in changes and changes["network"] != space.network:
        target = changes["network"]
        _require(rules.can_create_space(by, target.pk if target else None) or getattr(by, "is_superuser", False))
    before = audit.snapshot(space)
    _apply(space, changes, SPACE_EDITABLE)
    _clean(space)
    space.save()
    old, new = audit.diff(before, audit.snapshot(space))
    if new:
        audit.record(space, "spaces.space_updated", by=by, before=old, after=new)
    return space


# --- resources ---------------------------------------------------------------------------------------------------


@transaction.atomic
def create_resource(space: Space, *, by: Member, **fields) -> Resource:
    """Add a resource (room, studio, desk, machine…) to the space. Side effects: an audit entry."""
    _require(rules.can_manage(by, space))
    resource = Resource(space=space)
    _apply(resource, fields, RESOURCE_EDITABLE)
    _clean(resource)
    resource.save()
    audit.record(resource, "spaces.resource_created", by=by, after=audit.snapshot(resource))
    return resource


@transaction.atomic
def update_resource(resource: Resource, *, by: Member, **changes) -> Resource:
    """Change a resource; ``is_active=False`` takes it out of use. Side effects: an audit entry."""
    _require(rules.can_manage(by, resource.space))
    before = audit.snapshot(resource)
    _apply(resource, changes, RESOURCE_EDITABLE)
    _clean(resource)
    resource.save()
    old, new = audit.diff(before, audit.snapshot(resource))
    if new:
        audit.record(resource, "spaces.resource_updated", by=by, before=old, after=new)
    return resource


def retire_resource(resource: Resource, *, by: Member) -> Resource:
    """Take a resource out of use (it stays in the history; it can no longer be booked)."""
    return update_resource(resource, by=by, is_active=False)


# --- opening hours and closures ----------------------------------------------------------------------------------


def _check_week(periods: list[tuple[int, datetime.time, datetime.time]]) -> None:
    by_day: dict[int, list[tuple[datetime.time, datetime.time]]] = {}
    for weekday, opens, closes in periods:
        if weekday not in OpeningHours.Weekday.values:
            raise ValidationError({"weekday": _("Choose a day of the week.")})
        if closes <= opens:
            raise ValidationError({"closes": _("The closing time must be after the opening time.")})
        by_day.setdefault(weekday, []).append((opens, closes))
    for weekday, rows in by_day.items():
        rows.sort()
        for (_o1, c1), (o2, _c2) in zip(rows, rows[1:], strict=False):
            if o2 < c1:
                day = OpeningHours.Weekday(weekday).label
                raise ValidationError(
                    {"opens": _("Two opening periods on %(day)s overlap.") % {"day": day}},
                )


@transaction.atomic
def set_opening_hours(
    space: Space, periods: list[tuple[int, datetime.time, datetime.time]], *, by: Member
) -> list[OpeningHours]:
    """Replace the space's weekly opening hours with ``periods`` (weekday, opens, closes) in local time.

    Side effects: an audit entry with the week before and after.
    """
    _require(rules.can_manage(by, space))
    _check_week(periods)
    before = [str(h) for h in space.opening_hours.all()]
    space.opening_hours.all().delete()
    rows = OpeningHours.objects.bulk_create(
        [OpeningHours(space=space, weekday=d, opens=o, closes=c) for d, o, c in sorted(periods)]
    )
    audit.record(
        space, "spaces.opening_hours_set", by=by, before={"hours": before}, after={"hours": [str(h) for h in rows]}
    )
    return rows


@transaction.atomic
def add_closure(
    space: Space,
    *,
    by: Member,
    start: datetime.datetime,
    end: datetime.datetime,
    reason: str = "",
    resource: Resource | None = None,
) -> Closure:
    """Close the whole space, or one resource, for a period.

    Side effects: an audit entry; the people whose bookings the closure hits are told
    (``bookings.services.notify_out_of_service``, when the bookings app provides it).
    """
    _require(rules.can_manage(by, space))
    closure = Closure(space=space, resource=resource, start=start, end=end, reason=reason)
    _clean(closure)
    closure.save()
    audit.record(closure, "spaces.closure_added", by=by, after=audit.snapshot(closure))
    try:
        from bookings.services import notify_out_of_service
    except ImportError:
        notify_out_of_service = None
    if notify_out_of_service is not None:
        notify_out_of_service(closure, by=by)
    return closure


@transaction.atomic
def remove_closure(closure: Closure, *, by: Member) -> None:
    """Remove a closure (the space or resource is open again). Side effects: an audit entry."""
    _require(rules.can_manage(by, closure.space))
    before = audit.snapshot(closure)
    audit.record(closure, "spaces.closure_removed", by=by, before=before)
    closure.delete()


# --- practices and memberships -----------------------------------------------------------------------------------


@transaction.atomic
def create_practice(*, by: Member, name: str, kind: str = Practice.Kind.COLLECTIVE, **fields) -> Practice:
    """Create a practice (coordinators of any space, superusers). Side effects: an audit entry."""
    _require(getattr(by, "is_superuser", False) or bool(rules.coordinated_space_ids(by)))
    practice = Practice(name=(name or "").strip(), kind=kind)
    _apply(practice, fields, ["description", "website", "email", "language", "public_profile"])
    _clean(practice, exclude=["slug"])
    practice.save()
    audit.record(practice, "community.practice_created", by=by, after=audit.snapshot(practice))
    return practice


@transaction.atomic
def add_membership(space: Space, practice: Practice, *, by: Member, **fields) -> SpaceMembership:
    """Make a practice a member of the space (kind, start and end dates, dedicated area).

    A practice has at most one current or future membership of a space at a time.
    Side effects: an audit entry.
    """
    _require(rules.can_manage(by, space))
    membership = SpaceMembership(space=space, practice=practice)
    _apply(membership, fields, MEMBERSHIP_EDITABLE)
    _clean(membership)
    today = timezone.localdate()
    if SpaceMembership.objects.filter(space=space, practice=practice).exclude(end_date__lt=today).exists():
        raise ValidationError({"practice": _("This practice is already a member of this space.")})
    membership.save()
    audit.record(membership, "spaces.membership_added", by=by, after=audit.snapshot(membership))
    return membership


@transaction.atomic
def add_practice_to_space(
    space: Space,
    *,
    by: Member,
    practice: Practice | None = None,
    new_name: str = "",
    new_kind: str = Practice.Kind.COLLECTIVE,
    **fields,
) -> SpaceMembership:
    """Add an existing practice, or a new one created by name and kind, as a member of the space.

    Side effects: the new practice (if any) and the membership, each with an audit entry. Nothing is written when
    the membership is refused.
    """
    _require(rules.can_manage(by, space))
    if practice is None:
        if not (new_name or "").strip():
            raise ValidationError({"practice": _("Choose an existing practice or type the name of a new one.")})
        practice = Practice(name=new_name.strip(), kind=new_kind)
        _clean(practice, exclude=["slug"])
        practice.save()
        audit.record(practice, "community.practice_created", by=by, space=space, after=audit.snapshot(practice))
    return add_membership(space, practice, by=by, **fields)


@transaction.atomic
def update_membership(membership: SpaceMembership, *, by: Member, **changes) -> SpaceMembership:
    """Change a membership's kind, dates, area or notes. Side effects: an audit entry."""
    _require(rules.can_manage(by, membership.space))
    before = audit.snapshot(membership)
    _apply(membership, changes, MEMBERSHIP_EDITABLE)
    _clean(membership)
    membership.save()
    old, new = audit.diff(before, audit.snapshot(membership))
    if new:
        audit.record(membership, "spaces.membership_updated", by=by, before=old, after=new)
    return membership


@transaction.atomic
def end_membership(membership: SpaceMembership, *, by: Member, on: datetime.date | None = None) -> SpaceMembership:
    """End a membership on ``on`` (default: today; a membership not yet started ends on its start date)."""
    _require(rules.can_manage(by, membership.space))
    on = on or timezone.localdate()
    if membership.end_date is not None and membership.end_date <= on:
        raise ValidationError({"end_date": _("This membership has already ended.")})
    before = audit.snapshot(membership, ["end_date"])
    membership.end_date = max(on, membership.start_date)
    membership.save(update_fields=["end_date"])
    audit.record(membership, "spaces.membership_ended", by=by, before=before, after={"end_date": membership.end_date})
    return membership


# --- roles -------------------------------------------------------------------------------------------------------


def people_of(space: Space):
    """Accounts that belong to the space: people of its current practices and role holders."""
    today = timezone.localdate()
    from django.db.models import Q

    return (
        Member.objects.filter(
            Q(roles__space=space)
            | Q(
                Q(practice_links__practice__space_memberships__space=space),
                Q(practice_links__practice__space_memberships__start_date__lte=today),
                Q(practice_links__practice__space_memberships__end_date__isnull=True)
                | Q(practice_links__practice__space_memberships__end_date__gte=today),
            )
        )
        .filter(is_active=True)
        .distinct()
        .order_by("name", "email")
    )


@transaction.atomic
def assign_role(space: Space, member: Member, role: str, *, by: Member, **responsibility) -> RoleAssignment:
    """Give ``member`` a role in the space, with a written responsibility in up to three languages.

    Side effects: an audit entry; the person becomes a member of the space (roles count as membership).
    """
    _require(rules.can_manage(by, space))
    if role not in Role.values:
        raise ValidationError({"role": _("Choose one of the roles.")})
    if not member.is_active:
        raise ValidationError({"member": _("This account is not active.")})
    assignment = RoleAssignment(space=space, member=member, role=role)
    _apply(assignment, responsibility, ["responsibility_en", "responsibility_fr", "responsibility_nl"])
    if RoleAssignment.objects.filter(space=space, member=member, role=role).exists():
        raise ValidationError({"role": _("This person already has this role here.")})
    _clean(assignment, exclude=["space", "member"])
    assignment.save()
    audit.record(assignment, "spaces.role_assigned", by=by, after=audit.snapshot(assignment))
    _forget(by, member)
    return assignment


class LastCoordinator(ValidationError):
    """Raised when a change would leave a space without a coordinator."""


@transaction.atomic
def remove_role(assignment: RoleAssignment, *, by: Member) -> None:
    """Take a role away. A space keeps at least one coordinator. Side effects: an audit entry."""
    space = assignment.space
    _require(rules.can_manage(by, space))
    # Lock the space's row so that two removals at once cannot both see "another coordinator is left".
    Space.objects.select_for_update().filter(pk=space.pk).first()
    if assignment.role == Role.COORDINATOR:
        others = RoleAssignment.objects.filter(space=space, role=Role.COORDINATOR).exclude(pk=assignment.pk)
        if not others.exists():
            raise LastCoordinator({"role": _("A space needs at least one coordinator: assign another one first.")})
    audit.record(assignment, "spaces.role_removed", by=by, before=audit.snapshot(assignment))
    assignment.delete()
    _forget(by, assignment.member)
