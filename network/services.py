"""The network within one installation: access rules, admitting visitors, counting their days.

``admit()`` is the one door for network visitors, local (a member of another space of the host's network) and
federated (a member of a partner installation, known by a pseudonymous reference): it applies the host's rules,
counts the visitor's days this month in the host's own database (so the counts hold when the home server is
offline) and, when allowed, records the day (once per visitor, privilege and day).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import audit
from spaces import rules as space_rules
from spaces.models import Resource, Space

from .models import BOOKING_PRIVILEGES, NetworkAccess, NetworkVisit, Privilege

ZERO = Decimal("0.00")
RULE_FIELDS = ["local", "federated", "free_days_per_month", "day_price", "resource_kinds"]


@dataclass(frozen=True)
class Admission:
    """The host's answer. ``used_this_month``: the visitor's days of this privilege already counted at the host
    this month, not counting ``on_date``. ``charge``: the day price to pay at the host (0 when free)."""

    allowed: bool
    reason: str = ""
    free: bool = True
    charge: Decimal = ZERO
    used_this_month: int = 0
    visit: NetworkVisit | None = None


def _refused(reason: str, used: int = 0) -> Admission:
    return Admission(allowed=False, reason=str(reason), free=False, charge=ZERO, used_this_month=used)


def month_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of ``day``'s calendar month."""
    first = day.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def local_dates(start: dt.datetime, end: dt.datetime, tz) -> list[dt.date]:
    """The local days [start, end) touches at the host (a booking ending at midnight does not touch the next day)."""
    first = start.astimezone(tz).date()
    last = (end - dt.timedelta(microseconds=1)).astimezone(tz).date()
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def not_allowed_reason(space: Space, privilege: str, *, federated: bool) -> str:
    names = {
        Privilege.VISIT: _("%(space)s does not receive visitors from the network."),
        Privilege.DESK: _("%(space)s does not let members of the network book desks."),
        Privilege.ROOM: _("%(space)s does not let members of the network book rooms."),
        Privilege.EVENTS: _("%(space)s does not open its member events to the network."),
    }
    if federated:
        names = {
            Privilege.VISIT: _("%(space)s does not receive visitors from partner installations."),
            Privilege.DESK: _("%(space)s does not let members of partner installations book desks."),
            Privilege.ROOM: _("%(space)s does not let members of partner installations book rooms."),
            Privilege.EVENTS: _("%(space)s does not open its member events to partner installations."),
        }
    return names[Privilege(privilege)] % {"space": space.name}


def _cap_reason(space: Space, free_days: int) -> str:
    return ngettext(
        "Members of the network have %(count)d day a month at %(space)s, and it is used.",
        "Members of the network have %(count)d days a month at %(space)s, and they are used.",
        free_days,
    ) % {"count": free_days, "space": space.name}


def price_day(rule: NetworkAccess | None, used: int) -> tuple[bool, Decimal | None]:
    """(allowed, charge) for one more day after ``used`` counted days this month. No rule: free, no limit."""
    if rule is None:
        return True, ZERO
    price = rule.day_price
    if rule.free_days_per_month is None:
        return True, price if price is not None else ZERO
    if used < rule.free_days_per_month:
        return True, ZERO
    if price is None:
        return False, None
    return True, price


def home_space_of(member, host: Space) -> Space | None:
    """The member's space in the host's network (the first by name), for the ledger."""
    if host.network_id is None:
        return None
    return (
        Space.objects.filter(id__in=space_rules.member_space_ids(member), network_id=host.network_id)
        .exclude(pk=host.pk)
        .order_by("name")
        .first()
    )


def rule_for(space: Space, privilege: str) -> NetworkAccess | None:
    return NetworkAccess.objects.filter(space=space, privilege=privilege).first()


def booking_rule(resource: Resource, rules: list[NetworkAccess] | None = None) -> tuple[str, NetworkAccess | None]:
    """The privilege a booking of ``resource`` needs (desk or room) and the host's rule for it (None: no rule)."""
    if rules is None:
        rules = list(NetworkAccess.objects.filter(space_id=resource.space_id, privilege__in=BOOKING_PRIVILEGES))
    by_privilege = {r.privilege: r for r in rules}
    for privilege in BOOKING_PRIVILEGES:
        rule = by_privilege.get(privilege)
        if rule is not None and resource.kind in rule.kinds:
            return privilege, rule
    return (Privilege.DESK if resource.kind == Resource.Kind.DESK else Privilege.ROOM), None


