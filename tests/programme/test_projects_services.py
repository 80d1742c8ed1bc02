"""Projects (gallery, practice profile, space page) and services with office-hour slots."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.utils import timezone

from programme import services
from programme.models import Project, Slot
from tests import factories as f

from . import factories as pf

pytestmark = pytest.mark.django_db


def _client(person):
    c = Client()
    c.force_login(person)
    return c


def test_create_project_cleans_tags_and_links(practice, member):
    project = services.create_project(
        practice,
        by=member,
        title="Neighbourhood kitchen",
        tags=["Food", " food", "care"],
        links=[{"url": "https://example.org/kitchen", "label": "Website"}],
    )

    assert project.tags == ["care", "food"]
    assert project.links == [{"url": "https://example.org/kitchen", "label": "Website"}]


def test_project_links_must_be_web_addresses(practice, member):
    with pytest.raises(ValidationError) as error:
        services.create_project(practice, by=member, title="X", links=[{"url": "javascript:alert(1)"}])

    assert list(error.value.message_dict) == ["links"]


def test_outsider_cannot_publish_for_a_practice(practice, outsider):
    with pytest.raises(PermissionDenied):
        services.create_project(practice, by=outsider, title="X")


def test_project_form_publishes_and_lists_in_gallery(client, practice, member):
    response = _client(member).post(
        f"/en/practices/{practice.slug}/projects/new/",
        {
            "title": "Seed library",
            "text": "Seeds to share.",
            "tags": "seeds, garden",
            "links": "https://example.org Site",
            "is_published": "on",
        },
    )

    project = Project.objects.get()
    assert response["Location"] == f"/en/programme/projects/{project.pk}/"
    assert project.links == [{"url": "https://example.org", "label": "Site"}]
    gallery = client.get("/en/programme/projects/?tag=seeds").content.decode()
    assert "Seed library" in gallery


def test_gallery_query_count(client, practice, django_assert_num_queries):
    pf.ProjectFactory(practice=practice)
    with django_assert_num_queries(2):
        client.get("/en/programme/projects/")
    pf.ProjectFactory(practice=practice)
    pf.ProjectFactory(practice=practice)
    with django_assert_num_queries(2):
        response = client.get("/en/programme/projects/")
    assert len(response.context["page"]["items"]) == 3


def test_unpublished_project_is_hidden_from_others(client, practice, member, outsider):
    project = pf.ProjectFactory(practice=practice, is_published=False)

    assert client.get(f"/en/programme/projects/{project.pk}/").status_code == 302
    assert _client(outsider).get(f"/en/programme/projects/{project.pk}/").status_code == 404
    assert _client(member).get(f"/en/programme/projects/{project.pk}/").status_code == 200


def test_practice_profile_partial_shows_projects_and_events(space, practice):
    pf.ProjectFactory(practice=practice, title="Kitchen")
    event = pf.EventFactory(space=space, practice=practice, title="Soup evening")
    pf.OccurrenceFactory(event=event)
    request = RequestFactory().get("/en/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()

    html = render_to_string("programme/_practice_profile.html", {"practice": practice}, request=request)

    assert "Kitchen" in html and "Soup evening" in html


def test_add_slots_and_take_one(space, coordinator, member):
    service = services.create_service(space, by=coordinator, kind="office_hours", title="Advice")
    start = (timezone.now() + datetime.timedelta(days=3)).replace(hour=9, minute=0, second=0, microsecond=0)

    slots = services.add_slots(
        service, by=coordinator, start=start, end=start + datetime.timedelta(hours=2), minutes=30
    )
    again = services.add_slots(
        service, by=coordinator, start=start, end=start + datetime.timedelta(hours=2), minutes=30
    )
    services.take_slot(slots[0], by=member, topic="Statutes")

    assert len(slots) == 4 and again == []
    with pytest.raises(services.SlotTaken):
        services.take_slot(Slot.objects.get(pk=slots[0].pk), by=coordinator)
    assert Slot.objects.get(pk=slots[0].pk).taken_by == member


def test_only_members_take_slots_and_only_coordinators_add_them(space, member, outsider):
    service = pf.ServiceFactory(space=space)
    slot = pf.SlotFactory(service=service)

    with pytest.raises(PermissionDenied):
        services.take_slot(slot, by=outsider)
    with pytest.raises(PermissionDenied):
        services.create_service(space, by=member, title="Mine")


def test_release_slot(space, member, coordinator):
    slot = pf.SlotFactory(service=pf.ServiceFactory(space=space))
    other = f.make_member_of(space, email="other@example.org")
    services.take_slot(slot, by=member)

    with pytest.raises(PermissionDenied):
        services.release_slot(slot, by=other)
    services.release_slot(slot, by=member)

    assert Slot.objects.get(pk=slot.pk).taken_by is None


def test_services_page_and_taking_a_slot(client, space, member):
    service = pf.ServiceFactory(space=space, title="Legal help")
    slot = pf.SlotFactory(service=service)

    anonymous = client.get(f"/en/spaces/{space.slug}/services/").content.decode()
    response = _client(member).post(f"/en/programme/slots/{slot.pk}/take/", {"topic": "Lease"})

    assert "Legal help" in anonymous and "Take the appointment" not in anonymous
    assert response["Location"] == f"/en/spaces/{space.slug}/services/"
    assert Slot.objects.get(pk=slot.pk).topic == "Lease"


def test_services_manage_adds_service_and_slots(space, coordinator):
    c = _client(coordinator)
    c.post(
        f"/en/spaces/{space.slug}/services/manage/",
        {"form": "service", "service-kind": "guidance", "service-title": "Guidance", "service-is_active": "on"},
    )
    service = space.services.get()
    day = (timezone.localdate() + datetime.timedelta(days=4)).isoformat()

    c.post(
        f"/en/spaces/{space.slug}/services/manage/",
        {
            "form": "slots",
            "slots-service": service.pk,
            "slots-day": day,
            "slots-start": "10:00",
            "slots-end": "11:00",
            "slots-minutes": "20",
        },
    )

    assert service.slots.count() == 3
