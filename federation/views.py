"""Federation pages: partners in a space's settings, the member's network passes and consent, the host's page where a
partner's member presents a pass and books, and the partner network (spaces and events from partners' feeds)."""

from __future__ import annotations

import datetime as dt

import segno
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bookings.services import BookingConflict, BookingRefused
from community.models import Member
from core.access import LoginRequired, space_for_coordinator
from core.forms import errors_to_form
from spaces.models import SpaceMembership

from . import documents, keys, remote, services
from .forms import ArriveForm, ConsentForm, PartnerForm, PassRequestForm, RevokeForm
from .models import Consent, Partner, PartnerRecognition, Revocation


def _space_members(space):
    practices = SpaceMembership.objects.active().filter(space=space).values("practice_id")
    return (
        Member.objects.filter(Q(practice_links__practice_id__in=practices) | Q(roles__space=space), is_active=True)
        .distinct()
        .order_by("name", "email")
    )


def partners(request, slug):
    space = space_for_coordinator(request, slug)
    form = PartnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            added = services.add_partner(
                space, form.cleaned_data["url"], form.cleaned_data["fingerprint"], by=request.user
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(
                request, _("%(space)s recognises %(partner)s.") % {"space": space.name, "partner": added.partner.name}
            )
            return redirect("federation:partners", slug=space.slug)
    members = _space_members(space)
    context = {
        "space": space,
        "tool": "partners",
        "form": form,
        "recognitions": PartnerRecognition.objects.filter(space=space).select_related("partner"),
        "fingerprint": keys.own_fingerprint(),
        "well_known": documents.well_known(),
        "revoke_form": RevokeForm(members=members),
        "revocations": Revocation.objects.filter(member__in=members).select_related("member"),
    }
    return render(request, "federation/partners.html", context)


@require_POST
def partner_remove(request, slug, pk):
    space = space_for_coordinator(request, slug)
    recognition = get_object_or_404(PartnerRecognition, space=space, pk=pk)
    services.remove_partner(recognition, by=request.user)
    messages.success(
        request,
        _("%(space)s no longer recognises %(partner)s.") % {"space": space.name, "partner": recognition.partner.name},
    )
    return redirect("federation:partners", slug=space.slug)


@require_POST
def revocations(request, slug):
    space = space_for_coordinator(request, slug)
    members = _space_members(space)
    if "reinstate" in request.POST:
        member = get_object_or_404(members, pk=request.POST.get("reinstate"))
        services.reinstate_member(member, by=request.user)
        messages.success(request, _("%(member)s may use network passes again.") % {"member": member})
        return redirect("federation:partners", slug=space.slug)
    form = RevokeForm(request.POST, members=members)
    if form.is_valid():
        member = form.cleaned_data["member"]
        services.revoke_member(member, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(
            request,
            _("The network passes of %(member)s are withdrawn; partners refuse them within 15 minutes.")
            % {"member": member},
        )
    else:
        messages.error(request, _("Choose a member of this space."))
    return redirect("federation:partners", slug=space.slug)


def _signed_in(request):
    if not request.user.is_authenticated:
        raise LoginRequired


def passes(request):
    _signed_in(request)
    member = request.user
    hosts = services.hosts_for(member)
    form = PassRequestForm(request.POST or None, partners=hosts)
    issued = None
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.issue_pass(member, form.cleaned_data["partner"], by=member)
        except PermissionDenied as error:
            form.add_error(None, str(error))
    consents = {c.partner_id: c for c in Consent.objects.filter(member=member)}
    host_rows = [
        {
            "partner": p,
            "consent": consents.get(p.pk),
            "form": ConsentForm(initial=_consent_initial(consents.get(p.pk)), prefix=f"c{p.pk}"),
        }
        for p in hosts
    ]
    context = {
        "form": form,
        "issued": issued,
        "qr": mark_safe(segno.make(issued.link, error="m").svg_inline(scale=4, title=_("QR code of the pass")))
        if issued
        else "",  # noqa: S308 (segno's own SVG)
        "hosts": host_rows,
        "log": services.passes_log(member)[:50],
        "revoked": services.is_revoked(member),
    }
    return render(request, "federation/passes.html", context)


def _consent_initial(consent):
    return {"share_name": consent.share_name, "share_email": consent.share_email} if consent else {}


@require_POST
def consent(request, pk):
    _signed_in(request)
    partner = get_object_or_404(services.hosts_for(request.user), pk=pk)
    form = ConsentForm(request.POST, prefix=f"c{partner.pk}")
    if form.is_valid():
        services.set_consent(request.user, partner, by=request.user, **form.cleaned_data)
        messages.success(request, _("Your choice for %(partner)s is saved.") % {"partner": partner.name})
    return redirect("federation:passes")


def arrive(request):
    """Host side: a partner's member presents a pass (link, QR code or pasted) and books as a network guest."""
    token = (request.POST.get("token") or request.GET.get("token") or "").strip()
    checked, refusal = None, None
    if token:
        try:
            checked = services.check_pass(token)
        except services.PassRefused as error:
            refusal = error
    resources = services.guest_resources(checked.partner) if checked else services.guest_resources(Partner(pk=0))
    form = ArriveForm(request.POST or None, initial={"token": token}, resources=resources)
    result = None
    if request.method == "POST" and checked and form.is_valid():
        data = form.cleaned_data
        tz = data["resource"].space.tz
        start = dt.datetime.combine(data["date"], data["start"], tzinfo=tz)
        end = dt.datetime.combine(data["date"], data["end"], tzinfo=tz)
        try:
            _verified, bookings, admissions = services.book_as_guest(token, data["resource"], start, end)
        except services.PassRefused as error:
            refusal = error
        except BookingRefused as error:
            form.add_error(None, error.reason)
        except BookingConflict as error:
            form.add_error(None, error.message)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            result = {"booking": bookings[0], "admissions": admissions, "space": data["resource"].space}
    context = {"form": form, "checked": checked, "refusal": refusal, "result": result, "token": token}
    return render(request, "federation/arrive.html", context, status=200)


def partner_network(request):
    """Spaces and upcoming events of the partner installations, from their signed feeds (cached)."""
    rows = list(Partner.objects.filter(recognitions__isnull=False).distinct().order_by("name"))
    events = []
    for partner in rows:
        feed = partner.feed or {}
        partner.spaces = remote.clean_items(feed.get("spaces"), remote.SPACE_FIELDS)
        for event in remote.clean_items(feed.get("events"), remote.EVENT_FIELDS):
            try:
                start = dt.datetime.fromisoformat(event.get("start", ""))
            except ValueError:
                continue
            events.append({**event, "start": start, "partner": partner.name})
    events.sort(key=lambda e: e["start"])
    return render(request, "federation/partner_network.html", {"partners": rows, "events": events[:100]})
