"""Emails about several dates at once say "these 3 bookings", not "this booking": subject, text and HTML, in the
recipient's language (English and French here; the plural forms come from the catalogues)."""

from __future__ import annotations

import html

import pytest
from django.core import mail

from bookings import notifications
from tests import factories as f

from .conftest import local
from .factories import BookingFactory

pytestmark = pytest.mark.django_db

NOTIFY = {
    "confirmed": (notifications.booking_confirmed, "confirmed"),
    "pending": (notifications.booking_pending, "pending"),
    "approved": (notifications.series_approved, "confirmed"),
    "refused": (notifications.series_refused, "refused"),
    "cancelled": (notifications.series_cancelled, "cancelled"),
}

# (kind, language, number of dates): (subject, a line of the text, the link's words or None).
EXPECTED = {
    ("confirmed", "en", 1): (
        "Booking confirmed: Studio 2",
        "Your booking at Werkplaats is confirmed:",
        "See or cancel it here:",
    ),
    ("confirmed", "en", 3): (
        "3 bookings confirmed: Studio 2",
        "Your 3 bookings at Werkplaats are confirmed:",
        "See or cancel them here:",
    ),
    ("confirmed", "fr", 1): (
        "Réservation confirmée : Studio 2",
        "Votre réservation à Werkplaats est confirmée :",
        "Voyez-la ou annulez-la ici :",
    ),
    ("confirmed", "fr", 3): (
        "3 réservations confirmées : Studio 2",
        "Vos 3 réservations à Werkplaats sont confirmées :",
        "Voyez-les ou annulez-les ici :",
    ),
    ("pending", "en", 1): (
        "Booking request received: Studio 2",
        "Your request at Werkplaats needs the approval of the space. We will write to you as soon as it is "
        "approved or refused. Until then the slot is kept for you:",
        None,
    ),
    ("pending", "en", 3): (
        "Booking request received for 3 dates: Studio 2",
        "Your request for 3 dates at Werkplaats needs the approval of the space. We will write to you as soon as "
        "it is approved or refused. Until then the slots are kept for you:",
        None,
    ),
    ("pending", "fr", 1): (
        "Demande de réservation reçue : Studio 2",
        "D'ici là, le créneau vous est réservé :",
        None,
    ),
    ("pending", "fr", 3): (
        "Demande de réservation reçue pour 3 dates : Studio 2",
        "Votre demande pour 3 dates à Werkplaats doit être approuvée par l'espace.",
        None,
    ),
    ("approved", "en", 1): (
        "Booking approved: Studio 2",
        "Good news: Werkplaats approved your booking:",
        "See or cancel it here:",
    ),
    ("approved", "en", 3): (
        "3 bookings approved: Studio 2",
        "Good news: Werkplaats approved your 3 bookings:",
        "See or cancel them here:",
    ),
    ("approved", "fr", 1): (
        "Réservation approuvée : Studio 2",
        "Bonne nouvelle : Werkplaats a approuvé votre réservation :",
        "Voyez-la ou annulez-la ici :",
    ),
    ("approved", "fr", 3): (
        "3 réservations approuvées : Studio 2",
        "Bonne nouvelle : Werkplaats a approuvé vos 3 réservations :",
        "Voyez-les ou annulez-les ici :",
    ),
    ("refused", "en", 1): (
        "Booking refused: Studio 2",
        "We are sorry: Werkplaats could not accept your request:",
        None,
    ),
    ("refused", "en", 3): (
        "3 bookings refused: Studio 2",
        "We are sorry: Werkplaats could not accept your request for these 3 dates:",
        None,
    ),
    ("refused", "fr", 1): (
        "Réservation refusée : Studio 2",
        "Nous sommes désolés : Werkplaats n'a pas pu accepter votre demande :",
        None,
    ),
    ("refused", "fr", 3): (
        "3 réservations refusées : Studio 2",
        "Nous sommes désolés : Werkplaats n'a pas pu accepter votre demande pour ces 3 dates :",
        None,
    ),
    ("cancelled", "en", 1): (
        "Booking cancelled: Studio 2",
        "This booking at Werkplaats is cancelled:",
        "See the details of the booking",
    ),
    ("cancelled", "en", 3): (
        "3 bookings cancelled: Studio 2",
        "These 3 bookings at Werkplaats are cancelled:",
        "See the details of the bookings",
    ),
    ("cancelled", "fr", 1): (
        "Réservation annulée : Studio 2",
        "Cette réservation à Werkplaats est annulée :",
        "Voir le détail de la réservation",
    ),
    ("cancelled", "fr", 3): (
        "3 réservations annulées : Studio 2",
        "Ces 3 réservations à Werkplaats sont annulées :",
        "Voir le détail des réservations",
    ),
}


def _person(space, practice, language: str):
    return f.make_member_of(space, practice=practice, email="person@example.org", language=language)


def _weekly(room, person, status: str, count: int) -> list:
    return [
        BookingFactory(resource=room, booked_by=person, status=status, start=local(d, 10), end=local(d, 12))
        for d in range(7, 7 + 7 * count, 7)
    ]


@pytest.mark.parametrize("count", [1, 3])
@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("kind", list(NOTIFY))
def test_email_wording_agrees_with_the_number_of_dates(kind, language, count, space, practice, room):
    notify, status = NOTIFY[kind]
    bookings = _weekly(room, _person(space, practice, language), status, count)
    subject, line, link = EXPECTED[kind, language, count]

    notify(bookings)

    (message,) = [m for m in mail.outbox if m.to == ["person@example.org"]]
    page = html.unescape(message.alternatives[0][0])
    assert message.subject == subject
    assert message.body.count("- Studio 2: ") == count
    assert line in message.body
    assert line in page
    if link:
        assert link in message.body + page


@pytest.mark.parametrize(
    ("language", "count", "subject"),
    [
        ("en", 1, "Out of service at Werkplaats: your booking is affected"),
        ("en", 3, "Out of service at Werkplaats: 3 of your bookings are affected"),
        ("fr", 1, "Indisponibilité à Werkplaats : votre réservation est concernée"),
        ("fr", 3, "Indisponibilité à Werkplaats : 3 de vos réservations sont concernées"),
    ],
)
def test_out_of_service_subject_agrees_with_the_number_of_dates(language, count, subject, space, practice, room):
    bookings = _weekly(room, _person(space, practice, language), "confirmed", count)
    closure = f.ClosureFactory(space=space, resource=room, start=local(7, 0), end=local(7 * count + 1, 0))

    notifications.out_of_service(closure, bookings)

    (message,) = mail.outbox
    assert message.subject == subject
