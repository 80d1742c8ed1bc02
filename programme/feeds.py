"""Every programme as iCal, RSS, Atom and JSON Feed: public dates only, outside the language prefix.

The iCal feeds also keep the dates to come that were cancelled (STATUS:CANCELLED), and give each date a SEQUENCE
(raised when it moves or is cancelled) and a LAST-MODIFIED, so that calendar clients update the copies they hold.
"""

from __future__ import annotations

import icalendar
from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import feedgenerator, timezone
from django.utils.translation import gettext as _

from spaces.models import Network, Space

from . import queries

FEED_SIZE = 500


def _url(path: str) -> str:
    return settings.SITE_URL + path


def _items(occurrences):
    for occ in occurrences:
        event = occ.event
        yield {
            "id": f"plek-occurrence-{occ.pk}",
            "uid": f"occurrence-{occ.pk}@{settings.SITE_URL.split('//')[-1]}",
            "title": event.title,
            "description": event.description,
            "url": _url(reverse("programme:event", args=[event.pk])),
            "start": occ.start,
            "end": occ.end,
            "location": ", ".join(p for p in (occ.space.name, occ.space.address, occ.space.city) if p),
            "category": event.get_category_display(),
            "image": _url(event.image.url) if event.image else "",
            "updated": event.created_at,
            "modified": max(occ.changed_at or event.created_at, event.created_at),
            "sequence": occ.sequence,
            "cancelled": occ.is_cancelled,
        }


def _ics(title: str, items) -> HttpResponse:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//plek//programme//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", title)
    now = timezone.now()
    for item in items:
        vevent = icalendar.Event()
        vevent.add("uid", item["uid"])
        vevent.add("dtstamp", now)
        vevent.add("created", item["updated"])
        vevent.add("last-modified", item["modified"])
        vevent.add("sequence", item["sequence"])
        vevent.add("status", "CANCELLED" if item["cancelled"] else "CONFIRMED")
        vevent.add("dtstart", item["start"])
        vevent.add("dtend", item["end"])
        vevent.add("summary", item["title"])
        vevent.add("description", item["description"])
        vevent.add("location", item["location"])
        vevent.add("url", item["url"])
        vevent.add("categories", [item["category"]])
        cal.add_component(vevent)
    return HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")


def _syndication(feed_class, title: str, link: str, items) -> HttpResponse:
    feed = feed_class(
        title=title, link=link, description=_("The programme of %(name)s") % {"name": title}, language="en"
    )
    for item in items:
        when = timezone.localtime(item["start"]).strftime("%Y-%m-%d %H:%M")
        feed.add_item(
            title=f"{item['title']} ({when})",
            link=item["url"],
            description=item["description"],
            unique_id=item["id"],
            pubdate=item["updated"],
            categories=[item["category"]],
        )
    response = HttpResponse(content_type=f"{feed.content_type}")
    feed.write(response, "utf-8")
    return response


def _json(title: str, link: str, feed_url: str, items) -> JsonResponse:
    data = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": title,
        "home_page_url": link,
        "feed_url": feed_url,
        "items": [
            {
                "id": item["id"],
                "url": item["url"],
                "title": item["title"],
                "content_text": item["description"],
                "date_published": item["updated"].isoformat(),
                "tags": [item["category"]],
                **({"image": item["image"]} if item["image"] else {}),
                "_event": {
                    "start": item["start"].isoformat(),
                    "end": item["end"].isoformat(),
                    "location": item["location"],
                },
            }
            for item in items
        ],
    }
    return JsonResponse(data, content_type="application/feed+json", json_dumps_params={"ensure_ascii": False})


def _render(request, fmt: str, title: str, link: str, dates) -> HttpResponse:
    """``dates``: the agenda's arguments; the iCal feed also lists the cancelled dates to come."""
    occurrences = queries.agenda(public_only=True, with_cancelled=fmt == "ics", **dates)[:FEED_SIZE]
    items = list(_items(occurrences))
    if fmt == "ics":
        return _ics(title, items)
    if fmt == "rss":
        return _syndication(feedgenerator.Rss201rev2Feed, title, link, items)
    if fmt == "atom":
        return _syndication(feedgenerator.Atom1Feed, title, link, items)
    return _json(title, link, _url(request.path), items)


def space_feed(request, slug: str, fmt: str):
    space = get_object_or_404(Space, slug=slug)
    link = _url(reverse("programme:space", args=[space.slug]))
    return _render(request, fmt, space.name, link, {"space": space})


def network_feed(request, slug: str, fmt: str):
    network = get_object_or_404(Network, slug=slug)
    link = _url(reverse("programme:agenda") + f"?network={network.slug}")
    return _render(request, fmt, network.name, link, {"network": network})
