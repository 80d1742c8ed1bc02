from __future__ import annotations

import pytest
from django.core import mail

from api.models import ApiToken
from community.models import Invitation, PracticeMember
from core.models import AuditEntry
from tests import factories as f

pytestmark = pytest.mark.django_db


# POST /api/v1/auth/token


def test_token_for_email_and_password_then_bearer_works(api, member):
    response = api().post("/api/v1/auth/token", {"email": "MEMBER@example.org", "password": f.PASSWORD}, format="json")

    assert response.status_code == 200
    token = response.json()["token"]
    client = api()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    me = client.get("/api/v1/me")
    assert me.status_code == 200
    assert me.json()["email"] == "member@example.org"


def test_token_wrong_password_is_401_json(api, member):
    response = api().post("/api/v1/auth/token", {"email": member.email, "password": "wrong"}, format="json")

    assert response.status_code == 401
    assert response.json() == {"code": "invalid_credentials", "message": "Wrong email or password.", "fields": {}}


def test_token_bad_input_is_400_with_fields(api):
    response = api().post("/api/v1/auth/token", {"email": "not an address"}, format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["fields"]) == {"email", "password"}


def test_revoked_token_gives_401(api, member):
    client = api()
    raw = (
        api().post("/api/v1/auth/token", {"email": member.email, "password": f.PASSWORD}, format="json").json()["token"]
    )
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    ApiToken.objects.filter(member=member).update(revoked_at="2026-01-01T00:00:00Z")

    response = client.get("/api/v1/me")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_garbage_token_gives_401(api):
    client = api()
    client.credentials(HTTP_AUTHORIZATION="Bearer nonsense")

    assert client.get("/api/v1/me").status_code == 401


# GET /api/v1/me


def test_me_lists_practices_spaces_and_roles(api, space, practice, member):
    f.RoleAssignmentFactory(space=space, member=member, role="treasurer")

    response = api(member).get("/api/v1/me")

    assert response.status_code == 200
    body = response.json()
    assert body["email"] == "member@example.org"
    assert body["practices"] == [
        {"id": practice.pk, "name": "Atelier Nord", "slug": practice.slug, "kind": "collective"}
    ]
    assert [(s["slug"], s["roles"]) for s in body["spaces"]] == [("werkplaats", ["treasurer"])]
    assert [(m["practice"], m["kind"], m["area_m2"]) for m in body["spaces"][0]["memberships"]] == [
        (practice.pk, "resident", "42.00")
    ]


def test_me_anonymous_is_401(api):
    response = api().get("/api/v1/me")

    assert response.status_code == 401


@pytest.mark.parametrize("count", [1, 3])
def test_me_query_count(api, network, count, django_assert_num_queries):
    person = f.MemberFactory(email="many@example.org")
    for i in range(count):
        space = f.SpaceFactory(network=network, slug=f"s{i}")
        f.make_member_of(space, practice=f.PracticeFactory(name=f"P{i}"), member=person)
        f.RoleAssignmentFactory(space=space, member=person, role="host")
    client = api(person)

    with django_assert_num_queries(6):
        response = client.get("/api/v1/me")

    assert len(response.json()["spaces"]) == count


# /api/v1/practices/{id}/members


def test_members_list_for_a_manager_shows_emails(api, practice, member):
    response = api(member).get(f"/api/v1/practices/{practice.pk}/members")

    assert response.status_code == 200
    body = response.json()
    assert body["next"] is None
    assert [(m["id"], m["name"], m["email"]) for m in body["results"]] == [
        (member.pk, "Mo Member", "member@example.org")
    ]


def test_members_list_for_a_neighbour_hides_emails(api, space, practice, member):
    neighbour = f.make_member_of(space, practice=f.PracticeFactory(name="Neighbours"), email="n@example.org")

    response = api(neighbour).get(f"/api/v1/practices/{practice.pk}/members")

    assert response.status_code == 200
    assert [(m["name"], m["email"]) for m in response.json()["results"]] == [("Mo Member", None)]


