"""Bad input to every write endpoint is a 400 with field messages (never a 500), and nothing is written."""

import pytest

from core.models import AuditEntry
from tests import factories as f

pytestmark = pytest.mark.django_db

BAD_BODIES = [
    {"name": 12, "capacity": "many", "kind": None, "features": "not a list", "languages": "nl"},
    {"start": "yesterday", "end": 3, "weekday": "Monday", "periods": "all week", "network": 999999},
    {"role": "queen", "email": "not-an-email", "member": "x", "practice": 999999, "area_m2": "-1"},
    {"end_date": "2020-13-45", "start_date": [], "space": "here", "latitude": "north", "time_zone": 5},
]


def routes(w):
    return [
        ("post", "/api/v1/networks"),
        ("post", "/api/v1/spaces"),
        ("patch", f"/api/v1/spaces/{w['space'].pk}"),
        ("post", f"/api/v1/spaces/{w['space'].pk}/resources"),
        ("patch", f"/api/v1/spaces/{w['space'].pk}/resources/{w['resource'].pk}"),
        ("put", f"/api/v1/spaces/{w['space'].pk}/opening-hours"),
        ("post", f"/api/v1/spaces/{w['space'].pk}/closures"),
        ("post", f"/api/v1/spaces/{w['space'].pk}/memberships"),
        ("patch", f"/api/v1/spaces/{w['space'].pk}/memberships/{w['membership'].pk}"),
        ("post", f"/api/v1/spaces/{w['space'].pk}/roles"),
        ("post", "/api/v1/practices"),
    ]


@pytest.mark.parametrize("body", BAD_BODIES)
def test_bad_input_is_a_400_everywhere(api, space, practice, superuser, body):
    world = {
        "space": space,
        "resource": f.ResourceFactory(space=space),
        "membership": practice.space_memberships.get(),
    }
    client = api(superuser)

    for method, path in routes(world):
        response = getattr(client, method)(path, body, format="json")

        # a PATCH that names none of the object's fields changes nothing (unknown keys are ignored)
        expected = {400, 200} if method == "patch" else {400}
        assert response.status_code in expected, (method, path, response.status_code, response.content[:300])
        if response.status_code == 400:
            assert set(response.json()) >= {"code", "message", "fields"}
    assert AuditEntry.objects.count() == 0


def test_a_json_list_instead_of_an_object_is_a_400(api, space, superuser):
    response = api(superuser).post(f"/api/v1/spaces/{space.pk}/resources", [1, 2], format="json")

    assert response.status_code == 400
