"""Programme pages: the agenda and its filters, event pages, registering, the visitor's link, organisers' tools."""

from __future__ import annotations

import datetime
import json
import re
import zoneinfo

import pytest
from django.core import mail
from django.utils import timezone

from programme import services
from programme.models import Event, Occurrence, Registration
from tests import factories as f

from . import factories as pf

pytestmark = pytest.mark.django_db


def _event(space, **kwargs):
    start = kwargs.pop("start", timezone.now() + datetime.timedelta(days=2))
    event = pf.EventFactory(space=space, **kwargs)
    return pf.OccurrenceFactory(event=event, start=start)


def test_agenda_shows_public_events_and_hides_member_events_from_visitors(client, space, member):
    _event(space, title="Public talk")
    _event(space, title="Members' meeting", audience=Event.Audience.MEMBERS)

    anonymous = client.get("/en/programme/").content.decode()
    signed_in = _client(member).get("/en/programme/").content.decode()

    assert "Public talk" in anonymous and "Members&#x27; meeting" not in anonymous
    assert "Public talk" in signed_in and "Members&#x27; meeting" in signed_in


def _client(person):
    from django.test import Client

    c = Client()
    c.force_login(person)
    return c


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("city=Lisbon", ["Lisbon screening"]),
        ("country=be", ["Accessible concert", "Brussels talk"]),
        ("category=screening", ["Lisbon screening"]),
        ("language=fr", ["Brussels talk"]),
        ("free=on", ["Brussels talk", "Lisbon screening"]),
        ("accessible=on", ["Accessible concert"]),
    ],
)
def test_agenda_filters(client, space, other_space, query, expected):
    _event(space, title="Brussels talk", languages=["fr", "nl"])
    _event(other_space, title="Lisbon screening", category=Event.Category.SCREENING, languages=["pt"])
    _event(
        space,
        title="Accessible concert",
        category=Event.Category.CONCERT,
        price_kind=Event.Price.FIXED,
        price=8,
        wheelchair_accessible=True,
    )

    response = client.get(f"/en/programme/?{query}")

    titles = sorted(occ.event.title for occ in response.context["page"]["items"])
    assert titles == expected


def test_agenda_date_filter_starts_that_day(client, space):
    tz = zoneinfo.ZoneInfo("Europe/Brussels")
    soon = timezone.now() + datetime.timedelta(days=1)
    later = timezone.now() + datetime.timedelta(days=10)
    _event(space, title="Soon", start=soon)
    _event(space, title="Later", start=later)

    day = later.astimezone(tz).date().isoformat()
    response = client.get(f"/en/programme/?date={day}")

    assert [occ.event.title for occ in response.context["page"]["items"]] == ["Later"]


def test_agenda_query_count_does_not_grow_with_events(client, space, django_assert_num_queries):
    _event(space)
    client.get("/en/programme/")  # warm caches (content types, sessions)
    with django_assert_num_queries(1):
        client.get("/en/programme/")
    _event(space)
    _event(space)
    with django_assert_num_queries(1):
        response = client.get("/en/programme/")
    assert len(response.context["page"]["items"]) == 3


def test_space_programme_query_count(client, space, django_assert_num_queries):
    practice = f.PracticeFactory()
    f.SpaceMembershipFactory(space=space, practice=practice)
    _event(space)
    pf.ProjectFactory(practice=practice)
    client.get(f"/en/spaces/{space.slug}/programme/")
    with django_assert_num_queries(4):
        client.get(f"/en/spaces/{space.slug}/programme/")
    _event(space)
    _event(space)
    pf.ProjectFactory(practice=practice)
    pf.ProjectFactory(practice=practice)
    with django_assert_num_queries(4):
        client.get(f"/en/spaces/{space.slug}/programme/")


def test_event_page_carries_schema_org_event(client, space):
    occ = _event(space, title="Who owns the city?", capacity=30, languages=["en"])

    html = client.get(f"/en/programme/events/{occ.event_id}/").content.decode()

    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Event"
    assert data["name"] == "Who owns the city?"
    assert data["location"]["address"]["addressLocality"] == "Brussels"
    assert data["maximumAttendeeCapacity"] == 30
    assert data["startDate"] == occ.start.astimezone(zoneinfo.ZoneInfo("Europe/Brussels")).isoformat()
    assert data["isAccessibleForFree"] is True


