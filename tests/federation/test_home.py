"""Home side: identity, the well-known document, partners by fingerprint, passes, consent, revocation, status list."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.models import AuditEntry
from federation import conf, documents, keys, remote, services
from federation.models import Installation, IssuedPass, Partner, PartnerRecognition

from .conftest import HOME, HOST, Home


@pytest.fixture
def fake_http(monkeypatch):
    """``fake_http({url: json-or-text})``: the partner's answers."""

    def install(answers: dict):
        class Response:
            def __init__(self, body):
                self.body = body
                self.status_code = 200
                self.text = body if isinstance(body, str) else ""
                self.content = (self.text or "x").encode()

            def json(self):
                if isinstance(self.body, str):
                    raise ValueError
                return self.body

        def get(url):
            for prefix, body in answers.items():
                if url.startswith(prefix):
                    return Response(body)
            raise remote.FederationUnavailable(url)

        monkeypatch.setattr(remote, "_get", get)

    return install


def test_identity_is_created_once_and_stable(db):
    first = keys.own_fingerprint()
    assert Installation.objects.count() == 1
    assert keys.own_fingerprint() == first
    assert len(first) == 64 and int(first, 16) >= 0


def test_identity_can_live_in_a_file(db, settings, tmp_path):
    settings.PLEK_FEDERATION_KEY_FILE = str(tmp_path / "plek.pem")
    first = keys.own_fingerprint()
    assert (tmp_path / "plek.pem").stat().st_mode & 0o777 == 0o600
    assert keys.own_fingerprint() == first
    assert keys.installation().private_key == ""


def test_well_known_document(client, db):
    response = client.get("/.well-known/plek.json")
    assert response.status_code == 200
    data = response.json()
    assert data["url"] == HOST
    assert data["fingerprint"] == keys.own_fingerprint()
    assert data["public_key"]["kty"] == "OKP" and data["public_key"]["crv"] == "Ed25519"
    assert keys.fingerprint(keys.unb64url(data["public_key"]["x"])) == data["fingerprint"]
    assert data["feed"] == HOST + "/federation/feed"
    assert data["status_list"] == HOST + "/federation/status"
    assert "d" not in data["public_key"]


def test_fingerprints_may_be_typed_loosely():
    value = "AB:cd " * 16
    assert keys.normalise_fingerprint("sha256:" + value) == "abcd" * 16


def test_coordinator_adds_a_partner_by_fingerprint(space, coordinator, home, fake_http):
    fake_http({HOME + "/.well-known/plek.json": home.well_known()})
    added = services.add_partner(space, HOME + "/", home.fingerprint.upper(), by=coordinator)
    assert added.created
    partner = Partner.objects.get()
    assert (partner.url, partner.name, partner.fingerprint) == (HOME, "Home plek", home.fingerprint)
    assert partner.status_url == HOME + "/federation/status"
    assert PartnerRecognition.objects.filter(space=space, partner=partner).exists()
    assert AuditEntry.objects.filter(action="federation.partner_added", space=space).count() == 1


def test_a_wrong_fingerprint_is_refused(space, coordinator, home, fake_http):
    fake_http({HOME + "/.well-known/plek.json": home.well_known()})
    with pytest.raises(ValidationError) as info:
        services.add_partner(space, HOME, Home().fingerprint, by=coordinator)
    assert "fingerprint" in info.value.message_dict
    assert not Partner.objects.exists()


def test_a_pinned_key_is_kept(space, other_space, coordinator, home, fake_http, partner):
    # Another space adds the same partner: the pinned key answers, nobody asks the partner again.
    fake_http({})
    other_coordinator = coordinator
    from tests import factories as f

    f.RoleAssignmentFactory(space=other_space, member=other_coordinator, role="coordinator")
    from spaces import rules

    rules.forget(other_coordinator)
    services.add_partner(other_space, HOME, home.fingerprint, by=other_coordinator)
    assert PartnerRecognition.objects.filter(partner=partner).count() == 2
    with pytest.raises(ValidationError):
        services.add_partner(other_space, HOME, Home().fingerprint, by=other_coordinator)


def test_an_unreachable_partner_is_refused(space, coordinator, home):
    with pytest.raises(ValidationError) as info:
        services.add_partner(space, HOME, home.fingerprint, by=coordinator)
    assert "url" in info.value.message_dict


def test_members_do_not_add_partners(space, member, home):
    with pytest.raises(PermissionDenied):
        services.add_partner(space, HOME, home.fingerprint, by=member)


