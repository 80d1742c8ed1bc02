"""An incident that puts a resource out of service lists the bookings it hits; the emails say "out of service"
in each recipient's language, with only the incident's own words from the database."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from bookings.models import Booking
from governance.services import incidents
from spaces.models import RoleAssignment
from tests import factories as f

from .factories import IncidentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def caretaker(space):
    person = f.MemberFactory(email="caretaker@example.org", name="Cas Caretaker")
    f.RoleAssignmentFactory(space=space, member=person, role=RoleAssignment.Role.CARETAKER)
    return person


@pytest.fixture
def kiln(space):
    return f.ResourceFactory(space=space, name="Kiln")


def _start() -> datetime.datetime:
    return timezone.now().replace(microsecond=0, second=0, minute=0) + datetime.timedelta(days=2)


def _book(kiln, member, practice, hours_from_start=0) -> Booking:
    start = _start() + datetime.timedelta(hours=hours_from_start)
    return Booking.objects.create(
        resource=kiln,
        practice=practice,
        booked_by=member,
        title="Firing",
        start=start,
        end=start + datetime.timedelta(hours=3),
    )


def _out_of_service(incident, caretaker, kiln):
    return incidents.put_out_of_service(
        incident,
        by=caretaker,
        resource=kiln,
        start=_start() - datetime.timedelta(days=1),
        end=_start() + datetime.timedelta(days=5),
    )


def test_closure_reason_is_the_incidents_own_words(space, caretaker, kiln):
    incident = IncidentFactory(space=space, category="equipment", title="Kiln broken")

    closure = _out_of_service(incident, caretaker, kiln)

    assert closure.reason == "Kiln broken"


def test_out_of_service_email_is_in_the_recipients_language(
    space, caretaker, kiln, practice, django_capture_on_commit_callbacks
):
    french = f.make_member_of(space, practice=practice, email="fr@example.org", language="fr")
    dutch = f.make_member_of(space, practice=practice, email="nl@example.org", language="nl")
    _book(kiln, french, practice)
    _book(kiln, dutch, practice, hours_from_start=5)
    incident = IncidentFactory(space=space, category="equipment", title="Four cassé")

    with django_capture_on_commit_callbacks(execute=True):
        _out_of_service(incident, caretaker, kiln)

    by_person = {m.to[0]: m.body for m in mail.outbox}
    assert "Out of service" not in by_person["fr@example.org"]
    assert "Out of service" not in by_person["nl@example.org"]
    assert "(Four cassé)" in by_person["fr@example.org"]
    assert "(Four cassé)" in by_person["nl@example.org"]


def test_incident_page_lists_the_bookings_hit(space, caretaker, kiln, member, practice, client_for, coordinator):
    hit = _book(kiln, member, practice)
    spared = Booking.objects.create(
        resource=kiln,
        practice=practice,
        booked_by=member,
        start=_start() + datetime.timedelta(days=10),
        end=_start() + datetime.timedelta(days=10, hours=1),
    )
    incident = IncidentFactory(space=space, category="equipment", title="Kiln broken")
    closure = _out_of_service(incident, caretaker, kiln)
    url = f"/en/spaces/{space.slug}/incidents/{incident.pk}/"

    as_member = client_for(member).get(url).content.decode()
    as_coordinator = client_for(coordinator).get(url).content.decode()

    assert "1 booking is hit" in as_member
    assert f"/en/spaces/{space.slug}/bookings/{hit.pk}/" in as_member
    assert f"/en/spaces/{space.slug}/bookings/{spared.pk}/" not in as_member
    closure_page = f"/en/spaces/{space.slug}/bookings/closures/{closure.pk}/"
    assert closure_page not in as_member
    assert closure_page in as_coordinator


def test_incident_page_without_hits_says_so(space, caretaker, kiln, client_for, member):
    incident = IncidentFactory(space=space, category="equipment", title="Kiln broken")
    _out_of_service(incident, caretaker, kiln)

    page = client_for(member).get(f"/en/spaces/{space.slug}/incidents/{incident.pk}/").content.decode()

    assert "No booking is hit by this closure." in page


def test_putting_out_of_service_says_how_many_bookings_are_hit(space, caretaker, kiln, member, practice, client_for):
    _book(kiln, member, practice)
    _book(kiln, member, practice, hours_from_start=5)
    incident = IncidentFactory(space=space, category="equipment", title="Kiln broken")
    day = timezone.localtime(_start(), space.tz)

    response = client_for(caretaker).post(
        f"/en/spaces/{space.slug}/incidents/{incident.pk}/out-of-service/",
        {
            "resource": kiln.pk,
            "start": (day - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "end": (day + datetime.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        },
        follow=True,
    )

    assert "the people with the 2 bookings it hits are told." in response.content.decode()
