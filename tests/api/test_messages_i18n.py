"""The API answers in the language of Accept-Language (Django's LocaleMiddleware: /api/ is outside the language
prefix and a token client sends no language cookie); the machine-readable codes never change."""

from __future__ import annotations

import pytest

from tests import factories as f

pytestmark = pytest.mark.django_db


def url(space) -> str:
    return f"/api/v1/spaces/{space.pk}/cost-periods"


@pytest.fixture
def treasurer(space):
    person = f.MemberFactory(email="treasurer@example.org", name="Tess Treasurer")
    f.RoleAssignmentFactory(space=space, member=person, role="treasurer")
    return person


def test_the_generic_400_message_in_french(api, space, treasurer):
    response = api(treasurer).post(url(space), {"start": "2026-01-01"}, format="json", HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "message": "La requête n'est pas valide ; voir les champs.",
        "fields": {"end": ["Indiquez le dernier jour d'une période personnalisée."]},
    }


def test_the_generic_400_message_in_english_by_default(api, space, treasurer):
    response = api(treasurer).post(url(space), {"start": "2026-01-01"}, format="json")

    assert response.json() == {
        "code": "invalid",
        "message": "The request is not valid; see fields.",
        "fields": {"end": ["Give the last day of a custom period."]},
    }


def test_the_role_message_in_dutch(api, space, member):
    response = api(member).post(url(space), {"start": "2026-01-01"}, format="json", HTTP_ACCEPT_LANGUAGE="nl-BE,nl")

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert response.json()["message"] == "Je hebt de rol van penningmeester of coördinator in deze ruimte nodig."


def test_an_allocation_field_message_in_french(api, space, coordinator):
    room = f.ResourceFactory(space=space)
    created = api(coordinator).post(
        f"/api/v1/spaces/{space.pk}/allocation-rounds",
        {
            "name": "Season",
            "resources": [room.pk],
            "season_start": "2030-01-07",
            "season_end": "2030-03-31",
            "deadline": "2029-12-01T12:00:00Z",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()

    response = api(coordinator).post(
        f"/api/v1/allocation-rounds/{created.json()['id']}/requests",
        {"practice": 0, "duration_minutes": 60, "windows": [{"weekday": 0, "start": "18:00", "end": "20:00"}]},
        format="json",
        HTTP_ACCEPT_LANGUAGE="fr",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["fields"]["resources"] == ["Indiquez des ressources ou un type de ressource."]
