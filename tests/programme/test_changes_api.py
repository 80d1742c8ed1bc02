"""/api/v1/: an organiser changes an event (PATCH), cancels it, moves or cancels one date, replaces the image."""

from __future__ import annotations

import datetime
import io
import zoneinfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from bookings import services as bookings
from programme import services
from programme.models import Event, Registration
from tests import factories as f

pytestmark = pytest.mark.django_db

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")


def _at(day_offset: int, hour: int) -> datetime.datetime:
    day = datetime.date.today() + datetime.timedelta(days=day_offset)
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=BRUSSELS)


@pytest.fixture
def talk(room, coordinator):
    event = services.create_event(
        room.space, by=coordinator, resource=room, start=_at(4, 18), end=_at(4, 20), title="Commons", capacity=1
    )
    occurrence = event.occurrences.get()
    services.register(occurrence, name="Ana", email="ana@example.net")
    services.register(occurrence, name="Bo", email="bo@example.net")
    return event


def _png(size=(4, 4)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, format="PNG")
    return SimpleUploadedFile("poster.png", buffer.getvalue(), content_type="image/png")


def test_patch_changes_fields_and_capacity(talk, coordinator, api):
    response = api(coordinator).patch(
        f"/api/v1/events/{talk.pk}", {"title": "The commons", "capacity": 2, "languages": ["fr"]}, format="json"
    )

    body = response.json()
    assert response.status_code == 200
    assert (body["title"], body["capacity"], body["languages"]) == ("The commons", 2, ["fr"])
    assert body["occurrences"][0]["capacity"] == 2
    assert Registration.objects.get(email="bo@example.net").status == "confirmed"


def test_patch_lowering_capacity_is_400_on_capacity(talk, coordinator, api):
    services.change_capacity(talk, by=coordinator, capacity=2)

    response = api(coordinator).patch(f"/api/v1/events/{talk.pk}", {"title": "X", "capacity": 1}, format="json")

    talk.refresh_from_db()
    assert response.status_code == 400
    assert "2 registered" in response.json()["fields"]["capacity"][0]
    assert (talk.title, talk.capacity) == ("Commons", 2)  # nothing kept, not even the title


def test_patch_validates_fields(talk, coordinator, api):
    response = api(coordinator).patch(
        f"/api/v1/events/{talk.pk}", {"category": "rave", "price_kind": "fixed"}, format="json"
    )

    assert response.status_code == 400
    assert "category" in response.json()["fields"]


def test_patch_fixed_price_needs_an_amount(talk, coordinator, api):
    response = api(coordinator).patch(f"/api/v1/events/{talk.pk}", {"price_kind": "fixed"}, format="json")

    assert (response.status_code, list(response.json()["fields"])) == (400, ["price"])


def test_patch_by_a_member_who_does_not_organise_is_403(talk, space, api):
    other = f.make_member_of(space, email="other@example.org")

    response = api(other).patch(f"/api/v1/events/{talk.pk}", {"title": "Mine"}, format="json")

    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")


def test_patch_a_members_only_event_of_another_space_is_404(space, other_space, api):
    event = Event.objects.create(space=space, title="Inside", audience=Event.Audience.MEMBERS)
    outsider = f.make_member_of(other_space, email="outside@example.org")

    response = api(outsider).patch(f"/api/v1/events/{event.pk}", {"title": "Mine"}, format="json")

    assert response.status_code == 404


def test_cancel_event(talk, coordinator, api):
    response = api(coordinator).post(f"/api/v1/events/{talk.pk}/cancel", {"reason": "Ill"}, format="json")
    again = api(coordinator).post(f"/api/v1/events/{talk.pk}/cancel", {}, format="json")

    assert response.status_code == 200
    assert response.json() == {"id": talk.pk, "status": "cancelled", "told": 2}
    assert (again.status_code, again.json()["code"]) == (409, "already_cancelled")


