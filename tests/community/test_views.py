from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from api.models import ApiToken
from community.models import Invitation, Member, PracticeMember
from core import navigation
from core.models import AuditEntry
from tests import factories as f

from .factories import InvitationFactory

pytestmark = pytest.mark.django_db


# Dashboard


def test_dashboard_shows_spaces_roles_memberships_and_practices(client_for, space, practice, member):
    f.RoleAssignmentFactory(space=space, member=member, role="host")

    response = client_for(member).get("/en/me/")

    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row["space"].name for row in rows] == ["Werkplaats"]
    assert rows[0]["roles"] == ["host"]
    assert [(m.practice.name, m.kind) for m in rows[0]["memberships"]] == [("Atelier Nord", "resident")]
    assert [p.name for p in response.context["practices"]] == ["Atelier Nord"]
    assert "Atelier Nord: resident member" in response.content.decode()


def _dashboard_world(network, count):
    person = f.MemberFactory(email="many@example.org")
    for i in range(count):
        space = f.SpaceFactory(network=network, slug=f"s{i}")
        practice = f.PracticeFactory(name=f"P{i}")
        f.make_member_of(space, practice=practice, member=person)
        f.RoleAssignmentFactory(space=space, member=person, role="host")
    return person


@pytest.mark.parametrize("count", [1, 3])
def test_dashboard_query_count(client_for, network, count, django_assert_num_queries, monkeypatch):
    # Tabs and links that other apps register are measured with them below; here, the dashboard's own queries.
    monkeypatch.setattr(navigation, "SPACE_SECTIONS", {})
    monkeypatch.setattr(navigation, "MEMBER_LINKS", {})
    monkeypatch.setattr(navigation, "MAIN_LINKS", {})
    client = client_for(_dashboard_world(network, count))

    with django_assert_num_queries(6):
        response = client.get("/en/me/")

    assert len(response.context["rows"]) == count


def test_dashboard_with_every_apps_links_does_not_grow_with_spaces(client_for, network):
    person = _dashboard_world(network, 1)
    counts = []
    for extra in (0, 2):
        for i in range(extra):
            space = f.SpaceFactory(network=network, slug=f"extra{i}")
            f.make_member_of(space, practice=f.PracticeFactory(name=f"E{i}"), member=person)
            f.RoleAssignmentFactory(space=space, member=person, role="host")
        client = client_for(person)
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/en/me/")
        assert len(response.context["rows"]) == 1 + extra
        counts.append(len(queries))

    assert counts[0] == counts[1]


# Profile


def test_profile_saves_and_lands_in_the_new_language(client_for, member):
    response = client_for(member).post(
        "/en/me/profile/",
        {"name": "Mo M.", "email": "mo@example.org", "language": "nl", "phone": "+32 2 123 45 67", "bio": "Printer."},
    )

    assert response.status_code == 302
    assert response["Location"] == "/nl/me/profile/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "nl"
    member.refresh_from_db()
    assert (member.name, member.email, member.language, member.phone, member.bio) == (
        "Mo M.",
        "mo@example.org",
        "nl",
        "+32 2 123 45 67",
        "Printer.",
    )


def test_profile_bad_input_shows_errors_and_changes_nothing(client_for, member, coordinator):
    response = client_for(member).post("/en/me/profile/", {"name": "", "email": coordinator.email, "language": "xx"})

    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"name", "email", "language"}
    assert form.errors["email"] == ["Another account uses this email address."]
    member.refresh_from_db()
    assert (member.name, member.email) == ("Mo Member", "member@example.org")


def test_token_is_shown_once_then_listed_and_revoked(client_for, member):
    client = client_for(member)

    response = client.post("/en/me/tokens/", {"label": "door screen"})

    assert response.status_code == 200
    raw = response.context["new_token"]
    assert raw in response.content.decode()
    token = ApiToken.objects.get(member=member)
    assert raw.startswith(token.prefix)
    listing = client.get("/en/me/profile/")
    assert raw not in listing.content.decode()
    assert "door screen" in listing.content.decode()

    response = client.post(f"/en/me/tokens/{token.pk}/revoke/")

    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_token_without_label_is_refused(client_for, member):
    response = client_for(member).post("/en/me/tokens/", {"label": ""})

    assert response.status_code == 400
    assert response.context["token_form"].errors == {"label": ["This field is required."]}
    assert ApiToken.objects.count() == 0


# Practice pages


