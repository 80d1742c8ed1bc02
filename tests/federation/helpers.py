"""A partner installation held by the tests: its Ed25519 key, and passes of any shape signed with it."""

from __future__ import annotations

import base64
import json
import secrets
import time

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from federation import keys

HOST = "https://host.example"
HOME = "https://home.example"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Home:
    """A partner installation: its key, and passes signed with it (or tampered with)."""

    def __init__(self, url: str = HOME, audience: str = HOST):
        self.audience = audience
        self.url = url
        self.key = Ed25519PrivateKey.generate()
        self.raw = self.key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        self.fingerprint = keys.fingerprint(self.raw)

    def claims(self, **changes) -> dict:
        now = int(time.time())
        claims = {
            "iss": self.url,
            "aud": self.audience,
            "sub": "pseudo-" + secrets.token_hex(8),
            "tier": "resident",
            "iat": now,
            "nbf": now,
            "exp": now + 900,
            "jti": secrets.token_urlsafe(16),
        }
        claims.update(changes)
        return {k: v for k, v in claims.items() if v is not None}

    def header(self, **changes) -> dict:
        header = {"alg": "EdDSA", "typ": "plek-pass+jwt", "kid": self.fingerprint}
        header.update(changes)
        return {k: v for k, v in header.items() if v is not None}

    def sign(self, claims: dict | None = None, header: dict | None = None, key: Ed25519PrivateKey | None = None) -> str:
        signing_input = (
            b64(json.dumps(header or self.header()).encode()) + "." + b64(json.dumps(claims or self.claims()).encode())
        )
        signature = (key or self.key).sign(signing_input.encode())
        return signing_input + "." + b64(signature)

    def well_known(self) -> dict:
        x = b64(self.raw)
        return {
            "name": "Home plek",
            "url": self.url,
            "public_key": {"kty": "OKP", "crv": "Ed25519", "x": x, "kid": self.fingerprint},
            "fingerprint": self.fingerprint,
            "feed": self.url + "/federation/feed",
            "status_list": self.url + "/federation/status",
        }
