"""Tenant isolation over every route: the harness.

Each app describes its routes in ``tests/<app>/routes.py``:

    ROUTES = {
        "spaces:detail": Case(lambda w: f"/en/spaces/{w.space.slug}/", PUBLIC),
        "api:space-resources": Case(lambda w: f"/api/v1/spaces/{w.space.pk}/resources", API_MEMBER, method="post",
                                     data=lambda w: {...}),
    }

    def build(world):          # optional: add the app's objects to the world (in ``world.space`` and ``world.other_space``)
        world.booking = ...

``tests/test_isolation.py`` walks the URL configuration: every named route must have a Case (or a list of Cases),
and each Case is run as four personas, each in a fresh world:
- anonymous,
- outsider: the coordinator of *another* space (so even a coordinator cannot reach this space's objects),
- member: a member of the space (through a practice) without any role,
- coordinator: the space's coordinator.
``expect`` maps persona → status code. Routes' paths use objects of ``world.space`` unless said otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PERSONAS = ("anonymous", "outsider", "member", "coordinator")

# UI (browser) expectations. 302 for anonymous means: sent to the login page.
PUBLIC = {"anonymous": 200, "outsider": 200, "member": 200, "coordinator": 200}
SIGNED_IN = {"anonymous": 302, "outsider": 200, "member": 200, "coordinator": 200}
MEMBER = {"anonymous": 302, "outsider": 404, "member": 200, "coordinator": 200}
COORDINATOR = {"anonymous": 302, "outsider": 404, "member": 403, "coordinator": 200}

# API expectations: 401 for anonymous.
API_PUBLIC = PUBLIC
API_SIGNED_IN = {"anonymous": 401, "outsider": 200, "member": 200, "coordinator": 200}
API_MEMBER = {"anonymous": 401, "outsider": 404, "member": 200, "coordinator": 200}
API_COORDINATOR = {"anonymous": 401, "outsider": 404, "member": 403, "coordinator": 200}


def expect(base: dict[str, int], **changes: int) -> dict[str, int]:
    """A copy of ``base`` with some personas' codes changed, e.g. ``expect(API_COORDINATOR, coordinator=201)``."""
    return {**base, **changes}


@dataclass
class Case:
    path: Callable[[Any], str]
    expect: dict[str, int]
    method: str = "get"
    data: Callable[[Any], dict] | None = None
    api: bool | None = None  # default: path starts with /api/
    note: str = ""
    extra: dict = field(default_factory=dict)

    def is_api(self, world) -> bool:
        return self.api if self.api is not None else self.path(world).startswith("/api/")


class World:
    """Objects of two spaces, filled by tests/test_isolation.py and each app's ``build``."""

    def __getattr__(self, name):
        raise AttributeError(f"The isolation world has no '{name}': add it in your app's build(world).")
