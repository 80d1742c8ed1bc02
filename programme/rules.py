"""Who may do what in the programme, built on spaces.rules."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from network.models import NetworkAccess, NetworkVisit, Privilege
from spaces import rules
from spaces.models import Space, SpaceMembership

from .models import Event


def _authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def practice_is_in_space(practice, space: Space) -> bool:
    return SpaceMembership.objects.active().filter(space=space, practice=practice).exists()


def organiser_practices(user, space: Space):
    """The practices in ``space`` for which ``user`` may organise events."""
    from community.models import Practice

    if not _authenticated(user):
        return Practice.objects.none()
    memberships = SpaceMembership.objects.active().filter(space=space)
    practices = Practice.objects.filter(id__in=memberships.values("practice_id"))
    if rules.is_coordinator(user, space):
        return practices
    return practices.filter(id__in=rules.practice_ids(user))


def can_create_event(user, space: Space, practice=None) -> bool:
    """Coordinators of the space, for the space or any of its practices; a practice's members, for their practice."""
    if not _authenticated(user):
        return False
    if rules.is_coordinator(user, space):
        return practice is None or practice_is_in_space(practice, space)
    if practice is None:
        return False
    return practice.pk in rules.practice_ids(user) and practice_is_in_space(practice, space)


def may_create_events_somewhere(user, space: Space) -> bool:
    return rules.is_coordinator(user, space) or organiser_practices(user, space).exists()


def is_organiser(user, event: Event) -> bool:
    """The space's coordinators, the organising practice's members and the person who created the event."""
    if not _authenticated(user):
        return False
    if rules.is_coordinator(user, event.space_id):
        return True
    if event.created_by_id == user.pk:
        return True
    return event.practice_id is not None and event.practice_id in rules.practice_ids(user)


def events_rule(space: Space) -> NetworkAccess | None:
    """The host's rule for the "attend member events" privilege (None: the space saved none)."""
    return NetworkAccess.objects.filter(space_id=space.pk, privilege=Privilege.EVENTS).first()


def is_network_guest(user, space: Space) -> bool:
    """A signed-in member of the space's network who is not a member of the space itself (no query)."""
    if not _authenticated(user) or rules.is_member(user, space.pk):
        return False
    return space.network_id is not None and space.network_id in rules.network_ids(user)


def member_events_open_to(user, space: Space) -> bool:
    """May ``user``, a member of the space's network, see and attend the space's member events? Only when the
    space's "events" rule lets members of the network in; without a rule, member events stay for members."""
    if not is_network_guest(user, space):
        return False
    rule = events_rule(space)
    return rule is not None and rule.local


def network_guest_terms(user, event: Event, occurrences) -> dict | None:
    """What registering for each date means for a member of the network at a member event of another space.

    ``{"rule": the host's "events" rule, "currency": …, "dates": {occurrence id: network.services.Admission}}``,
    worked out as ``network.services.admit`` would (nothing recorded): each date on its own, against the days
    already counted at the host that month. None when the host's network rule does not apply (public and network
    events, members of the space, people outside the network). Three queries.
    """
    from costs.services import settings_for
    from network.services import Admission, month_bounds, price_day

    if event.audience != Event.Audience.MEMBERS or not member_events_open_to(user, event.space):
        return None
    space = event.space
    rule = events_rule(space)
    days = {occ.pk: timezone.localtime(occ.start, space.tz).date() for occ in occurrences}
    dates = {}
    if days:
        first, last = month_bounds(min(days.values()))[0], month_bounds(max(days.values()))[1]
        counted = dict(
            NetworkVisit.objects.counted()
            .filter(space=space, visitor_key=NetworkVisit.key_for(member=user), privilege=Privilege.EVENTS)
            .filter(date__gte=first, date__lte=last)
            .values_list("date", "charge")
        )
        for pk, day in days.items():
            used = sum(1 for d in counted if d != day and (d.year, d.month) == (day.year, day.month))
            if day in counted:
                dates[pk] = Admission(allowed=True, free=not counted[day], charge=counted[day], used_this_month=used)
                continue
            allowed, charge = price_day(rule, used)
            if allowed:
                dates[pk] = Admission(allowed=True, free=not charge, charge=charge, used_this_month=used)
            else:
                reason = _("Your free days this month at %(space)s are used: you cannot register for this date.")
                dates[pk] = Admission(allowed=False, reason=reason % {"space": space.name}, free=False)
    return {"rule": rule, "currency": settings_for(space).currency, "dates": dates}


def can_see_event(user, event: Event) -> bool:
    if event.audience == Event.Audience.PUBLIC:
        return True
    if event.audience == Event.Audience.NETWORK:
        return rules.is_network_member(user, event.space)
    return rules.is_member(user, event.space_id) or member_events_open_to(user, event.space)


def visible_occurrences_filter(user, prefix: str = "") -> Q:
    """Occurrences the user may see: public ones, plus network/member ones where the user belongs (member ones
    of another space of the user's networks when that space's "events" rule lets members of the network in).
    One query: the rule is a subquery."""
    q = Q(**{f"{prefix}audience": Event.Audience.PUBLIC})
    if not _authenticated(user):
        return q
    if user.is_superuser:
        return Q()
    spaces = rules.member_space_ids(user)
    networks = rules.network_ids(user)
    q |= Q(**{f"{prefix}space_id__in": spaces})
    if networks:
        q |= Q(**{f"{prefix}audience": Event.Audience.NETWORK, f"{prefix}space__network_id__in": networks})
        open_spaces = NetworkAccess.objects.filter(
            privilege=Privilege.EVENTS, local=True, space__network_id__in=networks
        ).values("space_id")
        q |= Q(**{f"{prefix}audience": Event.Audience.MEMBERS, f"{prefix}space_id__in": open_spaces})
    return q


def visible_events_filter(user) -> Q:
    return visible_occurrences_filter(user)


def can_manage_project(user, practice) -> bool:
    return rules.can_manage_practice(user, practice)


def can_see_space_services(user, space: Space) -> bool:
    """A space's services are public for spaces open to everyone, otherwise seen by those the space admits."""
    if space.access_policy == Space.Access.PUBLIC:
        return True
    if space.access_policy == Space.Access.NETWORK:
        return rules.is_network_member(user, space)
    return rules.is_member(user, space)


def can_take_slot(user, space: Space) -> bool:
    return rules.is_member(user, space)


def can_manage_services(user, space: Space) -> bool:
    return rules.can_manage(user, space)