def test_practice_profile_for_insiders_shows_everything(client_for, practice, member):
    practice.description = "We print posters."
    practice.website = "https://atelier.example"
    practice.email = "hello@atelier.example"
    practice.save()

    response = client_for(member).get(f"/en/practices/{practice.slug}/")

    body = response.content.decode()
    assert response.status_code == 200
    assert "We print posters." in body
    assert "hello@atelier.example" in body
    assert "Mo Member" in body
    assert "Werkplaats" in body
    assert response.context["can_manage"] is True


def test_public_practice_shows_only_opted_in_fields_to_visitors(client, practice, member):
    practice.description = "We print posters."
    practice.website = "https://atelier.example"
    practice.email = "hello@atelier.example"
    practice.public_profile = True
    practice.show_description = True
    practice.show_website = False
    practice.show_email = False
    practice.show_members = False
    practice.save()

    response = client.get(f"/en/practices/{practice.slug}/")

    body = response.content.decode()
    assert response.status_code == 200
    assert "We print posters." in body
    assert "atelier.example" not in body
    assert "Mo Member" not in body


def test_private_practice_sends_visitor_to_login_and_outsider_to_404(client, client_for, practice, outsider):
    assert client.get(f"/en/practices/{practice.slug}/").status_code == 302
    assert client_for(outsider).get(f"/en/practices/{practice.slug}/").status_code == 404


def test_practice_profile_has_an_extension_block(client_for, practice, member):
    response = client_for(member).get(f"/en/practices/{practice.slug}/")

    assert response.status_code == 200
    assert response.context["extra_template"] in (None, "programme/_practice_profile.html")


@pytest.mark.parametrize("count", [1, 3])
def test_practice_profile_query_count(client_for, network, count, django_assert_num_queries, monkeypatch):
    monkeypatch.setattr("community.views._optional_template", lambda name: None)  # other apps' partials count apart
    practice = f.PracticeFactory(name="Busy")
    person = None
    for i in range(count):
        space = f.SpaceFactory(network=network, slug=f"busy-{i}")
        person = f.make_member_of(space, practice=practice, email=f"busy{i}@example.org")
    client = client_for(person)

    with django_assert_num_queries(6):
        response = client.get(f"/en/practices/{practice.slug}/")

    assert len(response.context["memberships"]) == count


def test_edit_practice(client_for, practice, coordinator):
    response = client_for(coordinator).post(
        f"/en/practices/{practice.slug}/edit/",
        {
            "name": "Atelier Nord",
            "kind": "organisation",
            "description": "Screen printing.",
            "website": "https://atelier.example",
            "email": "",
            "language": "fr",
            "public_profile": "on",
            "show_description": "on",
        },
    )

    assert response.status_code == 302
    practice.refresh_from_db()
    assert (practice.kind, practice.language, practice.public_profile, practice.show_description) == (
        "organisation",
        "fr",
        True,
        True,
    )
    assert (practice.show_website, practice.show_email, practice.show_members) == (False, False, False)


def test_edit_practice_bad_input(client_for, practice, member):
    response = client_for(member).post(
        f"/en/practices/{practice.slug}/edit/", {"name": "", "kind": "guild", "website": "nope", "language": "en"}
    )

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "kind", "website"}
    practice.refresh_from_db()
    assert practice.name == "Atelier Nord"


def test_members_page_invites_a_new_person(client_for, practice, member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(member).post(
            f"/en/practices/{practice.slug}/members/", {"email": "new@example.org", "name": "Nina"}
        )

    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.name, invitation.invited_by) == ("new@example.org", "Nina", member)
    assert len(mail.outbox) == 1


def test_members_page_bad_address(client_for, practice, member):
    response = client_for(member).post(f"/en/practices/{practice.slug}/members/", {"email": "nope"})

    assert response.status_code == 400
    assert response.context["form"].errors == {"email": ["Enter a valid email address."]}
    assert Invitation.objects.count() == 0


def test_members_page_already_a_member(client_for, practice, member, coordinator):
    response = client_for(coordinator).post(f"/en/practices/{practice.slug}/members/", {"email": member.email})

    assert response.status_code == 400
    assert response.context["form"].errors == {"email": ["member@example.org is already a member of Atelier Nord."]}


