"""Reads for the booking pages (UI only): calendar grids, my bookings, closures with the bookings they hit, find a
place. Each runs a fixed number of queries, whatever the number of bookings."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from html import escape
from types import SimpleNamespace

from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from core.forms import plausible_date
from spaces.models import Closure, OpeningHours, Resource, Space

from . import availability, queries
from .forms import book_link, is_repeated, period_query, utc_offset
from .models import Booking

DEFAULT_HOURS = (8, 22)
# "HH:MM" of every minute of the day, by minute: the calendar cells show thousands of them.
_HH_MM = [f"{hour:02d}:{minute:02d}" for hour in range(24) for minute in range(60)]


def day_param(request, space: Space) -> dt.date:
    """The ``?date=YYYY-MM-DD`` of the request, else today in the space's time zone."""
    try:
        day = dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        day = None
    # Year 1 or 9999 has no midnight in every time zone (and is a typing error): today instead.
    if day is None or not plausible_date(day):
        return timezone.localdate(timezone=space.tz)
    return day


def form_initial(params) -> dict:
    """Initial values of the booking and waitlist forms from a link (``?resource=&date=&start=&end=``)."""
    initial: dict = {}
    resource = params.get("resource", "")
    if resource.isdigit():
        initial["resource"] = int(resource)
    for name in ("date", "start", "end", "start_offset", "end_offset"):
        if params.get(name):
            initial[name] = params[name]
    return initial


def local_midnight(day: dt.date, tz) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=tz).astimezone(dt.UTC)


def _by_resource(space: Space, start, end, resource: Resource | None):
    """[(resource, bookings)] for the space's active resources (or one resource): bookings.queries, two queries.

    Each booking (a ``queries.CalendarBooking``) gets ``cell_item``, the escaped ``<li>`` a calendar cell shows
    ("10:00–12:00 Title" in the space's time zone, linked to the booking), computed once: a week of 100
    resources can hold thousands.
    """
    only = Resource.objects.filter(pk=resource.pk) if resource is not None else None
    rows = queries.bookings_by_resource(space, start, end, resources=only)
    tz = space.tz
    detail = reverse("bookings:detail", kwargs={"slug": space.slug, "pk": 0})[: -len("0/")]
    booked = escape(_("Booked"))
    waiting = f' <span class="status">({escape(_("waiting for approval"))})</span>'
    pending = Booking.Status.PENDING
    confirmed_open = f'<li><a class="booking" href="{detail}'
    pending_open = f'<li><a class="booking pending" href="{detail}'
    labels: dict[tuple, str] = {}  # escaped once per distinct title and practice (many bookings share them)
    # Only where the clocks go back within [start, end) can a time come twice (then it shows its offset).
    clocks_change = start.astimezone(tz).utcoffset() != end.astimezone(tz).utcoffset()
    for _resource, bookings in rows:
        for b in bookings:
            b.local_start = s = b.start.astimezone(tz)
            b.local_end = e = b.end.astimezone(tz)
            key = (b.title, b.practice_name)
            label = labels.get(key)
            if label is None:
                label = labels[key] = (
                    escape(b.title) if b.title else escape(b.practice_name) if b.practice_name else booked
                )
            times = f"{_HH_MM[s.hour * 60 + s.minute]}–{_HH_MM[e.hour * 60 + e.minute]}"
            if clocks_change and (is_repeated(s) or is_repeated(e)):
                times = f"{clock(s)}–{clock(e)}"
            if b.status == pending:
                b.cell_item = f'{pending_open}{b.pk}/">{times} {label}{waiting}</a></li>'
            else:
                b.cell_item = f'{confirmed_open}{b.pk}/">{times} {label}</a></li>'
    return rows


def clock(local: dt.datetime) -> str:
    """``"02:30"``, or ``"02:30 (UTC+01:00)"`` when the clocks show that time twice that day."""
    text = f"{local:%H:%M}"
    return f"{text} (UTC{utc_offset(local)})" if is_repeated(local) else text


def _closures(space: Space, start, end) -> list[Closure]:
    return list(Closure.objects.filter(space=space, start__lt=end, end__gt=start).order_by("start"))


