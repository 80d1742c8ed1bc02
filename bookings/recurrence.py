"""Recurring bookings: RFC 5545 rules (through dateutil.rrule) expanded in the space's local time.

The rule runs on local wall-clock times, so a booking at 19:00 stays at 19:00 across daylight-saving changes;
each occurrence is then stored in UTC. A local time that does not exist (the hour skipped in spring) is read
with the offset before the change, as ``zoneinfo`` does.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from dateutil import rrule as du_rrule
from django.utils.translation import gettext as _

# No single request books more occurrences than this (about two years of weekly bookings).
MAX_OCCURRENCES = 106


class RecurrenceError(ValueError):
    """The rule cannot be used; ``str(error)`` says why in plain words."""


def normalise(rule: str) -> str:
    """The rule without an "RRULE:" prefix, upper-cased, without spaces."""
    rule = (rule or "").strip()
    if rule.upper().startswith("RRULE:"):
        rule = rule[6:]
    return rule.replace(" ", "").upper()


def _local(value: dt.datetime, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    """A naive local wall-clock time for an aware ``value`` (or a naive one taken as local already)."""
    if value.tzinfo is None:
        return value
    return value.astimezone(tz).replace(tzinfo=None)


def to_utc(local: dt.datetime, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    return local.replace(tzinfo=tz).astimezone(dt.UTC)


def occurrences(
    rule: str,
    start: dt.datetime,
    end: dt.datetime,
    tz: zoneinfo.ZoneInfo,
    exdates=(),
    *,
    limit: int = MAX_OCCURRENCES,
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The (start, end) pairs in UTC of a rule whose first occurrence is [start, end).

    ``exdates``: single exceptions, as datetimes (the start of the occurrence to leave out) or dates (leave out
    that local day). Raises RecurrenceError for a rule that cannot be read, has no end (UNTIL or COUNT) or gives
    more than ``limit`` occurrences.
    """
    text = normalise(rule)
    if not text:
        raise RecurrenceError(_("The recurrence rule is empty."))
    parts = dict(p.split("=", 1) for p in text.split(";") if "=" in p)
    if "FREQ" not in parts:
        raise RecurrenceError(_("The recurrence rule needs a frequency (FREQ=WEEKLY, for example)."))
    if "UNTIL" not in parts and "COUNT" not in parts:
        raise RecurrenceError(_("A recurring booking needs an end date (UNTIL) or a number of times (COUNT)."))
    if parts["FREQ"] not in ("DAILY", "WEEKLY", "MONTHLY", "YEARLY"):
        raise RecurrenceError(_("Bookings can repeat daily, weekly, monthly or yearly."))
    if "UNTIL" in parts:
        # A UTC UNTIL ("…Z") cannot be combined with a naive (local) start in dateutil: read it as local time.
        until = parts["UNTIL"]
        if until.endswith("Z"):
            try:
                when = dt.datetime.strptime(until, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
            except ValueError:
                raise RecurrenceError(_("The end date of the recurrence rule cannot be read.")) from None
            parts["UNTIL"] = _local(when, tz).strftime("%Y%m%dT%H%M%S")
            text = ";".join(f"{k}={v}" for k, v in parts.items())
    local_start = _local(start, tz)
    duration = end - start
    try:
        rule_obj = du_rrule.rrulestr(text, dtstart=local_start, ignoretz=True)
    except (ValueError, TypeError, KeyError, IndexError):
        raise RecurrenceError(_("The recurrence rule cannot be read.")) from None
    skip_times = set()
    skip_days = set()
    for ex in exdates or ():
        if isinstance(ex, str):
            try:
                ex = dt.datetime.fromisoformat(ex) if "T" in ex else dt.date.fromisoformat(ex)
            except ValueError:
                raise RecurrenceError(_("An exception date cannot be read.")) from None
        if isinstance(ex, dt.datetime):
            skip_times.add(_local(ex, tz))
        elif isinstance(ex, dt.date):
            skip_days.add(ex)
    result = []
    for index, local in enumerate(rule_obj):
        if index >= limit + len(skip_times) + 400:
            break
        if local in skip_times or local.date() in skip_days:
            continue
        result.append(local)
        if len(result) > limit:
            raise RecurrenceError(_("A recurring booking can have at most %(count)d occurrences.") % {"count": limit})
    pairs = []
    for local in result:
        occurrence_start = to_utc(local, tz)
        # The end is also a wall-clock time: a 2-hour booking keeps its local end time across a change.
        occurrence_end = to_utc(local + duration, tz)
        if occurrence_end <= occurrence_start:
            occurrence_end = occurrence_start + duration
        pairs.append((occurrence_start, occurrence_end))
    return pairs