def test_move_occurrence(talk, coordinator, api):
    occurrence = talk.occurrences.get()

    response = api(coordinator).post(
        f"/api/v1/occurrences/{occurrence.pk}/move",
        {"start": _at(6, 19).isoformat(), "end": _at(6, 21).isoformat()},
        format="json",
    )

    assert response.status_code == 200
    body = response.json()
    assert datetime.datetime.fromisoformat(body["start"]) == _at(6, 19)
    assert (body["id"], body["is_cancelled"]) == (occurrence.pk, False)


def test_move_occurrence_onto_a_taken_time_is_409_with_conflicts(talk, room, coordinator, api):
    bookings.create_booking(room, _at(6, 18), _at(6, 22), by=coordinator, title="Choir")
    occurrence = talk.occurrences.get()

    response = api(coordinator).post(
        f"/api/v1/occurrences/{occurrence.pk}/move",
        {"start": _at(6, 19).isoformat(), "end": _at(6, 21).isoformat()},
        format="json",
    )

    body = response.json()
    assert response.status_code == 409
    assert body["code"] == "conflict"
    assert [datetime.datetime.fromisoformat(c["start"]) for c in body["conflicts"]] == [_at(6, 19)]
    occurrence.refresh_from_db()
    assert occurrence.start == _at(4, 18)


def test_move_occurrence_validates_input(talk, coordinator, other_space, api):
    occurrence = talk.occurrences.get()
    elsewhere = f.ResourceFactory(space=other_space)
    client = api(coordinator)
    url = f"/api/v1/occurrences/{occurrence.pk}/move"

    naive = client.post(url, {"start": "2030-01-01T10:00", "end": "2030-01-01T12:00"}, format="json")
    backwards = client.post(url, {"start": _at(6, 21).isoformat(), "end": _at(6, 19).isoformat()}, format="json")
    other_room = client.post(
        url, {"start": _at(6, 19).isoformat(), "end": _at(6, 21).isoformat(), "resource": elsewhere.pk}, format="json"
    )

    assert [r.status_code for r in (naive, backwards, other_room)] == [400, 400, 400]
    assert list(naive.json()["fields"]) == ["start", "end"]
    assert list(backwards.json()["fields"]) == ["end"]
    assert list(other_room.json()["fields"]) == ["resource"]


def test_cancel_occurrence(talk, coordinator, api):
    occurrence = talk.occurrences.get()

    response = api(coordinator).post(f"/api/v1/occurrences/{occurrence.pk}/cancel", {}, format="json")
    again = api(coordinator).post(f"/api/v1/occurrences/{occurrence.pk}/cancel", {}, format="json")

    assert response.status_code == 200
    assert (response.json()["is_cancelled"], response.json()["told"]) == (True, 2)
    assert again.status_code == 400


def test_put_image(talk, coordinator, api, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    response = api(coordinator).put(
        f"/api/v1/events/{talk.pk}/image", {"image": _png(), "image_alt": "A teal square"}, format="multipart"
    )

    talk.refresh_from_db()
    assert response.status_code == 200
    assert response.json()["image"].endswith(talk.image.url)
    assert (response.json()["image_alt"], talk.image_alt) == ("A teal square", "A teal square")


def test_put_image_refuses_what_is_not_an_image_and_large_files(
    talk, coordinator, api, settings, tmp_path, monkeypatch
):
    from api import programme as api_programme

    settings.MEDIA_ROOT = tmp_path
    text = SimpleUploadedFile("poster.png", b"not an image", content_type="image/png")
    url = f"/api/v1/events/{talk.pk}/image"

    not_image = api(coordinator).put(url, {"image": text}, format="multipart")
    monkeypatch.setattr(api_programme, "MAX_IMAGE_BYTES", 10)
    too_large = api(coordinator).put(url, {"image": _png()}, format="multipart")
    as_json = api(coordinator).put(url, {"image": "x"}, format="json")

    assert [r.status_code for r in (not_image, too_large, as_json)] == [400, 400, 415]
    assert list(not_image.json()["fields"]) == ["image"]
    assert "too large" in too_large.json()["fields"]["image"][0]
    talk.refresh_from_db()
    assert not talk.image
