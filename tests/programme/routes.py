"""Isolation Cases for the programme's routes (see tests/isolation.py)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from programme.models import Event
from tests.isolation import (
    API_MEMBER,
    API_PUBLIC,
    API_SIGNED_IN,
    COORDINATOR,
    MEMBER,
    PUBLIC,
    SIGNED_IN,
    Case,
    expect,
)

from . import factories as pf


def build(world):
    start = (timezone.now() + datetime.timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    world.event = pf.EventFactory(
        space=world.space,
        practice=world.practice,
        created_by=world.coordinator,
        title="Iso talk",
        capacity=10,
        audience=Event.Audience.PUBLIC,
    )
    world.occurrence = pf.OccurrenceFactory(event=world.event, start=start)
    world.registration = pf.RegistrationFactory(occurrence=world.occurrence, email="iso-visitor@example.net")
    world.occurrence.confirmed_count = 1
    world.occurrence.save(update_fields=["confirmed_count"])
    world.project = pf.ProjectFactory(practice=world.practice, title="Iso project")
    world.service = pf.ServiceFactory(space=world.space)
    world.slot = pf.SlotFactory(service=world.service)
    world.taken_slot = pf.SlotFactory(service=world.service, taken_by=world.member, taken_at=timezone.now())


def _event_payload(w) -> dict:
    start = (timezone.now() + datetime.timedelta(days=21)).replace(hour=5, minute=0, second=0, microsecond=0)
    return {
        "space": w.space.pk,
        "resource": w.resource.pk,
        "practice": w.practice.pk,
        "start": start.isoformat(),
        "end": (start + datetime.timedelta(hours=1)).isoformat(),
        "title": "Open studio",
        "category": "open_day",
        "languages": ["nl", "fr"],
        "capacity": 20,
    }


# Organisers' API writes: the event is public, so a signed-in outsider sees it but may not change it (403).
API_ORGANISER = expect(API_SIGNED_IN, outsider=403)


def _move_payload(w) -> dict:
    start = (timezone.now() + datetime.timedelta(days=5)).replace(hour=8, minute=0, second=0, microsecond=0)
    return {"start": start.isoformat(), "end": (start + datetime.timedelta(hours=2)).isoformat()}


FEED = {"api": True, "note": "a feed (iCal, RSS, Atom, JSON), not an HTML page"}

ROUTES = {
    "programme:agenda": Case(lambda w: "/en/programme/", PUBLIC),
    "programme:mine": Case(lambda w: "/en/programme/mine/", SIGNED_IN),
    "programme:event": Case(lambda w: f"/en/programme/events/{w.event.pk}/", PUBLIC),
    "programme:event-edit": Case(lambda w: f"/en/programme/events/{w.event.pk}/edit/", MEMBER),
    "programme:attendees": Case(lambda w: f"/en/programme/events/{w.event.pk}/attendees/", MEMBER),
    "programme:attendees-csv": Case(lambda w: f"/en/programme/events/{w.event.pk}/attendees.csv", MEMBER),
    "programme:message": Case(lambda w: f"/en/programme/events/{w.event.pk}/message/", MEMBER),
    "programme:date-move": Case(lambda w: f"/en/programme/dates/{w.occurrence.pk}/move/", MEMBER),
    "programme:date-cancel": Case(lambda w: f"/en/programme/dates/{w.occurrence.pk}/cancel/", MEMBER),
    "programme:register": Case(
        lambda w: f"/en/programme/dates/{w.occurrence.pk}/register/",
        PUBLIC,
        method="post",
        data=lambda w: {"name": "Vera Visitor", "email": "vera@example.net"},
    ),
    "programme:registration": Case(lambda w: f"/en/programme/registrations/{w.registration.token}/", PUBLIC),
    "programme:projects": Case(lambda w: "/en/programme/projects/", PUBLIC),
    "programme:project": Case(lambda w: f"/en/programme/projects/{w.project.pk}/", PUBLIC),
    "programme:project-edit": Case(lambda w: f"/en/programme/projects/{w.project.pk}/edit/", MEMBER),
    "programme:project-create": Case(lambda w: f"/en/practices/{w.practice.slug}/projects/new/", MEMBER),
    "programme:practice-widget": Case(lambda w: f"/en/practices/{w.practice.slug}/programme/widget/", PUBLIC),
    "programme:slot-take": Case(
        lambda w: f"/en/programme/slots/{w.slot.pk}/take/", expect(MEMBER, member=302, coordinator=302), method="post"
    ),
    "programme:slot-release": Case(
        lambda w: f"/en/programme/slots/{w.taken_slot.pk}/release/",
        expect(MEMBER, member=302, coordinator=302),
        method="post",
    ),
    "programme:space": Case(lambda w: f"/en/spaces/{w.space.slug}/programme/", PUBLIC),
    "programme:event-create": Case(lambda w: f"/en/spaces/{w.space.slug}/programme/new/", MEMBER),
    "programme:space-widget": Case(lambda w: f"/en/spaces/{w.space.slug}/programme/widget/", PUBLIC),
    "programme:services": Case(lambda w: f"/en/spaces/{w.space.slug}/services/", PUBLIC),
    "programme:services-manage": Case(lambda w: f"/en/spaces/{w.space.slug}/services/manage/", COORDINATOR),
    "feeds:space": [
        Case(lambda w, fmt=fmt: f"/feeds/spaces/{w.space.slug}.{fmt}", API_PUBLIC, **FEED)
        for fmt in ("ics", "rss", "atom", "json")
    ],
    "feeds:network": [
        Case(lambda w, fmt=fmt: f"/feeds/network/{w.network.slug}.{fmt}", API_PUBLIC, **FEED)
        for fmt in ("ics", "rss", "atom", "json")
    ],
    "api:events": [
        Case(lambda w: "/api/v1/events", API_PUBLIC),
        Case(
            lambda w: "/api/v1/events",
            expect(API_MEMBER, member=201, coordinator=201),
            method="post",
            data=_event_payload,
        ),
    ],
    "api:event": [
        Case(lambda w: f"/api/v1/events/{w.event.pk}", API_PUBLIC),
        Case(
            lambda w: f"/api/v1/events/{w.event.pk}",
            API_ORGANISER,
            method="patch",
            data=lambda w: {"title": "Iso talk (new title)", "capacity": 12},
        ),
    ],
    "api:event-cancel": Case(
        lambda w: f"/api/v1/events/{w.event.pk}/cancel",
        API_ORGANISER,
        method="post",
        data=lambda w: {"reason": "The roof leaks."},
    ),
    "api:event-image": Case(
        lambda w: f"/api/v1/events/{w.event.pk}/image",
        expect(API_ORGANISER, member=400, coordinator=400),
        method="put",
        note="multipart only (the harness sends no file): organisers get 400 'image required'; tests/programme/test_api",
    ),
    "api:occurrence-move": Case(
        lambda w: f"/api/v1/occurrences/{w.occurrence.pk}/move", API_ORGANISER, method="post", data=_move_payload
    ),
    "api:occurrence-cancel": Case(
        lambda w: f"/api/v1/occurrences/{w.occurrence.pk}/cancel", API_ORGANISER, method="post", data=lambda w: {}
    ),
    "api:event-registrations": Case(
        lambda w: f"/api/v1/events/{w.event.pk}/registrations",
        expect(API_PUBLIC, anonymous=201, outsider=201, member=201, coordinator=201),
        method="post",
        data=lambda w: {"name": "Vera Visitor", "email": "vera@example.net"},
    ),
    "api:projects": Case(lambda w: "/api/v1/projects", API_PUBLIC),
    "api:space-services": Case(lambda w: f"/api/v1/spaces/{w.space.pk}/services", API_PUBLIC),
}