def test_members_event_sends_visitors_to_sign_in_and_outsiders_to_404(client, space, outsider):
    occ = _event(space, audience=Event.Audience.MEMBERS)

    assert client.get(f"/en/programme/events/{occ.event_id}/").status_code == 302
    assert _client(outsider).get(f"/en/programme/events/{occ.event_id}/").status_code == 404


def test_register_from_the_event_page(client, space, django_capture_on_commit_callbacks):
    occ = _event(space, title="Repair café", capacity=1)

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(f"/en/programme/dates/{occ.pk}/register/", {"name": "Ana", "email": "ana@example.net"})
        second = client.post(f"/en/programme/dates/{occ.pk}/register/", {"name": "Bo", "email": "bo@example.net"})

    assert first.status_code == 200 and "You are registered" in first.content.decode()
    assert second.status_code == 200 and "You are on the waitlist" in second.content.decode()
    assert [m.to for m in mail.outbox] == [["ana@example.net"], ["bo@example.net"]]


def test_register_with_bad_email_shows_the_form_again(client, space):
    occ = _event(space)

    response = client.post(f"/en/programme/dates/{occ.pk}/register/", {"name": "Ana", "email": "nope"})

    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()
    assert Registration.objects.count() == 0


def test_registrants_emails_are_not_on_public_pages(client, space, member):
    occ = _event(space, capacity=5)
    services.register(occ, name="Secret Sam", email="sam@example.net")

    for url in ("/en/programme/", f"/en/programme/events/{occ.event_id}/", f"/en/spaces/{space.slug}/programme/"):
        for c in (client, _client(member)):
            body = c.get(url).content.decode()
            assert "sam@example.net" not in body and "Secret Sam" not in body
    api = client.get(f"/api/v1/events/{occ.event_id}").content.decode()
    assert "sam@example.net" not in api


def test_visitor_cancels_and_removes_data_with_their_link(client, space):
    occ = _event(space, capacity=1)
    mine = services.register(occ, name="Ana", email="ana@example.net")
    waiting = services.register(occ, name="Bo", email="bo@example.net")

    page = client.get(f"/en/programme/registrations/{mine.token}/")
    cancel = client.post(f"/en/programme/registrations/{mine.token}/", {"action": "cancel"})
    remove = client.post(f"/en/programme/registrations/{mine.token}/", {"action": "remove"})

    assert page.status_code == 200 and "ana@example.net" in page.content.decode()
    assert cancel.status_code == 302
    assert remove.status_code == 200
    assert not Registration.objects.filter(email="ana@example.net").exists()
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"
    assert client.get(f"/en/programme/registrations/{mine.token}/").status_code == 404


def test_unknown_token_is_404(client):
    assert client.get("/en/programme/registrations/not-a-token/").status_code == 404


def test_attendee_list_and_csv_for_organisers(space, member, practice):
    occ = _event(space, practice=practice, capacity=5)
    services.register(occ, name="Ana", email="ana@example.net")
    c = _client(member)

    page = c.get(f"/en/programme/events/{occ.event_id}/attendees/")
    csv = c.get(f"/en/programme/events/{occ.event_id}/attendees.csv")

    assert "ana@example.net" in page.content.decode()
    lines = csv.content.decode().splitlines()
    assert lines[0] == "Date,Name,Email address,Status,Attended,Registered at"
    assert lines[1].split(",")[1:5] == ["Ana", "ana@example.net", "registered", ""]


def test_member_of_another_practice_gets_403_on_attendees(space, practice):
    occ = _event(space, practice=practice)
    someone = f.make_member_of(space, email="other@example.org")

    assert _client(someone).get(f"/en/programme/events/{occ.event_id}/attendees/").status_code == 403


def test_mark_attendance_and_remove_from_attendee_list(space, coordinator):
    occ = _event(space, capacity=5)
    ana = services.register(occ, name="Ana", email="ana@example.net")
    bo = services.register(occ, name="Bo", email="bo@example.net")
    c = _client(coordinator)
    url = f"/en/programme/events/{occ.event_id}/attendees/"

    c.post(url, {"registration": ana.pk, "action": "attended"})
    c.post(url, {"registration": bo.pk, "action": "remove"})

    ana.refresh_from_db()
    assert ana.attended is True
    assert list(Registration.objects.values_list("name", flat=True)) == ["Ana"]


