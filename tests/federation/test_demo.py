"""The federation's demo data: the installation key and an example partner, idempotent, without network access."""

from __future__ import annotations

from federation import demo
from federation.models import Installation, Partner, PartnerRecognition
from tests import factories as f


def test_demo_seeds_an_example_partner_once(db):
    f.SpaceFactory(slug="faubourg-lille", name="Faubourg")
    demo.seed()
    demo.seed()
    partner = Partner.objects.get()
    assert partner.url == demo.PARTNER_URL and len(partner.fingerprint) == 64
    assert PartnerRecognition.objects.count() == 1
    assert Installation.objects.count() == 1
    assert partner.feed["spaces"][0]["name"] == "La Fabrique du Quai"
