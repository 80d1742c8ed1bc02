"""programme.services is a package of modules by topic; every name the single module had is still importable
from it, so ``from programme import services`` / ``programme.services.X`` keep working."""

from __future__ import annotations

import importlib

from programme import services

PUBLIC_NAMES = [
    "DESCRIPTIVE_FIELDS",
    "DateNotMoved",
    "EventNotCreated",
    "PROJECT_FIELDS",
    "SERVICE_FIELDS",
    "SlotTaken",
    "add_slots",
    "cancel_event",
    "cancel_occurrence",
    "cancel_registration",
    "change_capacity",
    "create_event",
    "create_project",
    "create_service",
    "delete_project",
    "manage_url",
    "mark_attendance",
    "message_registrants",
    "move_occurrence",
    "register",
    "release_slot",
    "remove_registrant_data",
    "send_reminders",
    "take_slot",
    "update_event",
    "update_project",
    "update_service",
]


def test_every_public_name_is_reexported():
    missing = [name for name in PUBLIC_NAMES if not hasattr(services, name)]

    assert missing == []
    assert set(PUBLIC_NAMES) <= set(services.__all__)


def test_reexports_are_the_modules_own_objects():
    for name in services.__all__:
        obj = getattr(services, name)
        module = getattr(obj, "__module__", None)
        if module is not None and module.startswith("programme.services."):
            assert getattr(importlib.import_module(module), name) is obj
