"""The two-server test the issue asks for: two plek servers on loopback (gunicorn), two SQLite databases.

A (home) and B (host) become partners by fingerprint; fourteen kinds of bad pass crafted at A (expired, not yet
valid, another host, unknown key, alg=none, HS256 with the public key, jku/jwk/x5u headers, changed claims, …) and
a reused nonce are refused by B over HTTP; a member of A gets a pass and books a desk at B; a replayed
pass is refused even when two copies race to B's two worker processes; a member revoked at A is refused at B once B
has fetched A's status list; B pulls A's feed; B still accepts A's passes when A is offline. Only loopback traffic.
Marked ``two_servers``; skipped with PLEK_SKIP_TWO_SERVERS=1.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))

pytestmark = [
    pytest.mark.two_servers,
    pytest.mark.skipif(os.environ.get("PLEK_SKIP_TWO_SERVERS") == "1", reason="PLEK_SKIP_TWO_SERVERS=1"),
]

SEED_HOME = """
import json
from api.authentication import issue_token
from spaces.models import RoleAssignment
from tests import factories as f
space = f.SpaceFactory(name="Home Space", slug="home-space", city="Lille", country="FR")
practice = f.PracticeFactory(name="Atelier A")
f.SpaceMembershipFactory(space=space, practice=practice, kind="resident")
coordinator = f.MemberFactory(email="coord@a.example", name="Coord A")
f.RoleAssignmentFactory(space=space, member=coordinator, role=RoleAssignment.Role.COORDINATOR)
alice = f.make_member_of(space, practice=practice, email="alice@a.example", name="Alice A")
bob = f.make_member_of(space, practice=practice, email="bob@a.example", name="Bob A")
print(json.dumps({"coordinator": issue_token(coordinator), "alice": issue_token(alice), "bob": issue_token(bob)}))
"""

SEED_HOST = """
import json
from api.authentication import issue_token
from bookings.models import BookingPolicy
from network.models import NetworkAccess
from spaces.models import RoleAssignment
from tests import factories as f
space = f.SpaceFactory(name="Host Space", slug="host-space", city="Warsaw", country="PL", time_zone="Europe/Warsaw")
coordinator = f.MemberFactory(email="coord@b.example", name="Coord B")
f.RoleAssignmentFactory(space=space, member=coordinator, role=RoleAssignment.Role.COORDINATOR)
desk = f.ResourceFactory(space=space, name="Window desk", kind="desk")
BookingPolicy.objects.create(space=space, resource=desk, allow_network=True)
NetworkAccess.objects.create(space=space, privilege="desk", federated=True, free_days_per_month=3)
print(json.dumps({"coordinator": issue_token(coordinator), "desk": desk.pk, "space": space.pk}))
"""

REVOKE_BOB = """
from community.models import Member
from federation import services
services.revoke_member(Member.objects.get(email="bob@a.example"), by=Member.objects.get(email="coord@a.example"))
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, name: str, directory: Path, database: Path):
        self.name = name
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "PLEK_", "DJANGO_"))},
            "DATABASE_URL": f"sqlite:///{database}",
            "SITE_URL": self.url,
            "SITE_NAME": f"plek {name}",
            "SECRET_KEY": f"two-servers-{name}-" + "x" * 40,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "PLEK_PLAIN_STATIC": "1",
            "PLEK_NO_RATE_LIMITS": "1",
            "PLEK_FEDERATION_HTTP_TIMEOUT": "3",
            "PYTHONPATH": str(ROOT),
        }
        self.log = directory / f"{name}.log"
        self.process: subprocess.Popen | None = None

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [PYTHON, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0, result.stderr[-2000:]
        return result.stdout

    def shell(self, code: str) -> subprocess.Popen:
        return subprocess.Popen(
            [PYTHON, "manage.py", "shell", "-c", code],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def start(self, workers: int = 1) -> None:
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [GUNICORN, "plek.wsgi", "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers)],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait(self) -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.1)
        raise AssertionError(f"{self.name} did not start: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)

    def api(self, method: str, path: str, auth: str | None = None, **body) -> requests.Response:
        headers = {"Authorization": f"Bearer {auth}"} if auth else {}
        return requests.request(method, self.url + "/api/v1/" + path, json=body or None, headers=headers, timeout=10)


# Run in the home installation's environment: passes signed with its own key (or tampered with), for the host.
CRAFT = """
import hashlib, hmac, json, sys, time
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from federation import keys
from tests.federation.helpers import Home, b64
home = Home(url="HOME_URL", audience="HOST_URL")
home.key, home.raw, home.fingerprint = keys.signing_key(), keys.public_raw(), keys.own_fingerprint()
now = int(time.time())
stranger = Home()
none = b64(json.dumps({"alg": "none", "typ": "plek-pass+jwt", "kid": home.fingerprint}).encode())
hs = b64(json.dumps({"alg": "HS256", "typ": "plek-pass+jwt", "kid": home.fingerprint}).encode())
payload = b64(json.dumps(home.claims()).encode())
header, body, signature = home.sign().split(".")
changed = home.claims(tier="coordinator")
cases = {
    "expired": (home.sign(home.claims(iat=now - 1000, nbf=now - 1000, exp=now - 100)), "expired"),
    "expired beyond the skew": (home.sign(home.claims(iat=now - 900, nbf=now - 900, exp=now - 61)), "expired"),
    "not yet valid": (home.sign(home.claims(iat=now + 120, nbf=now + 120, exp=now + 900)), "not_yet_valid"),
    "for another host": (home.sign(home.claims(aud="https://elsewhere.example")), "wrong_audience"),
    "unknown key": (home.sign(header=home.header(kid=stranger.fingerprint), key=stranger.key), "unknown_key"),
    "another key with the pinned kid": (home.sign(key=Ed25519PrivateKey.generate()), "bad_signature"),
    "alg none": (none + "." + payload + ".", "bad_algorithm"),
    "HS256 with the public key": (
        hs + "." + payload + "." + b64(hmac.new(home.raw, (hs + "." + payload).encode(), hashlib.sha256).digest()),
        "bad_algorithm",
    ),
    "jku header": (home.sign(header=home.header(jku="https://evil.example/keys.json")), "forbidden_header"),
    "jwk header": (home.sign(header=home.header(jwk={"kty": "OKP", "crv": "Ed25519", "x": "AAAA"})), "forbidden_header"),
    "x5u header": (home.sign(header=home.header(x5u="https://evil.example/cert.pem")), "forbidden_header"),
    "changed claims": (header + "." + b64(json.dumps(changed).encode()) + "." + signature, "bad_signature"),
    "valid for a day": (home.sign(home.claims(exp=now + 86400)), "invalid_claims"),
    "unknown issuer": (Home(url="https://stranger.example", audience="HOST_URL").sign(), "unknown_issuer"),
}
same = home.claims(jti="same-nonce-twice")
print(json.dumps({"cases": cases, "nonce": [home.sign(same), home.sign(dict(same, sub="pseudo-other"))]}))
"""


def _output(process: subprocess.Popen) -> dict:
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr[-2000:]
    return json.loads(stdout.strip().splitlines()[-1])


@pytest.fixture
def servers(tmp_path):
    template = tmp_path / "template.sqlite3"
    a_db, b_db = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3"
    home, host = Server("a", tmp_path, a_db), Server("b", tmp_path, b_db)
    Server("template", tmp_path, template).manage("migrate", "--noinput", "-v0")
    shutil.copy(template, a_db)
    shutil.copy(template, b_db)
    try:
        seeds = home.shell(SEED_HOME), host.shell(SEED_HOST)
        home.start()
        host.start(workers=2)
        home.tokens, host.tokens = _output(seeds[0]), _output(seeds[1])
        home.wait()
        host.wait()
        yield home, host
    finally:
        home.stop()
        host.stop()


def test_two_installations_end_to_end(servers):
    home, host = servers
    a_doc = requests.get(home.url + "/.well-known/plek.json", timeout=5).json()
    b_doc = requests.get(host.url + "/.well-known/plek.json", timeout=5).json()
    assert a_doc["fingerprint"] != b_doc["fingerprint"]

    # Partnering by fingerprint: a wrong one is refused, the right one pins the key (on both sides).
    wrong = host.api(
        "post", "network/partners", host.tokens["coordinator"], url=home.url, fingerprint=b_doc["fingerprint"]
    )
    assert wrong.status_code == 400, wrong.text
    assert "fingerprint" in wrong.json()["fields"]
    added = host.api(
        "post", "network/partners", host.tokens["coordinator"], url=home.url, fingerprint=a_doc["fingerprint"]
    )
    assert added.status_code == 201, added.text
    assert added.json()["fingerprint"] == a_doc["fingerprint"]
    added = home.api(
        "post", "network/partners", home.tokens["coordinator"], url=host.url, fingerprint=b_doc["fingerprint"]
    )
    assert added.status_code == 201, added.text

    # Passes that must be refused, crafted at home (signed with the home's own key where a signature is needed) and
    # presented to the host over the wire: every one refused, with its own code, and none books anything.
    crafted = home.shell(CRAFT.replace("HOME_URL", home.url).replace("HOST_URL", host.url))
    made = _output(crafted)
    assert len(made["cases"]) >= 12
    for name, (token, code) in made["cases"].items():
        answer = host.api("post", "network/passes/verify", token=token)
        assert 400 <= answer.status_code < 500 and answer.json()["code"] == code, (
            name,
            answer.status_code,
            answer.text,
        )
    first, second = (host.api("post", "network/passes/verify", token=t) for t in made["nonce"])
    assert first.status_code == 200, first.text
    assert (second.status_code, second.json()["code"]) == (409, "replayed"), second.text

    # Alice gets a pass at home and books a desk at the host.
    issued = home.api("post", "network/passes", home.tokens["alice"], host=host.url)
    assert issued.status_code == 201, issued.text
    token = issued.json()["token"]
    assert "alice" not in token.lower()
    day = dt.date.today() + dt.timedelta(days=2)
    start = dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC)
    booking = host.api(
        "post",
        "network/passes/verify",
        token=token,
        resource=host.tokens["desk"],
        start=start.isoformat(),
        end=(start + dt.timedelta(hours=8)).isoformat(),
    )
    assert booking.status_code == 200, booking.text
    body = booking.json()
    assert body["issuer"] == home.url and body["booking"]["resource"] == host.tokens["desk"]
    assert body["visits"] == [{"date": day.isoformat(), "free": True, "charge": "0.00"}]
    assert "name" not in body and "email" not in body

    # The same pass again: refused as replayed.
    again = host.api("post", "network/passes/verify", token=token)
    assert (again.status_code, again.json()["code"]) == (409, "replayed")

    # Two copies of a fresh pass racing to the host's two workers: exactly one is accepted.
    fresh = home.api("post", "network/passes", home.tokens["alice"], host=host.url).json()["token"]
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda _i: host.api("post", "network/passes/verify", token=fresh), range(4)))
    assert sorted(a.status_code for a in answers) == [200, 409, 409, 409], [a.text for a in answers]

    # Bob's pass is issued, then Bob is revoked at home; once the host fetched the status list, it refuses him.
    bobs = [home.api("post", "network/passes", home.tokens["bob"], host=host.url).json()["token"] for _ in range(2)]
    revoke = home.shell(REVOKE_BOB)
    assert revoke.wait(timeout=60) == 0, revoke.stderr.read()
    assert home.api("post", "network/passes", home.tokens["bob"], host=host.url).status_code == 403
    out = host.manage("run_periodic", "--only", "federation.refresh_partners")
    assert "1 status lists, 1 feeds" in out
    refused = host.api("post", "network/passes/verify", token=bobs[0])
    assert (refused.status_code, refused.json()["code"]) == (403, "revoked"), refused.text

    # The host pulled the home's feed: its space is on the partner network page.
    page = requests.get(host.url + "/en/network/partners/", timeout=5)
    assert page.status_code == 200 and "Home Space" in page.text

    # The home server goes offline: its passes still work at the host, and the visit is counted there.
    last = home.api("post", "network/passes", home.tokens["alice"], host=host.url).json()["token"]
    home.stop()
    offline = host.api("post", "network/passes/verify", token=last)
    assert offline.status_code == 200, offline.text
