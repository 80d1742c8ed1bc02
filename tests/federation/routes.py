"""Isolation Cases for every federation route (UI, machine documents and API)."""

from __future__ import annotations

from django.utils import timezone

from federation import conf
from federation.models import Partner, PartnerRecognition
from tests.isolation import API_SIGNED_IN, COORDINATOR, PUBLIC, SIGNED_IN, Case, expect

from .helpers import Home, b64

POSTED = {"anonymous": 302, "outsider": 404, "member": 302, "coordinator": 302}
COORDINATOR_POSTED = {"anonymous": 302, "outsider": 404, "member": 403, "coordinator": 302}


def build(w):
    w.home = Home("https://iso-home.example", audience=conf.base_url())
    w.partner = Partner.objects.create(
        url=w.home.url,
        name="Iso Home",
        fingerprint=w.home.fingerprint,
        public_key=b64(w.home.raw),
        status_fetched_at=timezone.now(),
    )
    w.recognition = PartnerRecognition.objects.create(space=w.space, partner=w.partner)


ROUTES = {
    # Machine documents (JSON, signed tokens): not pages, so not rendered per language.
    "federation-wellknown": Case(lambda w: "/.well-known/plek.json", PUBLIC, api=True),
    "federation-feed": Case(lambda w: "/federation/feed", PUBLIC, api=True),
    "federation-status": Case(lambda w: "/federation/status?aud=https://iso-home.example", PUBLIC, api=True),
    "federation:partners": [
        Case(lambda w: f"/en/spaces/{w.space.slug}/manage/partners/", COORDINATOR),
        Case(
            lambda w: f"/en/spaces/{w.space.slug}/manage/partners/",
            COORDINATOR_POSTED,
            method="post",
            data=lambda w: {"url": w.partner.url, "fingerprint": w.partner.fingerprint},
        ),
    ],
    "federation:partner-remove": Case(
        lambda w: f"/en/spaces/{w.space.slug}/manage/partners/{w.recognition.pk}/remove/",
        COORDINATOR_POSTED,
        method="post",
    ),
    "federation:revocations": Case(
        lambda w: f"/en/spaces/{w.space.slug}/manage/partners/revocations/",
        COORDINATOR_POSTED,
        method="post",
        data=lambda w: {"member": w.member.pk, "reason": "left"},
    ),
    "federation:passes": [
        Case(lambda w: "/en/network/passes/", SIGNED_IN),
        Case(lambda w: "/en/network/passes/", SIGNED_IN, method="post", data=lambda w: {"partner": w.partner.pk}),
    ],
    "federation:consent": Case(
        lambda w: f"/en/network/passes/consent/{w.partner.pk}/", POSTED, method="post", data=lambda w: {}
    ),
    "federation:arrive": Case(lambda w: f"/en/network/pass/?token={w.home.sign()}", PUBLIC),
    "federation:partner-network": Case(lambda w: "/en/network/partners/", PUBLIC),
    "api:network-partners": [
        Case(lambda w: "/api/v1/network/partners", API_SIGNED_IN),
        Case(
            lambda w: "/api/v1/network/partners",
            {"anonymous": 401, "outsider": 404, "member": 403, "coordinator": 200},
            method="post",
            data=lambda w: {"url": w.partner.url, "fingerprint": w.partner.fingerprint, "space": w.space.pk},
        ),
    ],
    "api:network-passes": Case(
        lambda w: "/api/v1/network/passes",
        expect(API_SIGNED_IN, outsider=403, member=201, coordinator=201),
        method="post",
        data=lambda w: {"host": w.partner.url},
    ),
    "api:network-pass-verify": Case(
        lambda w: "/api/v1/network/passes/verify", PUBLIC, method="post", data=lambda w: {"token": w.home.sign()}
    ),
}
