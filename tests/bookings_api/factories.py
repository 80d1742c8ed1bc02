"""Factories for bookings (direct rows, for arranging tests; real bookings go through bookings.services)."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from bookings.models import Booking, BookingPolicy, ResourceGroup, WaitlistEntry
from tests import factories as f


class BookingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Booking

    resource = factory.SubFactory(f.ResourceFactory)
    start = factory.LazyFunction(
        lambda: (timezone.now() + dt.timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    )
    end = factory.LazyAttribute(lambda o: o.start + dt.timedelta(hours=2))
    blocked_start = factory.LazyAttribute(lambda o: o.start)
    blocked_end = factory.LazyAttribute(lambda o: o.end)
    status = Booking.Status.CONFIRMED
    title = "Rehearsal"


class ResourceGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResourceGroup

    space = factory.SubFactory(f.SpaceFactory)
    name = factory.Sequence(lambda n: f"Group {n}")


class BookingPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BookingPolicy

    space = factory.SubFactory(f.SpaceFactory)


class WaitlistEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WaitlistEntry

    resource = factory.SubFactory(f.ResourceFactory)
    member = factory.SubFactory(f.MemberFactory)
    start = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=2))
    end = factory.LazyAttribute(lambda o: o.start + dt.timedelta(hours=2))