@pytest.mark.parametrize("count", [1, 3])
def test_members_page_query_count(client_for, practice, member, count, django_assert_num_queries):
    for i in range(count):
        f.PracticeMemberFactory(practice=practice, member=f.MemberFactory(email=f"m{i}@example.org"))
        InvitationFactory(practice=practice)
    client = client_for(member)

    with django_assert_num_queries(6):
        response = client.get(f"/en/practices/{practice.slug}/members/")

    assert len(response.context["links"]) == count + 1


def test_remove_member_from_practice(client_for, practice, member, coordinator):
    response = client_for(coordinator).post(f"/en/practices/{practice.slug}/members/{member.pk}/remove/")

    assert response.status_code == 302
    assert not PracticeMember.objects.filter(practice=practice, member=member).exists()
    assert AuditEntry.objects.filter(action="community.member_removed").count() == 1


# Invitations


def test_accept_invitation_page_creates_account_and_signs_in(client, practice):
    invitation = InvitationFactory(practice=practice, email="new@example.org", language="fr")

    page = client.get(f"/en/invitations/{invitation.token}/")
    response = client.post(
        f"/en/invitations/{invitation.token}/",
        {
            "name": "Nina New",
            "language": "fr",
            "password1": "a long and unusual passphrase",
            "password2": "a long and unusual passphrase",
        },
    )

    assert page.status_code == 200
    assert page.context["form"].initial == {"name": "Ines Invitee", "language": "fr"}
    assert response.status_code == 302
    assert response["Location"] == "/fr/me/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    person = Member.objects.get(email="new@example.org")
    assert client.get("/fr/me/").context["user"] == person
    assert PracticeMember.objects.filter(practice=practice, member=person).exists()


def test_accept_invitation_bad_input(client, practice):
    invitation = InvitationFactory(practice=practice)

    response = client.post(
        f"/en/invitations/{invitation.token}/",
        {"name": "", "language": "en", "password1": "a long and unusual passphrase", "password2": "different"},
    )

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"name", "password2"}
    assert Member.objects.filter(email=invitation.email).count() == 0


def test_accept_invitation_weak_password(client, practice):
    invitation = InvitationFactory(practice=practice)

    response = client.post(
        f"/en/invitations/{invitation.token}/",
        {"name": "N", "language": "en", "password1": "1234", "password2": "1234"},
    )

    assert response.status_code == 400
    assert "password1" in response.context["form"].errors


def test_used_invitation_says_so(client, practice):
    invitation = InvitationFactory(practice=practice, accepted_at=timezone.now())

    response = client.get(f"/en/invitations/{invitation.token}/")

    assert response.status_code == 410
    assert "This link was used already." in response.content.decode()


def test_expired_invitation_says_so(client, practice):
    invitation = InvitationFactory(practice=practice, expires_at=timezone.now() - datetime.timedelta(hours=1))

    response = client.get(f"/en/invitations/{invitation.token}/")

    assert response.status_code == 410
    assert "This invitation has expired." in response.content.decode()


def test_invitation_for_an_account_made_since_joins_without_password(client, practice):
    invitation = InvitationFactory(practice=practice, email="later@example.org")
    person = f.MemberFactory(email="later@example.org", language="nl")

    response = client.post(f"/en/invitations/{invitation.token}/")

    assert response.status_code == 302
    assert response["Location"] == "/nl/accounts/login/"
    assert PracticeMember.objects.filter(practice=practice, member=person).exists()


def test_practice_page_has_the_invite_form_for_managers_only(client_for, space, practice, member):
    neighbour = f.make_member_of(space, practice=f.PracticeFactory(name="Neighbours"), email="n@example.org")

    mine = client_for(member).get(f"/en/practices/{practice.slug}/")
    theirs = client_for(neighbour).get(f"/en/practices/{practice.slug}/")

    assert f'action="/en/practices/{practice.slug}/members/"' in mine.content.decode()
    assert theirs.status_code == 200
    assert f'action="/en/practices/{practice.slug}/members/"' not in theirs.content.decode()


def test_members_page_sends_an_invitation_again(client_for, practice, member, django_capture_on_commit_callbacks):
    invitation = InvitationFactory(practice=practice, email="again@example.org", name="Ag")
    client = client_for(member)
    page = client.get(f"/en/practices/{practice.slug}/members/").content.decode()
    assert '<input type="hidden" name="email" value="again@example.org">' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/en/practices/{practice.slug}/members/", {"email": "again@example.org", "name": "Ag"})

    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.sent_count == 2
    assert Invitation.objects.count() == 1
    assert mail.outbox[0].to == ["again@example.org"]
