"""Walks the URL configuration: every route is tried as anonymous, outsider, member and coordinator.

A new route without a Case in ``tests/<app>/routes.py`` fails ``test_every_route_has_a_case``.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from api.authentication import issue_token
from spaces.models import RoleAssignment

from . import factories as f
from .isolation import PERSONAS, Case, World

# Third-party routes, tested by their own projects. Everything else of plek must have a Case.
EXCLUDED_NAMESPACES = {"admin", "djdt"}
EXCLUDED_PREFIXES = ("account_", "set_language", "javascript-catalog")
EXCLUDED_NAMES = {"root", "healthz", "public-media"}  # covered in tests/core


def route_modules():
    here = Path(__file__).parent
    for info in pkgutil.iter_modules([str(here)]):
        if info.ispkg and (here / info.name / "routes.py").exists():
            yield importlib.import_module(f"tests.{info.name}.routes")


def all_cases() -> dict[str, list[Case]]:
    cases: dict[str, list[Case]] = {}
    for module in route_modules():
        for name, case in module.ROUTES.items():
            assert name not in cases, f"{name} is described twice"
            cases[name] = case if isinstance(case, list) else [case]
    return cases


def walk(patterns, namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or ""
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from walk(p.url_patterns, full)
        elif isinstance(p, URLPattern):
            yield (f"{namespace}:{p.name}" if namespace else p.name), p


def plek_route_names() -> set[str]:
    names = set()
    for name, pattern in walk(get_resolver().url_patterns):
        top = (name or "").split(":")[0]
        if top in EXCLUDED_NAMESPACES:
            continue
        if name is None:
            names.add(f"<unnamed {pattern.pattern}>")
            continue
        short = name.split(":")[-1]
        if short.startswith(EXCLUDED_PREFIXES) or name in EXCLUDED_NAMES:
            continue
        names.add(name)
    return names


def build_world() -> World:
    w = World()
    w.network = f.NetworkFactory(slug="iso-net")
    w.space = f.SpaceFactory(network=w.network, slug="iso-space", name="Iso Space")
    w.other_space = f.SpaceFactory(network=w.network, slug="iso-other", name="Other Space")
    w.practice = f.PracticeFactory(name="Iso Practice")
    f.SpaceMembershipFactory(space=w.space, practice=w.practice)
    w.other_practice = f.PracticeFactory(name="Other Practice")
    f.SpaceMembershipFactory(space=w.other_space, practice=w.other_practice)
    w.resource = f.ResourceFactory(space=w.space, name="Iso Room")
    w.other_resource = f.ResourceFactory(space=w.other_space, name="Other Room")
    w.opening_hours = f.OpeningHoursFactory(space=w.space)
    w.closure = f.ClosureFactory(space=w.space)
    w.coordinator = f.MemberFactory(email="iso-coordinator@example.org")
    w.coordinator_role = f.RoleAssignmentFactory(
        space=w.space, member=w.coordinator, role=RoleAssignment.Role.COORDINATOR
    )
    w.member = f.make_member_of(w.space, practice=w.practice, email="iso-member@example.org")
    w.outsider = f.MemberFactory(email="iso-outsider@example.org")
    f.RoleAssignmentFactory(space=w.other_space, member=w.outsider, role=RoleAssignment.Role.COORDINATOR)
    f.PracticeMemberFactory(practice=w.other_practice, member=w.outsider)
    for module in route_modules():
        if hasattr(module, "build"):
            module.build(w)
    return w


def test_every_route_has_a_case():
    missing = sorted(plek_route_names() - set(all_cases()))
    assert missing == [], f"Routes without an isolation Case in tests/<app>/routes.py: {missing}"


def test_no_case_for_a_route_that_does_not_exist():
    stale = sorted(set(all_cases()) - plek_route_names())
    assert stale == [], f"Cases for routes that no longer exist: {stale}"


PARAMS = [
    pytest.param(name, i, persona, id=f"{name}[{i}]-{persona}")
    for name, cases in sorted(all_cases().items())
    for i in range(len(cases))
    for persona in PERSONAS
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "index", "persona"), PARAMS)
def test_route_as_persona(name, index, persona, client, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    case = all_cases()[name][index]
    world = build_world()
    person = None if persona == "anonymous" else getattr(world, persona)
    path = case.path(world)
    data = case.data(world) if case.data else None
    method = case.method.lower()
    if case.is_api(world):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {issue_token(person)}"} if person else {}
        body = json.dumps(data) if data is not None else None
        kwargs = {"content_type": "application/json", **headers} if body is not None else headers
        response = (
            getattr(client, method)(path, body, **kwargs)
            if body is not None
            else getattr(client, method)(path, **headers)
        )
    else:
        if person:
            client.force_login(person)
        response = getattr(client, method)(path, data or {})
    expected = case.expect[persona]
    assert response.status_code == expected, (
        f"{case.method.upper()} {path} as {persona}: {response.status_code}, expected {expected}"
    )
    if not case.is_api(world) and persona == "anonymous" and expected == 302:
        assert "/accounts/login/" in response["Location"], "anonymous must be sent to log in"
    if case.is_api(world) and response.status_code >= 400:
        body = response.json()
        assert {"code", "message", "fields"} <= set(body), body
