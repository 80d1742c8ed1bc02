"""Fixtures for the network: a host space (``space``, Werkplaats) with a desk that members of the network may book,
and a visitor (``outsider``: a member of ``other_space``, Elsewhere, in the same network)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from bookings.models import BookingPolicy
from tests import factories as f

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")


@pytest.fixture
def desk(space):
    desk = f.ResourceFactory(space=space, name="Desk 1", kind="desk", capacity=1)
    BookingPolicy.objects.create(space=space, resource=desk, allow_network=True)
    return desk


@pytest.fixture
def visitor(outsider):
    """A member of Elsewhere (other_space), in the network of Werkplaats (space)."""
    return outsider


@pytest.fixture
def month():
    """The first day of a month far enough ahead that every day of it can be booked."""
    return (dt.date.today() + dt.timedelta(days=40)).replace(day=1)


def at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=BRUSSELS)


def day_of(month: dt.date, n: int) -> dt.date:
    return month + dt.timedelta(days=n - 1)
