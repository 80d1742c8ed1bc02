"""Pages and API endpoints of the federation (happy paths, refusals as {code, message}, permissions)."""

from __future__ import annotations

import time

from federation.models import IssuedPass, Partner, PartnerRecognition, Revocation, UsedPass
from network.models import NetworkVisit

from .conftest import HOST, tomorrow_at


def test_verify_api_refuses_with_distinct_codes(api, partner, home):
    now = int(time.time())
    cases = {
        "expired": home.sign(home.claims(iat=now - 1000, nbf=now - 1000, exp=now - 100)),
        "wrong_audience": home.sign(home.claims(aud="https://elsewhere.example")),
        "bad_signature": home.sign(home.claims()).rsplit(".", 1)[0] + "." + "A" * 86,
        "forbidden_header": home.sign(header=home.header(jku="https://evil.example")),
        "malformed": "nonsense",
    }
    for code, token in cases.items():
        response = api().post("/api/v1/network/passes/verify", {"token": token}, format="json")
        assert response.status_code == 400, (code, response.json())
        assert response.json()["code"] == code
    token = home.sign()
    assert api().post("/api/v1/network/passes/verify", {"token": token}, format="json").status_code == 200
    replay = api().post("/api/v1/network/passes/verify", {"token": token}, format="json")
    assert (replay.status_code, replay.json()["code"]) == (409, "replayed")


def test_verify_api_books(api, partner, home, desk, desk_rule, space):
    start = tomorrow_at(space, 9)
    response = api().post(
        "/api/v1/network/passes/verify",
        {
            "token": home.sign(),
            "resource": desk.pk,
            "start": start.isoformat(),
            "end": tomorrow_at(space, 12).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["booking"]["resource"] == desk.pk and body["booking"]["status"] == "confirmed"
    assert body["visits"] == [{"date": start.date().isoformat(), "free": True, "charge": "0.00"}]
    assert body["spaces"] == [space.pk]
    assert NetworkVisit.objects.count() == 1


def test_verify_api_refuses_a_booking_the_rules_refuse(api, partner, home, desk, space):
    response = api().post(
        "/api/v1/network/passes/verify",
        {
            "token": home.sign(),
            "resource": desk.pk,
            "start": tomorrow_at(space, 9).isoformat(),
            "end": tomorrow_at(space, 10).isoformat(),
        },
        format="json",
    )
    assert (response.status_code, response.json()["code"]) == (403, "refused")
    assert not UsedPass.objects.exists()


def test_partners_api_lists_and_refuses_a_wrong_fingerprint(api, coordinator, partner, space):
    listed = api(coordinator).get("/api/v1/network/partners")
    assert listed.status_code == 200
    assert [(p["url"], p["spaces"]) for p in listed.json()["results"]] == [(partner.url, [space.pk])]
    wrong = api(coordinator).post(
        "/api/v1/network/partners", {"url": partner.url, "fingerprint": "b" * 64}, format="json"
    )
    assert wrong.status_code == 400 and "fingerprint" in wrong.json()["fields"]


def test_passes_api_issues_for_a_recognised_host(api, member, space, settings):
    host = Partner.objects.create(url="https://abroad.example", name="Abroad", fingerprint="a" * 64, public_key="x")
    PartnerRecognition.objects.create(space=space, partner=host)
    response = api(member).post("/api/v1/network/passes", {"host": "https://abroad.example/"}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["host"] == "https://abroad.example"
    assert IssuedPass.objects.get().member == member
    other = api(member).post("/api/v1/network/passes", {"host": "https://nowhere.example"}, format="json")
    assert other.status_code == 403


def test_my_passes_page_issues_a_pass_with_a_qr_code(client_for, member, space):
    host = Partner.objects.create(url="https://abroad.example", name="Abroad", fingerprint="a" * 64, public_key="x")
    PartnerRecognition.objects.create(space=space, partner=host)
    client = client_for(member)
    response = client.post("/en/network/passes/", {"partner": host.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and "https://abroad.example/en/network/pass/?token=" in html
    assert "Passes issued and data shared" in html
    consent = client.post(f"/en/network/passes/consent/{host.pk}/", {f"c{host.pk}-share_name": "on"})
    assert consent.status_code == 302
    assert member.federation_consents.get().share_name is True


def test_arrive_page_books(client, partner, home, desk, desk_rule, space):
    token = home.sign()
    page = client.get("/en/network/pass/", {"token": token})
    assert page.status_code == 200 and "Desk 1" in page.content.decode()
    day = tomorrow_at(space, 9).date()
    response = client.post(
        "/en/network/pass/",
        {"token": token, "resource": desk.pk, "date": day.isoformat(), "start": "09:00", "end": "12:00"},
    )
    assert response.status_code == 200
    assert "is booked for you" in response.content.decode()
    assert UsedPass.objects.count() == 1


def test_arrive_page_shows_a_refusal(client, partner, home):
    response = client.get("/en/network/pass/", {"token": home.sign(home.claims(aud="https://x.example"))})
    assert "issued for another installation" in response.content.decode()


def test_coordinator_revokes_and_reinstates(client_for, coordinator, member, space):
    client = client_for(coordinator)
    client.post(f"/en/spaces/{space.slug}/manage/partners/revocations/", {"member": member.pk})
    assert Revocation.objects.filter(member=member).exists()
    page = client.get(f"/en/spaces/{space.slug}/manage/partners/")
    assert HOST in page.content.decode()
    client.post(f"/en/spaces/{space.slug}/manage/partners/revocations/", {"reinstate": member.pk})
    assert not Revocation.objects.exists()


def test_partner_network_page_shows_cached_feeds(client, partner):
    partner.feed = {
        "spaces": [{"name": "Casa", "city": "Lisboa", "country": "PT", "url": "https://home.example/en/spaces/casa/"}],
        "events": [{"title": "Open day", "start": "2030-05-01T10:00:00+00:00", "space": "Casa", "url": "javascript:x"}],
    }
    partner.save()
    html = client.get("/en/network/partners/").content.decode()
    assert "Casa" in html and "Open day" in html
    assert "javascript:" not in html


def _queries(callable_):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        callable_()
    return len(captured)


def test_lists_do_not_grow_queries_with_items(api, client_for, coordinator, member, space):
    from federation import services

    def add(n):
        for i in range(n):
            host = Partner.objects.create(
                url=f"https://p{Partner.objects.count()}.example", name=f"P{i}", fingerprint="c" * 64, public_key="x"
            )
            PartnerRecognition.objects.create(space=space, partner=host)
            services.issue_pass(member, host, by=member)

    add(1)
    client, page = api(coordinator), client_for(member)
    client.get("/api/v1/network/partners")  # the token's first use is written down once
    one = (_queries(lambda: client.get("/api/v1/network/partners")), _queries(lambda: page.get("/en/network/passes/")))
    add(2)
    three = (
        _queries(lambda: client.get("/api/v1/network/partners")),
        _queries(lambda: page.get("/en/network/passes/")),
    )
    assert one == three
