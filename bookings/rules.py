"""Who may book, approve, cancel and see bookings; which rules a booking must follow. Built on spaces.rules.

Checks that can fail for a reason a person should read return that reason (a translated sentence) or None.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from spaces import rules as space_rules
from spaces.models import Closure, OpeningHours, Resource, SpaceMembership

from .models import Booking, BookingPolicy


def effective_policy(resource: Resource) -> BookingPolicy:
    """The resource's own policy, else its group's, else the space's default, else the permissive defaults."""
    candidates = list(
        BookingPolicy.objects.filter(
            Q(resource=resource)
            | Q(group__resources=resource)
            | Q(space_id=resource.space_id, resource__isnull=True, group__isnull=True)
        ).order_by("group__name", "id")
    )
    policy = (
        next((p for p in candidates if p.resource_id == resource.pk), None)
        or next((p for p in candidates if p.group_id is not None), None)
        or next((p for p in candidates if p.resource_id is None and p.group_id is None), None)
        or BookingPolicy.permissive(resource.space)
    )
    return policy


def policy_scope_resource_ids(policy: BookingPolicy, resource: Resource) -> list[int]:
    """The resources a quota counts over: the policy's resource, its group, or the whole space."""
    if policy.resource_id:
        return [policy.resource_id]
    if policy.group_id:
        return list(policy.group.resources.values_list("id", flat=True))
    if policy.pk is None:
        return [resource.pk]
    return list(Resource.objects.filter(space_id=resource.space_id).values_list("id", flat=True))


def practice_is_member(practice, space, *, user=None) -> bool:
    """Whether the practice holds an active membership of the space (from ``user``'s cached rules when it is one
    of their practices, else one query)."""
    space_id = space if isinstance(space, int) else space.pk
    known = space_rules.practice_space_ids(user, practice.pk) if user is not None else None
    if known is not None:
        return space_id in known
    return SpaceMembership.objects.active().filter(space_id=space_id, practice=practice).exists()


def may_book(user, resource: Resource, practice=None, *, policy: BookingPolicy | None = None) -> str | None:
    """Why ``user`` may not book ``resource`` for ``practice`` (None: they may).

    The space's practices (members acting for them) book when the policy allows practices; members of the
    network when it allows the network; anyone as a guest when it allows guests. Coordinators may book for
    any practice of their space.
    """
    policy = policy or effective_policy(resource)
    space = resource.space
    name = resource.name
    if not resource.is_active or not resource.bookable:
        return _("%(resource)s cannot be booked.") % {"resource": name}
    signed_in = getattr(user, "is_authenticated", False)
    if practice is not None:
        if not signed_in:
            return _("Sign in to book for a practice.")
        coordinator = space_rules.is_coordinator(user, space)
        if not coordinator and practice.pk not in space_rules.practice_ids(user):
            return _("You do not act for %(practice)s.") % {"practice": practice.name}
        if practice_is_member(practice, space, user=user):
            if policy.allow_practices or coordinator:
                return None
            if policy.allow_network:
                return None
            return _("%(resource)s cannot be booked by the practices of %(space)s.") % {
                "resource": name,
                "space": space.name,
            }
        if policy.allow_network and space_rules.is_network_member(user, space):
            return None
        if policy.allow_network:
            return _("Only members of the network of %(space)s may book %(resource)s.") % {
                "space": space.name,
                "resource": name,
            }
        return _("Only the practices of %(space)s may book %(resource)s.") % {"space": space.name, "resource": name}
    # No practice: a member with a role in the space, a network member, or a guest.
    if (
        signed_in
        and (user.is_superuser or space_rules.is_member(user, space))
        and (policy.allow_practices or space_rules.is_coordinator(user, space))
    ):
        return None
    if signed_in and policy.allow_network and space_rules.is_network_member(user, space):
        return None
    if policy.allow_guests:
        return None
    if policy.allow_network:
        return _("Only members of the network of %(space)s may book %(resource)s.") % {
            "space": space.name,
            "resource": name,
        }
    return _("Only the practices of %(space)s may book %(resource)s.") % {"space": space.name, "resource": name}


def _opening_periods(space) -> dict[int, list[tuple[dt.time, dt.time]]]:
    periods: dict[int, list[tuple[dt.time, dt.time]]] = defaultdict(list)
    for weekday, opens, closes in OpeningHours.objects.filter(space=space).values_list("weekday", "opens", "closes"):
        periods[weekday].append((opens, closes))
    return periods


def within_opening_hours(periods, start: dt.datetime, end: dt.datetime, tz) -> bool:
    """True when [start, end) lies within one opening period of the local day (no opening hours: always)."""
    if not periods:
        return True
    local_start = start.astimezone(tz)
    local_end = end.astimezone(tz)
    if local_end.date() != local_start.date():
        # Ends at midnight exactly: fine when the period closes at 23:59 or later.
        if not (local_end.time() == dt.time(0) and (local_end.date() - local_start.date()).days == 1):
            return False
        end_time = dt.time(23, 59, 59, 999999)
    else:
        end_time = local_end.time()
    for opens, closes in periods.get(local_start.weekday(), []):
        closes_at = dt.time(23, 59, 59, 999999) if closes >= dt.time(23, 59) else closes
        if opens <= local_start.time() and end_time <= closes_at:
            return True
    return False