class Cells:
    """Builds the HTML of calendar cells. Done here rather than in the template on purpose: a week of 100
    resources has 700 cells and can hold thousands of bookings, and the template engine would spend most of the
    page's time on them (a row is one string; the template loops over rows only). Each booking's ``<li>`` is
    made once (``_by_resource``); every text is escaped. Status is written in words, never shown by colour alone.
    """

    def __init__(self):
        self.free = f'<span class="visually-hidden">{escape(_("free"))}</span>'
        self.closed = escape(_("Closed"))

    def content(self, bookings, closures) -> str:
        if not bookings and not closures:
            return self.free
        items = [
            f'<li><span class="closed"><span class="status">{self.closed}</span>'
            f"{': ' + escape(c.reason) if c.reason else ''}</span></li>"
            for c in closures
        ]
        items.extend(b.cell_item for b in bookings)
        return "<ul>" + "".join(items) + "</ul>"


@dataclass
class Row:
    resource: Resource
    cells: list = field(default_factory=list)
    html: str = ""  # the row's <td> cells
    url: str = ""  # the week view of this resource (week grid)
    head: str = ""  # the row's <th>: the resource, linked to its week (week grid)


def week_grid(space: Space, day: dt.date, *, resource: Resource | None = None) -> dict:
    """Resources as rows, the seven days of ``day``'s week as columns; each cell lists bookings and closures.

    Each booking goes to the days it covers (its local dates), so the work grows with the bookings, not with
    bookings × cells.
    """
    tz = space.tz
    monday = day - dt.timedelta(days=day.weekday())
    days = [monday + dt.timedelta(days=i) for i in range(7)]
    today = timezone.localdate(timezone=tz)
    start, end = local_midnight(monday, tz), local_midnight(monday + dt.timedelta(days=7), tz)
    closures = _closures(space, start, end)
    bounds = [(local_midnight(d, tz), local_midnight(d + dt.timedelta(days=1), tz)) for d in days]
    # Closures per day (whole space or one resource): few, checked per row below.
    shut_by_day = [[c for c in closures if c.start < day_end and c.end > day_start] for day_start, day_end in bounds]
    opens = ['<td class="today">' if the_day == today else "<td>" for the_day in days]
    html = Cells()
    free = [f"{td}{html.free}</td>" for td in opens]
    tiny = dt.timedelta(microseconds=1)
    first_day = monday.toordinal()
    # Each row's link to the resource's week: reversed once, not per row.
    week_of = reverse("bookings:resource-week", kwargs={"slug": space.slug, "resource_id": 0})[: -len("0/")]
    this_week = f"/?date={monday:%Y-%m-%d}"
    rows = []
    for res, own in _by_resource(space, start, end, resource):
        per_day: list[list] = [[], [], [], [], [], [], []]
        for b in own:
            first = b.local_start.toordinal() - first_day
            last = (b.local_end - tiny).toordinal() - first_day
            if first == last:
                per_day[first].append(b)
                continue
            for i in range(max(0, first), min(6, last) + 1):
                per_day[i].append(b)
        cells, tds = [], []
        for i, here in enumerate(per_day):
            shut = [c for c in shut_by_day[i] if c.resource_id in (None, res.pk)] if shut_by_day[i] else []
            cells.append({"day": days[i], "bookings": here, "closures": shut})
            if shut:
                tds.append(f"{opens[i]}{html.content(here, shut)}</td>")
            elif here:
                tds.append(f"{opens[i]}<ul>{''.join([b.cell_item for b in here])}</ul></td>")
            else:
                tds.append(free[i])
        # SafeString rather than mark_safe (the same for a str, without its check for lazy strings): 200 a page.
        row = Row(res, cells, SafeString("".join(tds)))  # escaped in Cells and _by_resource
        row.url = f"{week_of}{res.pk}{this_week}"
        name = escape(res.name)
        row.head = SafeString(  # escaped here
            f'<th scope="row">{name}</th>'
            if resource
            else f'<th scope="row"><a href="{escape(row.url)}">{name}</a></th>'
        )
        rows.append(row)
    return {
        "days": days,
        "rows": rows,
        "today": today,
        "previous": monday - dt.timedelta(days=7),
        "next": monday + dt.timedelta(days=7),
        "monday": monday,
        "sunday": days[-1],
    }


