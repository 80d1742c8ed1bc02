"""Every change to bookings: book (once or recurring), approve, refuse, cancel, waitlist, out-of-service notices.

For the week and day views: ``bookings.queries.bookings_by_resource(space, start, end)`` returns the period's
bookings per resource in a fixed number of queries (two), whatever the number of bookings.
For "Find a place": ``bookings.availability.find_free(...)``.

No overlap, ever: every insert takes a transaction-level lock on the resource (``pg_advisory_xact_lock`` on
PostgreSQL, so racing requests queue instead of deadlocking on the exclusion constraint; on SQLite the
IMMEDIATE transaction serialises writers), then checks in Python, then inserts; on PostgreSQL the exclusion
constraint is the last word. Pending bookings hold their slot like confirmed ones.

Why keep the lock when the constraint alone refuses overlaps: with the bare constraint, racing inserts of
overlapping recurring series lock each other's rows in different orders and deadlock (PostgreSQL breaks the
tie after ``deadlock_timeout``, a p99 of seconds); the lock costs one round trip (≈0.1 ms) and makes the
conflict check exact, so a 409 lists the right occurrences. A booking costs, in the transaction: the policy,
the lock, one query for the bookings and closures around the slot, the insert, the audit row (no savepoint).
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import CharField, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from network import hooks as network_hooks
from spaces import rules as space_rules
from spaces.models import Closure, Resource

from . import recurrence as recurrence_module
from . import rules as booking_rules
from .models import Booking, BookingPolicy, BookingSeries, ResourceGroup, WaitlistEntry

logger = logging.getLogger(__name__)

# The first key of the two-key advisory lock: "bk" — keeps our locks apart from other apps' locks.
LOCK_NAMESPACE = 0x626B
# Marks the closures' rows in find_conflicts' UNION (never a booking status).
CLOSED = "-closed-"


class BookingConflict(Exception):
    """The slot (or some occurrences) is taken or closed. ``conflicts``: [{start, end, reason}]."""

    def __init__(self, conflicts: list[dict], message: str | None = None):
        self.conflicts = conflicts
        self.message = message or _("This time is already taken.")
        super().__init__(self.message)


class BookingRefused(Exception):
    """The space's rules do not allow this booking. ``reason``: a translated sentence in plain words."""

    def __init__(self, reason: str):
        self.reason = str(reason)
        super().__init__(self.reason)


class BookingStateError(Exception):
    """The booking is not in a state that allows this (e.g. approving a cancelled booking)."""

    def __init__(self, message: str):
        self.message = str(message)
        super().__init__(self.message)


def _notify(name: str, *args) -> None:
    """Call bookings.notifications.<name>(*args) after the commit; tolerate the module or function missing."""

    def send():
        try:
            from bookings import notifications
        except ImportError:
            return
        func = getattr(notifications, name, None)
        if func is None:
            return
        try:
            func(*args)
        except Exception:  # an email must never undo or break a booking
            logger.exception("bookings notification %s failed", name)

    transaction.on_commit(send)


def lock_resource(resource: Resource | int) -> None:
    """Serialise writers of one resource until the end of the transaction (PostgreSQL; SQLite is serialised)."""
    if connection.vendor == "postgresql":
        resource_id = resource if isinstance(resource, int) else resource.pk
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, resource_id])


def _aware(value: dt.datetime, name: str) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        raise ValidationError({name: _("Give a date and time.")})
    if timezone.is_naive(value):
        raise ValidationError({name: _("Give the time with its UTC offset.")})
    return value.astimezone(dt.UTC)


def _conflict(start, end, reason: str) -> dict:
    return {"start": start, "end": end, "reason": str(reason)}


