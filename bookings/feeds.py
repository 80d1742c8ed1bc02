"""iCal feeds (RFC 5545, written with the icalendar library).

- A private feed per member: their own bookings and their practices', behind a secret link (calendars.FeedToken)
  that the member can reset, which stops the old link at once.
- A public feed per space: its public, confirmed bookings, without any personal detail.

Each event has a SEQUENCE and a LAST-MODIFIED, so that calendar clients take in a booking that was approved or
moved: both are read from the audit log (the booking's entries after its creation), in one query per feed.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Max
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods

from calendars import services as calendar_services
from calendars.models import FeedToken
from core.models import AuditEntry
from spaces.models import Space

from . import grids, queries
from .models import Booking

PAST = dt.timedelta(days=60)
FUTURE = dt.timedelta(days=400)
MAX_EVENTS = 2000


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "plek"


def _calendar(name: str) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//plek//bookings//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    return cal


def _revisions(bookings: list[Booking]) -> dict[int, tuple[int, dt.datetime]]:
    """Per booking id: (SEQUENCE, LAST-MODIFIED), from the audit entries written about the booking itself after
    its creation (approved, moved, …): their number and the latest one's time. Bookings without any are left out.
    One query."""
    rows = (
        AuditEntry.objects.filter(object_type=Booking._meta.label_lower, object_id__in=[str(b.pk) for b in bookings])
        .exclude(action="bookings.created")
        .order_by()
        .values("object_id")
        .annotate(count=Count("id"), last=Max("at"))
    )
    return {int(row["object_id"]): (row["count"], row["last"]) for row in rows}


def _event(
    booking: Booking, *, summary: str, description: str = "", url: str = "", revisions: dict | None = None
) -> icalendar.Event:
    space = booking.resource.space
    sequence, modified = (revisions or {}).get(booking.pk, (0, booking.created_at))
    event = icalendar.Event()
    event.add("uid", f"booking-{booking.pk}@{_host()}")
    event.add("dtstamp", timezone.now())
    event.add("created", booking.created_at)
    event.add("last-modified", max(modified, booking.created_at))
    event.add("sequence", sequence)
    event.add("dtstart", booking.start)
    event.add("dtend", booking.end)
    event.add("summary", summary)
    event.add("location", ", ".join(p for p in [booking.resource.name, space.name, space.address, space.city] if p))
    event.add("status", "TENTATIVE" if booking.status == Booking.Status.PENDING else "CONFIRMED")
    if description:
        event.add("description", description)
    if url:
        event.add("url", url)
    return event


def _response(cal: icalendar.Calendar, filename: str) -> HttpResponse:
    response = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=300"
    return response


def private_feed(request, token: str):
    """The member's bookings and their practices' bookings. Anyone with the link can read it: it is the secret."""
    feed = FeedToken.objects.select_related("member").filter(token=token).first()
    if feed is None or not feed.member.is_active:
        raise Http404
    member = feed.member
    now = timezone.now()
    bookings = (
        queries.my_bookings(member)
        .holding()
        .filter(end__gte=now - PAST, start__lte=now + FUTURE)
        .select_related("resource__space", "practice")
        .order_by("start", "id")[:MAX_EVENTS]
    )
    bookings = list(bookings)
    revisions = _revisions(bookings)
    cal = _calendar(_("My bookings (%(site)s)") % {"site": settings.SITE_NAME})
    for booking in bookings:
        space = booking.resource.space
        what = booking.title or booking.resource.name
        summary = f"{what} · {booking.resource.name}" if booking.title else what
        lines = [f"{pgettext('shared building', 'Space')}: {space.name}"]
        if booking.practice:
            lines.append(f"{_('Practice')}: {booking.practice.name}")
        lines.append(f"{_('Status')}: {booking.get_status_display()}")
        url = settings.SITE_URL + reverse("bookings:detail", kwargs={"slug": space.slug, "pk": booking.pk})
        cal.add_component(_event(booking, summary=summary, description="\n".join(lines), url=url, revisions=revisions))
    return _response(cal, "plek-bookings.ics")


def public_feed(request, slug: str):
    """A space's public bookings (confirmed, marked public): for everyone, without personal details."""
    space = get_object_or_404(Space, slug=slug)
    now = timezone.now()
    bookings = list(grids.public_bookings(space, now - PAST, now + FUTURE)[:MAX_EVENTS])
    revisions = _revisions(bookings)
    cal = _calendar(_("%(space)s: public calendar") % {"space": space.name})
    url = settings.SITE_URL + reverse("bookings:public", kwargs={"slug": space.slug})
    for booking in bookings:
        summary = booking.title or booking.resource.name
        description = ""
        if booking.practice and booking.practice.public_profile:
            description = _("With %(practice)s") % {"practice": booking.practice.name}
        cal.add_component(_event(booking, summary=summary, description=description, url=url, revisions=revisions))
    return _response(cal, f"{space.slug}-public.ics")


@login_required
@require_http_methods(["GET", "POST"])
def feed_settings(request):
    """Show the member's private feed link; POST gives a new link (the old one stops working)."""
    if request.method == "POST":
        calendar_services.reset_feed_token(request.user, by=request.user)
        messages.success(request, _("Your calendar link is new: the old one no longer works."))
        return redirect("bookings:feed-settings")
    feed = calendar_services.feed_token_for(request.user)
    link = request.build_absolute_uri(reverse("bookings:private-feed", kwargs={"token": feed.token}))
    return render(request, "bookings/feed_settings.html", {"feed": feed, "link": link})
