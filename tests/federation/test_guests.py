"""Host side: a partner's member books as a network guest under the host's rules and quotas."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from bookings.models import Booking
from bookings.services import BookingConflict, BookingRefused
from federation import remote, services
from federation.models import FederatedGuest, UsedPass
from network.models import NetworkVisit

from .conftest import HOME, tomorrow_at


def test_a_guest_books_a_desk(partner, home, desk, desk_rule, space):
    claims = home.claims()
    verified, bookings, admissions = services.book_as_guest(
        home.sign(claims), desk, tomorrow_at(space, 9), tomorrow_at(space, 17)
    )
    booking = Booking.objects.get()
    assert bookings == [booking]
    assert booking.booked_by is None and booking.status == Booking.Status.CONFIRMED
    assert booking.guest_name == "Network guest from Home plek" and booking.guest_email == ""
    visit = NetworkVisit.objects.get()
    assert (visit.home_installation, visit.visitor_ref, visit.booking, visit.charge) == (
        HOME,
        claims["sub"],
        booking,
        Decimal("0"),
    )
    guest = FederatedGuest.objects.get()
    assert (guest.sub, guest.name, guest.email) == (claims["sub"], "", "")
    assert UsedPass.objects.filter(jti=claims["jti"]).exists()


def test_consented_name_and_email_reach_the_booking(partner, home, desk, desk_rule, space):
    token = home.sign(home.claims(name="Ana Home", email="ana@home.example"))
    services.book_as_guest(token, desk, tomorrow_at(space, 9), tomorrow_at(space, 12))
    booking = Booking.objects.get()
    assert (booking.guest_name, booking.guest_email) == ("Ana Home", "ana@home.example")


def test_free_days_then_the_day_price(partner, home, desk, desk_rule, space):
    sub = "visitor-1"
    charges = []
    for days in (1, 2, 3):
        _v, _b, admissions = services.book_as_guest(
            home.sign(home.claims(sub=sub)), desk, tomorrow_at(space, 9, days), tomorrow_at(space, 10, days)
        )
        charges.append(admissions[0].charge)
    # The three days may span two months: count per month as the host does.
    months = [tomorrow_at(space, 9, d).month for d in (1, 2, 3)]
    if len(set(months)) == 1:
        assert charges == [Decimal("0"), Decimal("0"), Decimal("12.50")]
    assert NetworkVisit.objects.filter(visitor_ref=sub).count() == 3


def test_refused_when_the_host_does_not_open_desks_to_partners(partner, home, desk, space):
    token = home.sign()
    with pytest.raises(BookingRefused):
        services.book_as_guest(token, desk, tomorrow_at(space, 9), tomorrow_at(space, 10))
    assert not Booking.objects.exists() and not UsedPass.objects.exists()


def test_refused_at_a_space_that_does_not_recognise_the_partner(partner, home, other_space):
    from tests import factories as f

    desk = f.ResourceFactory(space=other_space, name="Far desk", kind="desk")
    with pytest.raises(services.PassRefused) as info:
        services.book_as_guest(home.sign(), desk, tomorrow_at(other_space, 9), tomorrow_at(other_space, 10))
    assert info.value.code == "not_recognised"


def test_a_refused_booking_leaves_the_pass_unused(partner, home, desk, desk_rule, space):
    token = home.sign()
    services.book_as_guest(home.sign(), desk, tomorrow_at(space, 9), tomorrow_at(space, 12))
    with pytest.raises(BookingConflict):
        services.book_as_guest(token, desk, tomorrow_at(space, 10), tomorrow_at(space, 11))
    assert UsedPass.objects.count() == 1
    services.book_as_guest(token, desk, tomorrow_at(space, 13), tomorrow_at(space, 14))
    assert UsedPass.objects.count() == 2


def test_counted_at_the_host_when_the_home_server_is_offline(partner, home, desk, desk_rule, space):
    partner.status_fetched_at = partner.status_fetched_at - dt.timedelta(hours=2)
    partner.save()
    # The status list cannot be fetched (no network in tests): the last copy stands, the visit is counted here.
    services.book_as_guest(home.sign(), desk, tomorrow_at(space, 9), tomorrow_at(space, 10))
    assert NetworkVisit.objects.count() == 1
    partner.refresh_from_db()
    assert "no network" in partner.last_error


def test_a_revoked_member_is_refused_after_the_status_list_is_fetched(
    partner, home, desk, desk_rule, space, monkeypatch
):
    claims = home.claims(sub="revoked-one")
    partner.status_fetched_at = None
    partner.save()

    def fake_status(url):
        class Response:
            status_code = 200
            content = b"x"
            text = home.sign(
                {
                    "iss": HOME,
                    "aud": "https://host.example",
                    "iat": claims["iat"],
                    "exp": claims["exp"],
                    "revoked": ["revoked-one"],
                },
                header=home.header(typ="plek-status+jwt"),
            )

        return Response()

    monkeypatch.setattr(remote, "_get", fake_status)
    with pytest.raises(services.PassRefused) as info:
        services.book_as_guest(home.sign(claims), desk, tomorrow_at(space, 9), tomorrow_at(space, 10))
    assert info.value.code == "revoked"
    partner.refresh_from_db()
    assert partner.revoked_subs == ["revoked-one"] and partner.status_fetched_at is not None


def test_a_status_list_signed_by_another_key_is_ignored(partner, home, monkeypatch):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    def fake_status(url):
        class Response:
            status_code = 200
            content = b"x"
            text = home.sign(
                {"iss": HOME, "aud": "https://host.example", "iat": 1, "exp": 2, "revoked": []},
                header=home.header(typ="plek-status+jwt"),
                key=Ed25519PrivateKey.generate(),
            )

        return Response()

    monkeypatch.setattr(remote, "_get", fake_status)
    assert remote.refresh_status(partner) is False
