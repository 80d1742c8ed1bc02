import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.models import AuditEntry
from governance.models import Incident
from governance.services import incidents
from spaces.models import Closure, RoleAssignment
from tests import factories as f

from .factories import AgreementFactory, IncidentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def caretaker(space):
    person = f.MemberFactory(email="caretaker@example.org", name="Cas Caretaker")
    f.RoleAssignmentFactory(space=space, member=person, role=RoleAssignment.Role.CARETAKER)
    return person


@pytest.fixture
def owner_rep(space):
    person = f.MemberFactory(email="owner@example.org", name="Olga Owner")
    f.RoleAssignmentFactory(space=space, member=person, role=RoleAssignment.Role.OWNER_REPRESENTATIVE)
    return person


def test_incident_is_routed_by_the_maintenance_split(
    space, member, caretaker, owner_rep, django_capture_on_commit_callbacks
):
    AgreementFactory(space=space, maintenance={"heating": "owner"})

    with django_capture_on_commit_callbacks(execute=True):
        heating = incidents.report_incident(space, by=member, category="heating", title="No heat", severity="high")
        water = incidents.report_incident(space, by=member, category="water", title="Leak")

    assert (heating.responsible, water.responsible) == ("owner", "caretaker")
    assert [m.to for m in mail.outbox] == [["owner@example.org"], ["caretaker@example.org"]]


def test_without_agreement_the_caretaker_handles_it(space, member):
    incident = incidents.report_incident(space, by=member, category="heating", title="No heat")

    assert incident.responsible == "caretaker"


def test_photo_is_stored_privately(space, member):
    photo = SimpleUploadedFile("radiator.jpg", b"\xff\xd8\xff fake jpeg", content_type="image/jpeg")

    incident = incidents.report_incident(space, by=member, category="heating", title="Cold", photo=photo)

    assert incident.photo.name.startswith("private/governance/incident/")


def test_outsider_cannot_report(space, outsider):
    with pytest.raises(PermissionDenied):
        incidents.report_incident(space, by=outsider, category="water", title="Leak")


def test_status_flow_is_validated(space, caretaker):
    incident = IncidentFactory(space=space)

    with pytest.raises(ValidationError):
        incidents.update_incident(incident, by=caretaker, status="solved")
    incidents.update_incident(incident, by=caretaker, status="acknowledged")
    incidents.update_incident(incident, by=caretaker, status="in_progress")
    incidents.update_incident(incident, by=caretaker, status="waiting_owner")
    incident = incidents.update_incident(incident, by=caretaker, status="solved", note="Fixed")

    assert (incident.status, incident.note) == ("solved", "Fixed")
    assert incident.acknowledged_at <= incident.solved_at
    with pytest.raises(ValidationError):
        incidents.update_incident(incident, by=caretaker, status="new")


def test_only_the_routed_party_or_a_coordinator_updates(space, member, caretaker, owner_rep, coordinator):
    incident = IncidentFactory(space=space, responsible="owner")

    for person in (member, caretaker):
        with pytest.raises(PermissionDenied):
            incidents.update_incident(incident, by=person, status="acknowledged")
    incidents.update_incident(incident, by=owner_rep, status="acknowledged")
    incidents.update_incident(incident, by=coordinator, status="in_progress")

    assert Incident.objects.get().status == "in_progress"


def test_out_of_service_closes_the_resource_blocks_bookings_and_notifies(space, caretaker, member, practice):
    from bookings.models import Booking
    from bookings.services import BookingConflict, BookingRefused, create_booking

    resource = f.ResourceFactory(space=space, name="Kiln")
    start = timezone.now().replace(microsecond=0, second=0, minute=0) + datetime.timedelta(days=2)
    Booking.objects.create(
        resource=resource,
        practice=practice,
        booked_by=member,
        title="Firing",
        start=start,
        end=start + datetime.timedelta(hours=3),
        status=Booking.Status.CONFIRMED,
    )
    incident = IncidentFactory(space=space, category="equipment", title="Kiln broken")

    closure = incidents.put_out_of_service(
        incident,
        by=caretaker,
        resource=resource,
        start=start - datetime.timedelta(days=1),
        end=start + datetime.timedelta(days=5),
    )

    assert Closure.objects.get(pk=closure.pk).resource_id == resource.pk
    assert Incident.objects.get().closure_id == closure.pk
    assert AuditEntry.objects.filter(action="governance.resource_out_of_service").count() == 1
    out_of_service = AuditEntry.objects.get(action="bookings.out_of_service")
    assert len(out_of_service.after["bookings"]) == 1
    with pytest.raises((BookingConflict, BookingRefused)):
        create_booking(
            resource,
            start + datetime.timedelta(days=1),
            start + datetime.timedelta(days=1, hours=2),
            by=member,
            practice=practice,
        )


def test_response_times_per_party(space, caretaker):
    created = timezone.now() - datetime.timedelta(hours=10)
    incident = IncidentFactory(space=space, created_at=created)
    Incident.objects.filter(pk=incident.pk).update(
        acknowledged_at=created + datetime.timedelta(hours=2),
        solved_at=created + datetime.timedelta(hours=8),
        status="solved",
    )
    IncidentFactory(space=space, responsible="owner")

    rows = {r["party"]: r for r in incidents.response_times(space)}

    assert (rows["caretaker"]["hours_to_acknowledge"], rows["caretaker"]["hours_to_solve"]) == (2.0, 8.0)
    assert (rows["owner"]["count"], rows["owner"]["open"], rows["owner"]["hours_to_solve"]) == (1, 1, None)
