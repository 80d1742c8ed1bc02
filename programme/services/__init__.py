"""Every change to the programme: events and their registrations, projects, services and office-hour slots.

Each function is atomic, checks permission (``by``), writes an audit entry and lists its side effects.
Visitors (no account) act through the secret link in their email: the functions that they may call take
``by=None`` and the caller is responsible for having checked the token.

The functions live in modules by topic; this package re-exports them, so that callers write
``from programme import services`` and ``services.create_event(...)`` whatever module holds it.
"""

from __future__ import annotations

from .capacity import change_capacity
from .emails import manage_url, message_registrants, send_reminders
from .events import DESCRIPTIVE_FIELDS, EventNotCreated, _when, cancel_event, create_event, update_event
from .occurrences import DateNotMoved, cancel_occurrence, move_occurrence
from .office_hours import (
    SERVICE_FIELDS,
    SlotTaken,
    add_slots,
    create_service,
    release_slot,
    take_slot,
    update_service,
)
from .projects import PROJECT_FIELDS, create_project, delete_project, update_project
from .registrations import cancel_registration, mark_attendance, register, remove_registrant_data

__all__ = [
    "DESCRIPTIVE_FIELDS",
    "PROJECT_FIELDS",
    "SERVICE_FIELDS",
    "DateNotMoved",
    "EventNotCreated",
    "SlotTaken",
    "_when",
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