def opening_range(space: Space) -> tuple[int, int]:
    """The first and last hour to show in a day view: from the space's opening hours, else 8 to 22."""
    hours = list(OpeningHours.objects.filter(space=space).values_list("opens", "closes"))
    if not hours:
        return DEFAULT_HOURS
    first = min(o.hour for o, _c in hours)
    last = max(c.hour + (1 if c.minute else 0) for _o, c in hours)
    return first, max(last, first + 1)


@dataclass
class Slot:
    """One hour of a day on the space's clock: ``hour`` of the local day, from ``start`` to ``end`` (UTC)."""

    hour: int
    start: dt.datetime
    end: dt.datetime
    offset: str  # "+01:00"
    repeated: bool  # the clocks go back: the same local hour comes twice this day

    @property
    def label(self) -> str:
        return f"{self.hour:02d}:00 (UTC{self.offset})" if self.repeated else f"{self.hour:02d}:00"


def day_hours(day: dt.date, tz) -> list[Slot]:
    """The hours the clock of ``tz`` shows on ``day``, in order: 24, or 23 on the day the clocks go forward (the
    skipped hour does not exist), or 25 on the day they go back (the repeated hour comes twice)."""
    starts = set()
    for hour in range(24):
        for fold in (0, 1):
            local = dt.datetime.combine(day, dt.time(hour), tzinfo=tz).replace(fold=fold)
            instant = local.astimezone(dt.UTC)
            if instant.astimezone(tz).replace(tzinfo=None) == local.replace(tzinfo=None, fold=0):
                starts.add(instant)  # the local time exists (not in the hour skipped in spring)
    ordered = sorted(starts)
    ends = [*ordered[1:], local_midnight(day + dt.timedelta(days=1), tz)]
    slots = []
    for start, end in zip(ordered, ends, strict=True):
        local = start.astimezone(tz)
        slots.append(Slot(local.hour, start, end, utc_offset(local), is_repeated(local)))
    return slots


def day_grid(space: Space, day: dt.date, *, resource: Resource | None = None) -> dict:
    """Resources as rows, the day's hours as columns. A booking spans the hours it covers (colspan); free hours
    link to the booking form.

    The columns are the hours the space's clock really shows that day (``day_hours``): on the day the clocks go
    forward the skipped hour is not offered, on the day they go back the repeated hour is shown twice, each
    labelled with its offset from UTC, and each free hour links to the booking form with that offset."""
    tz = space.tz
    first, last = opening_range(space)
    slots = [slot for slot in day_hours(day, tz) if first <= slot.hour < last]
    start, end = local_midnight(day, tz), local_midnight(day + dt.timedelta(days=1), tz)
    closures = _closures(space, start, end)
    book_text = _("Book %(name)s at %(hour)s:00")
    book_path = reverse("bookings:new", kwargs={"slug": space.slug})
    # Each hour's link differs between resources only by the resource: its query is built once per hour.
    anyone = SimpleNamespace(pk=0)
    tails = [period_query(anyone, slot.start, slot.end, tz).removeprefix("resource=0") for slot in slots]
    html = Cells()
    # A free hour's link differs between cells only by the resource and the hour: its parts are escaped once
    # (escaping works character by character, so escaping the parts escapes the whole).
    book_label, book_href = escape(book_text), escape(book_path) + "?resource="
    href_tails = [escape(tail) for tail in tails]
    book_offsets = [f" (UTC{slot.offset})" if slot.repeated else "" for slot in slots]
    rows = []
    for res, own in _by_resource(space, start, end, resource):
        pk = res.pk
        shut = [c for c in closures if c.resource_id in (None, pk)]
        cells: list[dict] = []
        for i, slot in enumerate(slots):
            slot_start, slot_end = slot.start, slot.end
            here = [b for b in own if b.start < slot_end and b.end > slot_start]
            closed = [c for c in shut if c.start < slot_end and c.end > slot_start] if shut else []
            key = (tuple(b.pk for b in here), tuple(c.pk for c in closed))
            if cells and (here or closed) and cells[-1]["key"] == key:
                cells[-1]["span"] += 1
                continue
            cell = {"key": key, "span": 1, "bookings": here, "closures": closed, "hour": slot.hour, "slot": i}
            if not here and not closed:
                cell["book_url"] = f"{book_path}?resource={pk}{tails[i]}"
            cells.append(cell)
        name = escape(res.name)
        tds = []
        for cell in cells:
            if "book_url" in cell:
                i = cell["slot"]
                text = book_label % {"name": name, "hour": f"{cell['hour']:02d}"} + book_offsets[i]
                tds.append(
                    f'<td class="free"><a href="{book_href}{pk}{href_tails[i]}">+'
                    f'<span class="visually-hidden"> {text}</span></a></td>'
                )
            else:
                span = f' colspan="{cell["span"]}"' if cell["span"] > 1 else ""
                tds.append(f"<td{span}>{html.content(cell['bookings'], cell['closures'])}</td>")
        rows.append(Row(res, cells, SafeString("".join(tds))))  # escaped in Cells and here
    return {
        "day": day,
        "hours": [slot.hour for slot in slots],
        "columns": [slot.label for slot in slots],
        "rows": rows,
        "today": timezone.localdate(timezone=tz),
        "previous": day - dt.timedelta(days=1),
        "next": day + dt.timedelta(days=1),
    }