def find_conflicts(
    resource: Resource, periods: list[tuple[dt.datetime, dt.datetime]], policy: BookingPolicy, *, kind: str
) -> list[dict]:
    """For each requested period, why it cannot be booked: taken (with buffers) or closed.

    One query: the holding bookings of the resource and the closures of the resource or its space around the
    periods (a UNION), compared in Python.
    """
    if not periods:
        return []
    before, after = policy.buffer_before, policy.buffer_after
    low = min(s for s, _e in periods) - before
    high = max(e for _s, e in periods) + after
    text = CharField()
    rows = (
        Booking.objects.blocking(low, high)
        .filter(resource_id=resource.pk)
        .order_by()
        .values_list("blocked_start", "blocked_end", "status", Value("", output_field=text))
    )
    if policy.respect_closures and kind != Booking.Kind.MAINTENANCE:
        closures = (
            booking_rules.closures_hitting(resource, low, high)
            .order_by()
            .values_list("start", "end", Value(CLOSED, output_field=text), "reason")
        )
        rows = rows.union(closures, all=True)
    taken, closed = [], []
    for row in rows:
        (closed if row[2] == CLOSED else taken).append(row)
    conflicts = []
    for start, end in periods:
        blocked_start, blocked_end = start - before, end + after
        hit = next((t for t in taken if t[0] < blocked_end and t[1] > blocked_start), None)
        if hit is not None:
            reason = _("already booked") if hit[2] == Booking.Status.CONFIRMED else _("requested by someone else")
            conflicts.append(_conflict(start, end, reason))
            continue
        closure = next((c for c in closed if c[0] < end and c[1] > start), None)
        if closure is not None:
            conflicts.append(_conflict(start, end, closure[3] or _("closed")))
    return conflicts


@transaction.atomic
def create_booking(
    resource: Resource,
    start: dt.datetime,
    end: dt.datetime,
    *,
    by,
    practice=None,
    title: str = "",
    recurrence: str | None = None,
    exdates=(),
    public: bool = False,
    kind: str = "booking",
    on_conflict: str = "fail",
    check_rules: bool = True,
    guest_name: str = "",
    guest_email: str = "",
) -> list[Booking]:
    """Book ``resource`` from ``start`` to ``end`` (aware datetimes), once or following ``recurrence`` (RRULE).

    Returns one Booking per occurrence, confirmed, or pending when the policy needs approval and ``by`` may not
    approve. Raises ValidationError (bad input), BookingRefused (the rules forbid it; ``reason``) or
    BookingConflict (taken or closed; ``conflicts`` lists every conflicting occurrence). With
    ``on_conflict="skip"`` the free occurrences are booked and the others left out (BookingConflict when none
    is free). ``check_rules=False`` (coordinators, system processes) skips the policy, never the no-overlap
    guarantee. Side effects: an audit entry ("bookings.created"); after the commit, the confirmation or
    "waiting for approval" email (bookings.notifications.booking_confirmed / booking_pending).
    """
    start, end = _aware(start, "start"), _aware(end, "end")
    if end <= start:
        raise ValidationError({"end": _("The end must be after the start.")})
    if on_conflict not in ("fail", "skip"):
        raise ValueError("on_conflict must be 'fail' or 'skip'")
    if kind not in Booking.Kind.values:
        raise ValidationError({"kind": _("Unknown kind of booking.")})
    if practice is not None and practice.pk is None:
        raise ValidationError({"practice": _("Unknown practice.")})
    signed_in = getattr(by, "is_authenticated", False)
    policy = booking_rules.effective_policy(resource)
    tz = resource.space.tz

    if check_rules:
        reason = booking_rules.may_book(by, resource, practice, policy=policy)
        if reason:
            raise BookingRefused(reason)
        if not signed_in or (practice is None and not space_rules.is_member(by, resource.space_id)):
            if not signed_in and not guest_email:
                raise ValidationError({"guest_email": _("Give an email address so that we can confirm.")})
            if policy.allow_guests and practice is None and kind == Booking.Kind.BOOKING:
                kind = Booking.Kind.GUEST

    if recurrence:
        try:
            periods = recurrence_periods(recurrence, start, end, tz, exdates)
        except recurrence_module.RecurrenceError as error:
            raise ValidationError({"recurrence": [str(error)]}) from None
    else:
        periods = [(start, end)]

    if check_rules:
        reason = booking_rules.check_occurrences(policy, resource, periods, practice=practice)
        if reason:
            raise BookingRefused(reason)
        reason = network_hooks.before_booking(by, resource, periods, practice=practice)
        if reason:
            raise BookingRefused(reason)

    lock_resource(resource)
    conflicts = find_conflicts(resource, periods, policy, kind=kind)
    if conflicts:
        if on_conflict == "fail" or len(conflicts) == len(periods):
            raise BookingConflict(conflicts)
        taken = {(c["start"], c["end"]) for c in conflicts}
        periods = [p for p in periods if p not in taken]

    status = Booking.Status.CONFIRMED
    if check_rules and booking_rules.needs_approval(by, resource, policy):
        status = Booking.Status.PENDING

    series = None
    if recurrence:
        series = BookingSeries.objects.create(
            resource=resource,
            practice=practice,
            booked_by=by if signed_in else None,
            title=title,
            rrule=recurrence_module.normalise(recurrence),
            exdates=[e.isoformat() if hasattr(e, "isoformat") else str(e) for e in exdates or ()],
            dtstart=start,
            duration=end - start,
            time_zone=resource.space.time_zone,
        )
    rows = [
        Booking(
            resource=resource,
            practice=practice,
            booked_by=by if signed_in else None,
            title=title,
            start=s,
            end=e,
            blocked_start=s - policy.buffer_before,
            blocked_end=e + policy.buffer_after,
            status=status,
            kind=kind,
            series=series,
            is_public=public,
            guest_name=guest_name,
            guest_email=guest_email,
            price=policy.guest_price(s, e) if kind == Booking.Kind.GUEST else None,
        )
        for s, e in periods
    ]
    # No savepoint of our own: when the exclusion constraint refuses the insert, BookingConflict leaves this
    # function's atomic block, which rolls back (the transaction, or its savepoint when called inside another).
    try:
        if len(rows) == 1:
            rows[0].save(force_insert=True)
            created = rows
        else:
            created = Booking.objects.bulk_create(rows)
    except IntegrityError:
        # Only reachable when someone wrote without the lock: the exclusion constraint has the last word.
        raise BookingConflict([_conflict(s, e, _("already booked")) for s, e in periods]) from None
    if connection.vendor != "postgresql" and any(b.pk is None for b in created):  # pragma: no cover
        created = list(Booking.objects.filter(resource=resource, start__in=[b.start for b in rows]))

    first = created[0]
    network_hooks.after_booking(by, created)
    audit.record(
        series or first,
        "bookings.created",
        by=by,
        space=resource.space,
        after={
            "resource": resource.pk,
            "practice": practice.pk if practice else None,
            "status": status,
            "kind": kind,
            "bookings": [b.pk for b in created],
            "periods": [[b.start, b.end] for b in created],
            "skipped": [[c["start"], c["end"]] for c in conflicts],
            "price": _total_price(created),
        },
    )
    _notify("booking_pending" if status == Booking.Status.PENDING else "booking_confirmed", created)
    return created


