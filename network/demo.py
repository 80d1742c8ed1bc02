"""Demo network rules and visits: what members of the network may do at the demo spaces, travellers' desks at
Kolektyw Praga and Casa do Largo, and a few network visits (among them one from a partner installation at Lille).

Idempotent: rules are recognised by (space, privilege), desks by (space, name); the visits are only added the first
time (their dates move with "today").
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from bookings.models import BookingPolicy
from community.models import Member
from spaces.models import Resource, Space

from . import services
from .models import NetworkAccess, NetworkVisit

# slug → {privilege: rule values}
RULES = {
    "werkhuis-kuregem": {
        "visit": {},
        "room": {"free_days_per_month": 2, "day_price": Decimal("30.00")},
        "events": {},
    },
    "maison-biloba": {"visit": {}, "room": {"local": False}, "events": {}},
    "kolektyw-praga": {
        "visit": {},
        "desk": {"free_days_per_month": 3, "day_price": Decimal("15.00")},
        "room": {"free_days_per_month": 1, "day_price": Decimal("25.00")},
        "events": {},
    },
    "casa-do-largo": {
        "visit": {},
        "desk": {"free_days_per_month": 2, "day_price": Decimal("12.50")},
        "events": {},
    },
    "sakhli-tbilisi": {"visit": {}, "events": {}},
    "bak-yerevan": {"visit": {}, "desk": {"free_days_per_month": 5}},
    "faubourg-lille": {
        "visit": {"federated": True},
        "desk": {"federated": True, "free_days_per_month": 3, "day_price": Decimal("15.00")},
        "room": {"local": False, "federated": False},
    },
}

# Desks that members of the network may book: (space slug, name, capacity).
DESKS = [("kolektyw-praga", "Travellers' desks", 4), ("casa-do-largo", "Travellers' desks", 3)]

PARTNER = "https://plek.tiers-lieux.example"


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(f"  network: {text}")


def _desks(spaces: dict[str, Space]) -> int:
    made = 0
    for slug, name, capacity in DESKS:
        space = spaces.get(slug)
        if space is None:
            continue
        desk, created = Resource.objects.get_or_create(
            space=space,
            name=name,
            defaults={
                "kind": Resource.Kind.DESK,
                "capacity": capacity,
                "visibility": Resource.Visibility.NETWORK,
                "description_en": "Desks for members of the network passing through.",
                "description_fr": "Des bureaux pour les membres du réseau de passage.",
                "description_nl": "Bureaus voor leden van het netwerk op doorreis.",
            },
        )
        made += created
        _policy, created = BookingPolicy.objects.get_or_create(
            space=space, resource=desk, defaults={"allow_network": True, "respect_opening_hours": True}
        )
        made += created
    return made


def _rules(spaces: dict[str, Space]) -> int:
    made = 0
    for slug, privileges in RULES.items():
        space = spaces.get(slug)
        if space is None:
            continue
        for privilege, values in privileges.items():
            _rule, created = NetworkAccess.objects.get_or_create(space=space, privilege=privilege, defaults=values)
            made += created
    return made


def _visits(spaces: dict[str, Space]) -> int:
    if NetworkVisit.objects.exists():
        return 0
    people = {m.email.split("@")[0]: m for m in Member.objects.filter(email__endswith="@demo.plek.example")}
    today = timezone.localdate()
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    made = 0
    plan = [
        # (host, privilege, visitor, days after the first of last month)
        ("kolektyw-praga", "desk", "lotte", [2, 3, 4, 5, 9]),
        ("kolektyw-praga", "visit", "karim", [11]),
        ("casa-do-largo", "desk", "lotte", [16, 17, 18]),
        ("werkhuis-kuregem", "visit", "marta", [6, 7]),
        ("werkhuis-kuregem", "room", "marta", [7]),
    ]
    for slug, privilege, who, offsets in plan:
        host, member = spaces.get(slug), people.get(who)
        if host is None or member is None:
            continue
        for offset in offsets:
            admission = services.admit(host, privilege, on_date=last_month + dt.timedelta(days=offset), member=member)
            made += admission.visit is not None
    lille = spaces.get("faubourg-lille")
    if lille is not None:
        for offset, ref in [(3, "tl-7f2c"), (4, "tl-7f2c"), (10, "tl-91ab")]:
            admission = services.admit(
                lille,
                "desk",
                on_date=last_month + dt.timedelta(days=offset),
                home_installation=PARTNER,
                home_label="Tiers-lieux du Nord (Gent)",
                visitor_ref=ref,
            )
            made += admission.visit is not None
    return made


@transaction.atomic
def seed(stdout=None) -> None:
    spaces = {s.slug: s for s in Space.objects.all()}
    made = _desks(spaces) + _rules(spaces) + _visits(spaces)
    _say(stdout, f"{made} rules, desks and visits" if made else "already seeded, nothing new created")
