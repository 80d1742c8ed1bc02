from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from community.models import Invitation
from tests.factories import PracticeFactory


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    practice = factory.SubFactory(PracticeFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    name = "Ines Invitee"
    language = "en"
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=14))
