"""Template helpers of the booking pages and emails: periods shown in the space's time zone."""

from __future__ import annotations

import zoneinfo

from django import template
from django.utils import timezone
from django.utils.formats import date_format

register = template.Library()


def _tz(tz_name) -> zoneinfo.ZoneInfo:
    if isinstance(tz_name, zoneinfo.ZoneInfo):
        return tz_name
    return zoneinfo.ZoneInfo(str(tz_name or "UTC"))


def format_period(start, end, tz_name) -> str:
    """'Monday 2 March 2026, 14:00–16:00' in the given time zone (dates in the active language's format)."""
    tz = _tz(tz_name)
    s, e = timezone.localtime(start, tz), timezone.localtime(end, tz)
    day = f"{date_format(s, 'l')} {date_format(s, 'DATE_FORMAT')}"
    if s.date() == e.date():
        return f"{day}, {s:%H:%M}–{e:%H:%M}"
    return f"{day} {s:%H:%M} – {date_format(e, 'l')} {date_format(e, 'DATE_FORMAT')} {e:%H:%M}"


@register.simple_tag
def period(obj, tz_name) -> str:
    """The period of a booking (or anything with ``start`` and ``end``, or a dict) in the space's time zone."""
    if isinstance(obj, dict):
        return format_period(obj["start"], obj["end"], tz_name)
    return format_period(obj.start, obj.end, tz_name)


@register.simple_tag(takes_context=True)
def coordinates(context, space) -> bool:
    """Whether the current user coordinates ``space`` (to show the coordinators' links)."""
    from spaces import rules

    return rules.is_coordinator(context["request"].user, space)


@register.simple_tag(takes_context=True)
def member_of(context, space) -> bool:
    """Whether the current user is a member of ``space`` (to show the members' links)."""
    from spaces import rules

    return rules.is_member(context["request"].user, space)
