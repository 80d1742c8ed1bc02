"""This installation's Ed25519 identity, its fingerprint, and signing / strict verification of compact JWS.

Signed objects (passes, status lists, feeds) are compact JWS with exactly the protected header
``{"alg": "EdDSA", "typ": <type>, "kid": <fingerprint>}``. Verification accepts nothing else: no other algorithm
(``none``, ``HS256`` with the public key as a secret, …), no key or certificate carried or pointed at in the
header (``jwk``, ``jku``, ``x5u``, ``x5c``, …), no ``crit``, and only the pinned key of the expected issuer.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import re
import secrets
import warnings
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.db import IntegrityError, transaction
from joserfc import jws
from joserfc.errors import JoseError, SecurityWarning
from joserfc.jwk import OKPKey

from . import conf
from .models import Installation

ALG = "EdDSA"
HEADER_KEYS = {"alg", "typ", "kid"}
_B64URL = re.compile(r"^[A-Za-z0-9_-]*$")
MAX_TOKEN_LENGTH = 4096


class SignatureError(Exception):
    """A signed object is refused. ``code``: a short machine word; the message says why in English."""

    def __init__(self, code: str, message: str):
        self.code = code
        self.message = message
        super().__init__(message)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    if not _B64URL.match(text or ""):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def fingerprint(public_raw: bytes) -> str:
    """The key's fingerprint: lowercase hex SHA-256 of the 32 raw public key bytes."""
    return hashlib.sha256(public_raw).hexdigest()


def normalise_fingerprint(text: str) -> str:
    """What a person typed, as a fingerprint (spaces, colons, capitals and a ``sha256:`` prefix allowed)."""
    value = (text or "").strip().lower()
    value = value.removeprefix("sha256:")
    return re.sub(r"[\s:]", "", value)


def is_fingerprint(value: str) -> bool:
    return bool(re.fullmatch(r"[0-9a-f]{64}", value or ""))


# --- this installation ---------------------------------------------------------------------------------------------


def installation() -> Installation:
    """The installation's identity row, created on first use (safe when two processes race)."""
    row = Installation.objects.filter(pk=1).first()
    if row is not None:
        return row
    private = "" if conf.key_file() else b64url(_raw_private(Ed25519PrivateKey.generate()))
    try:
        with transaction.atomic():
            return Installation.objects.create(pk=1, private_key=private, pseudonym_secret=secrets.token_urlsafe(32))
    except IntegrityError:
        return Installation.objects.get(pk=1)


def _raw_private(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())


def _key_from_file(path: str) -> Ed25519PrivateKey:
    file = Path(path)
    if not file.exists():
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(pem)
    key = serialization.load_pem_private_key(file.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} does not hold an Ed25519 private key")
    return key


def signing_key() -> Ed25519PrivateKey:
    if conf.key_file():
        return _key_from_file(conf.key_file())
    row = installation()
    if not row.private_key:  # the key file setting was removed: create a key in the database
        row.private_key = b64url(_raw_private(Ed25519PrivateKey.generate()))
        Installation.objects.filter(pk=row.pk, private_key="").update(private_key=row.private_key)
        row.refresh_from_db()
    return Ed25519PrivateKey.from_private_bytes(unb64url(row.private_key))


def public_raw() -> bytes:
    return signing_key().public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def own_fingerprint() -> str:
    return fingerprint(public_raw())


def public_jwk() -> dict:
    raw = public_raw()
    return {"kty": "OKP", "crv": "Ed25519", "x": b64url(raw), "kid": fingerprint(raw), "use": "sig", "alg": ALG}


def pseudonym(member_id: int, audience: str) -> str:
    """The member's stable identifier at one host: unlinkable across hosts without the installation's secret."""
    secret = installation().pseudonym_secret.encode()
    message = f"{member_id}|{audience.rstrip('/')}".encode()
    return b64url(hmac.new(secret, message, hashlib.sha256).digest())


# --- signing and verifying -------------------------------------------------------------------------------------------


def _registry():
    return jws.JWSRegistry(algorithms=[ALG])


def sign(claims: dict, typ: str) -> str:
    """``claims`` as a compact JWS signed with this installation's key."""
    key = signing_key()
    header = {"alg": ALG, "typ": typ, "kid": own_fingerprint()}
    payload = json.dumps(claims, separators=(",", ":"), sort_keys=True).encode()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SecurityWarning)  # RFC 9864 prefers "Ed25519"; "EdDSA" is what peers know
        return jws.serialize_compact(header, payload, OKPKey.import_key(key), registry=_registry())


def unverified_parts(token: str) -> tuple[dict, dict]:
    """The header and claims of a compact JWS, before any check of the signature (to find the issuer)."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
        raise SignatureError("malformed", "The pass is not a signed token.")
    parts = token.strip().split(".")
    if len(parts) != 3 or not all(_B64URL.match(p) for p in parts):
        raise SignatureError("malformed", "The pass is not a compact signed token.")
    try:
        header = json.loads(unb64url(parts[0]))
        claims = json.loads(unb64url(parts[1]))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise SignatureError("malformed", "The pass cannot be read.") from None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise SignatureError("malformed", "The pass cannot be read.")
    return header, claims


def check_header(header: dict, typ: str) -> None:
    alg = header.get("alg")
    if alg != ALG:
        raise SignatureError("bad_algorithm", f"Only {ALG} signatures are accepted.")
    extra = set(header) - HEADER_KEYS
    if extra:
        raise SignatureError("forbidden_header", f"Header parameters not accepted: {', '.join(sorted(extra))}.")
    if header.get("typ") != typ:
        raise SignatureError("wrong_type", f"The token is not a {typ}.")
    if not isinstance(header.get("kid"), str):
        raise SignatureError("unknown_key", "The token does not name its key.")


def verify(token: str, *, public_key: str, key_fingerprint: str, typ: str) -> dict:
    """The verified claims of ``token``, signed by the pinned key (base64url raw) whose fingerprint is given."""
    header, _claims = unverified_parts(token)
    check_header(header, typ)
    if not hmac.compare_digest(header["kid"], key_fingerprint):
        raise SignatureError("unknown_key", "The token is signed with a key this installation does not know.")
    try:
        raw = unb64url(public_key)
        key = OKPKey.import_key(Ed25519PublicKey.from_public_bytes(raw))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SecurityWarning)
            result = jws.deserialize_compact(token.strip(), key, registry=_registry())
    except (JoseError, ValueError):
        raise SignatureError("bad_signature", "The signature does not match: the token was changed.") from None
    try:
        claims = json.loads(result.payload)
    except ValueError:
        raise SignatureError("malformed", "The pass cannot be read.") from None
    if not isinstance(claims, dict):
        raise SignatureError("malformed", "The pass cannot be read.")
    return claims
