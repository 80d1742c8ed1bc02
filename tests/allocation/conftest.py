"""Fixtures for allocation rounds: two rooms, two practices with a member each, an open round."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from allocation import services
from tests import factories as f

SEASON_START = dt.date(2031, 9, 1)  # a Monday
SEASON_END = dt.date(2031, 9, 28)


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # Keep the solver short in tests: the instances are tiny.
    services.solving.TIME_LIMIT, old = 2.0, services.solving.TIME_LIMIT
    yield
    services.solving.TIME_LIMIT = old


@pytest.fixture
def rooms(space):
    return [f.ResourceFactory(space=space, name="Studio A"), f.ResourceFactory(space=space, name="Studio B")]


@pytest.fixture
def second_practice(space):
    practice = f.PracticeFactory(name="Collectif Sud")
    f.SpaceMembershipFactory(space=space, practice=practice)
    return practice


@pytest.fixture
def second_member(space, second_practice):
    return f.make_member_of(space, practice=second_practice, email="second@example.org", name="Sam Second")


@pytest.fixture
def round_(space, rooms, coordinator):
    return services.create_round(
        space,
        by=coordinator,
        name="Autumn 2031",
        resources=rooms,
        season_start=SEASON_START,
        season_end=SEASON_END,
        deadline=timezone.now() + dt.timedelta(days=7),
        seed=42,
    )


def window(weekday=0, start="18:00", end="20:00"):
    return {"weekday": weekday, "start": start, "end": end}


def ask(round_, by, practice, **values):
    values.setdefault("duration_minutes", 120)
    values.setdefault("windows", [window()])
    values.setdefault("resources", list(round_.resources.all()))
    return services.submit_request(round_, by=by, practice=practice, **values)
