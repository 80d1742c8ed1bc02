from __future__ import annotations

import datetime

import pytest

from spaces.models import RoleAssignment
from tests import factories as f

from .factories import CostPeriodFactory


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def treasurer(space):
    person = f.MemberFactory(email="treasurer@example.org", name="Tess Treasurer")
    f.RoleAssignmentFactory(space=space, member=person, role=RoleAssignment.Role.TREASURER)
    return person


@pytest.fixture
def period(space):
    """Q1 2026 of ``space``, open."""
    return CostPeriodFactory(space=space, start=datetime.date(2026, 1, 1), end=datetime.date(2026, 3, 31))


@pytest.fixture
def three_practices(space):
    """Three practices present the whole of Q1 2026 with 40, 100 and 160 m² (300 m² in all)."""
    out = []
    for name, area in (("Alpha", 40), ("Beta", 100), ("Gamma", 160)):
        practice = f.PracticeFactory(name=name)
        f.SpaceMembershipFactory(space=space, practice=practice, area_m2=area, start_date=datetime.date(2025, 1, 1))
        out.append(practice)
    return out
