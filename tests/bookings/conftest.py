"""Fixtures of the booking pages: a bookable room in ``space`` and local (Brussels) times in the future."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from tests import factories as f

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")


def local_day(days: int) -> dt.date:
    return dt.datetime.now(BRUSSELS).date() + dt.timedelta(days=days)


def local(days: int, hour: int, minute: int = 0) -> dt.datetime:
    """A Brussels wall-clock time ``days`` from today, as an aware datetime."""
    return dt.datetime.combine(local_day(days), dt.time(hour, minute), tzinfo=BRUSSELS)


@pytest.fixture
def room(space):
    return f.ResourceFactory(space=space, name="Studio 2", kind="studio", capacity=8)


@pytest.fixture
def hall(space):
    return f.ResourceFactory(space=space, name="Great hall", kind="hall", capacity=80, features=["projector"])


@pytest.fixture
def member_client(client_for, member):
    return client_for(member)


@pytest.fixture
def coordinator_client(client_for, coordinator):
    return client_for(coordinator)
