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


def _parse(rule: str, start: dt.datetime, tz: zoneinfo.ZoneInfo) -> tuple[dict[str, str], du_rrule.rrule]:
    """The rule's parts (in their order) and its dateutil rule from ``start``, on naive local times."""
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
            local_parts = {**parts, "UNTIL": _local(when, tz).strftime("%Y%m%dT%H%M%S")}
            text = ";".join(f"{k}={v}" for k, v in local_parts.items())
    try:
        rule_obj = du_rrule.rrulestr(text, dtstart=_local(start, tz), ignoretz=True)
    except (ValueError, TypeError, KeyError, IndexError):
        raise RecurrenceError(_("The recurrence rule cannot be read.")) from None
    return parts, rule_obj


def _skips(exdates, tz: zoneinfo.ZoneInfo) -> tuple[set[dt.datetime], set[dt.date]]:
    """The exceptions as (local start times to leave out, local days to leave out)."""
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
    return skip_times, skip_days


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
    _parts, rule_obj = _parse(rule, start, tz)
    skip_times, skip_days = _skips(exdates, tz)
    duration = end - start
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


def end_before(
    rule: str, start: dt.datetime, tz: zoneinfo.ZoneInfo, cutoff: dt.datetime, exdates=()
) -> tuple[str, dt.datetime] | None:
    """The rule cut so that it ends with its last occurrence that starts before ``cutoff``, as RFC 5545 clients
    do for "this and the following events": COUNT becomes the number of occurrences kept (counting the ones
    ``exdates`` leave out, as COUNT does), else UNTIL becomes the last start kept, in UTC. Returns (rule, last
    start kept in UTC); the rule unchanged when nothing starts at or after ``cutoff``; None when no occurrence
    starts before ``cutoff`` (the whole series goes). Raises RecurrenceError as ``occurrences``.
    """
    parts, rule_obj = _parse(rule, start, tz)
    skip_times, skip_days = _skips(exdates, tz)
    last = None  # (position in the rule, local start) of the last occurrence kept and not left out
    beyond = False
    for position, local in enumerate(rule_obj, start=1):
        if to_utc(local, tz) >= cutoff:
            beyond = True
            break
        if local not in skip_times and local.date() not in skip_days:
            last = (position, local)
    if last is None:
        return None
    count, local = last
    if not beyond:
        return normalise(rule), to_utc(local, tz)
    if "COUNT" in parts:
        parts["COUNT"] = str(count)
    else:
        parts["UNTIL"] = to_utc(local, tz).strftime("%Y%m%dT%H%M%SZ")
    return ";".join(f"{k}={v}" for k, v in parts.items()), to_utc(local, tz)
