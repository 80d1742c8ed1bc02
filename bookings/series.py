"""Changes to a recurring booking as a whole: cancel a date and the following ones, approve or refuse every
pending date of a series in one go.

Each operation is one transaction over the series' rows (locked in id order) and does, per date, what the
one-date service does (bookings.services: the same rules, the same audit entries, the waitlist offers), but
tells each person once for the whole series instead of once per date (bookings.notifications.series_*).
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import rules as booking_rules
from . import services
from .models import Booking

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
    each freed slot is offered to its waitlist; after the commit, one email per person for all the dates
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
    _notify("series_cancelled", dates)
    return dates


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
