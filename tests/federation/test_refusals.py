"""A pass is refused for every reason the issue lists (and more), each with its own code; the good pass passes."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from federation import services
from federation.models import PartnerRecognition, UsedPass

from .conftest import HOST, Home, b64


def refused(token, code):
    with pytest.raises(services.PassRefused) as info:
        services.verify_pass(token)
    assert info.value.code == code, info.value.message
    assert UsedPass.objects.count() == 0
    return info.value


def test_a_good_pass_is_accepted_once(partner, home):
    verified = services.verify_pass(home.sign())
    assert verified.partner == partner
    assert verified.guest.sub == verified.claims["sub"]
    assert UsedPass.objects.count() == 1


def test_refused_when_expired(partner, home):
    now = int(time.time())
    refused(home.sign(home.claims(iat=now - 1000, nbf=now - 1000, exp=now - 100)), "expired")


def test_refused_when_expired_more_than_the_skew(partner, home):
    now = int(time.time())
    refused(home.sign(home.claims(iat=now - 900, nbf=now - 900, exp=now - 61)), "expired")


def test_expired_within_the_skew_is_tolerated(partner, home):
    now = int(time.time())
    assert services.verify_pass(home.sign(home.claims(iat=now - 900, nbf=now - 900, exp=now - 50)))


def test_refused_when_not_yet_valid(partner, home):
    now = int(time.time())
    refused(home.sign(home.claims(iat=now + 120, nbf=now + 120, exp=now + 900)), "not_yet_valid")


def test_not_yet_valid_within_the_skew_is_tolerated(partner, home):
    now = int(time.time())
    assert services.verify_pass(home.sign(home.claims(iat=now + 50, nbf=now + 50, exp=now + 900)))


def test_refused_for_another_host(partner, home):
    refused(home.sign(home.claims(aud="https://elsewhere.example")), "wrong_audience")


def test_refused_when_replayed(partner, home):
    token = home.sign()
    services.verify_pass(token)
    with pytest.raises(services.PassRefused) as info:
        services.verify_pass(token)
    assert info.value.code == "replayed"
    assert info.value.status == 409


def test_refused_when_the_same_jti_comes_in_another_pass(partner, home):
    services.verify_pass(home.sign(home.claims(jti="same-nonce")))
    with pytest.raises(services.PassRefused) as info:
        services.verify_pass(home.sign(home.claims(jti="same-nonce")))
    assert info.value.code == "replayed"


def test_refused_from_an_unknown_issuer(partner):
    stranger = Home("https://stranger.example")
    refused(stranger.sign(), "unknown_issuer")


def test_refused_when_signed_by_an_unknown_key(partner, home):
    other = Ed25519PrivateKey.generate()
    stranger = Home()
    refused(home.sign(header=home.header(kid=stranger.fingerprint), key=other), "unknown_key")


def test_refused_when_another_key_claims_the_pinned_kid(partner, home):
    refused(home.sign(key=Ed25519PrivateKey.generate()), "bad_signature")


def test_refused_with_a_wrong_kid(partner, home):
    refused(home.sign(header=home.header(kid="0" * 64)), "unknown_key")


def test_refused_with_alg_none(partner, home):
    header = b64(json.dumps({"alg": "none", "typ": "plek-pass+jwt", "kid": home.fingerprint}).encode())
    payload = b64(json.dumps(home.claims()).encode())
    refused(f"{header}.{payload}.", "bad_algorithm")
    refused(f"{header}.{payload}.{b64(b'x')}", "bad_algorithm")


def test_refused_with_hs256_and_the_public_key_as_secret(partner, home):
    header = b64(json.dumps({"alg": "HS256", "typ": "plek-pass+jwt", "kid": home.fingerprint}).encode())
    payload = b64(json.dumps(home.claims()).encode())
    for secret in (home.raw, b64(home.raw).encode()):
        signature = hmac.new(secret, f"{header}.{payload}".encode(), hashlib.sha256).digest()
        refused(f"{header}.{payload}.{b64(signature)}", "bad_algorithm")


@pytest.mark.parametrize(
    "extra",
    [
        {"jku": "https://evil.example/keys.json"},
        {"jwk": {"kty": "OKP", "crv": "Ed25519", "x": "AAAA"}},
        {"x5u": "https://evil.example/cert.pem"},
        {"x5c": ["MIIB"]},
        {"crit": ["exp"]},
        {"b64": False, "crit": ["b64"]},
    ],
    ids=["jku", "jwk", "x5u", "x5c", "crit", "b64"],
)
def test_refused_with_key_or_critical_headers(partner, home, extra):
    refused(home.sign(header=home.header(**extra)), "forbidden_header")


def test_refused_when_claims_are_changed_after_signing(partner, home):
    header, payload, signature = home.sign().split(".")
    claims = json.loads(__import__("base64").urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["tier"] = "coordinator"
    refused(f"{header}.{b64(json.dumps(claims).encode())}.{signature}", "bad_signature")


def test_refused_when_the_header_is_changed_after_signing(partner, home):
    _header, payload, signature = home.sign().split(".")
    header = b64(json.dumps({"alg": "EdDSA", "typ": "plek-pass+jwt", "kid": home.fingerprint, "x": 1}).encode())
    refused(f"{header}.{payload}.{signature}", "forbidden_header")
    header = b64(json.dumps({"kid": home.fingerprint, "typ": "plek-pass+jwt", "alg": "EdDSA"}).encode())
    refused(f"{header}.{payload}.{signature}", "bad_signature")


def test_refused_with_claims_beyond_the_pass(partner, home):
    refused(home.sign(home.claims(admin=True)), "invalid_claims")
    refused(home.sign(home.claims(tier=None)), "invalid_claims")
    refused(home.sign(home.claims(exp="soon")), "invalid_claims")


def test_refused_when_valid_for_too_long(partner, home):
    now = int(time.time())
    refused(home.sign(home.claims(exp=now + 86400)), "invalid_claims")


def test_refused_with_another_type(partner, home):
    refused(home.sign(header=home.header(typ="JWT")), "wrong_type")


def test_refused_when_malformed(partner):
    for token in ("", "abc", "a.b", "a.b.c.d", "!!.??.##", "e30.e30", "x" * 5000):
        refused(token, "malformed")


def test_refused_when_the_member_is_revoked(partner, home):
    claims = home.claims()
    partner.revoked_subs = [claims["sub"]]
    partner.save()
    error = refused(home.sign(claims), "revoked")
    assert error.status == 403


def test_refused_when_no_space_recognises_the_partner(partner, home):
    PartnerRecognition.objects.all().delete()
    refused(home.sign(), "not_recognised")


def test_refused_when_issuer_in_claims_differs_from_the_partner(partner, home):
    # A partner cannot speak for another: iss picks the pinned key, so a pass claiming another issuer fails there.
    other = Home("https://other.example")
    refused(home.sign(home.claims(iss=other.url)), "unknown_issuer")


def test_host_url_is_this_installation(partner, home):
    assert home.claims()["aud"] == HOST
