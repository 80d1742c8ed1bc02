"""Background jobs of bookings (django-tasks; the worker is ``manage.py db_worker``)."""

from __future__ import annotations

from django_tasks import task

# The notifications the services enqueue here (the others are sent after the commit, in the request).
SENT_BY_TASK = ("booking_confirmed", "booking_pending")


@task()
def send_notification(name: str, booking_ids: list[int]) -> int:
    """Send bookings.notifications.<name> about these bookings (enqueued after the commit that made them).

    Returns the number of emails sent (0 when the bookings are gone).
    """
    from . import notifications
    from .models import Booking

    if name not in SENT_BY_TASK:
        raise ValueError(f"not a booking notification sent by this task: {name}")

    bookings = list(
        Booking.objects.filter(pk__in=booking_ids)
        .select_related("resource__space", "booked_by", "practice")
        .order_by("start", "id")
    )
    if not bookings:
        return 0
    return getattr(notifications, name)(bookings)
