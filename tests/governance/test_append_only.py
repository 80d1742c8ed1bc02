"""The decision log and past document versions cannot be changed or deleted, by anyone, in both layers."""

import pytest
from django.db import DatabaseError, connection, transaction

from governance.models import AppendOnlyError, Decision, Document, DocumentVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def decision(space):
    return Decision.objects.create(space=space, number=1, title="Paint", outcome="passed", method="consent")


@pytest.fixture
def version(space):
    document = Document.objects.create(space=space, kind="charter", title="Charter")
    return DocumentVersion.objects.create(document=document, number=1, text_en="We share.")


def test_decision_cannot_be_edited_or_deleted_through_the_models(decision):
    decision.title = "Something else"
    with pytest.raises(AppendOnlyError):
        decision.save()
    with pytest.raises(AppendOnlyError):
        decision.delete()
    with pytest.raises(AppendOnlyError):
        Decision.objects.filter(pk=decision.pk).update(title="x")
    with pytest.raises(AppendOnlyError):
        Decision.objects.filter(pk=decision.pk).delete()

    assert Decision.objects.get(pk=decision.pk).title == "Paint"


def test_version_cannot_be_edited_or_deleted_through_the_models(version):
    version.text_en = "Changed"
    with pytest.raises(AppendOnlyError):
        version.save()
    with pytest.raises(AppendOnlyError):
        DocumentVersion.objects.all().update(text_en="x")
    with pytest.raises(AppendOnlyError):
        version.delete()

    assert DocumentVersion.objects.get(pk=version.pk).text_en == "We share."


def test_a_coordinator_in_the_app_has_no_way_to_edit_the_log(space, coordinator, decision, client_for):
    client = client_for(coordinator)

    response = client.post(f"/en/spaces/{space.slug}/governance/decisions/", {"title": "x"})

    assert response.status_code == 405
    assert Decision.objects.get(pk=decision.pk).title == "Paint"


def test_superuser_admin_has_no_change_page_for_the_log(superuser, decision, client_for):
    response = client_for(superuser).get(f"/admin/governance/decision/{decision.pk}/change/")

    assert response.status_code == 404


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the database trigger exists on PostgreSQL")
@pytest.mark.parametrize("table", ["governance_decision", "governance_documentversion"])
def test_database_refuses_update_and_delete(decision, version, table):
    for sql in (f"UPDATE {table} SET id = id", f"DELETE FROM {table}"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)

    assert Decision.objects.count() == 1
    assert DocumentVersion.objects.count() == 1