def _period_key(moment: dt.datetime, tz, period: str) -> dt.date:
    local = moment.astimezone(tz).date()
    if period == BookingPolicy.QuotaPeriod.MONTH:
        return local.replace(day=1)
    return local - dt.timedelta(days=local.weekday())


def _period_bounds(key: dt.date, tz, period: str) -> tuple[dt.datetime, dt.datetime]:
    if period == BookingPolicy.QuotaPeriod.MONTH:
        following = (key.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    else:
        following = key + dt.timedelta(days=7)
    start = dt.datetime.combine(key, dt.time(0), tzinfo=tz).astimezone(dt.UTC)
    end = dt.datetime.combine(following, dt.time(0), tzinfo=tz).astimezone(dt.UTC)
    return start, end


def check_occurrences(
    policy: BookingPolicy,
    resource: Resource,
    periods: list[tuple[dt.datetime, dt.datetime]],
    *,
    practice=None,
    now: dt.datetime | None = None,
) -> str | None:
    """Why these occurrences break the policy (None: they follow it). Closures are conflicts, not checked here."""
    now = now or timezone.now()
    tz = resource.space.tz
    name = resource.name
    opening = _opening_periods(resource.space) if policy.respect_opening_hours else {}
    for start, end in periods:
        minutes = (end - start).total_seconds() / 60
        if start < now:
            return _("Bookings cannot start in the past.")
        if policy.min_duration_minutes and minutes < policy.min_duration_minutes:
            return ngettext(
                "A booking of %(resource)s must last at least %(count)d minute.",
                "A booking of %(resource)s must last at least %(count)d minutes.",
                policy.min_duration_minutes,
            ) % {"resource": name, "count": policy.min_duration_minutes}
        if policy.max_duration_minutes and minutes > policy.max_duration_minutes:
            return ngettext(
                "A booking of %(resource)s can last at most %(count)d minute.",
                "A booking of %(resource)s can last at most %(count)d minutes.",
                policy.max_duration_minutes,
            ) % {"resource": name, "count": policy.max_duration_minutes}
        if policy.max_days_ahead is not None and start > now + dt.timedelta(days=policy.max_days_ahead):
            return ngettext(
                "Bookings of %(resource)s can be made at most %(count)d day ahead.",
                "Bookings of %(resource)s can be made at most %(count)d days ahead.",
                policy.max_days_ahead,
            ) % {"resource": name, "count": policy.max_days_ahead}
        if policy.min_notice_hours and start < now + dt.timedelta(hours=policy.min_notice_hours):
            return ngettext(
                "Bookings of %(resource)s must be made at least %(count)d hour in advance.",
                "Bookings of %(resource)s must be made at least %(count)d hours in advance.",
                policy.min_notice_hours,
            ) % {"resource": name, "count": policy.min_notice_hours}
        if policy.respect_opening_hours and not within_opening_hours(opening, start, end, tz):
            return _("%(resource)s can only be booked within the opening hours of %(space)s.") % {
                "resource": name,
                "space": resource.space.name,
            }
    if policy.quota_hours and practice is not None:
        return check_quota(policy, resource, periods, practice)
    return None


def check_quota(policy: BookingPolicy, resource: Resource, periods, practice) -> str | None:
    tz = resource.space.tz
    kind = policy.quota_period
    used: dict[dt.date, float] = defaultdict(float)
    for start, end in periods:
        used[_period_key(start, tz, kind)] += (end - start).total_seconds() / 3600
    window_start = _period_bounds(min(used), tz, kind)[0]
    window_end = _period_bounds(max(used), tz, kind)[1]
    existing = (
        Booking.objects.holding()
        .filter(
            practice=practice,
            resource_id__in=policy_scope_resource_ids(policy, resource),
            start__gte=window_start,
            start__lt=window_end,
        )
        .values_list("start", "end")
    )
    booked: dict[dt.date, float] = defaultdict(float)
    for start, end in existing:
        key = _period_key(start, tz, kind)
        if key in used:
            booked[key] += (end - start).total_seconds() / 3600
    over = sorted(key for key, hours in used.items() if hours + booked[key] > policy.quota_hours + 1e-9)
    if over:
        return _quota_refusal(policy, resource, practice, booked[over[0]])
    return None


def _hours(value: float) -> str:
    """Hours in plain words' digits: 3, 1.5 (localised decimal separator)."""
    rounded = round(value, 1)
    if rounded == int(rounded):
        return str(int(rounded))
    return formats.number_format(rounded, decimal_pos=1)


def _quota_refusal(policy: BookingPolicy, resource: Resource, practice, booked: float) -> str:
    """Why the quota refuses: what the quota covers (the resource, the group with its resources, or the whole
    space) and how many hours the practice already booked in that week or month."""
    monthly = policy.quota_period == BookingPolicy.QuotaPeriod.MONTH
    values = {"practice": practice.name, "resource": resource.name, "count": policy.quota_hours}
    if policy.group_id:
        values["group"] = policy.group.name
        values["resources"] = ", ".join(policy.group.resources.order_by("name").values_list("name", flat=True))
        if monthly:
            limit = ngettext(
                "%(practice)s may book the %(group)s group (%(resources)s) for at most %(count)d hour per month.",
                "%(practice)s may book the %(group)s group (%(resources)s) for at most %(count)d hours per month.",
                policy.quota_hours,
            )
        else:
            limit = ngettext(
                "%(practice)s may book the %(group)s group (%(resources)s) for at most %(count)d hour per week.",
                "%(practice)s may book the %(group)s group (%(resources)s) for at most %(count)d hours per week.",
                policy.quota_hours,
            )
    elif policy.resource_id is None and policy.pk is not None:
        values["space"] = resource.space.name
        if monthly:
            limit = ngettext(
                "%(practice)s may book the resources of %(space)s for at most %(count)d hour per month, all together.",
                "%(practice)s may book the resources of %(space)s for at most %(count)d hours per month, all together.",
                policy.quota_hours,
            )
        else:
            limit = ngettext(
                "%(practice)s may book the resources of %(space)s for at most %(count)d hour per week, all together.",
                "%(practice)s may book the resources of %(space)s for at most %(count)d hours per week, all together.",
                policy.quota_hours,
            )
    elif monthly:
        limit = ngettext(
            "%(practice)s may book %(resource)s for at most %(count)d hour per month.",
            "%(practice)s may book %(resource)s for at most %(count)d hours per month.",
            policy.quota_hours,
        )
    else:
        limit = ngettext(
            "%(practice)s may book %(resource)s for at most %(count)d hour per week.",
            "%(practice)s may book %(resource)s for at most %(count)d hours per week.",
            policy.quota_hours,
        )
    message = limit % values
    if booked > 1e-9:
        hours = {"hours": _hours(booked)}
        count = int(booked) if booked == int(booked) else 2
        if monthly:
            already = ngettext(
                "%(hours)s hour is already booked that month.", "%(hours)s hours are already booked that month.", count
            )
        else:
            already = ngettext(
                "%(hours)s hour is already booked that week.", "%(hours)s hours are already booked that week.", count
            )
        message = f"{message} {already % hours}"
    return message


def closures_hitting(resource: Resource, start: dt.datetime, end: dt.datetime) -> QuerySet[Closure]:
    """Closures of the resource or its whole space overlapping [start, end) (a query, not yet run)."""
    return Closure.objects.filter(
        Q(resource_id=resource.pk) | Q(resource__isnull=True), space_id=resource.space_id, start__lt=end, end__gt=start
    )


def needs_approval(user, resource: Resource, policy: BookingPolicy) -> bool:
    if not policy.requires_approval:
        return False
    return not can_decide(user, resource, policy)


def can_decide(user, resource: Resource, policy: BookingPolicy | None = None) -> bool:
    """May approve or refuse requests for the resource: the policy's approver role, coordinators, superusers."""
    policy = policy or effective_policy(resource)
    return space_rules.has_role(user, resource.space_id, policy.approver_role, *space_rules.MANAGING_ROLES)


def can_see(user, booking: Booking) -> bool:
    """Members of the booking's space see it; everyone sees public bookings."""
    return booking.is_public or space_rules.is_member(user, booking.resource.space_id)


def is_own(user, booking: Booking) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if booking.booked_by_id == user.pk:
        return True
    return booking.practice_id is not None and booking.practice_id in space_rules.practice_ids(user)


def may_cancel(user, booking: Booking, *, now: dt.datetime | None = None) -> str | None:
    """Why ``user`` may not cancel (None: they may). Coordinators always may; others before the deadline."""
    if space_rules.is_coordinator(user, booking.resource.space_id) or can_decide(user, booking.resource):
        return None
    if not is_own(user, booking):
        return _("Only the person who booked, their practice or a coordinator may cancel this booking.")
    policy = effective_policy(booking.resource)
    if policy.cancellation_deadline_hours:
        now = now or timezone.now()
        if now > booking.start - dt.timedelta(hours=policy.cancellation_deadline_hours):
            return ngettext(
                "Bookings of %(resource)s can be cancelled until %(count)d hour before they start; ask a coordinator.",
                "Bookings of %(resource)s can be cancelled until %(count)d hours before they start; ask a coordinator.",
                policy.cancellation_deadline_hours,
            ) % {"resource": booking.resource.name, "count": policy.cancellation_deadline_hours}
    return None
