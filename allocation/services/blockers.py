"""What blocked each unmet request of a round: existing bookings, closures, opening hours, the resources' kind,
capacity and equipment, or slots granted to other practices' requests.

``explain(instance, context, result)`` works on what ``build_instance`` returns and a solver result (or the current
slots); ``solving.result`` calls it for the current timetable once the round has a finished run (before that,
unmet requests get no reason at all).
"""

from __future__ import annotations

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from spaces.models import OpeningHours

from .. import solver
from ..models import AllocationRound, SolveRun

SHOWN = 5  # bookings and closures named in a sentence; the rest are counted


def _date(day) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT") if day else ""


def _slot_label(context: dict, room, weekday: int, first: int, last: int) -> str:
    grid = context["grid"]
    days = dict(OpeningHours.Weekday.choices)
    start, end = grid.minutes(first), grid.minutes(last + 1)
    resource = context["resources"].get(room)
    return (
        f"{days.get(weekday, '?')} {start // 60:02d}:{start % 60:02d}–{end // 60:02d}:{end % 60:02d}"
        f" {resource.name if resource else room}"
    )


def slot_causes(context: dict, key: tuple) -> list[dict]:
    """Why a blocked weekly slot (room, weekday, slot index) is blocked, as blockers (no other practices here)."""
    if key in context["closed_hours"]:
        return [{"kind": "opening_hours", "label": str(_("outside the opening hours")), "date": None}]
    return [
        {"kind": c["kind"], "label": c["label"], "date": c["date"], "practice": c.get("practice") or ""}
        for c in context["causes"].get(key, [])
    ]


def _holders(instance: solver.Instance, context: dict, result: solver.Result) -> dict:
    by_id = {r.id: r for r in instance.requests}
    holder = {}
    for rid, placement in result.placements.items():
        request = by_id.get(rid)
        if request is None:
            continue
        for key in instance.occupied(placement, request.duration):
            holder[key] = rid
    return holder


def _request_blockers(instance, context, request, holder) -> list[dict]:
    if request.id in context["unmatched"] or not request.rooms:
        return [{"kind": "capacity_equipment", "label": str(_("kind, capacity or equipment")), "date": None}]
    seen, blockers, others, own, places = set(), [], {}, False, {}
    pad = instance.padding
    for room in request.rooms:
        for window in request.windows:
            for start in window.starts(request.duration):
                if start < 0 or start + request.duration > instance.slots_per_day:
                    continue
                for i in range(start, min(instance.slots_per_day, start + request.duration + pad.get(room, 0))):
                    key = (room, window.weekday, i)
                    if i < start + request.duration and key in instance.blocked:
                        for cause in slot_causes(context, key):
                            mark = (cause["kind"], cause["label"], cause["date"])
                            if mark not in seen:
                                seen.add(mark)
                                blockers.append(cause)
                                places.setdefault(mark, (room, window.weekday, key[2]))
                    elif key in holder:
                        other = context["requests"].get(holder[key])
                        if other is None:
                            continue
                        if other.practice_id == request.practice:
                            own = True
                        else:
                            others.setdefault(other.practice.name, (room, window.weekday, key[2]))
    for cause in blockers:
        room, weekday, index = places[(cause["kind"], cause["label"], cause["date"])]
        cause["slot"] = _slot_label(context, room, weekday, index, index)
    for name, (room, weekday, index) in sorted(others.items()):
        blockers.append(
            {
                "kind": "other_practices",
                "label": name,
                "date": None,
                "practice": name,
                "slot": _slot_label(context, room, weekday, index, index),
            }
        )
    if own:
        blockers.append({"kind": "own_requests", "label": str(_("its practice's other requests")), "date": None})
    return blockers


def sentence(blockers: list[dict]) -> str:
    """A plain sentence naming what blocked a request."""
    if not blockers:
        return _("Nothing blocks it now: it may be granted by hand.")
    parts = []
    bookings = [b for b in blockers if b["kind"] == "booking"]
    closures = [b for b in blockers if b["kind"] == "closure"]
    for b in bookings[:SHOWN]:
        title = b["label"] or _("untitled")
        if b.get("practice"):
            parts.append(
                _("the booking “%(title)s” of %(practice)s on %(date)s")
                % {"title": title, "practice": b["practice"], "date": _date(b["date"])}
            )
        else:
            parts.append(_("the booking “%(title)s” on %(date)s") % {"title": title, "date": _date(b["date"])})
    if len(bookings) > SHOWN:
        count = len(bookings) - SHOWN
        parts.append(ngettext("%(count)s more booking", "%(count)s more bookings", count) % {"count": count})
    for b in closures[:SHOWN]:
        if b["date"]:
            parts.append(
                _("a closure (%(reason)s) on %(date)s") % {"reason": b["label"] or "—", "date": _date(b["date"])}
            )
        else:
            parts.append(_("a closure (%(reason)s) over the whole season") % {"reason": b["label"] or "—"})
    if len(closures) > SHOWN:
        count = len(closures) - SHOWN
        parts.append(ngettext("%(count)s more closure", "%(count)s more closures", count) % {"count": count})
    if any(b["kind"] == "opening_hours" for b in blockers):
        parts.append(_("the opening hours"))
    if any(b["kind"] == "capacity_equipment" for b in blockers):
        parts.append(_("no resource of the round has the kind, capacity or equipment it needs"))
    others = [b["practice"] for b in blockers if b["kind"] == "other_practices"]
    if others:
        parts.append(_("slots granted to other practices' requests (%(practices)s)") % {"practices": ", ".join(others)})
    if any(b["kind"] == "own_requests" for b in blockers):
        parts.append(_("slots granted to the same practice's other requests"))
    return _("Blocked by %(blockers)s.") % {"blockers": "; ".join(parts)}


def explain(instance: solver.Instance, context: dict, result: solver.Result) -> dict:
    """Request id → {"blockers": [{kind, label, date, slot, practice}], "why": sentence} for every request of the
    instance that ``result`` does not grant. Kinds: booking, closure, opening_hours, capacity_equipment,
    other_practices, own_requests."""
    holder = _holders(instance, context, result)
    out = {}
    for request in instance.requests:
        if request.id in result.placements:
            continue
        blockers = _request_blockers(instance, context, request, holder)
        for b in blockers:
            b.setdefault("practice", "")
            b.setdefault("slot", "")
        out[request.id] = {"blockers": blockers, "why": sentence(blockers)}
    return out


def computed(round_: AllocationRound) -> bool:
    """Reasons mean something once a run has finished."""
    return round_.runs.filter(status=SolveRun.Status.DONE).exists()