def public_bookings(space: Space, start: dt.datetime, end: dt.datetime):
    """The space's public activities: confirmed bookings marked public, overlapping [start, end)."""
    return (
        Booking.objects.filter(
            resource__space=space, status=Booking.Status.CONFIRMED, is_public=True, start__lt=end, end__gt=start
        )
        .select_related("resource__space", "practice")
        .order_by("start", "id")
    )


def member_bookings(user):
    """Bookings made by the user or for one of their practices (any status)."""
    return queries.my_bookings(user).select_related("resource__space", "practice", "booked_by")


def closures_with_hits(space: Space) -> list[Closure]:
    """The space's current and future closures, each with ``hits``: the number of holding bookings it overlaps."""
    now = timezone.now()
    closures = list(Closure.objects.filter(space=space, end__gte=now).select_related("resource").order_by("start"))
    if not closures:
        return closures
    low, high = min(c.start for c in closures), max(c.end for c in closures)
    periods = list(
        Booking.objects.holding()
        .filter(resource__space=space, start__lt=high, end__gt=low)
        .values_list("resource_id", "start", "end")
    )
    for closure in closures:
        closure.hits = sum(
            1
            for resource_id, start, end in periods
            if start < closure.end and end > closure.start and closure.resource_id in (None, resource_id)
        )
    return closures


def find_places(user, data: dict, *, slots_per_resource: int = 3) -> list[dict]:
    """Resources free for ``data['duration']`` minutes on ``data['date']`` between ``data['start']`` and
    ``data['end']`` (local time of each space), with their next free slots (availability.find_free, one call)."""
    duration = dt.timedelta(minutes=data["duration"])
    space = data.get("space")
    zones = [space.tz] if space else [zoneinfo.ZoneInfo(z) for z in _time_zones()]
    windows = {
        str(tz): (
            dt.datetime.combine(data["date"], data["start"], tzinfo=tz).astimezone(dt.UTC),
            dt.datetime.combine(data["date"], data["end"], tzinfo=tz).astimezone(dt.UTC),
        )
        for tz in zones
    }
    low = min(w[0] for w in windows.values())
    high = max(w[1] for w in windows.values())
    features = [data["equipment"].strip()] if data.get("equipment", "").strip() else []
    found = availability.find_free(
        user,
        low,
        high,
        duration=duration,
        capacity=data.get("capacity"),
        kind=data.get("kind") or None,
        space=space,
        network=None if space else data.get("network"),
        features=features,
        accessible=bool(data.get("accessible")),
    )
    results = []
    for item in found:
        resource = item.resource
        if data.get("hearing_loop") and not resource.hearing_loop:
            continue
        w_start, w_end = windows.get(resource.space.time_zone, (low, high))
        slots = []
        for s, e in item.slots:
            s, e = max(s, w_start), min(e, w_end)
            while e - s >= duration and len(slots) < slots_per_resource:
                slots.append(
                    {"start": s, "end": s + duration, "url": book_link(resource.space, resource, s, s + duration)}
                )
                s += duration
        if slots:
            results.append({"resource": resource, "space": resource.space, "slots": slots})
    return results


def _time_zones() -> list[str]:
    zones = list(Space.objects.order_by().values_list("time_zone", flat=True).distinct())
    return zones or ["UTC"]
