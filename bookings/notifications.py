"""Emails about bookings, each in its recipient's language (core.emails).

The booking services call these through ``transaction.on_commit``: nothing is sent for a change that is rolled
back. Each function returns the number of emails sent.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from core import emails
from spaces import rules as space_rules
from spaces.models import RoleAssignment

from .forms import book_link
from .rules import effective_policy

PREFIX = "bookings/email/"


def absolute_url(name: str, language: str | None, **kwargs) -> str:
    """A full link to a UI page, with the recipient's language prefix."""
    with translation.override(language or settings.LANGUAGE_CODE):
        return settings.SITE_URL + reverse(name, kwargs=kwargs)


def booking_url(booking, language: str | None) -> str:
    return absolute_url("bookings:detail", language, slug=booking.resource.space.slug, pk=booking.pk)


def _send_about(template: str, bookings: list, extra: dict | None = None) -> int:
    """Send ``template`` about ``bookings`` (all made by the same person) to the person who booked them."""
    if not bookings:
        return 0
    first = bookings[0]
    space = first.resource.space
    context = {"bookings": bookings, "booking": first, "space": space, "resource": first.resource, **(extra or {})}
    if first.booked_by is not None and first.booked_by.email and first.booked_by.is_active:
        member = first.booked_by
        context["url"] = booking_url(first, member.language)
        emails.send_to_member(PREFIX + template, member, context)
        return 1
    if first.guest_email:
        language = settings.LANGUAGE_CODE
        context["url"] = ""
        emails.send(PREFIX + template, first.guest_email, {"member": None, **context}, language=language)
        return 1
    return 0


def _by_person(bookings: Iterable) -> list[list]:
    """Bookings grouped by who made them, so that each person gets one email."""
    groups: dict[object, list] = defaultdict(list)
    for booking in bookings:
        key = booking.booked_by_id or booking.guest_email or None
        if key is not None:
            groups[key].append(booking)
    return list(groups.values())


def approvers(booking) -> list:
    """The members who may approve the booking: the policy's approver role and the coordinators."""
    resource = booking.resource
    roles = {effective_policy(resource).approver_role, *space_rules.MANAGING_ROLES}
    assignments = (
        RoleAssignment.objects.filter(space_id=resource.space_id, role__in=roles)
        .select_related("member")
        .order_by("member_id")
    )
    people = {a.member.pk: a.member for a in assignments if a.member.is_active and a.member.email}
    return list(people.values())


def booking_confirmed(bookings) -> int:
    """ "Your booking is confirmed", one email per person for a booking or a whole series."""
    return sum(_send_about("booking_confirmed", group) for group in _by_person(bookings))


def booking_pending(bookings) -> int:
    """Tell the person their request waits for approval, and the approvers that a request waits for them."""
    bookings = list(bookings)
    sent = sum(_send_about("booking_pending", group) for group in _by_person(bookings))
    if bookings:
        first = bookings[0]
        space = first.resource.space
        for approver in approvers(first):
            if approver.pk == first.booked_by_id:
                continue
            context = {
                "bookings": bookings,
                "booking": first,
                "space": space,
                "resource": first.resource,
                "url": booking_url(first, approver.language),
                "queue_url": absolute_url("bookings:queue", approver.language, slug=space.slug),
            }
            emails.send_to_member(PREFIX + "approval_needed", approver, context)
            sent += 1
    return sent


def booking_approved(booking) -> int:
    return _send_about("booking_approved", [booking])


def booking_refused(booking) -> int:
    return _send_about("booking_refused", [booking])


def booking_cancelled(booking) -> int:
    return _send_about("booking_cancelled", [booking])


def series_approved(bookings) -> int:
    """Several dates of a series approved at once: one email per person, listing their dates."""
    return sum(_send_about("booking_approved", group) for group in _by_person(bookings))


def series_refused(bookings) -> int:
    """Several dates of a series refused at once: one email per person, listing their dates."""
    return sum(_send_about("booking_refused", group) for group in _by_person(bookings))


def series_cancelled(bookings) -> int:
    """A date and the following ones of a series cancelled: one email per person, listing their dates."""
    return sum(_send_about("booking_cancelled", group) for group in _by_person(bookings))


def waitlist_offer(entry) -> int:
    """The slot someone waited for is free: a link to book it (the booking form, filled in)."""
    member = entry.member
    if not member.is_active or not member.email:
        return 0
    space = entry.resource.space
    context = {
        "entry": entry,
        "space": space,
        "resource": entry.resource,
        "url": settings.SITE_URL + book_link(space, entry.resource, entry.start, entry.end, member.language),
    }
    emails.send_to_member(PREFIX + "waitlist_offer", member, context)
    return 1


def out_of_service(closure, bookings) -> int:
    """A closure (or an incident) hits these bookings: one email per person, listing theirs."""
    return sum(
        _send_about("out_of_service", sorted(group, key=lambda b: b.start), {"closure": closure})
        for group in _by_person(bookings)
    )
