"""Shared fixtures. Personas in every space (STYLE.md): coordinator, member (no role), outsider (member of
another space), anonymous (the plain ``client``)."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.utils import translation
from rest_framework.test import APIClient

from api.authentication import issue_token
from spaces.models import RoleAssignment

from . import factories as f


@pytest.fixture(autouse=True)
def _plain_static(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Background jobs (e.g. the booking emails, bookings.tasks) run at once, so that tests see their effects.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.ACCOUNT_RATE_LIMITS = False
    settings.PLEK_RATE_LIMITS = False
    # A fast hasher: every factory-made member hashes a password (PBKDF2 takes ~0.5 s here; the suite makes thousands).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A request in another language (LocaleMiddleware) leaves that language active in the thread; the next test in
    the same worker must not inherit it."""
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture
def network(db):
    return f.NetworkFactory(name="Test network", slug="test-network")


@pytest.fixture
def space(network):
    return f.SpaceFactory(network=network, name="Werkplaats", slug="werkplaats")


@pytest.fixture
def other_space(network):
    return f.SpaceFactory(network=network, name="Elsewhere", slug="elsewhere", city="Lisbon", country="PT")


@pytest.fixture
def practice(space):
    practice = f.PracticeFactory(name="Atelier Nord")
    f.SpaceMembershipFactory(space=space, practice=practice, area_m2=42)
    return practice


@pytest.fixture
def coordinator(space):
    person = f.MemberFactory(email="coordinator@example.org", name="Cora Coordinator")
    f.RoleAssignmentFactory(space=space, member=person, role=RoleAssignment.Role.COORDINATOR)
    return person


@pytest.fixture
def member(space, practice):
    """A member of ``space`` (through ``practice``) without any role."""
    return f.make_member_of(space, practice=practice, email="member@example.org", name="Mo Member")


@pytest.fixture
def outsider(other_space):
    """A member of another space."""
    return f.make_member_of(other_space, email="outsider@example.org", name="Otto Outsider")


@pytest.fixture
def superuser(db):
    return f.MemberFactory(email="admin@example.org", name="Ada Admin", is_superuser=True, is_staff=True)


def api_client_for(person=None) -> APIClient:
    client = APIClient()
    if person is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {issue_token(person)}")
    return client


@pytest.fixture
def api():
    """``api(person)`` gives an API client authenticated as ``person`` (or anonymous with no argument)."""
    return api_client_for


@pytest.fixture
def client_for(client):
    """``client_for(person)`` gives a Django test client logged in as ``person``."""
    from django.test import Client

    def make(person=None):
        c = Client()
        if person is not None:
            c.force_login(person)
        return c

    return make
