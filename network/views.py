"""Network pages: a space's network access rules, its network visitors, the visits ledger (per space and per
network, with CSV), and the member's own page of the network's spaces. Views fetch through core.access (or
network.rules), validate a form, call one service, redirect."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import LoginRequired, space_for_coordinator, space_for_role
from core.forms import errors_to_form
from spaces import rules as space_rules
from spaces.models import Network

from . import ledger, queries, rules, services
from .forms import AccessForm, MonthForm, YearForm
from .models import NetworkAccess, Privilege


def _nav(user, space) -> dict:
    return {
        "can_visitors": rules.can_see_visitors(user, space),
        "can_ledger": rules.can_see_ledger(user, space),
        "can_access": space_rules.can_manage(user, space),
    }


def _year(request) -> int:
    form = YearForm(request.GET)
    return form.cleaned_data["year"] if form.is_valid() else timezone.localdate().year


def access(request, slug):
    """What members of the network (and of partner installations) may do here, and with what limits."""
    space = space_for_coordinator(request, slug)
    existing = {r.privilege: r for r in NetworkAccess.objects.filter(space=space)}
    posted = request.POST if request.method == "POST" else None
    forms = [
        AccessForm(posted, instance=existing.get(p.value) or NetworkAccess(space=space, privilege=p.value), privilege=p)
        for p in Privilege
    ]
    if posted is not None and all(form.is_valid() for form in forms):
        try:
            with transaction.atomic():
                for form in forms:
                    if form.has_changed():
                        services.save_access(space, form.privilege, by=request.user, **form.values())
        except ValidationError as error:
            errors_to_form(next(f for f in forms if f.has_changed()), error)
        else:
            messages.success(request, _("The network rules are saved."))
            return redirect("network:access", slug=space.slug)
    sections = [(form, Privilege(form.privilege).label) for form in forms]
    context = {"space": space, "sections": sections, **_nav(request.user, space)}
    return render(request, "network/access.html", context)


def visitors(request, slug):
    """Who came from where, when, for what, and whether it was free (one month, ?month=YYYY-MM)."""
    space = space_for_role(request, slug, *rules.VISITOR_ROLES)
    today = timezone.localdate(timezone=space.tz)
    form = MonthForm(request.GET)
    day = today
    if form.is_valid():
        with contextlib.suppress(ValueError):
            day = dt.date.fromisoformat(form.cleaned_data["month"] + "-01")
    first, last = services.month_bounds(day)
    visits = list(queries.visits_at(space, first, last))
    previous = (first - dt.timedelta(days=1)).strftime("%Y-%m")
    following = (last + dt.timedelta(days=1)).strftime("%Y-%m")
    counted = [v for v in visits if v.booking is None or v.booking.is_holding]
    context = {
        "space": space,
        "visits": visits,
        "first": first,
        "previous": previous,
        "following": following,
        "days": len(counted),
        "charged": sum((v.charge for v in counted), services.ZERO),
        "currency": _currency(space),
        **_nav(request.user, space),
    }
    return render(request, "network/visitors.html", context)


def _currency(space) -> str:
    from costs.services import settings_for

    return settings_for(space).currency


def _ledger_context(year, rows, **extra):
    return {
        "year": year,
        "rows": rows,
        "totals": ledger.totals(rows),
        "previous": year - 1,
        "following": year + 1,
        **extra,
    }


def _csv(rows, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow([_("Host space"), _("Home"), _("Home installation"), _("Visits"), _("Charged"), _("Currency")])
    for row in rows:
        writer.writerow([row.host.name, row.home, row.home_installation, row.visits, row.charged, row.currency])
    return response


def space_ledger(request, slug):
    """The space's yearly visits ledger: visits it hosted (per home) and visits its members made (per host)."""
    space = space_for_role(request, slug, *rules.LEDGER_ROLES)
    year = _year(request)
    hosted = ledger.yearly(year, host_space=space)
    made = ledger.yearly(year, home_space=space)
    context = {"space": space, "made": made, **_nav(request.user, space), **_ledger_context(year, hosted)}
    return render(request, "network/space_ledger.html", context)


def space_ledger_csv(request, slug):
    space = space_for_role(request, slug, *rules.LEDGER_ROLES)
    year = _year(request)
    rows = ledger.yearly(year, host_space=space) + ledger.yearly(year, home_space=space)
    return _csv(rows, f"visits-{space.slug}-{year}.csv")


def _network(request, slug) -> Network:
    if not request.user.is_authenticated:
        raise LoginRequired
    network = get_object_or_404(Network, slug=slug)
    if not rules.in_network(request.user, network):
        raise Http404
    if not rules.can_see_network_ledger(request.user, network):
        raise PermissionDenied
    return network


def network_ledger(request, network):
    """The network's yearly visits ledger per pair of spaces."""
    network = _network(request, network)
    year = _year(request)
    rows = ledger.yearly(year, network=network)
    return render(request, "network/network_ledger.html", {"network": network, **_ledger_context(year, rows)})


def network_ledger_csv(request, network):
    network = _network(request, network)
    year = _year(request)
    return _csv(ledger.yearly(year, network=network), f"visits-{network.slug}-{year}.csv")


@login_required
def mine(request):
    """The other spaces of my networks: what they let me do, my days there this month, where to find a desk."""
    today = timezone.localdate()
    spaces = queries.network_spaces_for(request.user, today)
    tomorrow = today + dt.timedelta(days=1)
    return render(request, "network/mine.html", {"spaces": spaces, "tomorrow": tomorrow, "today": today})
