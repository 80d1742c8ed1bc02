"""Keep an event's span of shown dates in step when the bookings app changes one of its room bookings
(approved, refused, cancelled by a closure)."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from bookings.models import Booking


@receiver(post_save, sender=Booking, dispatch_uid="programme.booking_saved")
def booking_saved(sender, instance: Booking, created: bool, **kwargs) -> None:
    if created or instance.kind != Booking.Kind.EVENT:
        return
    from .models import Event

    event = Event.objects.filter(occurrences__booking=instance).first()
    if event is not None:
        event.refresh_span()