def _used_days(space: Space, key: str, privilege: str, first: dt.date, last: dt.date) -> set[dt.date]:
    """The visitor's counted days of ``privilege`` at ``space`` from ``first`` to ``last``."""
    return set(
        NetworkVisit.objects.counted()
        .filter(space=space, visitor_key=key, privilege=privilege, date__gte=first, date__lte=last)
        .values_list("date", flat=True)
    )


def admit(
    host_space: Space,
    privilege: str,
    *,
    on_date: dt.date,
    member=None,
    home_space: Space | None = None,
    home_installation: str = "",
    home_label: str = "",
    visitor_ref: str = "",
    booking=None,
    record: bool = True,
    rule: NetworkAccess | None | bool = False,
) -> Admission:
    """May this visitor use ``privilege`` at ``host_space`` on ``on_date`` (a local date at the host), and at what
    charge? A local visitor is ``member`` (a member of another space of the host's network); a federated one is
    ``visitor_ref`` from ``home_installation`` (its base URL; ``home_label`` says it in words).

    A member of the host itself is not a visitor: allowed, free, nothing recorded. With ``record=True`` an
    allowed day is written as a NetworkVisit (idempotent: the same visitor, privilege and day is counted once, and
    a second call returns the first answer). ``rule`` (internal): the host's rule when the caller resolved it.
    Side effects when recorded: a NetworkVisit and an audit entry "network.visit_recorded".
    """
    if privilege not in Privilege.values:
        raise ValidationError({"privilege": _("Unknown privilege.")})
    if not isinstance(on_date, dt.date) or isinstance(on_date, dt.datetime):
        raise ValidationError({"on_date": _("Give a date.")})
    federated = member is None
    if federated:
        if not home_installation or not visitor_ref:
            raise ValidationError(_("Say who visits: a member, or a partner installation and a visitor reference."))
    else:
        if space_rules.is_member(member, host_space):
            return Admission(allowed=True)
        if not space_rules.is_network_member(member, host_space):
            return _refused(_("Only members of the network of %(space)s are received.") % {"space": host_space.name})
    if rule is False:
        rule = rule_for(host_space, privilege)
    if rule is None and federated:
        return _refused(not_allowed_reason(host_space, privilege, federated=True))
    if rule is not None and not (rule.federated if federated else rule.local):
        return _refused(not_allowed_reason(host_space, privilege, federated=federated))

    key = NetworkVisit.key_for(member=member, home_installation=home_installation, visitor_ref=visitor_ref)
    with transaction.atomic():
        if record and rule is not None:
            # One admission at a time per host and privilege, so that two requests cannot both take the last free day.
            NetworkAccess.objects.select_for_update().filter(pk=rule.pk).first()
        first, last = month_bounds(on_date)
        days = _used_days(host_space, key, privilege, first, last)
        used = len(days - {on_date})
        existing = NetworkVisit.objects.filter(space=host_space, visitor_key=key, privilege=privilege, date=on_date)
        visit = existing.select_related("booking").first()
        if visit is not None and on_date in days:
            return Admission(
                allowed=True, free=not visit.charge, charge=visit.charge, used_this_month=used, visit=visit
            )
        allowed, charge = price_day(rule, used)
        if not allowed:
            return _refused(_cap_reason(host_space, rule.free_days_per_month), used)
        admission = Admission(allowed=True, free=not charge, charge=charge, used_this_month=used)
        if not record:
            return admission
        if not federated and home_space is None:
            home_space = home_space_of(member, host_space)
        values = {
            "home_space": home_space,
            "home_installation": "" if not federated else home_installation,
            "home_label": home_label or (home_space.name if home_space else ""),
            "member": member,
            "visitor_ref": visitor_ref if federated else "",
            "booking": booking,
            "charge": charge,
        }
        if visit is None:
            visit = NetworkVisit(space=host_space, privilege=privilege, date=on_date, **values)
            try:
                with transaction.atomic():
                    visit.save(force_insert=True)
            except IntegrityError:  # recorded meanwhile by a concurrent request: that answer stands
                visit = existing.get()
                return Admission(
                    allowed=True, free=not visit.charge, charge=visit.charge, used_this_month=used, visit=visit
                )
        else:  # the day's booking was cancelled: the day counts again, at today's rules
            for name, value in values.items():
                setattr(visit, name, value)
            visit.save()
        audit.record(
            visit,
            "network.visit_recorded",
            by=member,
            space=host_space,
            after=audit.snapshot(visit, ["privilege", "date", "home_space", "home_installation", "charge", "booking"]),
        )
    return Admission(allowed=True, free=not charge, charge=charge, used_this_month=used, visit=visit)


