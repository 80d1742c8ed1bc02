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

import contextlib
import dataclasses
import datetime as dt
import functools
import json
import logging
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import CharField, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from community.models import Practice
from core import audit
from core.models import AuditEntry
from network import hooks as network_hooks
from spaces import rules as space_rules
from spaces.models import Closure, Resource, Space

from . import recurrence as recurrence_module
from . import rules as booking_rules
from . import tasks
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


def _notify_later(name: str, bookings: list) -> None:
    """Have the task worker send bookings.notifications.<name>(bookings) (Bookings or ids) once committed.

    The booking emails (templates in the member's language, the message, the mail server) cost more than the
    booking itself: the request enqueues them (bookings.tasks, django-tasks; ``manage.py db_worker`` sends).
    With the tasks in the bookings' database (django-tasks-db), the task is written in the current transaction,
    so it exists exactly when the bookings do; with another backend it is enqueued after the commit.
    """
    ids = [b if isinstance(b, int) else b.pk for b in bookings]
    if tasks.written_with_bookings():  # in the booking's transaction (an outbox): written with it or not at all
        tasks.send_notification.enqueue(name, ids)
        return

    def enqueue():
        try:
            tasks.send_notification.enqueue(name, ids)
        except Exception:  # an email must never undo or break a booking
            logger.exception("bookings notification %s could not be enqueued", name)

    transaction.on_commit(enqueue)


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
    _notify_later("booking_pending" if status == Booking.Status.PENDING else "booking_confirmed", created)
    return created


def _total_price(bookings) -> Decimal | None:
    prices = [b.price for b in bookings if b.price is not None]
    return sum(prices, Decimal("0")) if prices else None


def recurrence_periods(rule: str, start, end, tz, exdates=()) -> list[tuple[dt.datetime, dt.datetime]]:
    """The occurrences of ``rule`` starting with [start, end), in UTC (raises recurrence.RecurrenceError)."""
    return recurrence_module.occurrences(rule, start, end, tz, exdates)


# --- One booking, the short way (POST /api/v1/bookings) --------------------------------------------------------
#
# The API's everyday request: a member books one slot of their own space. ``create_booking`` answers it in
# ≈5 ms of Python, most of it building ORM queries and model instances; this path asks the same rules
# (bookings.rules and spaces.rules, on model instances loaded with raw SQL: one query for the resource, its
# space, its effective policy and the practice) and writes with plain SQL: on PostgreSQL, after the advisory
# lock, one statement checks the slot, inserts the booking and its audit row. Whatever it does not cover
# (recurrence, guests, visitors from the network, unknown ids) is left to ``create_booking``:
# tests/bookings_api/test_fast_path.py checks that both give the same bookings, audit rows, errors and emails.


@dataclasses.dataclass(frozen=True)
class MadeBooking:
    """A booking made by ``create_single_booking_fast``: the values its API answer shows."""

    id: int
    resource_id: int
    resource_name: str
    space_id: int
    practice_id: int | None
    practice_name: str | None
    title: str
    start: dt.datetime
    end: dt.datetime
    status: str
    kind: str
    is_public: bool
    created_at: dt.datetime
    series_id: None = None
    price: None = None


def model_columns(model, names) -> list:
    """The fields of ``model`` named in ``names``, in the model's order: ``Model.from_db`` takes a partial row's
    values in that order (the fields left out are deferred: loaded if read)."""
    return [f for f in model._meta.concrete_fields if f.attname in names]


@functools.cache
def _loaded() -> tuple[list, list, list]:
    """The columns of the resource, its space and its policy that the rules read (the policy's price and
    updated_at are left out)."""
    return (
        model_columns(Resource, {"id", "space_id", "name", "is_active", "bookable", "visibility"}),
        model_columns(Space, {"id", "name", "slug", "network_id", "time_zone"}),
        model_columns(
            BookingPolicy, {"id", "space_id", "resource_id", "group_id", *POLICY_FIELDS} - {"guest_price_per_hour"}
        ),
    )


