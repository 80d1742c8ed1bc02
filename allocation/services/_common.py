"""Shared pieces of the allocation services: errors, time helpers, constants."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from spaces.models import SpaceMembership

from ..models import AllocationRound

Status = AllocationRound.Status
FCFS_ORDERS = 20
KIND_WEIGHTS = {
    SpaceMembership.Kind.RESIDENT: 3,
    SpaceMembership.Kind.FLEXIBLE: 2,
    SpaceMembership.Kind.COMMUNITY: 1,
}
TIME_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
DEFAULT_DAY = (8 * 60, 22 * 60)
# A weekly slot hit by one-off bookings or closures in at most this share of the season's weeks stays available:
# those weeks are skipped when publishing. Above it, the slot is blocked for the whole season.
SKIP_SHARE = 0.25


class StateError(ValidationError):
    """The round is not in a state that allows this (the API answers 409)."""


class BeforeDeadline(StateError):
    """The round's deadline has not passed: requests are still coming (the API answers 409, code "before_deadline")."""

    def __init__(self, message, deadline):
        super().__init__(message, code="before_deadline")
        self.deadline = deadline


class PublishConflict(StateError):
    """A granted slot conflicts with a booking: nothing was published (the API answers 409)."""


def _require(condition: bool, message=None) -> None:
    if not condition:
        raise PermissionDenied(message or _("Only the space's coordinators may do this."))


def _minutes(value) -> int:
    if isinstance(value, dt.time):
        return value.hour * 60 + value.minute
    match = TIME_RE.match(str(value or ""))
    if not match:
        raise ValidationError({"windows": _("Give times as HH:MM, for example 18:30.")})
    return int(match.group(1)) * 60 + int(match.group(2))


def _time(minutes: int) -> dt.time:
    minutes = max(0, min(minutes, 24 * 60 - 1))
    return dt.time(minutes // 60, minutes % 60)
