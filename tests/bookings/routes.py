"""Isolation Cases of the booking pages (UI), the iCal feeds and "Find a place".

The iCal feeds are machine endpoints, not HTML pages: their Cases say ``api=True`` so that the page checks
(axe-core, ``<html lang>`` in three languages) leave them out; they send no JSON errors (all 200 or 404).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from bookings.models import Booking, ResourceGroup, WaitlistEntry
from calendars.services import feed_token_for
from tests.isolation import COORDINATOR, MEMBER, PUBLIC, SIGNED_IN, Case, expect

S = "/en/spaces/{w.space.slug}/bookings/"


def p(suffix: str):
    return lambda w: S.format(w=w) + suffix.format(w=w)


def _future(days: int, hour: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


def build(world):
    world.ui_booking = Booking.objects.create(
        resource=world.resource,
        practice=world.practice,
        booked_by=world.member,
        title="Iso rehearsal",
        start=_future(5, 9),
        end=_future(5, 11),
        is_public=True,
    )
    world.ui_pending = Booking.objects.create(
        resource=world.resource,
        practice=world.practice,
        booked_by=world.member,
        title="Iso request",
        start=_future(6, 9),
        end=_future(6, 11),
        status=Booking.Status.PENDING,
    )
    world.ui_group = ResourceGroup.objects.create(space=world.space, name="Iso studios")
    world.ui_group.resources.add(world.resource)
    world.ui_waitlist = WaitlistEntry.objects.create(
        resource=world.resource, member=world.member, start=_future(5, 9), end=_future(5, 11)
    )
    world.ui_feed = feed_token_for(world.member)


BOOK_DATA = {
    "date": (timezone.localdate() + dt.timedelta(days=8)).isoformat(),
    "start": "10:00",
    "end": "11:00",
    "repeat": "none",
}

ROUTES = {
    "bookings:space-week": Case(p(""), MEMBER),
    "bookings:space-day": Case(p("day/"), MEMBER),
    "bookings:resource-week": Case(p("resources/{w.resource.pk}/"), MEMBER),
    "bookings:resource-day": Case(p("resources/{w.resource.pk}/day/"), MEMBER),
    "bookings:public": Case(p("public/"), PUBLIC),
    "bookings:new": [
        # Visitors see the form as guests (it books only where the rules let the public book).
        Case(p("new/"), PUBLIC),
        # Visitors (no name and email) and outsiders are refused (shown on the form); members and coordinators
        # book and go on.
        Case(
            p("new/"),
            expect(PUBLIC, member=302, coordinator=302),
            method="post",
            data=lambda w: {**BOOK_DATA, "resource": w.resource.pk},
        ),
    ],
    "bookings:detail": Case(p("{w.ui_booking.pk}/"), MEMBER),
    "bookings:cancel": Case(p("{w.ui_booking.pk}/cancel/"), MEMBER),
    "bookings:approve": Case(p("{w.ui_pending.pk}/approve/"), expect(COORDINATOR, coordinator=302), method="post"),
    "bookings:refuse": Case(p("{w.ui_pending.pk}/refuse/"), COORDINATOR),
    "bookings:cancel-following": Case(p("{w.ui_booking.pk}/cancel-following/"), MEMBER),
    "bookings:approve-series": Case(
        p("{w.ui_pending.pk}/approve-series/"), expect(COORDINATOR, coordinator=302), method="post"
    ),
    "bookings:refuse-series": Case(p("{w.ui_pending.pk}/refuse-series/"), COORDINATOR),
    "bookings:waitlist-join": Case(p("waitlist/"), SIGNED_IN),
    "bookings:waitlist-leave": Case(
        p("waitlist/{w.ui_waitlist.pk}/leave/"),
        {"anonymous": 302, "outsider": 404, "member": 302, "coordinator": 302},
        method="post",
    ),
    "bookings:queue": Case(p("pending/"), COORDINATOR),
    "bookings:rules": Case(p("rules/"), COORDINATOR),
    "bookings:rules-default": Case(p("rules/default/"), COORDINATOR),
    "bookings:rules-resource": Case(p("rules/resources/{w.resource.pk}/"), COORDINATOR),
    "bookings:rules-group": Case(p("rules/groups/{w.ui_group.pk}/"), COORDINATOR),
    "bookings:groups": Case(p("groups/"), COORDINATOR),
    "bookings:group-edit": Case(p("groups/{w.ui_group.pk}/"), COORDINATOR),
    "bookings:closures": Case(p("closures/"), COORDINATOR),
    "bookings:closure": Case(p("closures/{w.closure.pk}/"), COORDINATOR),
    "bookings:mine": Case(lambda w: "/en/me/bookings/", SIGNED_IN),
    "bookings:feed-settings": Case(lambda w: "/en/me/bookings/calendar-link/", SIGNED_IN),
    "bookings:find": [
        Case(lambda w: "/en/find/", PUBLIC),
        Case(
            lambda w: (
                "/en/find/?date="
                + (timezone.localdate() + dt.timedelta(days=3)).isoformat()
                + "&start=09:00&end=18:00&duration=60"
            ),
            PUBLIC,
        ),
    ],
    "bookings:public-feed": Case(p("public.ics"), PUBLIC, api=True, note="iCal"),
    "bookings:private-feed": Case(lambda w: f"/en/calendars/{w.ui_feed.token}.ics", PUBLIC, api=True, note="iCal"),
}
