"""Fixtures for the bookings core: a bookable room in ``space`` and times safely in the future."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from tests import factories as f

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")


@pytest.fixture
def room(space):
    return f.ResourceFactory(space=space, name="Studio 2", kind="studio", capacity=8)


@pytest.fixture
def other_room(other_space):
    return f.ResourceFactory(space=other_space, name="Sala 1", capacity=12)


def local(days: int, hour: int, minute: int = 0) -> dt.datetime:
    """A Brussels wall-clock time ``days`` from today."""
    today = dt.datetime.now(BRUSSELS).date()
    return dt.datetime.combine(today + dt.timedelta(days=days), dt.time(hour, minute), tzinfo=BRUSSELS)


@pytest.fixture
def at():
    """``at(days, hour, minute=0)``: an aware Brussels datetime in the future."""
    return local