def lock_admissions(host_space: Space, privilege: str) -> None:
    """Hold the host's rule row for ``privilege`` until the end of the transaction, as ``admit`` holds it while
    it records a day: a day given back and a day admitted at the same host wait for each other."""
    NetworkAccess.objects.select_for_update().filter(space=host_space, privilege=privilege).first()


@transaction.atomic
def give_back(visit: NetworkVisit, *, by=None) -> None:
    """A counted day whose use was cancelled (an event registration) and that nothing else needs: it no longer
    counts towards the free days or the ledger, and the visitor may use it again. The caller decides that nothing
    else needs it, under ``lock_admissions``. Side effects: the NetworkVisit is deleted; audit
    "network.visit_given_back" (with what it was)."""
    audit.record(
        visit,
        "network.visit_given_back",
        by=by,
        space=visit.space,
        before=audit.snapshot(visit, ["privilege", "date", "member", "home_space", "home_installation", "charge"]),
    )
    visit.delete()


def check_booking(by, resource: Resource, periods) -> str | None:
    """Why the host's network rules refuse ``by`` booking ``resource`` for ``periods`` (None: they allow it).

    Called only for members of the network who are not members of the resource's space. Two queries.
    """
    space = resource.space
    privilege, rule = booking_rule(resource)
    if rule is None:
        return None
    if not rule.local:
        return not_allowed_reason(space, privilege, federated=False)
    dates = sorted({d for start, end in periods for d in local_dates(start, end, space.tz)})
    if rule.free_days_per_month is None or rule.day_price is not None:
        return None  # no cap: every day is allowed, free or at the day price
    key = NetworkVisit.key_for(member=by)
    first, last = month_bounds(dates[0])[0], month_bounds(dates[-1])[1]
    counted = _used_days(space, key, privilege, first, last)
    per_month = Counter(d.replace(day=1) for d in counted)
    for day in dates:
        if day in counted:
            continue
        allowed, _charge = price_day(rule, per_month[day.replace(day=1)])
        if not allowed:
            return _cap_reason(space, rule.free_days_per_month)
        per_month[day.replace(day=1)] += 1
        counted.add(day)
    return None


def record_bookings(by, bookings) -> list[NetworkVisit]:
    """Record the days of a network member's bookings at a host as network visits (one per local day)."""
    if not bookings:
        return []
    resource = bookings[0].resource
    space = resource.space
    privilege, rule = booking_rule(resource)
    home = home_space_of(by, space)
    visits = []
    for booking in bookings:
        for day in local_dates(booking.start, booking.end, space.tz):
            admission = admit(space, privilege, on_date=day, member=by, home_space=home, booking=booking, rule=rule)
            if admission.visit is not None:
                visits.append(admission.visit)
    return visits


# --- Rules (coordinators) ---------------------------------------------------------------------------------------


@transaction.atomic
def save_access(space: Space, privilege: str, *, by, **values) -> NetworkAccess:
    """Create or change what members of the network may do at ``space`` for ``privilege``.

    Applies to days admitted from now on; recorded visits keep their charge. Side effects: audit
    "network.access_saved".
    """
    if not space_rules.can_manage(by, space):
        raise PermissionDenied
    if privilege not in Privilege.values:
        raise ValidationError({"privilege": _("Unknown privilege.")})
    unknown = set(values) - set(RULE_FIELDS)
    if unknown:
        raise ValueError(f"unknown network access fields: {sorted(unknown)}")
    rule = NetworkAccess.objects.select_for_update().filter(space=space, privilege=privilege).first()
    before = audit.snapshot(rule, RULE_FIELDS) if rule else {}
    if rule is None:
        rule = NetworkAccess(space=space, privilege=privilege)
    for name, value in values.items():
        setattr(rule, name, value)
    rule.full_clean()
    rule.save()
    audit.record(
        rule, "network.access_saved", by=by, space=space, before=before, after=audit.snapshot(rule, RULE_FIELDS)
    )
    return rule


@transaction.atomic
def delete_access(rule: NetworkAccess, *, by) -> None:
    """Remove a rule: the privilege falls back to "no network rule". Side effects: audit "network.access_deleted"."""
    if not space_rules.can_manage(by, rule.space):
        raise PermissionDenied
    audit.record(rule, "network.access_deleted", by=by, space=rule.space, before=audit.snapshot(rule, RULE_FIELDS))
    rule.delete()