def _total_price(bookings) -> Decimal | None:
    prices = [b.price for b in bookings if b.price is not None]
    return sum(prices, Decimal("0")) if prices else None


def recurrence_periods(rule: str, start, end, tz, exdates=()) -> list[tuple[dt.datetime, dt.datetime]]:
    """The occurrences of ``rule`` starting with [start, end), in UTC (raises recurrence.RecurrenceError)."""
    return recurrence_module.occurrences(rule, start, end, tz, exdates)


def _decide(booking: Booking, status: str, *, by, reason: str, verb: str) -> Booking:
    booking = Booking.objects.select_for_update().select_related("resource__space").get(pk=booking.pk)
    if booking.status != Booking.Status.PENDING:
        raise BookingStateError(_("Only bookings waiting for approval can be approved or refused."))
    if not booking_rules.can_decide(by, booking.resource):
        raise PermissionDenied(_("Only the people who approve bookings of this resource may do this."))
    before = audit.snapshot(booking, ["status", "decided_by", "decided_at", "reason"])
    booking.status = status
    booking.decided_by = by
    booking.decided_at = timezone.now()
    booking.reason = reason
    booking.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    audit.record(
        booking,
        f"bookings.{verb}",
        by=by,
        space=booking.resource.space,
        before=before,
        after=audit.snapshot(booking, ["status", "decided_by", "decided_at", "reason"]),
        note=reason,
    )
    return booking


@transaction.atomic
def approve_booking(booking: Booking, *, by) -> Booking:
    """Confirm a pending booking. Only the policy's approver role (default: coordinators).

    Side effects: audit "bookings.approved"; after the commit, bookings.notifications.booking_approved.
    """
    booking = _decide(booking, Booking.Status.CONFIRMED, by=by, reason="", verb="approved")
    _notify("booking_approved", booking)
    return booking


@transaction.atomic
def refuse_booking(booking: Booking, *, by, reason: str = "") -> Booking:
    """Refuse a pending booking; the slot is freed and offered to the first person on its waitlist.

    Side effects: audit "bookings.refused"; after the commit, bookings.notifications.booking_refused and,
    when someone waits for the slot, waitlist_offer.
    """
    booking = _decide(booking, Booking.Status.REFUSED, by=by, reason=reason, verb="refused")
    _notify("booking_refused", booking)
    offer_slot(booking)
    return booking


