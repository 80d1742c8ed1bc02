"""Factories for co-governance objects."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from governance.models import Agreement, CareTask, Incident, Meeting, Method, Proposal, VoteUnit
from tests.factories import SpaceFactory


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    space = factory.SubFactory(SpaceFactory)
    title = factory.Sequence(lambda n: f"Proposal {n}")
    text = "Let us paint the hall."
    deadline = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    method = Method.CONSENT
    vote_unit = VoteUnit.PRACTICE
    quorum_percent = 50


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    space = factory.SubFactory(SpaceFactory)
    title = factory.Sequence(lambda n: f"General assembly {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=3))


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    space = factory.SubFactory(SpaceFactory)
    title = factory.Sequence(lambda n: f"Use agreement {n}")
    owner_party = "Gebouw NV"
    user_party = "Werkplaats vzw"
    start = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=365))
    end = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=365 * 2))
    notice_days = 90
    maintenance = {"heating": "owner", "electricity": "owner"}


class CareTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CareTask

    space = factory.SubFactory(SpaceFactory)
    title = factory.Sequence(lambda n: f"Cleaning {n}")
    kind = CareTask.Kind.CLEANING
    rrule = "FREQ=WEEKLY;BYDAY=MO"
    starts_on = datetime.date(2026, 1, 5)
    time = datetime.time(9, 0)
    effort_minutes = 60


class IncidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Incident

    space = factory.SubFactory(SpaceFactory)
    category = "heating"
    title = factory.Sequence(lambda n: f"Heating broken {n}")
    responsible = "caretaker"
