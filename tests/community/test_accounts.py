"""Accounts through allauth: sign in and out, password reset and change, no open sign-up; the member's language."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core import mail

from tests import factories as f

pytestmark = pytest.mark.django_db


def test_login_page_is_ours_without_sign_up(client):
    response = client.get("/en/accounts/login/")

    body = response.content.decode()
    assert response.status_code == 200
    assert '<label for="id_login">' in body
    assert '<label for="id_password">' in body
    assert "sign up" not in body.lower()
    assert body.count("<h1>") == 1


def test_sign_in_lands_in_the_members_language(client):
    f.MemberFactory(email="nl@example.org", language="nl")

    response = client.post("/en/accounts/login/", {"login": "NL@example.org", "password": f.PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/nl/me/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "nl"


def test_sign_in_with_next_is_translated_too(client, practice, member):
    member.language = "fr"
    member.save()

    response = client.post(
        f"/en/accounts/login/?next=/en/practices/{practice.slug}/", {"login": member.email, "password": f.PASSWORD}
    )

    assert response["Location"] == f"/fr/practices/{practice.slug}/"


def test_wrong_password_is_refused(client, member):
    response = client.post("/en/accounts/login/", {"login": member.email, "password": "wrong"})

    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_sign_out(client_for, member):
    client = client_for(member)

    response = client.post("/en/accounts/logout/")

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_signup_is_closed(client):
    response = client.get("/en/accounts/signup/")

    assert response.status_code == 200
    assert "people join by invitation" in response.content.decode()


def test_password_reset_email_in_members_language(client):
    person = f.MemberFactory(email="fr@example.org", language="fr")

    response = client.post("/en/accounts/password/reset/", {"email": "fr@example.org"})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["fr@example.org"]
    assert message.subject == "[plek] E-mail de réinitialisation de mot de passe"
    link = re.search(r"http://testserver(/\S+)", message.body).group(1)
    assert link.startswith("/fr/accounts/password/reset/key/")

    page = client.get(link, follow=True)
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else link
    done = client.post(form_url, {"password1": "a brand new passphrase", "password2": "a brand new passphrase"})

    assert done.status_code == 302
    person.refresh_from_db()
    assert person.check_password("a brand new passphrase")


def test_password_change(client_for, member):
    client = client_for(member)

    response = client.post(
        "/en/accounts/password/change/",
        {"oldpassword": f.PASSWORD, "password1": "another good passphrase", "password2": "another good passphrase"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/en/me/profile/"
    member.refresh_from_db()
    assert member.check_password("another good passphrase")


def test_password_change_bad_input(client_for, member):
    response = client_for(member).post(
        "/en/accounts/password/change/", {"oldpassword": "wrong", "password1": "x", "password2": "y"}
    )

    assert response.status_code == 200
    assert "oldpassword" in response.context["form"].errors
    member.refresh_from_db()
    assert member.check_password(f.PASSWORD)


@pytest.mark.parametrize("path", ["/en/accounts/password/reset/", "/fr/accounts/login/", "/nl/accounts/login/"])
def test_account_pages_render(client, path):
    response = client.get(path)

    assert response.status_code == 200
    assert b'class="site-header"' in response.content


@pytest.mark.parametrize(
    "path",
    [
        "/en/accounts/password/change/",
        "/en/accounts/logout/",
        "/nl/accounts/password/reset/done/",
        "/fr/accounts/password/reset/key/1-bad-token/",
    ],
)
def test_account_pages_for_a_member_render(client_for, member, path):
    response = client_for(member).get(path)

    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("<h1") == 1
    assert 'class="site-header"' in body


def test_allauth_email_page_points_to_the_profile(client_for, member):
    response = client_for(member).get("/en/accounts/email/")

    assert response.status_code == 200
    assert 'href="/en/me/profile/"' in response.content.decode()
