"""Changes to a recurring booking as a whole: cancel a date and the following ones, approve or refuse every
pending date of a series in one go.

Each operation is one transaction over the series' rows (locked in id order) and does, per date, what the
one-date service does (bookings.services: the same rules, the same audit entries, the waitlist offers), but
tells each person once for the whole series instead of once per date (bookings.notifications.series_*).

Cancelling a date and the following ones also ends the series' rule with the last date kept, as RFC 5545
clients do for "this and the following events" (COUNT shortened, or UNTIL moved back); when no date of the rule
is kept, the whole series is cancelled.
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit

from . import recurrence, services
from . import rules as booking_rules
from .models import Booking, BookingSeries

logger = logging.getLogger(__name__)


def _notify(name: str, bookings: list[Booking]) -> None:
    """After the commit, bookings.notifications.<name>(bookings); an email never undoes a change."""
    if not bookings:
        return

    def send():
        from . import notifications

        try:
            getattr(notifications, name)(bookings)
        except Exception:
            logger.exception("bookings notification %s failed", name)

    transaction.on_commit(send)


def _locked(queryset) -> list[Booking]:
    rows = list(queryset.select_for_update().order_by("id"))
    ids = [b.pk for b in rows]
    return list(
        Booking.objects.filter(pk__in=ids)
        .select_related("resource__space", "practice", "booked_by", "series")
        .order_by("start", "id")
    )


def following_dates(booking: Booking) -> list[Booking]:
    """The holding dates of ``booking``'s series from ``booking`` on (only ``booking`` when it has no series)."""
    if booking.series_id is None:
        return [booking] if booking.is_holding else []
    return list(
        Booking.objects.holding()
        .filter(series_id=booking.series_id, start__gte=booking.start)
        .select_related("resource__space")
        .order_by("start", "id")
    )


def pending_dates(booking: Booking) -> list[Booking]:
    """The dates of ``booking``'s series that wait for approval (only ``booking`` when it has no series)."""
    if booking.series_id is None:
        return [booking] if booking.status == Booking.Status.PENDING else []
    return list(
        Booking.objects.filter(series_id=booking.series_id, status=Booking.Status.PENDING)
        .select_related("resource__space")
        .order_by("start", "id")
    )


