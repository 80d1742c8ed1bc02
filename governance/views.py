"""Co-governance pages. Each view: fetch through core.access, validate a form, call one service, redirect."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from core.access import LoginRequired, space_for_coordinator, space_for_member
from core.forms import errors_to_form
from spaces import rules as space_rules
from spaces.models import RoleAssignment, Space

from . import changes, forms, queries, rules
from .models import (
    Agreement,
    Attachment,
    CareTask,
    Decision,
    DecisionRule,
    Document,
    Incident,
    Meeting,
    Proposal,
    ProposalType,
    Shift,
    Vote,
)
from .services import agreements, documents, incidents, meetings, proposals, rota


def _serve(request, field_file):
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    content_type = mimetypes.guess_type(field_file.name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Overview ---


def overview(request, slug):
    space = space_for_member(request, slug)
    context = {
        "space": space,
        "open_proposals": queries.proposals(space).filter(status=Proposal.Status.OPEN)[:10],
        "recent_decisions": Decision.objects.filter(space=space)[:5],
        "pending_version": documents.pending_acknowledgement(request.user, space),
        "secured": agreements.secured_until(space),
        "can_manage": rules.can_manage(request.user, space),
        "my_shifts": queries.my_shifts(request.user, space)[:5],
        "open_incidents": Incident.objects.filter(space=space).exclude(status=Incident.Status.SOLVED).count(),
    }
    return render(request, "governance/overview.html", context)


def acknowledgements(request):
    if not request.user.is_authenticated:
        raise LoginRequired
    pending = documents.pending_acknowledgements(request.user)
    return render(request, "governance/acknowledgements.html", {"pending": pending})


# --- Proposals and decisions ---


def proposal_list(request, slug):
    space = space_for_member(request, slug)
    return render(request, "governance/proposal_list.html", {"space": space, "proposals": queries.proposals(space)})


def proposal_new(request, slug):
    space = space_for_member(request, slug)
    with timezone.override(space.tz):  # dates in forms are the space's local time
        return _proposal_new(request, space)


def _proposal_new(request, space):
    change_kind = request.POST.get("change_kind") or request.GET.get("change") or ""
    change = changes.get(change_kind)
    form = forms.ProposalForm(request.POST or None, request.FILES or None, space=space)
    change_form = change.form_class(request.POST or None, space=space, prefix="change") if change else None
    if request.method == "POST" and form.is_valid() and (change_form is None or change_form.is_valid()):
        data = form.cleaned_data
        change_data = {k.removeprefix("change-"): v for k, v in request.POST.items() if k.startswith("change-")}
        try:
            proposal = proposals.create_proposal(
                space,
                by=request.user,
                title=data["title"],
                text=data["text"],
                deadline=data["deadline"],
                type=data["type"],
                meeting=data["meeting"],
                change_kind=change.kind if change else "",
                change_data=change_data,
                attachments=[data["attachment"]] if data["attachment"] else [],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Your proposal is open for votes."))
            return redirect(proposal.get_absolute_url())
    context = {
        "space": space,
        "form": form,
        "change": change,
        "change_form": change_form,
        "change_choices": changes.choices(),
    }
    return render(request, "governance/proposal_form.html", context)


def _proposal(request, slug, pk) -> tuple[Space, Proposal]:
    space = space_for_member(request, slug)
    return space, get_object_or_404(Proposal.objects.select_related("author", "meeting"), space=space, pk=pk)


def proposal_detail(request, slug, pk, vote_form=None, comment_form=None):
    space, proposal = _proposal(request, slug, pk)
    practices = queries.voting_practices(request.user, proposal)
    context = {
        "space": space,
        "proposal": proposal,
        "votes": proposal.votes.select_related("member", "practice"),
        "comments": proposal.comments.select_related("author"),
        "attachments": proposal.attachments.all(),
        "my_vote": queries.my_vote(request.user, proposal),
        "vote_form": vote_form or forms.VoteForm(choices=proposals.allowed_choices(proposal), practices=practices),
        "comment_form": comment_form or forms.CommentForm(),
        "tally": proposals.tally(proposal),
        "decision": Decision.objects.filter(proposal=proposal).first(),
        "can_close": rules.can_manage(request.user, space)
        and proposal.status == Proposal.Status.OPEN
        and proposal.deadline <= timezone.now(),
        "change": changes.get(proposal.change_kind),
    }
    return render(request, "governance/proposal_detail.html", context)


@require_POST
def proposal_vote(request, slug, pk):
    space, proposal = _proposal(request, slug, pk)
    practices = queries.voting_practices(request.user, proposal)
    form = forms.VoteForm(request.POST, choices=proposals.allowed_choices(proposal), practices=practices)
    if form.is_valid():
        try:
            proposals.cast_vote(
                proposal,
                by=request.user,
                choice=form.cleaned_data["choice"],
                reason=form.cleaned_data["reason"],
                practice=form.cleaned_data.get("practice"),
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Your vote is recorded."))
            return redirect(proposal.get_absolute_url())
    return proposal_detail(request, slug, pk, vote_form=form)


@require_POST
def proposal_comment(request, slug, pk):
    space, proposal = _proposal(request, slug, pk)
    form = forms.CommentForm(request.POST)
    if form.is_valid():
        proposals.add_comment(proposal, form.cleaned_data["text"], by=request.user)
        return redirect(proposal.get_absolute_url() + "#comments")
    return proposal_detail(request, slug, pk, comment_form=form)


@require_POST
def proposal_close(request, slug, pk):
    space = space_for_coordinator(request, slug)
    proposal = get_object_or_404(Proposal, space=space, pk=pk)
    try:
        decision = proposals.close_proposal(proposal, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(proposal.get_absolute_url())
    messages.success(request, _("Decision #%(n)s is in the decision log.") % {"n": decision.number})
    return redirect("governance:decisions", slug=space.slug)


def attachment(request, slug, pk):
    space = space_for_member(request, slug)
    item = get_object_or_404(Attachment, proposal__space=space, pk=pk)
    return _serve(request, item.file)


@require_GET
def decision_log(request, slug):
    space = space_for_member(request, slug)
    decisions = Decision.objects.filter(space=space).select_related("proposal", "meeting")
    return render(
        request,
        "governance/decision_log.html",
        {"space": space, "decisions": decisions, "choices": Vote.Choice.choices},
    )


def methods(request, slug):
    space = space_for_coordinator(request, slug)
    form = forms.DecisionRuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        proposals.set_decision_rule(space, by=request.user, **form.cleaned_data)
        messages.success(request, _("The decision method is saved."))
        return redirect("governance:methods", slug=space.slug)
    existing = {rule.proposal_type: rule for rule in DecisionRule.objects.filter(space=space)}
    rows = [(label, existing.get(value)) for value, label in ProposalType.choices]
    return render(request, "governance/methods.html", {"space": space, "form": form, "rows": rows})


def roles(request, slug):
    space = space_for_member(request, slug)
    assignments = RoleAssignment.objects.filter(space=space).select_related("member").order_by("role", "member__name")
    return render(request, "governance/roles.html", {"space": space, "assignments": assignments})


# --- Meetings ---


def meeting_list(request, slug):
    space = space_for_member(request, slug)
    items = Meeting.objects.filter(space=space)
    return render(
        request,
        "governance/meeting_list.html",
        {"space": space, "meetings": items, "can_manage": rules.can_manage(request.user, space)},
    )


def meeting_new(request, slug):
    space = space_for_coordinator(request, slug)
    with timezone.override(space.tz):
        return _meeting_new(request, space)


def _meeting_new(request, space):
    form = forms.MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        meeting = meetings.create_meeting(space, by=request.user, **form.cleaned_data)
        return redirect("governance:meeting", slug=space.slug, pk=meeting.pk)
    return render(request, "governance/form.html", {"space": space, "form": form, "title": _("Plan a meeting")})


def meeting_detail(request, slug, pk):
    space = space_for_member(request, slug)
    meeting = get_object_or_404(Meeting, space=space, pk=pk)
    can_manage = rules.can_manage(request.user, space)
    attendees = [a.member for a in meeting.attendances.select_related("member")]
    context = {
        "space": space,
        "meeting": meeting,
        "attendees": attendees,
        "proposals": meeting.proposals.all(),
        "decisions": meeting.decisions.all(),
        "can_manage": can_manage,
        "minutes_form": forms.MinutesForm(initial={"agenda": meeting.agenda, "minutes": meeting.minutes}),
        "attendance_form": forms.AttendanceForm(space=space, initial={"members": attendees}) if can_manage else None,
        "decision_form": forms.MeetingDecisionForm(),
    }
    return render(request, "governance/meeting_detail.html", context)


def _meeting_for_coordinator(request, slug, pk):
    space = space_for_coordinator(request, slug)
    return space, get_object_or_404(Meeting, space=space, pk=pk)


@require_POST
def meeting_minutes(request, slug, pk):
    space, meeting = _meeting_for_coordinator(request, slug, pk)
    form = forms.MinutesForm(request.POST)
    if form.is_valid():
        meetings.update_meeting(meeting, by=request.user, **form.cleaned_data)
        messages.success(request, _("The agenda and minutes are saved."))
    return redirect("governance:meeting", slug=space.slug, pk=meeting.pk)


@require_POST
def meeting_attendance(request, slug, pk):
    space, meeting = _meeting_for_coordinator(request, slug, pk)
    form = forms.AttendanceForm(request.POST, space=space)
    if form.is_valid():
        meetings.set_attendance(meeting, form.cleaned_data["members"], by=request.user)
        messages.success(request, _("Attendance is saved."))
    return redirect("governance:meeting", slug=space.slug, pk=meeting.pk)


@require_POST
def meeting_decision(request, slug, pk):
    space, meeting = _meeting_for_coordinator(request, slug, pk)
    form = forms.MeetingDecisionForm(request.POST)
    if form.is_valid():
        proposals.record_meeting_decision(meeting, by=request.user, **form.cleaned_data)
        messages.success(request, _("The decision is in the decision log."))
    else:
        messages.error(request, _("Give the decision a title and an outcome."))
    return redirect("governance:meeting", slug=space.slug, pk=meeting.pk)


# --- Documents ---


def document_list(request, slug):
    space = space_for_member(request, slug)
    return render(
        request,
        "governance/document_list.html",
        {
            "space": space,
            "documents": queries.documents(space),
            "can_manage": rules.can_manage(request.user, space),
            "pending_version": documents.pending_acknowledgement(request.user, space),
        },
    )


def document_new(request, slug):
    space = space_for_coordinator(request, slug)
    form = forms.DocumentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = documents.create_document(space, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            return redirect("governance:document", slug=space.slug, pk=document.pk)
    return render(request, "governance/form.html", {"space": space, "form": form, "title": _("New document")})


@require_GET
def document_detail(request, slug, pk):
    space = space_for_member(request, slug)
    document = get_object_or_404(Document, space=space, pk=pk)
    versions = list(document.versions.all())
    current = versions[0] if versions else None
    acknowledged = None
    if current and document.kind == Document.Kind.HOUSE_RULES:
        acknowledged = current.acknowledgements.filter(member=request.user).first()
    context = {
        "space": space,
        "document": document,
        "versions": versions,
        "current": current,
        "acknowledged": acknowledged,
        "can_manage": rules.can_manage(request.user, space),
    }
    return render(request, "governance/document_detail.html", context)


def document_publish(request, slug, pk):
    space = space_for_coordinator(request, slug)
    document = get_object_or_404(Document, space=space, pk=pk)
    current = document.current_version()
    initial = {f"text_{c}": getattr(current, f"text_{c}") for c in ("en", "fr", "nl")} if current else {}
    form = forms.VersionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            documents.publish_version(document, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("The new version is published."))
            return redirect("governance:document", slug=space.slug, pk=document.pk)
    title = _("New version of %(title)s") % {"title": document.title}
    return render(request, "governance/form.html", {"space": space, "form": form, "title": title})


@require_POST
def acknowledge(request, slug):
    space = space_for_member(request, slug)
    version = documents.current_house_rules(space)
    if version is None:
        raise Http404
    documents.acknowledge(version, by=request.user)
    messages.success(request, _("Thank you: you acknowledged the house rules."))
    return redirect("governance:document", slug=space.slug, pk=version.document_id)


# --- Agreements ---


def agreement_list(request, slug):
    space = space_for_member(request, slug)
    return render(
        request,
        "governance/agreement_list.html",
        {
            "space": space,
            "agreements": Agreement.objects.filter(space=space),
            "secured": agreements.secured_until(space),
            "can_manage": rules.can_manage(request.user, space),
        },
    )


def agreement_new(request, slug):
    space = space_for_coordinator(request, slug)
    form = forms.AgreementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agreement = agreements.create_agreement(space, by=request.user, **form.service_fields())
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            return redirect("governance:agreement", slug=space.slug, pk=agreement.pk)
    return render(request, "governance/form.html", {"space": space, "form": form, "title": _("New agreement")})


def agreement_detail(request, slug, pk):
    space = space_for_member(request, slug)
    agreement = get_object_or_404(Agreement, space=space, pk=pk)
    return render(
        request,
        "governance/agreement_detail.html",
        {
            "space": space,
            "agreement": agreement,
            "renewals": agreement.renewals.select_related("recorded_by"),
            "can_manage": rules.can_manage(request.user, space),
            "renewal_form": forms.RenewalForm(),
        },
    )


@require_POST
def agreement_renew(request, slug, pk):
    space = space_for_coordinator(request, slug)
    agreement = get_object_or_404(Agreement, space=space, pk=pk)
    form = forms.RenewalForm(request.POST)
    if form.is_valid():
        try:
            agreements.renew_agreement(agreement, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The renewal is recorded."))
    return redirect("governance:agreement", slug=space.slug, pk=agreement.pk)


# --- Care rota ---


def rota_view(request, slug):
    space = space_for_member(request, slug)
    today = timezone.localdate()
    context = {
        "space": space,
        "tasks": CareTask.objects.filter(space=space, is_active=True),
        "upcoming": queries.shifts(space).filter(start__gte=timezone.now())[:60],
        "done": queries.shifts(space).filter(done_at__isnull=False).order_by("-done_at")[:30],
        "weights": rota.practice_weights(space, request.GET.get("basis", "kind"), today),
        "my_practices": set(rules.practices_in_space(request.user, space)),
        "swappable": list(
            queries.shifts(space).filter(
                start__gte=timezone.now(),
                done_at__isnull=True,
                practice_id__in=rules.practices_in_space(request.user, space),
            )[:30]
        ),
        "can_manage": rules.can_manage(request.user, space),
    }
    return render(request, "governance/rota.html", context)


def task_new(request, slug):
    space = space_for_coordinator(request, slug)
    form = forms.CareTaskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rota.create_task(space, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            return redirect("governance:rota", slug=space.slug)
    return render(request, "governance/form.html", {"space": space, "form": form, "title": _("New care task")})


def rota_generate(request, slug):
    space = space_for_coordinator(request, slug)
    form = forms.RotaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = rota.generate_rota(space, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("%(n)s shifts were planned.") % {"n": len(created)})
            return redirect("governance:rota", slug=space.slug)
    return render(request, "governance/form.html", {"space": space, "form": form, "title": _("Plan the rota")})


@require_POST
def shift_action(request, slug, pk, action):
    space = space_for_member(request, slug)
    shift = get_object_or_404(Shift.objects.select_related("task__space"), task__space=space, pk=pk)
    try:
        if action == "take":
            rota.take_over_shift(shift, by=request.user)
        elif action == "offer":
            rota.offer_shift(shift, by=request.user)
        elif action == "done":
            rota.complete_shift(shift, by=request.user)
        elif action == "swap":
            form = forms.SwapForm(request.POST)
            mine = get_object_or_404(Shift, task__space=space, pk=request.POST.get("mine") if form.is_valid() else 0)
            rota.swap_shifts(mine, shift, by=request.user)
        else:
            raise Http404
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])) or _("This is not possible."))
    else:
        messages.success(request, _("The rota is updated."))
    return redirect("governance:rota", slug=space.slug)


# --- Incidents ---


def incident_list(request, slug):
    space = space_for_member(request, slug)
    return render(
        request,
        "governance/incident_list.html",
        {
            "space": space,
            "incidents": queries.incidents(space),
            "response_times": incidents.response_times(space),
        },
    )


def incident_new(request, slug):
    space = space_for_member(request, slug)
    form = forms.IncidentForm(request.POST or None, request.FILES or None, space=space)
    if request.method == "POST" and form.is_valid():
        try:
            incident = incidents.report_incident(space, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Thank you: the incident is reported."))
            return redirect("governance:incident", slug=space.slug, pk=incident.pk)
    return render(
        request, "governance/form.html", {"space": space, "form": form, "title": _("Report a problem"), "files": True}
    )


def incident_detail(request, slug, pk):
    space = space_for_member(request, slug)
    incident = get_object_or_404(
        Incident.objects.select_related("resource", "reported_by", "closure__resource"), space=space, pk=pk
    )
    can_update = rules.can_update_incident(request.user, incident)
    context = {
        "space": space,
        "incident": incident,
        "can_update": can_update,
        "hit_bookings": incidents.bookings_hit(incident),
        "closure_page": incident.closure_id is not None and space_rules.is_coordinator(request.user, space),
        "update_form": forms.IncidentUpdateForm(
            initial={"status": incident.status, "responsible": incident.responsible, "note": incident.note}
        ),
        "service_form": forms.OutOfServiceForm(space=space, initial={"resource": incident.resource_id}),
        "next_statuses": [
            label for value, label in Incident.Status.choices if value in incident.TRANSITIONS[incident.status]
        ],
    }
    return render(request, "governance/incident_detail.html", context)


def _incident_for_update(request, slug, pk):
    space = space_for_member(request, slug)
    incident = get_object_or_404(Incident, space=space, pk=pk)
    if not rules.can_update_incident(request.user, incident):
        raise PermissionDenied
    return space, incident


@require_POST
def incident_update(request, slug, pk):
    space, incident = _incident_for_update(request, slug, pk)
    form = forms.IncidentUpdateForm(request.POST)
    if form.is_valid():
        try:
            incidents.update_incident(incident, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The incident is updated."))
    return redirect("governance:incident", slug=space.slug, pk=incident.pk)


@require_POST
def incident_out_of_service(request, slug, pk):
    space, incident = _incident_for_update(request, slug, pk)
    form = forms.OutOfServiceForm(request.POST, space=space)
    with timezone.override(space.tz):
        valid = form.is_valid()
    if valid:
        closure = incidents.put_out_of_service(incident, by=request.user, **form.cleaned_data)
        count = len(incidents.bookings_hit(incident, closure=closure))
        messages.success(
            request,
            ngettext(
                "The resource is out of service; the person with the %(count)d booking it hits is told.",
                "The resource is out of service; the people with the %(count)d bookings it hits are told.",
                count,
            )
            % {"count": count}
            if count
            else _("The resource is out of service; no booking is hit."),
        )
    else:
        messages.error(request, _("Choose a resource and a period."))
    return redirect("governance:incident", slug=space.slug, pk=incident.pk)


def incident_photo(request, slug, pk):
    space = space_for_member(request, slug)
    incident = get_object_or_404(Incident, space=space, pk=pk)
    if not incident.photo:
        raise Http404
    return _serve(request, incident.photo)