def test_write_to_registrants(space, coordinator, django_capture_on_commit_callbacks):
    occ = _event(space, capacity=5)
    services.register(occ, name="Ana", email="ana@example.net")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = _client(coordinator).post(
            f"/en/programme/events/{occ.event_id}/message/", {"subject": "Room change", "body": "Upstairs."}
        )

    assert response.status_code == 302
    assert [(m.to, m.subject) for m in mail.outbox] == [(["ana@example.net"], "Room change")]


def test_create_event_through_the_form(space, member, practice, room):
    local = (timezone.now() + datetime.timedelta(days=6)).astimezone(space.tz)
    response = _client(member).post(
        f"/en/spaces/{space.slug}/programme/new/",
        {
            "title": "Open studio",
            "description": "Come and see.",
            "category": "open_day",
            "languages": ["nl", "fr"],
            "audience": "public",
            "price_kind": "pwyc",
            "capacity": "25",
            "resource": room.pk,
            "practice": practice.pk,
            "start": local.strftime("%Y-%m-%dT14:00"),
            "end": local.strftime("%Y-%m-%dT18:00"),
            "repeat": "FREQ=WEEKLY",
            "repeat_count": "2",
        },
    )

    event = Event.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/en/programme/events/{event.pk}/"
    assert event.occurrences.count() == 2
    first = event.occurrences.order_by("start").first()
    assert first.start.astimezone(space.tz).strftime("%Y-%m-%dT%H:%M") == local.strftime("%Y-%m-%dT14:00")


def test_create_event_conflict_is_shown_in_plain_words(space, coordinator, room):
    start = (timezone.now() + datetime.timedelta(days=6)).replace(hour=12, minute=0, second=0, microsecond=0)
    services.create_event(
        space, by=coordinator, resource=room, start=start, end=start + datetime.timedelta(hours=3), title="A"
    )
    local = start.astimezone(space.tz)

    response = _client(coordinator).post(
        f"/en/spaces/{space.slug}/programme/new/",
        {
            "title": "B",
            "category": "talk",
            "audience": "public",
            "price_kind": "free",
            "resource": room.pk,
            "start": local.strftime("%Y-%m-%dT%H:%M"),
            "end": (local + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        },
    )

    assert response.status_code == 200
    assert "The room is already taken at these times" in response.content.decode()
    assert Event.objects.count() == 1 and Occurrence.objects.count() == 1


def test_widget_may_be_framed_and_is_a_full_page(client, space):
    _event(space, title="Framed talk")

    response = client.get(f"/en/spaces/{space.slug}/programme/widget/")

    assert "X-Frame-Options" not in response.headers
    body = response.content.decode()
    assert '<html lang="en">' in body and "<h1>" in body and "Framed talk" in body


def test_space_programme_tab_is_registered(client, space):
    body = client.get(f"/en/spaces/{space.slug}/programme/").content.decode()

    assert f'href="/en/spaces/{space.slug}/programme/" aria-current="page"' in body


def test_agenda_is_in_the_header(client):
    body = client.get("/en/programme/").content.decode()

    assert '<a href="/en/programme/">Agenda</a>' in body


def test_pages_render_in_french_and_dutch(client, space):
    occ = _event(space)
    for lang in ("fr", "nl"):
        for url in (f"/{lang}/programme/", f"/{lang}/programme/events/{occ.event_id}/", f"/{lang}/programme/projects/"):
            assert client.get(url).status_code == 200


def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "teal").save(buffer, "PNG")
    return buffer.getvalue()


def test_event_image_is_validated_and_stored_as_public_media(space, coordinator, room, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    occ = _event(space, title="With image")
    event = occ.event
    event.created_by = coordinator
    event.save()
    url = f"/en/programme/events/{event.pk}/edit/"
    base = {"title": "With image", "category": "talk", "audience": "public", "price_kind": "free"}

    bad = _client(coordinator).post(url, {**base, "image": SimpleUploadedFile("x.png", b"not an image")})
    good = _client(coordinator).post(
        url, {**base, "image": SimpleUploadedFile("poster.png", _png()), "image_alt": "A teal square"}
    )

    assert bad.status_code == 200 and "Upload a valid image" in bad.content.decode()
    assert good.status_code == 302
    event.refresh_from_db()
    assert event.image.name.startswith("public/programme/poster")
    assert event.image.url.startswith("/media/public/programme/")
