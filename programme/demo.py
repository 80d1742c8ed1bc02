"""Demo programme: talks, exhibitions, screenings, open days and workshops across the demo spaces (in the
languages spoken there), the practices' projects, and services with advisors' office hours.

Idempotent: events are recognised by (space, title), projects by (practice, title), services by (space, title).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from community.models import Member
from spaces.models import Resource, RoleAssignment, Space, SpaceMembership

from . import services
from .models import Event, Project, Registration, Service

# (category, title, description, languages, day offset, start hour, hours, extra fields)
EVENTS = {
    "BE": [
        (
            "talk",
            "Who owns the city? Temporary use and the long term",
            "An evening with the practices of the building and a housing researcher: what happens after a temporary "
            "use agreement ends, and how to build trust with owners.",
            ["en", "nl", "fr"],
            4,
            19,
            2,
            {"capacity": 60, "wheelchair_accessible": True, "hearing_loop": True},
        ),
        (
            "exhibition",
            "Prototypes: ten years of neutral places",
            "Models, photographs and stories of the prototypes built on vacant buildings in twelve European cities. "
            "Open every afternoon.",
            ["en", "fr", "nl"],
            26,
            12,
            24 * 5 + 6,
            {"wheelchair_accessible": True},
        ),
        (
            "screening",
            "Ciné-club : « Les glaneurs et la glaneuse »",
            "Projection du documentaire d'Agnès Varda, suivie d'une discussion sur le réemploi. Sous-titres NL.",
            ["fr", "nl"],
            9,
            20,
            2,
            {"capacity": 40, "price_kind": "pwyc"},
        ),
        (
            "open_day",
            "Opendeurdag: kom kijken in de ateliers",
            "De veertien praktijken van het gebouw openen hun ateliers voor de buurt. Met soep en rondleidingen om "
            "14 en 16 uur.",
            ["nl", "fr"],
            13,
            11,
            6,
            {"wheelchair_accessible": True},
        ),
        (
            "workshop",
            "Repair café",
            "Bring a broken lamp, bike or sweater: volunteers help you repair it. Every week, for a month.",
            ["nl", "fr", "en"],
            3,
            14,
            3,
            {"capacity": 12, "recurrence": "FREQ=WEEKLY;COUNT=4"},
        ),
        (
            "concert",
            "Concert : fanfare du quartier",
            "La fanfare répète depuis six mois dans la grande salle et joue enfin pour les voisins.",
            ["fr"],
            16,
            18,
            2,
            {"price_kind": "fixed", "price": Decimal("5.00"), "capacity": 80},
        ),
        (
            "meeting",
            "Residents' assembly",
            "The monthly assembly of the practices: budget, agenda, house rules.",
            ["en", "nl", "fr"],
            8,
            18,
            2,
            {"audience": "members"},
        ),
    ],
    "FR": [
        (
            "talk",
            "Rencontre : travailler seul, ensemble",
            "Les coopérateurs racontent comment l'espace partagé a mis fin à leur isolement.",
            ["fr"],
            5,
            18,
            2,
            {"capacity": 30},
        ),
        (
            "open_day",
            "Portes ouvertes de la coopérative",
            "Visite des bureaux partagés, présentation des services et des permanences.",
            ["fr", "en"],
            12,
            10,
            6,
            {},
        ),
        (
            "workshop",
            "Atelier : facturer quand on est freelance",
            "Une juriste de la coopérative répond à vos questions. Places limitées.",
            ["fr"],
            7,
            9,
            3,
            {"capacity": 10, "recurrence": "FREQ=WEEKLY;INTERVAL=2;COUNT=3"},
        ),
    ],
    "PT": [
        (
            "talk",
            "Conversa: habitar o bairro",
            "A conversation about housing, neighbours and shared buildings in Lisbon. In Portuguese and English.",
            ["pt", "en"],
            6,
            19,
            2,
            {"capacity": 40},
        ),
        (
            "screening",
            "Screening: Lisbon's empty buildings",
            "Short documentaries followed by a debate.",
            ["pt", "en"],
            14,
            21,
            2,
            {"price_kind": "pwyc"},
        ),
    ],
    "PL": [
        (
            "exhibition",
            "Wystawa: warsztaty miejskie / Urban workshops",
            "Works by the makers of the space: furniture from reclaimed wood.",
            ["pl", "en"],
            5,
            12,
            24 * 3 + 6,
            {},
        ),
        (
            "talk",
            "Talk: running a space as a cooperative",
            "Lessons from three years of self-management.",
            ["en", "pl"],
            10,
            18,
            2,
            {"capacity": 50},
        ),
    ],
    "GE": [
        (
            "concert",
            "Polyphony evening",
            "Georgian polyphonic songs in the courtyard.",
            ["ka", "en"],
            9,
            20,
            2,
            {"capacity": 70},
        ),
    ],
    "AM": [
        ("open_day", "Open studios", "The artists of the space open their studios.", ["hy", "en"], 11, 12, 5, {}),
    ],
}

PROJECTS = [
    (
        "Neighbourhood kitchen",
        "A shared kitchen where residents cook with the surplus of the market.",
        ["food", "neighbourhood", "care"],
    ),
    (
        "Seed library",
        "Seeds to borrow and give back after the harvest; workshops on saving seeds.",
        ["garden", "commons"],
    ),
    (
        "Listening machine",
        "A punch-card survey machine that collects the neighbours' stories in cafés.",
        ["research", "participation"],
    ),
    ("Reclaimed furniture", "Chairs and tables made from the wood of demolished buildings.", ["making", "reuse"]),
    (
        "Atlas of vacant buildings",
        "Mapping the empty buildings of the district with their owners' intentions.",
        ["research", "housing"],
    ),
    ("Youth radio", "Teenagers from the neighbourhood make a monthly radio show.", ["media", "youth"]),
]

SERVICES = [
    (
        "guidance",
        "Guidance for new practices",
        "A coordinator helps you settle in: keys, rules, who is who, and how to book.",
        "The coordinators",
    ),
    (
        "office_hours",
        "Advisors' office hours",
        "Half-hour appointments with an advisor: statutes, financial reporting, funding applications.",
        "Volunteer advisors",
    ),
    ("legal", "Legal and administrative help", "Contracts, invoices, social security for freelancers.", ""),
    ("tool_library", "Tool library", "Drills, sewing machines and a projector to borrow for a week.", ""),
]


def _say(stdout, text):
    if stdout is not None:
        stdout.write(text)


def _coordinator(space) -> Member | None:
    role = (
        RoleAssignment.objects.filter(space=space, role=RoleAssignment.Role.COORDINATOR)
        .select_related("member")
        .order_by("id")
        .first()
    )
    if role:
        return role.member
    return Member.objects.filter(is_superuser=True).order_by("id").first()


def _room(space) -> Resource | None:
    rooms = Resource.objects.filter(space=space, is_active=True, bookable=True)
    preferred = rooms.filter(kind__in=[Resource.Kind.HALL, Resource.Kind.ROOM]).order_by("-capacity", "id").first()
    return preferred or rooms.order_by("-capacity", "id").first()


def _seed_events(space, by, stdout) -> int:
    room = _room(space)
    if room is None:
        return 0
    practices = list(
        SpaceMembership.objects.active().filter(space=space).select_related("practice").order_by("practice__name")
    )
    made = 0
    today = timezone.localdate()
    for index, (category, title, text, languages, offset, hour, hours, extra) in enumerate(
        EVENTS.get(space.country, EVENTS["BE"])
    ):
        if Event.objects.filter(space=space, title=title).exists():
            continue
        extra = dict(extra)
        recurrence = extra.pop("recurrence", "")
        practice = practices[index % len(practices)].practice if practices and index % 3 != 2 else None
        for attempt in range(6):
            day = today + datetime.timedelta(days=offset + attempt * 7)
            start = datetime.datetime.combine(day, datetime.time(hour), tzinfo=space.tz)
            try:
                with transaction.atomic():
                    event = services.create_event(
                        space,
                        by=by,
                        resource=room,
                        start=start,
                        end=start + datetime.timedelta(hours=hours),
                        practice=practice,
                        recurrence=recurrence,
                        title=title,
                        description=text,
                        category=category,
                        languages=languages,
                        **extra,
                    )
            except services.EventNotCreated:
                continue
            made += 1
            _registrations(event)
            break
    return made


def _registrations(event: Event) -> None:
    if event.capacity is None:
        return
    first = event.occurrences.order_by("start").first()
    if first is None or Registration.objects.filter(occurrence=first).exists():
        return
    for n, name in enumerate(["Lea Janssens", "Hamza Ait", "Julie Martin", "Noor Peeters"][: min(4, event.capacity)]):
        services.register(first, name=name, email=f"visitor{n + 1}.{event.pk}@example.org", language="en")


def _seed_changes(space, by) -> int:
    """An organiser's changes on the first repeating event of the space: its second date moved an hour later,
    its last date cancelled (once: a date already moved or cancelled is left alone)."""
    from core.models import AuditEntry

    event = Event.objects.filter(space=space, status=Event.Status.PUBLISHED).exclude(recurrence="").order_by("id")
    event = event.first()
    if event is None:
        return 0
    dates = list(event.occurrences.filter(start__gt=timezone.now()).order_by("start"))
    if len(dates) < 3:
        return 0
    changed = 0
    ids = [str(d.pk) for d in dates]
    if not AuditEntry.objects.filter(action="programme.date_moved", object_id__in=ids).exists():
        second = dates[1]
        try:
            with transaction.atomic():
                hour = datetime.timedelta(hours=1)
                services.move_occurrence(second, by=by, start=second.start + hour, end=second.end + hour)
            changed += 1
        except (services.DateNotMoved, ValidationError):
            pass
    if not any(d.is_cancelled for d in dates):
        services.cancel_occurrence(dates[-1], by=by, reason="The hall hosts the building's general assembly.")
        changed += 1
    return changed


def _seed_projects(stdout) -> int:
    made = 0
    practices = (
        SpaceMembership.objects.active().values_list("practice_id", flat=True).distinct().order_by("practice_id")
    )
    from community.models import Practice, PracticeMember

    for index, practice in enumerate(Practice.objects.filter(id__in=list(practices)[:18]).order_by("id")):
        title, text, tags = PROJECTS[index % len(PROJECTS)]
        if Project.objects.filter(practice=practice, title=title).exists():
            continue
        link = PracticeMember.objects.filter(practice=practice).select_related("member").first()
        by = link.member if link else Member.objects.filter(is_superuser=True).first()
        if by is None:
            continue
        today = timezone.localdate()
        services.create_project(
            practice,
            by=by,
            title=title,
            text=text,
            tags=tags,
            links=[{"url": practice.website, "label": practice.name}] if practice.website else [],
            start_date=today - datetime.timedelta(days=200 + 30 * index),
            end_date=None if index % 2 else today + datetime.timedelta(days=300),
            is_published=True,
        )
        made += 1
    return made


def _seed_services(space, by) -> int:
    made = 0
    for kind, title, text, provider in SERVICES:
        service = Service.objects.filter(space=space, title=title).first()
        if service is None:
            service = services.create_service(space, by=by, kind=kind, title=title, description=text, provider=provider)
            made += 1
        if kind == "office_hours" and not service.slots.exists():
            for offset in (2, 9):
                day = timezone.localdate() + datetime.timedelta(days=offset)
                start = datetime.datetime.combine(day, datetime.time(10), tzinfo=space.tz)
                services.add_slots(service, by=by, start=start, end=start + datetime.timedelta(hours=2), minutes=30)
    return made


def seed(stdout=None) -> None:
    # The demo's registrations are made through the services; their confirmation emails go nowhere.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        _seed(stdout)


def _seed(stdout=None) -> None:
    events = projects = offered = 0
    for space in Space.objects.order_by("id"):
        by = _coordinator(space)
        if by is None:
            continue
        events += _seed_events(space, by, stdout)
        _seed_changes(space, by)
        offered += _seed_services(space, by)
    projects = _seed_projects(stdout)
    _say(stdout, f"programme: {events} events, {projects} projects, {offered} services added")
