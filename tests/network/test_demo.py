"""The network demo: rules at the demo spaces, travellers' desks, a few visits; idempotent; and a member of Werkhuis
Kuregem can book a travellers' desk at Kolektyw Praga."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from bookings.services import create_booking
from community.models import Member
from core import demo as foundation
from network import demo
from network.models import NetworkAccess, NetworkVisit
from spaces.models import Resource

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_lets_lotte_book_a_desk_in_warsaw(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    foundation.seed()

    demo.seed()
    counts = (NetworkAccess.objects.count(), NetworkVisit.objects.count(), Resource.objects.count())
    demo.seed()

    assert (NetworkAccess.objects.count(), NetworkVisit.objects.count(), Resource.objects.count()) == counts
    assert NetworkVisit.objects.filter(home_installation=demo.PARTNER).count() == 3
    assert NetworkVisit.objects.filter(space__slug="kolektyw-praga", charge__gt=0).exists()
    desk = Resource.objects.get(space__slug="kolektyw-praga", name="Travellers' desks")
    lotte = Member.objects.get(email="lotte@demo.plek.example")
    warsaw = zoneinfo.ZoneInfo("Europe/Warsaw")
    day = dt.date.today() + dt.timedelta(days=14)
    day += dt.timedelta(days=(0 - day.weekday()) % 7)  # a Monday: open
    [booking] = create_booking(
        desk, dt.datetime.combine(day, dt.time(10), warsaw), dt.datetime.combine(day, dt.time(16), warsaw), by=lotte
    )
    assert NetworkVisit.objects.get(booking=booking).home_space.slug == "werkhuis-kuregem"