@transaction.atomic
def cancel_following(booking: Booking, *, by, reason: str = "") -> list[Booking]:
    """Cancel ``booking`` and the following holding dates of its series; returns the cancelled bookings.

    Who may: as ``services.cancel_booking``, for every date (its people until the policy's deadline,
    coordinators and approvers always); if one date may not be cancelled nothing is. Raises
    BookingStateError (``booking`` is no longer holding), PermissionDenied (someone else's booking) or
    BookingRefused (past the deadline; ``reason``). Side effects: an audit entry "bookings.cancelled" per date;
    the series' rule ends with the date before ``booking`` (audit "bookings.series_ended"), or the whole series
    is cancelled when no earlier date of the rule is kept (audit "bookings.series_cancelled"); each freed slot
    is offered to its waitlist; after the commit, one email per person for all the dates
    (bookings.notifications.series_cancelled).
    """
    if not getattr(by, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to cancel a booking."))
    first = Booking.objects.select_for_update().get(pk=booking.pk)
    if first.status not in Booking.HOLDING:
        raise services.BookingStateError(_("This booking is already cancelled or refused."))
    if first.series_id is None:
        dates = _locked(Booking.objects.filter(pk=first.pk))
    else:
        dates = _locked(
            Booking.objects.filter(series_id=first.series_id, start__gte=first.start, status__in=Booking.HOLDING)
        )
    for date in dates:
        services.check_may_cancel(by, date)
    now = timezone.now()
    for date in dates:
        services.mark_cancelled(date, by=by, reason=reason, at=now, series=date.series_id, following=True)
        services.offer_slot(date)
    if first.series_id is not None:
        end_series(first.series_id, first.start, by=by, reason=reason)
    _notify("series_cancelled", dates)
    return dates


@dataclass(frozen=True)
class SeriesEnd:
    """How a series reads once a date and the following ones are cancelled: its rule and the start (UTC) of its
    last date; ``last`` None when no date of the rule is kept (the whole series is cancelled)."""

    series: BookingSeries
    rule: str
    last: dt.datetime | None

    @property
    def cancelled(self) -> bool:
        return self.last is None


def series_end(booking: Booking, series: BookingSeries | None = None) -> SeriesEnd | None:
    """The series of ``booking`` ended with its last date before ``booking`` (nothing is saved); None when
    ``booking`` has no series or its rule cannot be read. Once cancel_following has run, the same answer."""
    if booking.series_id is None:
        return None
    return _cut(series or BookingSeries.objects.get(pk=booking.series_id), booking.start)


def _cut(series: BookingSeries, cutoff: dt.datetime) -> SeriesEnd | None:
    try:
        cut = recurrence.end_before(
            series.rrule, series.dtstart, zoneinfo.ZoneInfo(series.time_zone), cutoff, series.exdates
        )
    except recurrence.RecurrenceError:
        return None
    if cut is None:
        return SeriesEnd(series, series.rrule, None)
    return SeriesEnd(series, cut[0], cut[1])


def end_series(series_id: int, cutoff: dt.datetime, *, by, reason: str = "") -> SeriesEnd | None:
    """End the series' rule with its last date before ``cutoff``, for callers that cancelled the series' dates
    from ``cutoff`` on (cancel_following; the caller's transaction). Side effects: audit
    "bookings.series_ended" (rule before and after), or "bookings.series_cancelled" when no date of the rule
    comes before ``cutoff``; nothing when the rule already ends before it or cannot be read (logged)."""
    series = BookingSeries.objects.select_for_update().select_related("resource__space").get(pk=series_id)
    end = _cut(series, cutoff)
    if end is None:
        # A rule this version cannot read (it was accepted once): the dates are cancelled all the same.
        logger.warning("booking series %s: rule %r left as it was", series.pk, series.rrule)
        return None
    space = series.resource.space
    if end.cancelled:
        audit.record(
            series, "bookings.series_cancelled", by=by, space=space, after={"rrule": series.rrule}, note=reason
        )
        return end
    if end.rule == series.rrule:
        return end
    before = series.rrule
    series.rrule = end.rule
    series.save(update_fields=["rrule"])
    audit.record(
        series,
        "bookings.series_ended",
        by=by,
        space=space,
        before={"rrule": before},
        after={"rrule": end.rule, "last": end.last},
        note=reason,
    )
    return end


def _decide_all(booking: Booking, status: str, *, by, reason: str, verb: str) -> list[Booking]:
    if not booking_rules.can_decide(by, booking.resource):
        raise PermissionDenied(_("Only the people who approve bookings of this resource may do this."))
    first = Booking.objects.get(pk=booking.pk)
    if first.status != Booking.Status.PENDING:
        raise services.BookingStateError(_("Only bookings waiting for approval can be approved or refused."))
    if first.series_id is None:
        dates = _locked(Booking.objects.filter(pk=first.pk))
    else:
        dates = _locked(Booking.objects.filter(series_id=first.series_id, status=Booking.Status.PENDING))
    # services._decide locks, checks and audits one date ("bookings.approved" / "bookings.refused").
    return [services._decide(date, status, by=by, reason=reason, verb=verb) for date in dates]


@transaction.atomic
def approve_series(booking: Booking, *, by) -> list[Booking]:
    """Approve every pending date of ``booking``'s series (``booking`` alone when it has none); returns them.

    Only the policy's approver role and coordinators (PermissionDenied otherwise). Raises BookingStateError
    when ``booking`` no longer waits for approval. Side effects: audit "bookings.approved" per date; after the
    commit, one email per person for the whole series (bookings.notifications.series_approved).
    """
    dates = _decide_all(booking, Booking.Status.CONFIRMED, by=by, reason="", verb="approved")
    _notify("series_approved", dates)
    return dates


@transaction.atomic
def refuse_series(booking: Booking, *, by, reason: str = "") -> list[Booking]:
    """Refuse every pending date of ``booking``'s series (``booking`` alone when it has none); returns them.

    As ``approve_series``; the freed slots are offered to their waitlists. Side effects: audit
    "bookings.refused" per date; after the commit, one email per person (bookings.notifications.series_refused).
    """
    dates = _decide_all(booking, Booking.Status.REFUSED, by=by, reason=reason, verb="refused")
    for date in dates:
        services.offer_slot(date)
    _notify("series_refused", dates)
    return dates


def queue_rows(pending: list[Booking]) -> list[dict]:
    """The approvals queue: one row per series (its pending dates, in order) or per single request, in the
    order of each row's first date. Each row: {"booking": first date, "dates": [pending dates], "count": n}."""
    rows: dict[object, dict] = {}
    for booking in sorted(pending, key=lambda b: (b.start, b.pk)):
        key = ("series", booking.series_id) if booking.series_id else ("one", booking.pk)
        row = rows.setdefault(key, {"booking": booking, "dates": []})
        row["dates"].append(booking)
    for row in rows.values():
        row["count"] = len(row["dates"])
        row["last"] = row["dates"][-1]
    return list(rows.values())