def test_members_list_of_public_practice_without_opt_in_is_403_for_outsiders(api, practice, outsider):
    practice.public_profile = True
    practice.save()

    assert api(outsider).get(f"/api/v1/practices/{practice.pk}/members").status_code == 403
    practice.show_members = True
    practice.save()
    assert api().get(f"/api/v1/practices/{practice.pk}/members").status_code == 200


@pytest.mark.parametrize("count", [1, 3])
def test_members_list_query_count(api, practice, member, count, django_assert_num_queries):
    for i in range(count - 1):
        f.PracticeMemberFactory(practice=practice, member=f.MemberFactory(email=f"m{i}@example.org"))
    client = api(member)

    with django_assert_num_queries(6):
        response = client.get(f"/api/v1/practices/{practice.pk}/members")

    assert len(response.json()["results"]) == count


def test_post_adds_an_existing_account(api, practice, coordinator, django_capture_on_commit_callbacks):
    person = f.MemberFactory(email="known@example.org", name="Kim Known")

    with django_capture_on_commit_callbacks(execute=True):
        response = api(coordinator).post(
            f"/api/v1/practices/{practice.pk}/members", {"email": "known@example.org", "name": "ignored"}, format="json"
        )

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "added"
    assert body["invitation"] is None
    assert (body["member"]["id"], body["member"]["email"]) == (person.pk, "known@example.org")
    assert PracticeMember.objects.filter(practice=practice, member=person).exists()
    assert len(mail.outbox) == 1


def test_post_invites_a_new_person(api, practice, member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api(member).post(
            f"/api/v1/practices/{practice.pk}/members", {"email": "new@example.org", "name": "Nina"}, format="json"
        )

    assert response.status_code == 201
    body = response.json()
    invitation = Invitation.objects.get()
    assert body["status"] == "invited"
    assert body["member"] is None
    assert (body["invitation"]["id"], body["invitation"]["email"], body["invitation"]["name"]) == (
        invitation.pk,
        "new@example.org",
        "Nina",
    )
    assert mail.outbox[0].to == ["new@example.org"]


@pytest.mark.parametrize(
    "payload",
    [{}, {"email": "nope"}, {"email": "a@example.org", "name": "x" * 151}, {"email": ["a@example.org"]}],
)
def test_post_bad_input_is_400_and_writes_nothing(api, practice, member, payload):
    response = api(member).post(f"/api/v1/practices/{practice.pk}/members", payload, format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["fields"]
    assert Invitation.objects.count() == 0


def test_post_someone_already_in_the_practice_is_400(api, practice, member, coordinator):
    response = api(coordinator).post(f"/api/v1/practices/{practice.pk}/members", {"email": member.email}, format="json")

    assert response.status_code == 400
    assert response.json()["fields"] == {"email": ["member@example.org is already a member of Atelier Nord."]}


def test_post_status_codes(api, space, practice, outsider):
    neighbour = f.make_member_of(space, practice=f.PracticeFactory(name="Neighbours"), email="n@example.org")
    url = f"/api/v1/practices/{practice.pk}/members"
    payload = {"email": "new@example.org"}

    assert api().post(url, payload, format="json").status_code == 401
    assert api(outsider).post(url, payload, format="json").status_code == 404
    assert api(neighbour).post(url, payload, format="json").status_code == 403
    assert api(neighbour).post("/api/v1/practices/999999/members", payload, format="json").status_code == 404
    assert Invitation.objects.count() == 0


def test_delete_member(api, practice, member, coordinator):
    response = api(coordinator).delete(f"/api/v1/practices/{practice.pk}/members/{member.pk}")

    assert response.status_code == 204
    assert not PracticeMember.objects.filter(practice=practice, member=member).exists()
    assert AuditEntry.objects.filter(action="community.member_removed", actor=coordinator).count() == 1


def test_delete_unknown_member_is_404(api, practice, coordinator, outsider):
    response = api(coordinator).delete(f"/api/v1/practices/{practice.pk}/members/{outsider.pk}")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
