"""Meetings: agenda, minutes and attendance."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import audit
from spaces.models import Space

from .. import rules
from ..models import Attendance, Meeting


@transaction.atomic
def create_meeting(space: Space, *, by, title: str, starts_at, location: str = "", agenda: str = "") -> Meeting:
    """Plan a meeting (coordinators). Side effect: audit entry."""
    if not rules.can_manage(by, space):
        raise PermissionDenied
    if not title.strip():
        raise ValidationError({"title": _("Give the meeting a title.")})
    meeting = Meeting.objects.create(
        space=space, title=title.strip(), starts_at=starts_at, location=location, agenda=agenda, created_by=by
    )
    audit.record(meeting, "governance.meeting_created", by=by, after=audit.snapshot(meeting))
    return meeting


@transaction.atomic
def update_meeting(meeting: Meeting, *, by, agenda: str | None = None, minutes: str | None = None) -> Meeting:
    """Edit the agenda or write the minutes (coordinators). Side effect: audit entry."""
    if not rules.can_manage(by, meeting.space):
        raise PermissionDenied
    before = audit.snapshot(meeting, ["agenda", "minutes"])
    if agenda is not None:
        meeting.agenda = agenda
    if minutes is not None:
        meeting.minutes = minutes
    meeting.save(update_fields=["agenda", "minutes"])
    audit.record(
        meeting,
        "governance.meeting_updated",
        by=by,
        before=before,
        after=audit.snapshot(meeting, ["agenda", "minutes"]),
    )
    return meeting


@transaction.atomic
def set_attendance(meeting: Meeting, members, *, by) -> int:
    """Record who attended (coordinators). Returns the number of attendees. Side effect: audit entry."""
    if not rules.can_manage(by, meeting.space):
        raise PermissionDenied
    ids = {m.pk for m in members}
    meeting.attendances.exclude(member_id__in=ids).delete()
    have = set(meeting.attendances.values_list("member_id", flat=True))
    Attendance.objects.bulk_create([Attendance(meeting=meeting, member_id=pk) for pk in sorted(ids - have)])
    audit.record(meeting, "governance.attendance_recorded", by=by, after={"members": sorted(ids)})
    return len(ids)