@pytest.fixture
def host_partner(space):
    """The host installation, as a partner of this one (seen from the home side)."""
    partner = Partner.objects.create(
        url=HOST.replace("host", "abroad"), name="Abroad", fingerprint="a" * 64, public_key="x"
    )
    PartnerRecognition.objects.create(space=space, partner=partner)
    return partner


def test_a_pass_says_exactly_what_the_issue_allows(member, host_partner, settings):
    settings.PLEK_BASE_URL = HOME
    issued = services.issue_pass(member, host_partner, by=member)
    header, claims = keys.unverified_parts(issued.token)
    assert header == {"alg": "EdDSA", "typ": conf.PASS_TYPE, "kid": keys.own_fingerprint()}
    assert set(claims) == {"iss", "aud", "sub", "tier", "iat", "nbf", "exp", "jti"}
    assert claims["iss"] == HOME and claims["aud"] == host_partner.url
    assert claims["exp"] - claims["iat"] == 900
    assert claims["tier"] == "resident"
    assert member.email not in issued.token and member.name not in str(claims)
    verified = keys.verify(
        issued.token,
        public_key=keys.b64url(keys.public_raw()),
        key_fingerprint=keys.own_fingerprint(),
        typ=conf.PASS_TYPE,
    )
    assert verified == claims
    assert IssuedPass.objects.get().shared == []
    assert issued.link.startswith(host_partner.url + "/en/network/pass/?token=")


def test_the_pseudonym_is_stable_per_host_and_differs_across_hosts(member, host_partner, space):
    second = Partner.objects.create(url="https://third.example", name="Third", fingerprint="b" * 64, public_key="x")
    PartnerRecognition.objects.create(space=space, partner=second)
    a1 = services.issue_pass(member, host_partner, by=member).claims
    a2 = services.issue_pass(member, host_partner, by=member).claims
    b1 = services.issue_pass(member, second, by=member).claims
    assert a1["sub"] == a2["sub"] and a1["jti"] != a2["jti"]
    assert b1["sub"] != a1["sub"]


def test_name_and_email_only_with_consent(member, host_partner):
    services.set_consent(member, host_partner, share_name=True, share_email=False, by=member)
    claims = services.issue_pass(member, host_partner, by=member).claims
    assert claims["name"] == member.name and "email" not in claims
    services.set_consent(member, host_partner, share_name=True, share_email=True, by=member)
    claims = services.issue_pass(member, host_partner, by=member).claims
    assert claims["email"] == member.email
    assert list(IssuedPass.objects.order_by("issued_at", "id").values_list("shared", flat=True)) == [
        ["name"],
        ["name", "email"],
    ]


def test_no_pass_for_a_host_no_space_of_the_member_recognises(outsider, host_partner):
    with pytest.raises(PermissionDenied):
        services.issue_pass(outsider, host_partner, by=outsider)


def test_no_pass_for_someone_else(member, coordinator, host_partner):
    with pytest.raises(PermissionDenied):
        services.issue_pass(member, host_partner, by=coordinator)


def test_revoked_members_get_no_pass_and_are_on_the_status_list(member, coordinator, host_partner, outsider):
    with pytest.raises(PermissionDenied):
        services.revoke_member(member, by=outsider)
    services.revoke_member(member, by=coordinator, reason="left")
    with pytest.raises(PermissionDenied):
        services.issue_pass(member, host_partner, by=member)
    token = documents.status_list(host_partner.url)
    claims = keys.verify(
        token, public_key=keys.b64url(keys.public_raw()), key_fingerprint=keys.own_fingerprint(), typ=conf.STATUS_TYPE
    )
    assert claims["aud"] == host_partner.url
    assert claims["revoked"] == [keys.pseudonym(member.pk, host_partner.url)]
    services.reinstate_member(member, by=coordinator)
    assert services.issue_pass(member, host_partner, by=member)


def test_status_list_route(client, db):
    assert client.get("/federation/status").status_code == 400
    response = client.get("/federation/status", {"aud": "https://abroad.example"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/jwt"


def test_feed_lists_public_spaces(client, space):
    response = client.get("/federation/feed")
    claims = keys.verify(
        response.content.decode(),
        public_key=keys.b64url(keys.public_raw()),
        key_fingerprint=keys.own_fingerprint(),
        typ=conf.FEED_TYPE,
    )
    assert claims["iss"] == HOST
    assert [s["name"] for s in claims["spaces"]] == ["Werkplaats"]
    assert claims["spaces"][0]["url"] == HOST + "/en/spaces/werkplaats/"
