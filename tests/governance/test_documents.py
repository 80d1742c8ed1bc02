import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.models import AuditEntry
from governance.models import Acknowledgement, Document
from governance.services import documents

pytestmark = pytest.mark.django_db


def test_publishing_house_rules_updates_the_identity_page_with_audit(space, coordinator):
    document = documents.create_document(
        space, kind="house_rules", title="House rules", by=coordinator, text_en="Be kind.", text_nl="Wees vriendelijk."
    )

    version = documents.publish_version(document, by=coordinator, text_en="Be kind. Close the door.", note="Door")

    space.refresh_from_db()
    assert (version.number, space.house_rules_en, space.house_rules_nl) == (2, "Be kind. Close the door.", "")
    entries = AuditEntry.objects.filter(action="governance.space_house_rules_updated").order_by("id")
    assert [e.after["house_rules_en"] for e in entries] == ["Be kind.", "Be kind. Close the door."]


def test_only_coordinators_publish(space, member, coordinator):
    document = documents.create_document(space, kind="charter", title="Charter", by=coordinator)

    with pytest.raises(PermissionDenied):
        documents.publish_version(document, by=member, text_en="Ours")


def test_a_second_house_rules_document_is_refused(space, coordinator):
    documents.create_document(space, kind="house_rules", title="House rules", by=coordinator)

    with pytest.raises(ValidationError):
        documents.create_document(space, kind="house_rules", title="Other rules", by=coordinator)


def test_acknowledgement_is_recorded_with_version_and_a_new_version_asks_again(space, member, coordinator):
    document = documents.create_document(space, kind="house_rules", title="House rules", by=coordinator, text_en="v1")
    first = document.current_version()
    assert documents.pending_acknowledgement(member, space) == first

    ack = documents.acknowledge(first, by=member)

    assert (ack.version.number, ack.acknowledged_at is not None) == (1, True)
    assert documents.pending_acknowledgement(member, space) is None
    second = documents.publish_version(document, by=coordinator, text_en="v2")
    assert documents.pending_acknowledgement(member, space) == second
    assert documents.pending_acknowledgements(member) == [(space, second)]


def test_acknowledging_an_old_version_is_refused(space, member, coordinator):
    document = documents.create_document(space, kind="house_rules", title="House rules", by=coordinator, text_en="v1")
    first = document.current_version()
    documents.publish_version(document, by=coordinator, text_en="v2")

    with pytest.raises(ValidationError):
        documents.acknowledge(first, by=member)


def test_acknowledging_twice_keeps_one_record(space, member, coordinator):
    document = documents.create_document(space, kind="house_rules", title="House rules", by=coordinator, text_en="v1")

    documents.acknowledge(document.current_version(), by=member)
    documents.acknowledge(document.current_version(), by=member)

    assert Acknowledgement.objects.filter(member=member).count() == 1


def test_document_without_text_has_no_version(space, coordinator):
    document = documents.create_document(space, kind="procedure", title="Key handover", by=coordinator)

    assert (Document.objects.get().title, document.current_version()) == ("Key handover", None)
