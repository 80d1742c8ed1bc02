import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories as f

pytestmark = pytest.mark.django_db


def test_home_lists_networks_with_their_space_count(client, network):
    f.SpaceFactory(network=network, name="Werkplaats")
    f.SpaceFactory(network=network, name="Casa Comum", city="Lisbon", country="PT")

    html = client.get("/en/").content.decode()

    assert "Test network" in html
    assert "2 spaces" in html
    assert "Casa Comum" in html and "Lisbon, Portugal" in html


def test_home_in_dutch(client, network):
    f.SpaceFactory(network=network, name="Werkplaats")

    html = client.get("/nl/").content.decode()

    assert 'lang="nl"' in html
    assert "Brussels, België" in html


def test_home_query_count_does_not_grow(client, db):
    f.SpaceFactory(network=f.NetworkFactory())
    with CaptureQueriesContext(connection) as one:
        client.get("/en/")
    f.SpaceFactory(network=f.NetworkFactory())
    f.SpaceFactory(network=f.NetworkFactory())

    with CaptureQueriesContext(connection) as three:
        response = client.get("/en/")

    assert len(three) == len(one)
    assert len(response.context["spaces"]) == 3


def test_root_redirects_to_the_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 302
    assert response["Location"] == "/fr/"


def test_healthz(client, db):
    assert client.get("/healthz").json() == {"status": "ok"}
