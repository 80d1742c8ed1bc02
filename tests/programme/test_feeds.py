"""Feeds: /feeds/spaces/{slug}.ics|.rss|.atom|.json and /feeds/network/{slug}.… — public dates only."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET

import icalendar
import pytest
from django.utils import timezone

from programme.models import Event

from . import factories as pf

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(space, other_space):
    start = (timezone.now() + datetime.timedelta(days=2)).replace(microsecond=0)
    public = pf.OccurrenceFactory(event=pf.EventFactory(space=space, title="Open day"), start=start)
    pf.OccurrenceFactory(event=pf.EventFactory(space=space, title="Members", audience=Event.Audience.MEMBERS))
    pf.OccurrenceFactory(event=pf.EventFactory(space=other_space, title="In Lisbon"), start=start)
    return public


def test_space_ical(client, space, programme):
    response = client.get(f"/feeds/spaces/{space.slug}.ics")

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["Open day"]
    assert events[0].decoded("dtstart") == programme.start
    assert str(events[0]["url"]).endswith(f"/programme/events/{programme.event_id}/")


def test_network_rss_and_atom(client, space, programme):
    rss = ET.fromstring(client.get(f"/feeds/network/{space.network.slug}.rss").content)
    atom = client.get(f"/feeds/network/{space.network.slug}.atom")

    titles = sorted(item.findtext("title").split(" (")[0] for item in rss.iter("item"))
    assert titles == ["In Lisbon", "Open day"]
    assert atom["Content-Type"].startswith("application/atom+xml")
    assert atom.content.decode().count("<entry>") == 2


def test_space_json_feed(client, space, programme):
    body = client.get(f"/feeds/spaces/{space.slug}.json").json()

    assert body["version"] == "https://jsonfeed.org/version/1.1"
    assert [item["title"] for item in body["items"]] == ["Open day"]
    assert body["items"][0]["_event"]["start"] == programme.start.isoformat()


def test_unknown_space_or_format_is_404(client, space):
    assert client.get("/feeds/spaces/nowhere.ics").status_code == 404
    assert client.get(f"/feeds/spaces/{space.slug}.pdf").status_code == 404
