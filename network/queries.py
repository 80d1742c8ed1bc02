"""Reads used by the network pages and the API."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from costs.models import CostSettings
from spaces import rules as space_rules
from spaces.models import Space

from .models import NetworkAccess, NetworkVisit, Privilege
from .services import month_bounds


def visits_at(space: Space, first: dt.date | None = None, last: dt.date | None = None):
    """The space's network visits (newest first), with their visitor, home and booking, in one query."""
    qs = NetworkVisit.objects.filter(space=space).select_related("member", "home_space", "booking")
    if first is not None:
        qs = qs.filter(date__gte=first)
    if last is not None:
        qs = qs.filter(date__lte=last)
    return qs.order_by("-date", "-id")


def network_spaces_for(user, today: dt.date) -> list[dict]:
    """The other spaces of the user's networks, each with its rules and the user's days there this month.

    Four queries, whatever the number of spaces.
    """
    mine = space_rules.member_space_ids(user)
    spaces = list(
        Space.objects.filter(network_id__in=space_rules.network_ids(user))
        .exclude(id__in=mine)
        .select_related("network")
        .order_by("network__name", "name")
    )
    ids = [s.pk for s in spaces]
    rules: dict[int, dict[str, NetworkAccess]] = defaultdict(dict)
    for rule in NetworkAccess.objects.filter(space_id__in=ids):
        rules[rule.space_id][rule.privilege] = rule
    first, last = month_bounds(today)
    used: dict[tuple[int, str], int] = defaultdict(int)
    for space_id, privilege in (
        NetworkVisit.objects.counted()
        .filter(space_id__in=ids, visitor_key=NetworkVisit.key_for(member=user), date__gte=first, date__lte=last)
        .values_list("space_id", "privilege")
    ):
        used[(space_id, privilege)] += 1
    currencies = dict(CostSettings.objects.filter(space_id__in=ids).values_list("space_id", "currency"))
    return [
        {
            "space": space,
            "currency": currencies.get(space.pk, "EUR"),
            "privileges": [
                {"privilege": p, "rule": rules[space.pk].get(p.value), "used": used[(space.pk, p.value)]}
                for p in Privilege
            ],
        }
        for space in spaces
    ]
