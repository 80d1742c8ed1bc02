"""Allocation round pages. Each view: fetch through core.access, validate a form, call one service, redirect."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.access import space_for_coordinator, space_for_member
from core.forms import errors_to_form
from spaces.models import OpeningHours

from . import forms, rules, services
from .models import AllocationRequest, AllocationRound, GrantedSlot, SwapProposal


def _round(request, slug, pk, *, manage=False):
    space = space_for_coordinator(request, slug) if manage else space_for_member(request, slug)
    round_ = get_object_or_404(AllocationRound.objects.select_related("space"), pk=pk, space=space)
    return space, round_


def _back(round_):
    return redirect("allocation:round", slug=round_.space.slug, pk=round_.pk)


def _error(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def rounds(request, slug):
    space = space_for_member(request, slug)
    rows = AllocationRound.objects.filter(space=space).order_by("-season_start", "-id")
    context = {"space": space, "rounds": rows, "can_manage": rules.can_manage(request.user, space)}
    return render(request, "allocation/round_list.html", context)


def round_new(request, slug):
    space = space_for_coordinator(request, slug)
    form = forms.RoundForm(request.POST or None, space=space)
    if request.method == "POST" and form.is_valid():
        try:
            with timezone.override(space.tz):
                round_ = services.create_round(space, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("The round is open for requests."))
            return _back(round_)
    return render(request, "allocation/round_form.html", {"space": space, "form": form})


def round_detail(request, slug, pk):
    space, round_ = _round(request, slug, pk)
    can_manage = rules.can_manage(request.user, space)
    mine = rules.practices_for(request.user, space)
    requests = round_.requests.select_related("practice").prefetch_related("resources")
    if not can_manage:
        requests = requests.filter(practice__in=mine)
    context = {
        "space": space,
        "round": round_,
        "before_deadline": timezone.now() < round_.deadline,
        "contribution_period": services.contribution_period(space)
        if round_.entitlement_rule == AllocationRound.EntitlementRule.CONTRIBUTION
        else None,
        "run": round_.latest_run(),
        "can_manage": can_manage,
        "can_request": services.accepting_requests(round_, request.user) and mine.exists(),
        "requests": requests,
        "entitlements": round_.entitlements.select_related("practice"),
        "request_count": round_.requests.count(),
    }
    return render(request, "allocation/round_detail.html", context)


def progress(request, slug, pk):
    _space, round_ = _round(request, slug, pk)
    return render(request, "allocation/_progress.html", {"round": round_, "run": round_.latest_run()})


@require_POST
def round_status(request, slug, pk):
    _space, round_ = _round(request, slug, pk, manage=True)
    try:
        services.set_status(round_, request.POST.get("status", ""), by=request.user)
    except ValidationError as error:
        _error(request, error)
    return _back(round_)


def entitlements(request, slug, pk):
    space, round_ = _round(request, slug, pk, manage=True)
    services.refresh_entitlements(round_)
    rows = round_.entitlements.select_related("practice")
    form = forms.EntitlementsForm(request.POST or None, entitlements=rows)
    if request.method == "POST" and form.is_valid():
        try:
            for e in form.entitlements:
                weight = form.cleaned_data[f"weight_{e.practice_id}"]
                if weight != e.weight:
                    services.set_entitlement(round_, e.practice, by=request.user, weight=weight)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("The entitlements are saved."))
            return _back(round_)
    context = {
        "space": space,
        "round": round_,
        "form": form,
        "contribution_period": services.contribution_period(space),
    }
    return render(request, "allocation/entitlements.html", context)


def _request_form(request, space, round_, instance: AllocationRequest | None):
    practices = rules.practices_for(request.user, space)
    if not practices.exists():
        raise PermissionDenied(_("Only members of a practice of this space may submit requests."))
    initial = forms.RequestForm.initial_for(instance) if instance else {}
    form = forms.RequestForm(request.POST or None, round_=round_, practices=practices, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if instance is None:
                services.submit_request(
                    round_, by=request.user, practice=form.cleaned_data["practice"], **form.values()
                )
            else:
                services.update_request(instance, by=request.user, **form.values())
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Your request is saved."))
            return _back(round_)
    context = {"space": space, "round": round_, "form": form, "instance": instance}
    return render(request, "allocation/request_form.html", context)


def request_new(request, slug, pk):
    space, round_ = _round(request, slug, pk)
    return _request_form(request, space, round_, None)


def _own_request(request, slug, pk, req):
    space, round_ = _round(request, slug, pk)
    instance = get_object_or_404(AllocationRequest, pk=req, round=round_)
    if not rules.can_act_for(request.user, instance.practice, space):
        raise PermissionDenied(_("You may only change your own practice's requests."))
    return space, round_, instance


def request_edit(request, slug, pk, req):
    space, round_, instance = _own_request(request, slug, pk, req)
    return _request_form(request, space, round_, instance)


@require_POST
def request_delete(request, slug, pk, req):
    _space, round_, instance = _own_request(request, slug, pk, req)
    try:
        services.withdraw_request(instance, by=request.user)
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, _("The request is withdrawn."))
    return _back(round_)


@require_POST
def solve(request, slug, pk):
    _space, round_ = _round(request, slug, pk, manage=True)
    try:
        services.compute(round_, by=request.user)
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, _("The timetable is being computed. This page shows the progress."))
    return _back(round_)


@require_http_methods(["GET", "POST"])
def close_now(request, slug, pk):
    """GET asks to confirm (requests stop before the deadline; the deadline moves to now); POST closes."""
    space, round_ = _round(request, slug, pk, manage=True)
    if request.method == "GET":
        return render(request, "allocation/close_confirm.html", {"space": space, "round": round_})
    try:
        services.close_requests_now(round_, by=request.user)
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, _("Requests are closed: the timetable can be computed now."))
    return _back(round_)


def _pct(value) -> str:
    return "—" if value is None or value == "" else f"{formats.number_format(float(value) * 100, 0)} %"


def _number(value, places: int) -> str:
    return "—" if value is None or value == "" else formats.number_format(float(value), places)


def _figure_rows(data) -> list[tuple]:
    current, fcfs, robin = (
        data["figures"],
        data["comparison"].get("fcfs", {}),
        data["comparison"].get("round_robin", {}),
    )
    rows = [
        (_("Lowest satisfaction"), "min_satisfaction", _pct),
        (_("Mean satisfaction"), "mean_satisfaction", _pct),
        (_("Jain's fairness index (1 = equal)"), "jain", lambda v: _number(v, 2)),
        (_("Utilisation of the free room hours"), "utilisation", _pct),
        (
            _("Practices left with nothing"),
            "with_nothing",
            lambda v: _number(v, 0 if float(v or 0).is_integer() else 1),
        ),
    ]
    return [(label, fmt(current.get(key)), fmt(fcfs.get(key)), fmt(robin.get(key))) for label, key, fmt in rows]


def result(request, slug, pk):
    space, round_ = _round(request, slug, pk)
    data = services.result(round_)
    days = OpeningHours.Weekday.choices
    table = {d: [s for s in data["slots"] if s.weekday == d] for d, _label in days}
    mine = set(rules.practices_for(request.user, space).values_list("pk", flat=True))
    swaps = SwapProposal.objects.filter(
        round=round_, status=SwapProposal.Status.PENDING, wanted__request__practice_id__in=mine
    ).select_related("offered__resource", "offered__request__practice", "wanted__resource")
    context = {
        **data,
        "space": space,
        "days": [(d, label, table[d]) for d, label in days if table[d]],
        "can_manage": rules.can_manage(request.user, space),
        "my_practices": mine,
        "swaps": swaps,
        "published": round_.status == AllocationRound.Status.PUBLISHED,
        "figure_rows": _figure_rows(data),
        "pct": {p["practice"].pk: _pct(p["satisfaction"]) for p in data["practices"]},
    }
    return render(request, "allocation/result.html", context)


def place(request, slug, pk, req):
    space, round_ = _round(request, slug, pk, manage=True)
    instance = get_object_or_404(AllocationRequest.objects.select_related("practice"), pk=req, round=round_)
    slot = services.live_slots(round_).filter(request=instance).first()
    initial = {"resource": slot.resource_id, "weekday": slot.weekday, "start": slot.start} if slot else {}
    form = forms.PlaceForm(request.POST or None, round_=round_, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.place_by_hand(instance, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("The slot is changed."))
            return redirect("allocation:result", slug=space.slug, pk=round_.pk)
    context = {"space": space, "round": round_, "form": form, "instance": instance, "slot": slot}
    return render(request, "allocation/place_form.html", context)


@require_POST
def slot_remove(request, slug, pk, slot):
    space, round_ = _round(request, slug, pk, manage=True)
    granted = get_object_or_404(GrantedSlot, pk=slot, round=round_)
    try:
        services.remove_slot(granted, by=request.user)
    except ValidationError as error:
        _error(request, error)
    return redirect("allocation:result", slug=space.slug, pk=round_.pk)


@require_POST
def publish(request, slug, pk):
    space, round_ = _round(request, slug, pk, manage=True)
    try:
        count = services.publish(round_, by=request.user)
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, _("Published: %(count)s weekly bookings.") % {"count": count})
    return redirect("allocation:result", slug=space.slug, pk=round_.pk)


def _slot(request, slug, pk, slot):
    space, round_ = _round(request, slug, pk)
    granted = get_object_or_404(
        GrantedSlot.objects.select_related("request__practice", "resource"), pk=slot, round=round_
    )
    if not rules.can_act_for(request.user, granted.request.practice, space):
        raise PermissionDenied(_("Only the practice's members may do this."))
    return space, round_, granted


@require_http_methods(["GET", "POST"])
def release(request, slug, pk, slot):
    """GET asks to confirm (a release is for the rest of the season and cannot be undone); POST releases."""
    space, round_, granted = _slot(request, slug, pk, slot)
    if request.method == "GET":
        if round_.status != AllocationRound.Status.PUBLISHED or granted.released_at is not None:
            messages.error(request, _("Only a published slot that is still held can be released."))
            return redirect("allocation:result", slug=space.slug, pk=round_.pk)
        context = {"space": space, "round": round_, "slot": granted}
        return render(request, "allocation/release_confirm.html", context)
    try:
        offered = services.release_slot(granted, by=request.user)
    except ValidationError as error:
        _error(request, error)
    else:
        if offered:
            messages.success(
                request,
                _("Released; it went to %(practice)s from the waitlist.") % {"practice": offered.request.practice.name},
            )
        else:
            messages.success(request, _("Released; no request on the waitlist fits it."))
    return redirect("allocation:result", slug=space.slug, pk=round_.pk)


def swap(request, slug, pk, slot):
    space, round_, granted = _slot(request, slug, pk, slot)
    form = forms.SwapForm(request.POST or None, offered=granted)
    if request.method == "POST" and form.is_valid():
        try:
            services.propose_swap(granted, form.cleaned_data["wanted"], by=request.user)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Your proposal is sent to the other practice."))
            return redirect("allocation:result", slug=space.slug, pk=round_.pk)
    return render(
        request, "allocation/swap_form.html", {"space": space, "round": round_, "form": form, "slot": granted}
    )


@require_POST
def swap_answer(request, slug, pk, swap):
    space, round_ = _round(request, slug, pk)
    proposal = get_object_or_404(
        SwapProposal.objects.select_related("wanted__request__practice"), pk=swap, round=round_
    )
    if not rules.can_act_for(request.user, proposal.wanted.request.practice, space):
        raise PermissionDenied(_("Only the other practice may answer."))
    try:
        services.answer_swap(proposal, by=request.user, accept=request.POST.get("answer") == "accept")
    except ValidationError as error:
        _error(request, error)
    return redirect("allocation:result", slug=space.slug, pk=round_.pk)