@transaction.atomic
def cancel_booking(booking: Booking, *, by, reason: str = "") -> Booking:
    """Cancel a booking. Its people may until the policy's deadline; coordinators and approvers always may.

    Raises PermissionDenied (someone else's booking) or BookingRefused (past the deadline; ``reason``).
    Side effects: audit "bookings.cancelled"; the slot goes to the first person on its waitlist (an offer
    email); after the commit, bookings.notifications.booking_cancelled.
    """
    booking = Booking.objects.select_for_update().select_related("resource__space").get(pk=booking.pk)
    if booking.status not in Booking.HOLDING:
        raise BookingStateError(_("This booking is already cancelled or refused."))
    if not getattr(by, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to cancel a booking."))
    why = booking_rules.may_cancel(by, booking)
    if why:
        if booking_rules.is_own(by, booking):
            raise BookingRefused(why)
        raise PermissionDenied(why)
    before = audit.snapshot(booking, ["status", "reason"])
    booking.status = Booking.Status.CANCELLED
    booking.reason = reason
    booking.decided_by = by
    booking.decided_at = timezone.now()
    booking.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    audit.record(
        booking,
        "bookings.cancelled",
        by=by,
        space=booking.resource.space,
        before=before,
        after=audit.snapshot(booking, ["status", "reason"]),
        note=reason,
    )
    _notify("booking_cancelled", booking)
    offer_slot(booking)
    return booking


def offer_slot(booking: Booking) -> WaitlistEntry | None:
    """Offer the freed slot to the first person waiting for an overlapping slot that is now free."""
    entries = WaitlistEntry.objects.filter(
        resource_id=booking.resource_id,
        status=WaitlistEntry.Status.WAITING,
        start__lt=booking.end,
        end__gt=booking.start,
    ).order_by("created_at", "id")
    for entry in entries:
        if not Booking.objects.blocking(entry.start, entry.end).filter(resource_id=entry.resource_id).exists():
            entry.status = WaitlistEntry.Status.OFFERED
            entry.offered_at = timezone.now()
            entry.save(update_fields=["status", "offered_at"])
            audit.record(entry, "bookings.waitlist_offered", by=None, space=booking.resource.space)
            _notify("waitlist_offer", entry)
            return entry
    return None


@transaction.atomic
def join_waitlist(resource: Resource, start: dt.datetime, end: dt.datetime, *, by, practice=None) -> WaitlistEntry:
    """Wait for a taken slot; offered it (by email) when the booking that holds it is refused or cancelled.

    Raises BookingRefused when ``by`` may not book the resource, ValidationError when the slot is free.
    Side effects: audit "bookings.waitlist_joined".
    """
    start, end = _aware(start, "start"), _aware(end, "end")
    if end <= start:
        raise ValidationError({"end": _("The end must be after the start.")})
    if not getattr(by, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to join a waitlist."))
    reason = booking_rules.may_book(by, resource, practice)
    if reason:
        raise BookingRefused(reason)
    if not Booking.objects.blocking(start, end).filter(resource=resource).exists():
        raise ValidationError({"start": _("This time is free: you can book it.")})
    entry, created = WaitlistEntry.objects.get_or_create(
        resource=resource,
        start=start,
        end=end,
        member=by,
        status=WaitlistEntry.Status.WAITING,
        defaults={"practice": practice},
    )
    if created:
        audit.record(entry, "bookings.waitlist_joined", by=by, space=resource.space)
    return entry


@transaction.atomic
def leave_waitlist(entry: WaitlistEntry, *, by) -> None:
    """Stop waiting. Side effects: audit "bookings.waitlist_left"."""
    if entry.member_id != getattr(by, "pk", None) and not space_rules.is_coordinator(by, entry.resource.space_id):
        raise PermissionDenied
    entry.status = WaitlistEntry.Status.WITHDRAWN
    entry.save(update_fields=["status"])
    audit.record(entry, "bookings.waitlist_left", by=by, space=entry.resource.space)


def affected_bookings(*, start: dt.datetime, end: dt.datetime, resource=None, space=None):
    """Pending and confirmed bookings overlapping [start, end), of one resource or of a whole space."""
    qs = Booking.objects.holding().overlapping(start, end).select_related("resource__space", "practice", "booked_by")
    if resource is not None:
        qs = qs.filter(resource=resource)
    if space is not None:
        qs = qs.filter(resource__space=space)
    return qs.order_by("start", "id")


@transaction.atomic
def notify_out_of_service(closure: Closure, *, by) -> int:
    """Tell the people whose bookings ``closure`` hits; returns how many bookings it hits.

    The bookings stay as they are (a coordinator decides whether to cancel them). Side effects: audit
    "bookings.out_of_service"; after the commit, bookings.notifications.out_of_service(closure, bookings).
    """
    if by is not None and getattr(by, "is_authenticated", False) and not space_rules.is_member(by, closure.space_id):
        raise PermissionDenied
    if closure.resource_id:
        hit = list(affected_bookings(start=closure.start, end=closure.end, resource=closure.resource))
    else:
        hit = list(affected_bookings(start=closure.start, end=closure.end, space=closure.space))
    audit.record(
        closure,
        "bookings.out_of_service",
        by=by,
        space=closure.space,
        after={"bookings": [b.pk for b in hit]},
    )
    if hit:
        _notify("out_of_service", closure, hit)
    return len(hit)


# --- Policies and groups (edited by coordinators in the UI) ---------------------------------------------------

POLICY_FIELDS = [
    "allow_practices",
    "allow_network",
    "allow_guests",
    "requires_approval",
    "approver_role",
    "min_duration_minutes",
    "max_duration_minutes",
    "max_days_ahead",
    "min_notice_hours",
    "buffer_before_minutes",
    "buffer_after_minutes",
    "respect_opening_hours",
    "respect_closures",
    "quota_hours",
    "quota_period",
    "cancellation_deadline_hours",
    "guest_price_per_hour",
]


@transaction.atomic
def save_policy(space, *, by, resource=None, group=None, **values) -> BookingPolicy:
    """Create or change the booking rules of a resource, a group, or the space's default (neither given).

    New rules apply to bookings made from now on; existing bookings keep the buffers they were made with.
    Side effects: audit "bookings.policy_saved".
    """
    if not space_rules.can_manage(by, space):
        raise PermissionDenied
    if resource is not None and resource.space_id != space.pk:
        raise ValidationError({"resource": _("This resource belongs to another space.")})
    if group is not None and group.space_id != space.pk:
        raise ValidationError({"group": _("This group belongs to another space.")})
    unknown = set(values) - set(POLICY_FIELDS)
    if unknown:
        raise ValueError(f"unknown policy fields: {sorted(unknown)}")
    policy = BookingPolicy.objects.filter(space=space, resource=resource, group=group).first()
    before = audit.snapshot(policy) if policy else {}
    if policy is None:
        policy = BookingPolicy(space=space, resource=resource, group=group)
    for name, value in values.items():
        setattr(policy, name, value)
    policy.full_clean()
    policy.save()
    audit.record(policy, "bookings.policy_saved", by=by, space=space, before=before, after=audit.snapshot(policy))
    return policy


@transaction.atomic
def delete_policy(policy: BookingPolicy, *, by) -> None:
    """Remove rules; the resource falls back to its group's, the space's default, or the permissive defaults."""
    if not space_rules.can_manage(by, policy.space):
        raise PermissionDenied
    audit.record(policy, "bookings.policy_deleted", by=by, space=policy.space, before=audit.snapshot(policy))
    policy.delete()


@transaction.atomic
def save_group(space, *, by, name: str, resources=(), group: ResourceGroup | None = None) -> ResourceGroup:
    """Create or change a resource group. Side effects: audit "bookings.group_saved"."""
    if not space_rules.can_manage(by, space):
        raise PermissionDenied
    resources = list(resources)
    if any(r.space_id != space.pk for r in resources):
        raise ValidationError({"resources": _("Every resource must belong to this space.")})
    before = {"name": group.name, "resources": list(group.resources.values_list("id", flat=True))} if group else {}
    if group is None:
        group = ResourceGroup(space=space)
    group.name = name
    group.full_clean()
    group.save()
    group.resources.set(resources)
    audit.record(
        group,
        "bookings.group_saved",
        by=by,
        space=space,
        before=before,
        after={"name": name, "resources": [r.pk for r in resources]},
    )
    return group


@transaction.atomic
def delete_group(group: ResourceGroup, *, by) -> None:
    """Delete a resource group (and its policy). Side effects: audit "bookings.group_deleted"."""
    if not space_rules.can_manage(by, group.space):
        raise PermissionDenied
    audit.record(group, "bookings.group_deleted", by=by, space=group.space, before={"name": group.name})
    group.delete()
