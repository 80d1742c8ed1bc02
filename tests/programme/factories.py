"""Factories for the programme. Occurrences made here have no room booking (tests of registrations);
events that book their room are made with programme.services.create_event."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from programme.models import Event, Occurrence, Project, Registration, Service, Slot
from tests import factories as f


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    space = factory.SubFactory(f.SpaceFactory)
    title = factory.Sequence(lambda n: f"Talk {n}")
    description = "An evening about shared buildings."
    category = Event.Category.TALK
    languages = ["en"]
    audience = Event.Audience.PUBLIC
    capacity = 2


class OccurrenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Occurrence
        skip_postgeneration_save = True

    event = factory.SubFactory(EventFactory)
    space = factory.LazyAttribute(lambda o: o.event.space)
    start = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=3))
    end = factory.LazyAttribute(lambda o: o.start + datetime.timedelta(hours=2))
    audience = factory.LazyAttribute(lambda o: o.event.audience)
    category = factory.LazyAttribute(lambda o: o.event.category)
    is_free = factory.LazyAttribute(lambda o: o.event.price_kind == Event.Price.FREE)
    is_accessible = factory.LazyAttribute(lambda o: o.event.wheelchair_accessible)
    languages = factory.LazyAttribute(lambda o: list(o.event.languages))
    capacity = factory.LazyAttribute(lambda o: o.event.capacity)

    @factory.post_generation
    def span(obj, create, extracted, **kwargs):
        if create:
            obj.event.refresh_span()


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    occurrence = factory.SubFactory(OccurrenceFactory)
    name = factory.Sequence(lambda n: f"Visitor {n}")
    email = factory.Sequence(lambda n: f"visitor{n}@example.net")


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    practice = factory.SubFactory(f.PracticeFactory)
    title = factory.Sequence(lambda n: f"Project {n}")
    text = "Prototypes for a neighbourhood kitchen."
    tags = ["food", "neighbourhood"]


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    space = factory.SubFactory(f.SpaceFactory)
    kind = Service.Kind.OFFICE_HOURS
    title = "Advisors' office hours"


class SlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Slot

    service = factory.SubFactory(ServiceFactory)
    start = factory.Sequence(
        lambda n: (timezone.now() + datetime.timedelta(days=2, minutes=30 * n)).replace(microsecond=0)
    )
    end = factory.LazyAttribute(lambda o: o.start + datetime.timedelta(minutes=30))


def occurrence_with_places(space, capacity: int = 2, **kwargs) -> Occurrence:
    event = EventFactory(space=space, capacity=capacity, **kwargs)
    return OccurrenceFactory(event=event)
