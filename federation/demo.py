"""Demo federation: this installation's key, and one example partner installation (no network access at seed time).

The example partner's key is derived from a fixed seed, so its fingerprint is the same on every demo installation;
its feed is a cached example, so that the partner network page shows something. Idempotent: the partner is
recognised by its address, recognitions by (space, partner).
"""

from __future__ import annotations

import datetime
import hashlib

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.utils import timezone

from spaces.models import Space

from . import keys
from .models import Partner, PartnerRecognition

PARTNER_URL = "https://tiers-lieux.demo.plek.example"
RECOGNISING = ("faubourg-lille", "werkhuis-kuregem")


def _partner_key() -> bytes:
    private = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"plek demo partner installation").digest())
    return private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _feed() -> dict:
    start = (timezone.now() + datetime.timedelta(days=10)).replace(hour=17, minute=0, second=0, microsecond=0)
    return {
        "spaces": [
            {
                "name": "La Fabrique du Quai",
                "slug": "fabrique-du-quai",
                "city": "Nantes",
                "country": "FR",
                "network": "Tiers-lieux coopératifs",
                "tagline": "Ateliers partagés et café associatif au bord de la Loire",
                "access": "network",
                "url": PARTNER_URL + "/fr/spaces/fabrique-du-quai/",
            }
        ],
        "events": [
            {
                "title": "Rencontre : coopérer entre tiers-lieux",
                "start": start.isoformat(),
                "end": (start + datetime.timedelta(hours=2)).isoformat(),
                "space": "La Fabrique du Quai",
                "city": "Nantes",
                "url": PARTNER_URL + "/fr/programme/",
            }
        ],
    }


def seed(stdout=None) -> None:
    keys.installation()
    raw = _partner_key()
    partner, created = Partner.objects.get_or_create(
        url=PARTNER_URL,
        defaults={
            "name": "Tiers-lieux coopératifs (example)",
            "fingerprint": keys.fingerprint(raw),
            "public_key": keys.b64url(raw),
            "feed_url": PARTNER_URL + "/federation/feed",
            "status_url": PARTNER_URL + "/federation/status",
            "feed": _feed(),
            "feed_fetched_at": timezone.now(),
        },
    )
    for space in Space.objects.filter(slug__in=RECOGNISING):
        PartnerRecognition.objects.get_or_create(space=space, partner=partner)
    if stdout is not None:
        stdout.write(
            f"  federation: fingerprint {keys.own_fingerprint()}, example partner {'added' if created else 'kept'}"
        )