# The columns of a booking the short path writes, from its parameters, and those it writes as constants (a
# statement with over 50 parameters is not in psycopg's cache of parsed statements).
_INSERT_COLUMNS = [
    "resource_id",
    "practice_id",
    "booked_by_id",
    "title",
    "start",
    "end",
    "blocked_start",
    "blocked_end",
    "status",
    "kind",
    "is_public",
    "created_at",
]
_INSERT_CONSTANTS = {
    "series_id": "NULL",
    "guest_name": "''",
    "guest_email": "''",
    "price": "NULL",
    "decided_by_id": "NULL",
    "decided_at": "NULL",
    "reason": "''",
}
_AUDIT_COLUMNS = ["at", "actor_id", "action", "object_type", "object_id", "object_repr", "space_id", "before", "after"]


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


@functools.cache
def _context_sql(lock: bool) -> str:
    """Resource, space, practice and the effective policy (own, else a group's by name, else the space's); with
    ``lock`` (PostgreSQL), the resource's advisory lock too, as a session lock (``lock_resource``'s key)."""
    policy_t, group_t = BookingPolicy._meta.db_table, ResourceGroup._meta.db_table
    links_t = ResourceGroup.resources.through._meta.db_table
    resource_fields, space_fields, policy_fields = _loaded()
    columns = [
        *(f"r.{_q(f.column)}" for f in resource_fields),
        *(f"s.{_q(f.column)}" for f in space_fields),
        "pr.id",
        "pr.name",
        *(f"p.{_q(f.column)}" for f in policy_fields),
    ]
    if lock:  # evaluated for the resource's row only: no row, no lock
        columns.append("pg_advisory_lock(%(namespace)s, %(resource)s)")
    return f"""
        SELECT {", ".join(columns)}
          FROM {Resource._meta.db_table} r
          JOIN {Space._meta.db_table} s ON s.id = r.space_id
          LEFT JOIN {Practice._meta.db_table} pr ON pr.id = %(practice)s
          LEFT JOIN {policy_t} p ON p.id = (
                SELECT c.id FROM {policy_t} c LEFT JOIN {group_t} g ON g.id = c.group_id
                 WHERE c.resource_id = %(resource)s
                    OR c.group_id IN (SELECT l.resourcegroup_id FROM {links_t} l WHERE l.resource_id = %(resource)s)
                    OR (c.space_id IN (SELECT o.space_id FROM {Resource._meta.db_table} o WHERE o.id = %(resource)s)
                        AND c.resource_id IS NULL AND c.group_id IS NULL)
                 ORDER BY CASE WHEN c.resource_id = %(resource)s THEN 0 WHEN c.group_id IS NOT NULL THEN 1 ELSE 2 END,
                          g.name, c.id
                 LIMIT 1)
         WHERE r.id = %(resource)s
    """


def _context_row(resource_id: int, practice_id: int | None, *, lock: bool):
    """The row of ``_context_sql``, None when the resource does not exist (then no lock is taken)."""
    with connection.cursor() as cursor:
        params = {"practice": practice_id, "resource": resource_id, "namespace": LOCK_NAMESPACE}
        cursor.execute(_context_sql(lock), params)
        return cursor.fetchone()


