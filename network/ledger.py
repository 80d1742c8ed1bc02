"""The yearly visits ledger: per pair of spaces (host, home), how many visit days and what they were charged.

A network can settle up with it if it wants to. Only counted visits (no booking, or a booking that still holds
its slot) are in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Max, Sum

from costs.models import CostSettings
from spaces.models import Space

from .models import NetworkVisit


@dataclass(frozen=True)
class LedgerRow:
    host: Space
    home_space: Space | None
    home_installation: str
    home_label: str
    visits: int
    charged: Decimal
    currency: str = "EUR"  # the host's (costs settings): charges are paid at the host

    @property
    def home(self) -> str:
        if self.home_space is not None:
            return self.home_space.name
        return self.home_label or self.home_installation


def yearly(year: int, *, host_space: Space | None = None, network=None, home_space: Space | None = None):
    """Rows (host, home space or installation, visits, charged total) of ``year`` (local dates at the hosts),
    for one host space, the spaces of one network, or everything; ordered by host and home. Three queries."""
    qs = NetworkVisit.objects.counted().filter(date__year=year)
    if host_space is not None:
        qs = qs.filter(space=host_space)
    if network is not None:
        qs = qs.filter(space__network=network)
    if home_space is not None:
        qs = qs.filter(home_space=home_space)
    grouped = list(
        qs.order_by()
        .values("space_id", "home_space_id", "home_installation")
        .annotate(visits=Count("id"), charged=Sum("charge"), label=Max("home_label"))
    )
    ids = {g["space_id"] for g in grouped} | {g["home_space_id"] for g in grouped if g["home_space_id"]}
    spaces = Space.objects.in_bulk(ids)
    currencies = dict(
        CostSettings.objects.filter(space_id__in={g["space_id"] for g in grouped}).values_list("space_id", "currency")
    )
    rows = [
        LedgerRow(
            host=spaces[g["space_id"]],
            home_space=spaces.get(g["home_space_id"]),
            home_installation=g["home_installation"],
            home_label=g["label"] or "",
            visits=g["visits"],
            charged=(g["charged"] or Decimal("0")).quantize(Decimal("0.01")),
            currency=currencies.get(g["space_id"], "EUR"),
        )
        for g in grouped
    ]
    rows.sort(key=lambda r: (r.host.name, r.home.lower(), r.home_installation))
    return rows


def totals(rows: list[LedgerRow]) -> list[tuple[str, int, Decimal]]:
    """(currency, visits, charged) over ``rows``, one line per currency."""
    out: dict[str, list] = {}
    for row in rows:
        line = out.setdefault(row.currency, [0, Decimal("0.00")])
        line[0] += row.visits
        line[1] += row.charged
    return [(currency, visits, charged) for currency, (visits, charged) in sorted(out.items())]
