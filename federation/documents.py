"""What this installation publishes: its description (``/.well-known/plek.json``), its signed status list of revoked
members (as pseudonyms per host) and its signed feed of public spaces and upcoming public events."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from . import conf, keys
from .models import Revocation
from .remote import normalise_url


def well_known() -> dict:
    """This installation's public description: ``/.well-known/plek.json``."""
    base = conf.base_url()
    jwk = keys.public_jwk()
    return {
        "name": conf.name(),
        "url": base,
        "software": "plek",
        "federation_version": 1,
        "public_key": jwk,
        "fingerprint": jwk["kid"],
        "fingerprint_algorithm": "sha256-hex of the raw Ed25519 public key",
        "feed": base + reverse("federation-feed"),
        "status_list": base + reverse("federation-status"),
        "passes_verify": base + "/api/v1/network/passes/verify",
        "pass_page": base + reverse("federation:arrive"),
    }


def status_list(audience: str) -> str:
    """The signed list of this installation's revoked members, as pseudonyms at ``audience``."""
    audience = normalise_url(audience)
    now = int(timezone.now().timestamp())
    member_ids = Revocation.objects.values_list("member_id", flat=True).order_by("member_id")
    claims = {
        "iss": conf.base_url(),
        "aud": audience,
        "iat": now,
        "exp": now + 3600,
        "revoked": sorted(keys.pseudonym(member_id, audience) for member_id in member_ids),
    }
    return keys.sign(claims, conf.STATUS_TYPE)


def feed_document() -> str:
    """The signed feed of this installation's public spaces and upcoming public events."""
    from programme import queries as programme_queries
    from spaces import queries as space_queries

    base = conf.base_url()
    spaces = []
    for space in space_queries.directory_spaces():
        spaces.append(
            {
                "name": space.name,
                "slug": space.slug,
                "city": space.city,
                "country": space.country,
                "network": space.network.name if space.network_id else "",
                "tagline": str(space.tagline or ""),
                "access": space.access_policy,
                "url": base + reverse("spaces:detail", kwargs={"slug": space.slug}),
            }
        )
    events = []
    for occurrence in programme_queries.agenda(public_only=True).select_related("event", "space")[:100]:
        events.append(
            {
                "title": str(occurrence.event.title),
                "start": occurrence.start.isoformat(),
                "end": occurrence.end.isoformat(),
                "space": occurrence.space.name,
                "city": occurrence.space.city,
                "url": base + reverse("programme:event", kwargs={"pk": occurrence.event_id}),
            }
        )
    now = int(timezone.now().timestamp())
    claims = {"iss": base, "name": conf.name(), "iat": now, "spaces": spaces, "events": events}
    return keys.sign(claims, conf.FEED_TYPE)