def _unlock(resource_id: int) -> None:
    """Release the session lock ``_context_sql(lock=True)`` took. Should that fail, the connection is closed (its
    locks go with it): a lock left held would stop every later writer of the resource."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_NAMESPACE, resource_id])
    except DatabaseError:
        connection.close()
        raise


def _booking_context(row, practice_id: int | None):
    """(resource with its space, effective policy, practice or None) from the row of ``_context_sql``, or None
    when the practice does not exist. Model instances with only the columns the rules read (the others load if
    read)."""
    db = connection.alias
    resource_fields, space_fields, policy_fields = _loaded()
    n_r, n_s = len(resource_fields), len(space_fields)
    resource = Resource.from_db(db, [f.attname for f in resource_fields], row[:n_r])
    space = Space.from_db(db, [f.attname for f in space_fields], row[n_r : n_r + n_s])
    resource.space = space
    practice_pk, practice_name = row[n_r + n_s], row[n_r + n_s + 1]
    if practice_id is not None and practice_pk is None:
        return None
    practice = Practice.from_db(db, ["id", "name"], [practice_pk, practice_name]) if practice_pk is not None else None
    policy_row = row[n_r + n_s + 2 : n_r + n_s + 2 + len(policy_fields)]
    if policy_row[0] is None:
        policy = BookingPolicy.permissive(space)
    else:
        policy = BookingPolicy.from_db(db, [f.attname for f in policy_fields], policy_row)
    return resource, policy, practice


def _dt_param(value: dt.datetime):
    return connection.ops.adapt_datetimefield_value(value)


@functools.cache
def _busy_sql(vendor: str, closures: bool) -> str:
    """The holding bookings whose blocked period meets [low, high) and, with ``closures``, the closures of the
    resource or its space that meet [start, end): exactly the slot's conflicts (find_conflicts' test)."""
    booking_t, closure_t = Booking._meta.db_table, Closure._meta.db_table
    holding = ", ".join(f"'{s}'" for s in Booking.HOLDING)
    sql = f"""
        SELECT b.blocked_start, b.blocked_end, b.status, '' FROM {booking_t} b
         WHERE b.resource_id = %s AND b.status IN ({holding}) AND b.blocked_start < %s AND b.blocked_end > %s
    """
    if vendor == "postgresql":  # the same test as a range overlap: the exclusion constraint's GiST index
        sql += " AND TSTZRANGE(b.blocked_start, b.blocked_end, '[)') && TSTZRANGE(%s, %s, '[)')"
    if closures:
        sql += f"""
        UNION ALL
        SELECT c.{_q("start")}, c.{_q("end")}, '{CLOSED}', c.reason FROM {closure_t} c
         WHERE c.space_id = %s AND (c.resource_id = %s OR c.resource_id IS NULL)
           AND c.{_q("start")} < %s AND c.{_q("end")} > %s
        """
    return sql


def _busy_params(vendor: str, closures: bool, resource: Resource, start, end, low, high) -> list:
    params = [resource.pk, _dt_param(high), _dt_param(low)]
    if vendor == "postgresql":
        params += [low, high]
    if closures:
        params += [resource.space_id, resource.pk, _dt_param(end), _dt_param(start)]
    return params


# Marks the row of _insert_sql's answer that says the session lock was released (never a booking status).
RELEASED = "-released-"


@functools.cache
def _insert_sql(vendor: str, closures: bool, queued: tuple[str | None, ...] = (), args_index=0, release=False) -> str:
    """The write of ``_book_fast``. On PostgreSQL one statement: the conflicts, else the booking, its audit row
    (the "bookings" of the audit's ``after`` filled in with the new id) and, with ``queued`` (the columns of
    ``tasks.queued_row``, None for a NULL), its email task (the booking id put in the task's arguments); with
    ``release``, the
    session lock released once the insert is done (a row marked RELEASED). Elsewhere the booking's insert."""
    booking_t, audit_t = Booking._meta.db_table, AuditEntry._meta.db_table
    columns = ", ".join(_q(c) for c in [*_INSERT_COLUMNS, *_INSERT_CONSTANTS])
    values = ", ".join(["%s"] * len(_INSERT_COLUMNS) + list(_INSERT_CONSTANTS.values()))
    audit_columns = ", ".join(_q(c) for c in [*_AUDIT_COLUMNS, "note"])
    if vendor != "postgresql":
        return f"INSERT INTO {booking_t} ({columns}) VALUES ({values})"
    ctes = [
        f"busy AS ({_busy_sql(vendor, closures)})",
        f"""made AS (
            INSERT INTO {booking_t} ({columns}) SELECT {values} WHERE NOT EXISTS (SELECT 1 FROM busy) RETURNING id
        )""",
        f"""logged AS (
            INSERT INTO {audit_t} ({audit_columns})
            SELECT %s, %s, %s, %s, CAST(made.id AS text), %s, %s, CAST('{{}}' AS jsonb),
                   jsonb_set(CAST(%s AS jsonb), '{{bookings}}', jsonb_build_array(made.id)), '' FROM made
        )""",
    ]
    if queued:
        task_t = _task_table()
        task_values = ["%s" if c is not None else "NULL" for c in queued]
        task_values[args_index] = "jsonb_set(CAST(%s AS jsonb), '{args,1}', jsonb_build_array(made.id))"
        columns = ", ".join(_q(c if c is not None else n) for c, n in zip(queued, _task_columns(), strict=True))
        ctes.append(f"queued AS (INSERT INTO {task_t} ({columns}) SELECT {', '.join(task_values)} FROM made)")
    answer = "SELECT made.id, NULL, NULL, NULL, NULL FROM made UNION ALL SELECT NULL, * FROM busy"
    if release:
        # UNION ALL runs its branches in order and count(*) reads every row of ``made``: the lock goes after
        # the insert (and its exclusion check). A writer that takes it before the commit waits on the
        # constraint, then gets a conflict: never a deadlock.
        ctes.append("released AS (SELECT pg_advisory_unlock(%s, %s) AS ok FROM (SELECT count(*) FROM made) n)")
        answer += f" UNION ALL SELECT NULL, NULL, NULL, '{RELEASED}', NULL FROM released"
    return f"WITH {', '.join(ctes)} {answer}"


def _task_table() -> str:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult._meta.db_table


def _task_columns() -> list[str]:
    from django_tasks_db.models import DBTaskResult

    return [f.column for f in DBTaskResult._meta.local_concrete_fields]


@functools.cache
def _audit_sql() -> str:
    columns = [*_AUDIT_COLUMNS, "note"]
    values = ", ".join(["%s"] * len(columns))
    return f"INSERT INTO {AuditEntry._meta.db_table} ({', '.join(_q(c) for c in columns)}) VALUES ({values})"


def _conflicts_of(rows, start, end) -> list[dict]:
    """find_conflicts' answer for one period, from the busy rows (blocked start, end, status or CLOSED, reason)."""
    taken = next((r for r in rows if r[2] != CLOSED), None)
    if taken is not None:
        reason = _("already booked") if taken[2] == Booking.Status.CONFIRMED else _("requested by someone else")
        return [_conflict(start, end, reason)]
    closure = next(r for r in rows if r[2] == CLOSED)
    return [_conflict(start, end, closure[3] or _("closed"))]


def create_single_booking_fast(
    by,
    resource_id: int,
    start: dt.datetime,
    end: dt.datetime,
    *,
    practice_id: int | None = None,
    title: str = "",
    public: bool = False,
) -> MadeBooking | None:
    """``create_booking(resource, start, end, by=by, practice=practice, title=title, public=public)`` for one
    booking by a signed-in member of the resource's space, with less work; None when the request is not that
    case (or names a resource or practice that does not exist): the caller then uses ``create_booking``.

    ``start`` and ``end``: aware datetimes (ValidationError otherwise, or when ``end`` is not after ``start``).
    The same rules, answers and side effects as ``create_booking``: raises BookingRefused (``reason``) or
    BookingConflict (``conflicts``); writes the booking (confirmed, or pending when it needs an approval ``by``
    cannot give) and the audit entry "bookings.created" in one transaction, under the resource's advisory lock;
    after the commit, the confirmation or "waiting for approval" email.

    On PostgreSQL outside a transaction (a request), the query that reads the resource also takes its lock, a
    session lock held until the write is done, and the write is one statement, its own transaction: two round
    trips fewer than BEGIN, the lock, the write and COMMIT. Inside a transaction, or with ``DB_SESSION_LOCKS``
    off (behind a pooler in transaction mode, where the lock and the unlock could reach different server
    connections), the transaction's lock.
    """
    start, end = _aware(start, "start"), _aware(end, "end")
    if end <= start:
        raise ValidationError({"end": _("The end must be after the start.")})
    if not getattr(by, "is_authenticated", False):
        return None
    session_lock = connection.vendor == "postgresql" and connection.get_autocommit() and settings.DB_SESSION_LOCKS
    row = _context_row(resource_id, practice_id, lock=session_lock)
    if row is None:
        return None
    lock = _SessionLock(resource_id, held=session_lock)
    try:
        found = _booking_context(row, practice_id)
        if found is None:
            return None
        return _book_fast(by, *found, start, end, title=title, public=public, lock=lock)
    finally:
        if lock.held:
            _unlock(resource_id)


@dataclasses.dataclass
class _SessionLock:
    """The resource's session lock ``create_single_booking_fast`` holds (``held``) until its write releases it."""

    resource_id: int
    held: bool


def _book_fast(by, resource, policy, practice, start, end, *, title: str, public: bool, lock: _SessionLock):
    """The rest of ``create_single_booking_fast`` once the context is read (``lock.held``: under the session
    lock, which the write releases)."""
    # Members only: a visitor from the network goes through its hooks, a guest gets a price, in create_booking.
    if not space_rules.is_member(by, resource.space_id):
        return None
    periods = [(start, end)]
    reason = booking_rules.may_book(by, resource, practice, policy=policy)
    reason = reason or booking_rules.check_occurrences(policy, resource, periods, practice=practice)
    reason = reason or network_hooks.before_booking(by, resource, periods, practice=practice)
    if reason:
        raise BookingRefused(reason)
    status = Booking.Status.CONFIRMED
    if booking_rules.needs_approval(by, resource, policy):
        status = Booking.Status.PENDING
    kind = Booking.Kind.BOOKING
    low, high = start - policy.buffer_before, end + policy.buffer_after
    now = timezone.now()
    practice_pk = practice.pk if practice is not None else None
    object_repr = f"{title or resource.name} {start:%Y-%m-%d %H:%M}"[:200]
    after = {
        "resource": resource.pk,
        "practice": practice_pk,
        "status": status,
        "kind": kind,
        "bookings": [],
        "periods": [[start.isoformat(), end.isoformat()]],
        "skipped": [],
        "price": None,
    }
    vendor = connection.vendor
    closures = policy.respect_closures
    email = "booking_pending" if status == Booking.Status.PENDING else "booking_confirmed"
    row = [resource.pk, practice_pk, by.pk, title, start, end, low, high, status, kind, public, now]
    row = [_dt_param(v) if isinstance(v, dt.datetime) else v for v in row]
    audit_row = [_dt_param(now), by.pk, "bookings.created", "bookings.booking"]
    busy_params = _busy_params(vendor, closures, resource, start, end, low, high)
    locked = lock.held
    try:
        with contextlib.nullcontext() if locked else transaction.atomic(), connection.cursor() as cursor:
            if not locked:
                lock_resource(resource.pk)
            if vendor == "postgresql":
                # The email task in the same statement when the tasks live in this database (an outbox).
                queued = tasks.queued_row(email, connection) if tasks.written_with_bookings() else None
                sql = _insert_sql(
                    vendor,
                    closures,
                    queued.shape if queued else (),
                    queued.args_index if queued else 0,
                    release=locked,
                )
                params = [*busy_params, *row, *audit_row, object_repr, resource.space_id, json.dumps(after)]
                params += queued.params if queued else []
                params += [LOCK_NAMESPACE, resource.pk] if locked else []
                cursor.execute(sql, params)
                rows = cursor.fetchall()
                lock.held = False
                booking_id = rows[0][0] if rows and rows[0][0] is not None else None
                busy = [r[1:] for r in rows if r[3] != RELEASED]
                if booking_id is not None:
                    if queued:
                        queued.enqueued([booking_id])
                    else:
                        _notify_later(email, [booking_id])
            else:
                cursor.execute(_busy_sql(vendor, closures), busy_params)
                busy = cursor.fetchall()
                booking_id = None
                if not busy:
                    cursor.execute(_insert_sql(vendor, closures), row)
                    booking_id = cursor.lastrowid
                    after["bookings"] = [booking_id]
                    cursor.execute(
                        _audit_sql(),
                        [*audit_row, str(booking_id), object_repr, resource.space_id, "{}", json.dumps(after), ""],
                    )
                    _notify_later(email, [booking_id])
            if booking_id is None:
                raise BookingConflict(_conflicts_of(busy, start, end))
    except IntegrityError:
        # Only reachable when someone wrote without the lock: the exclusion constraint has the last word.
        raise BookingConflict([_conflict(start, end, _("already booked"))]) from None
    return MadeBooking(
        id=booking_id,
        resource_id=resource.pk,
        resource_name=resource.name,
        space_id=resource.space_id,
        practice_id=practice_pk,
        practice_name=practice.name if practice is not None else None,
        title=title,
        start=start,
        end=end,
        status=status,
        kind=kind,
        is_public=public,
        created_at=now,
    )


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
    check_may_cancel(by, booking)
    mark_cancelled(booking, by=by, reason=reason, at=timezone.now())
    _notify("booking_cancelled", booking)
    offer_slot(booking)
    return booking


def check_may_cancel(by, booking: Booking) -> None:
    """Raise BookingRefused (the booking's own people, past the deadline) or PermissionDenied (someone else's
    booking) unless ``by`` may cancel it."""
    why = booking_rules.may_cancel(by, booking)
    if why:
        if booking_rules.is_own(by, booking):
            raise BookingRefused(why)
        raise PermissionDenied(why)


def mark_cancelled(booking: Booking, *, by, reason: str, at: dt.datetime, **audit_after) -> None:
    """Cancel a locked booking and write its audit entry "bookings.cancelled" (``audit_after``: more to record);
    no email, no waitlist offer: the caller's."""
    before = audit.snapshot(booking, ["status", "reason"])
    booking.status = Booking.Status.CANCELLED
    booking.reason = reason
    booking.decided_by = by
    booking.decided_at = at
    booking.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    audit.record(
        booking,
        "bookings.cancelled",
        by=by,
        space=booking.resource.space,
        before=before,
        after={**audit.snapshot(booking, ["status", "reason"]), **audit_after},
        note=reason,
    )


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


# --- Moving a booking (programme: moving an event's date) -----------------------------------------------------


@transaction.atomic
def move_booking(
    booking: Booking,
    start: dt.datetime,
    end: dt.datetime,
    *,
    by,
    resource: Resource | None = None,
    check_rules: bool = True,
    reason: str = "",
) -> Booking:
    """Move a holding booking to [start, end), on its resource or another one of the same space, in place.

    Others see the booking where it was or where it goes, never neither: the row keeps its id and is changed
    under the resources' locks, so the new slot cannot be taken meanwhile, and only the time it no longer covers
    can be offered to the waitlist. The new slot is checked as ``create_booking`` checks one (the policy
    unless ``check_rules`` is False; taken or closed times, the booking itself left out). Who may move: who may
    cancel it (``booking_rules.may_cancel``). The status stays, except that a confirmed booking becomes pending
    when the new slot needs an approval ``by`` cannot give. Raises ValidationError, PermissionDenied,
    BookingStateError (not holding), BookingRefused or BookingConflict, and then nothing has changed.
    Side effects: audit "bookings.moved"; the freed time is offered to the old resource's waitlist; when it becomes pending, bookings.notifications.booking_pending after the commit. No other email:
    the caller tells the people concerned. Network visits counted for the booking's days are not re-counted.
    """
    start, end = _aware(start, "start"), _aware(end, "end")
    if end <= start:
        raise ValidationError({"end": _("The end must be after the start.")})
    booking = Booking.objects.select_for_update().select_related("resource__space").get(pk=booking.pk)
    if booking.status not in Booking.HOLDING:
        raise BookingStateError(_("This booking is already cancelled or refused."))
    if not getattr(by, "is_authenticated", False):
        raise PermissionDenied
    check_may_cancel(by, booking)
    old_resource, old_start, old_end = booking.resource, booking.start, booking.end
    resource = resource or old_resource
    if resource.space_id != old_resource.space_id:
        raise ValidationError({"resource": _("This resource belongs to another space.")})
    for resource_id in sorted({old_resource.pk, resource.pk}):
        lock_resource(resource_id)
    policy = booking_rules.effective_policy(resource)
    periods = [(start, end)]
    before = audit.snapshot(booking, ["resource", "start", "end", "status"])
    status = booking.status
    # While the new slot is checked, the booking must neither clash with itself nor count twice in a quota: it
    # is out of the holding ones until it is saved below, or until an exception rolls this block back.
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.CANCELLED)
    if check_rules:
        refusal = booking_rules.may_book(by, resource, booking.practice, policy=policy)
        refusal = refusal or booking_rules.check_occurrences(policy, resource, periods, practice=booking.practice)
        if refusal:
            raise BookingRefused(refusal)
    conflicts = find_conflicts(resource, periods, policy, kind=booking.kind)
    if conflicts:
        raise BookingConflict(conflicts)
    if check_rules and status == Booking.Status.CONFIRMED and booking_rules.needs_approval(by, resource, policy):
        status = Booking.Status.PENDING
    booking.resource, booking.start, booking.end, booking.status = resource, start, end, status
    booking.blocked_start, booking.blocked_end = start - policy.buffer_before, end + policy.buffer_after
    if booking.kind == Booking.Kind.GUEST:
        booking.price = policy.guest_price(start, end)
    booking.save(update_fields=["resource", "start", "end", "blocked_start", "blocked_end", "status", "price"])
    audit.record(
        booking,
        "bookings.moved",
        by=by,
        space=resource.space,
        before=before,
        after=audit.snapshot(booking, ["resource", "start", "end", "status"]),
        note=reason,
    )
    # The freed time goes to the first person waiting for a slot that is now wholly free (offer_slot checks, so
    # a waitlisted slot the moved booking still covers is not offered).
    offer_slot(Booking(resource=old_resource, start=old_start, end=old_end))
    if status != before["status"]:
        _notify("booking_pending", [booking])
    return booking
