"""More API messages in the language of Accept-Language: the 403 reasons of api.access and the other modules, the
serializers' validation messages. The codes and statuses stay the same in every language."""

from __future__ import annotations

import pytest
from django.utils import translation

from api.access import role_message
from spaces.models import RoleAssignment
from tests import factories as f

pytestmark = pytest.mark.django_db

Role = RoleAssignment.Role


def test_the_role_reason_in_french(api, space, member):
    response = api(member).post(
        f"/api/v1/spaces/{space.pk}/resources", {"name": "Atelier"}, format="json", HTTP_ACCEPT_LANGUAGE="fr"
    )

    assert response.status_code == 403
    assert response.json() == {
        "code": "permission_denied",
        "message": "Vous devez avoir le rôle de coordinateur dans cet espace.",
        "fields": {},
    }


def test_the_role_reason_in_english_by_default(api, space, member):
    response = api(member).post(f"/api/v1/spaces/{space.pk}/resources", {"name": "Atelier"}, format="json")

    assert response.status_code == 403
    assert response.json()["message"] == "You need the role of coordinator in this space."


def test_the_visits_role_reason_in_dutch(api, space, member):
    response = api(member).get(f"/api/v1/spaces/{space.pk}/network-visits", HTTP_ACCEPT_LANGUAGE="nl")

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert response.json()["message"] == "Je hebt de rol van coördinator of onthaal in deze ruimte nodig."


def test_a_role_message_without_its_own_sentence_lists_the_translated_roles():
    with translation.override("fr"):
        message = role_message((Role.CARETAKER, Role.OWNER_REPRESENTATIVE))

    assert message == "Vous devez avoir l'un de ces rôles dans cet espace : concierge, représentant·e du propriétaire."


def test_a_space_validation_message_in_dutch(api, superuser):
    response = api(superuser).post(
        "/api/v1/spaces",
        {"name": "Tweede Huis", "city": "Gent", "country": "B1"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="nl-BE,nl",
    )

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "message": "Het verzoek is niet geldig; zie de velden.",
        "fields": {"country": ["Gebruik de ISO-landcode van twee letters, bijvoorbeeld “BE”."]},
    }


def test_a_space_validation_message_in_english_by_default(api, superuser):
    response = api(superuser).post(
        "/api/v1/spaces", {"name": "Tweede Huis", "city": "Gent", "country": "B1"}, format="json"
    )

    assert response.json()["fields"] == {"country": ["Use the country's two-letter ISO code, for example “BE”."]}


def test_an_existing_catalogue_message_in_dutch(api, space, coordinator):
    response = api(coordinator).put(
        f"/api/v1/spaces/{space.pk}/opening-hours",
        {"periods": [{"weekday": 1, "opens": "17:00", "closes": "09:00"}]},
        format="json",
        HTTP_ACCEPT_LANGUAGE="nl",
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {
        "periods": {"0": {"closes": ["De sluitingstijd moet na de openingstijd liggen."]}}
    }


def test_a_practice_reason_in_french(api, space, member):
    other = f.PracticeFactory(name="Autre")
    f.SpaceMembershipFactory(space=space, practice=other)
    response = api(member).post(
        f"/api/v1/practices/{other.pk}/members",
        {"email": "new@example.org", "name": "New"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="fr",
    )

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert response.json()["message"] == "Vous ne pouvez pas gérer les membres de cette pratique."


def test_a_wrong_password_in_french(api, member):
    response = api().post(
        "/api/v1/auth/token", {"email": member.email, "password": "wrong"}, format="json", HTTP_ACCEPT_LANGUAGE="fr"
    )

    assert response.status_code == 401
    assert response.json() == {
        "code": "invalid_credentials",
        "message": "Adresse e-mail ou mot de passe incorrect.",
        "fields": {},
    }


def test_the_network_access_reason_in_french(api, space, member):
    response = api(member).put(
        f"/api/v1/spaces/{space.pk}/network-access", {"rules": []}, format="json", HTTP_ACCEPT_LANGUAGE="fr"
    )

    assert response.status_code == 403
    assert response.json()["message"] == "Vous devez avoir le rôle de coordinateur dans cet espace."
