"""Programme pages: the agenda, event pages and registrations, organisers' tools, projects, services."""

from __future__ import annotations

import csv
import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import _json_script_escapes
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_POST

from community.models import Practice
from core.access import LoginRequired, space_for_coordinator
from core.forms import errors_to_form
from spaces import rules as space_rules
from spaces.models import Network, Space

from . import queries, ratelimit, rules, services
from .forms import (
    AgendaFilterForm,
    CancelDateForm,
    CapacityForm,
    EventForm,
    MessageForm,
    MoveDateForm,
    ProjectForm,
    RegistrationForm,
    ServiceForm,
    SlotsForm,
)
from .models import Event, Occurrence, Project, Registration, Service, Slot

PAGE_SIZE = 20


def _page(request, qs, size: int = PAGE_SIZE):
    """Offset pagination without a COUNT: the query count and time do not grow with the number of rows."""
    try:
        # Clamped: a huge page number is an offset the database cannot take.
        number = min(max(int(request.GET.get("page", "1")), 1), 100_000)
    except ValueError:
        number = 1
    rows = list(qs[(number - 1) * size : number * size + 1])
    return {"items": rows[:size], "number": number, "has_next": len(rows) > size, "has_previous": number > 1}


def _query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _signed_in(request):
    if not request.user.is_authenticated:
        raise LoginRequired


def _visible_event(request, pk: int) -> Event:
    event = get_object_or_404(Event.objects.select_related("space", "practice", "resource"), pk=pk)
    if not rules.can_see_event(request.user, event):
        _signed_in(request)
        raise Http404
    return event


def _organised_event(request, pk: int) -> Event:
    _signed_in(request)
    event = get_object_or_404(Event.objects.select_related("space", "practice", "resource"), pk=pk)
    if rules.is_organiser(request.user, event):
        return event
    if not space_rules.is_member(request.user, event.space):
        raise Http404
    raise PermissionDenied


def _visible_space(request, slug: str) -> Space:
    space = get_object_or_404(Space.objects.select_related("network"), slug=slug)
    if not rules.can_see_space_services(request.user, space):
        _signed_in(request)
        raise Http404
    return space


def event_json_ld(event: Event, occurrence: Occurrence, request) -> str:
    """schema.org Event data for search engines, safe to put inside a <script> element."""
    space = event.space
    data = {
        "@context": "https://schema.org",
        "@type": "ExhibitionEvent" if event.category == Event.Category.EXHIBITION else "Event",
        "name": event.title,
        "description": event.description,
        "startDate": timezone.localtime(occurrence.start, space.tz).isoformat(),
        "endDate": timezone.localtime(occurrence.end, space.tz).isoformat(),
        "eventStatus": "https://schema.org/EventCancelled"
        if occurrence.is_cancelled or event.status == Event.Status.CANCELLED
        else "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "url": request.build_absolute_uri(reverse("programme:event", args=[event.pk])),
        "inLanguage": list(event.languages),
        "isAccessibleForFree": event.is_free,
        "location": {
            "@type": "Place",
            "name": space.name,
            "address": {
                "@type": "PostalAddress",
                "streetAddress": space.address,
                "postalCode": space.postal_code,
                "addressLocality": space.city,
                "addressCountry": space.country,
            },
        },
        "organizer": {"@type": "Organization", "name": event.practice.name if event.practice else space.name},
    }
    if event.capacity is not None:
        data["maximumAttendeeCapacity"] = event.capacity
        data["remainingAttendeeCapacity"] = occurrence.places_left
    if event.image:
        data["image"] = request.build_absolute_uri(event.image.url)
    if event.price_kind == Event.Price.FIXED:
        data["offers"] = {"@type": "Offer", "price": str(event.price), "priceCurrency": "EUR"}
    elif event.is_free:
        data["offers"] = {"@type": "Offer", "price": "0", "priceCurrency": "EUR"}
    return mark_safe(json.dumps(data, cls=DjangoJSONEncoder).translate(_json_script_escapes))


# --- public pages ---------------------------------------------------------------------------------------------


def agenda(request):
    form = AgendaFilterForm(request.GET or None)
    network = None
    if request.GET.get("network"):
        network = get_object_or_404(Network, slug=request.GET["network"])
    filters = form.filters(timezone.get_current_timezone()) if form.is_bound else {}
    page = _page(request, queries.agenda(request.user, network=network, **filters))
    return render(
        request,
        "programme/agenda.html",
        {"form": form, "page": page, "network": network, "query": _query_without_page(request)},
    )


def space_programme(request, slug):
    space = get_object_or_404(Space.objects.select_related("network"), slug=slug)
    page = _page(request, queries.agenda(request.user, space=space))
    projects = list(queries.projects(space=space)[:12])
    return render(
        request,
        "programme/space_programme.html",
        {
            "space": space,
            "page": page,
            "projects": projects,
            "can_create": rules.may_create_events_somewhere(request.user, space),
            "query": "",
        },
    )


def _network_terms(request, event: Event, occurrences: list[Occurrence]) -> dict | None:
    """For a member of the network at another space's member event: what each date means (``occ.network_terms``)."""
    terms = rules.network_guest_terms(request.user, event, occurrences)
    if terms is not None:
        for occ in occurrences:
            occ.network_terms = terms["dates"].get(occ.pk)
    return terms


def event_detail(request, pk):
    event = _visible_event(request, pk)
    occurrences = list(
        event.occurrences.filter(end__gt=timezone.now()).filter(queries.SHOWN_BOOKING).order_by("start")[:60]
    )
    if not occurrences:
        occurrences = list(event.occurrences.order_by("-start")[:1])
    json_ld = event_json_ld(event, occurrences[0], request) if occurrences else ""
    network_terms = _network_terms(request, event, occurrences)
    return render(
        request,
        "programme/event_detail.html",
        {
            "event": event,
            "space": event.space,
            "occurrences": occurrences,
            "form": RegistrationForm(),
            "json_ld": json_ld,
            "is_organiser": rules.is_organiser(request.user, event),
            "network_terms": network_terms,
        },
    )


def _network_currency(space: Space) -> str:
    from costs.services import settings_for

    return settings_for(space).currency


@require_POST
def register(request, pk):
    occurrence = get_object_or_404(Occurrence.objects.select_related("event", "space"), pk=pk)
    event = _visible_event(request, occurrence.event_id)
    form = RegistrationForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            ratelimit.check_registration(request, form.cleaned_data["email"])
            registration = services.register(occurrence, **form.cleaned_data, by=request.user)
        except ratelimit.RateLimited as exc:
            form.add_error(None, exc.message)
            status = 429
        except PermissionDenied as exc:  # the space's network rules refuse this member of the network
            form.add_error(None, str(exc))
            status = 403
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            return render(
                request,
                "programme/registered.html",
                {
                    "event": event,
                    "occurrence": occurrence,
                    "space": event.space,
                    "registration": registration,
                    "admission": registration.admission,
                    "currency": _network_currency(event.space) if registration.admission else "",
                },
            )
    occurrences = list(event.occurrences.filter(end__gt=timezone.now()).order_by("start")[:60])
    network_terms = _network_terms(request, event, occurrences)
    return render(
        request,
        "programme/event_detail.html",
        {
            "event": event,
            "space": event.space,
            "occurrences": occurrences,
            "form": form,
            "form_occurrence": occurrence.pk,
            "json_ld": "",
            "is_organiser": rules.is_organiser(request.user, event),
            "network_terms": network_terms,
        },
        status=status,
    )


def registration(request, token):
    """The visitor's own page, reached through the secret link in their email: cancel, or remove their data."""
    registration = get_object_or_404(
        Registration.objects.select_related("occurrence__event", "occurrence__space"), token=token
    )
    occurrence = registration.occurrence
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "cancel":
            services.cancel_registration(registration, by=None)
            messages.success(request, _("Your registration is cancelled."))
            return redirect("programme:registration", token=token)
        if action == "remove":
            services.remove_registrant_data(registration, by=None)
            return render(request, "programme/removed.html", {"event": occurrence.event})
    return render(
        request,
        "programme/registration.html",
        {
            "registration": registration,
            "occurrence": occurrence,
            "event": occurrence.event,
            "space": occurrence.space,
        },
    )


def _widget(request, *, space=None, practice=None, title=""):
    items = list(queries.agenda(space=space, practice=practice, public_only=True)[:10])
    return render(request, "programme/widget.html", {"items": items, "title": title, "space": space})


@xframe_options_exempt
def space_widget(request, slug):
    space = get_object_or_404(Space, slug=slug)
    return _widget(request, space=space, title=space.name)


@xframe_options_exempt
def practice_widget(request, slug):
    practice = get_object_or_404(Practice, slug=slug)
    return _widget(request, practice=practice, title=practice.name)


def projects(request):
    tag = request.GET.get("tag", "").strip()[:50]
    page = _page(request, queries.projects(tag=tag), size=24)
    return render(request, "programme/projects.html", {"page": page, "tag": tag, "query": _query_without_page(request)})


def project_detail(request, pk):
    project = get_object_or_404(Project.objects.select_related("practice").prefetch_related("images"), pk=pk)
    can_edit = rules.can_manage_project(request.user, project.practice)
    if not project.is_published and not can_edit:
        _signed_in(request)
        raise Http404
    return render(request, "programme/project_detail.html", {"project": project, "can_edit": can_edit})


def space_services(request, slug):
    space = _visible_space(request, slug)
    items = list(Service.objects.filter(space=space, is_active=True).order_by("title"))
    can_take = rules.can_take_slot(request.user, space)
    slots = []
    if can_take:
        slots = list(
            Slot.objects.filter(service__space=space, service__is_active=True, start__gt=timezone.now())
            .select_related("service", "taken_by")
            .order_by("start")[:100]
        )
    for service in items:
        service.open_slots = [s for s in slots if s.service_id == service.pk]
    return render(
        request,
        "programme/services.html",
        {
            "space": space,
            "services": items,
            "can_take": can_take,
            "can_manage": rules.can_manage_services(request.user, space),
        },
    )


# --- organisers ---------------------------------------------------------------------------------------------


def event_create(request, slug):
    _signed_in(request)
    space = get_object_or_404(Space, slug=slug)
    if not space_rules.is_member(request.user, space):
        raise Http404
    practices = rules.organiser_practices(request.user, space)
    if not rules.may_create_events_somewhere(request.user, space):
        raise PermissionDenied
    form = EventForm(request.POST or None, request.FILES or None, space=space, practices=practices)
    if not space_rules.is_coordinator(request.user, space):
        form.fields["practice"].required = True
        form.fields["practice"].empty_label = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        kwargs = {name: data[name] for name in services.DESCRIPTIVE_FIELDS if name in data}
        kwargs["capacity"] = data.get("capacity")
        if not kwargs.get("image"):
            kwargs.pop("image", None)
        try:
            event = services.create_event(
                space,
                by=request.user,
                resource=data["resource"],
                start=data["start"],
                end=data["end"],
                practice=data.get("practice"),
                recurrence=data["recurrence"],
                **kwargs,
            )
        except services.EventNotCreated as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("The event is in the programme and its room is booked."))
            return redirect("programme:event", pk=event.pk)
    return render(request, "programme/event_form.html", {"form": form, "space": space})


def event_edit(request, pk):
    event = _organised_event(request, pk)
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "cancel":
        told = services.cancel_event(event, by=request.user, reason=request.POST.get("reason", "")[:300])
        messages.success(request, _("The event is cancelled; %(count)s people were told.") % {"count": told})
        return redirect("programme:event", pk=event.pk)
    capacity_form = CapacityForm(
        request.POST if action == "capacity" else None, initial={"capacity": event.capacity}, prefix="places"
    )
    if action == "capacity" and capacity_form.is_valid():
        try:
            promoted = services.change_capacity(event, by=request.user, capacity=capacity_form.cleaned_data["capacity"])
        except ValidationError as exc:
            errors_to_form(capacity_form, exc)
        else:
            text = _("The number of places is changed.")
            if promoted:
                text += " " + ngettext(
                    "%(count)s person moved up from the waitlist.",
                    "%(count)s people moved up from the waitlist.",
                    len(promoted),
                ) % {"count": len(promoted)}
            messages.success(request, text)
            return redirect("programme:event-edit", pk=event.pk)
    form = EventForm(
        request.POST if request.method == "POST" and action is None else None,
        request.FILES if request.method == "POST" and action is None else None,
        instance=event,
        space=event.space,
        practices=Practice.objects.none(),
        with_dates=False,
    )
    if form.is_bound and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.DESCRIPTIVE_FIELDS if name in form.cleaned_data}
        if data.get("image") is False:  # "clear" ticked
            data["image"] = ""
        event.refresh_from_db()
        try:
            services.update_event(event, by=request.user, **data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("The event is updated."))
            return redirect("programme:event", pk=event.pk)
    now = timezone.now()
    dates = list(
        event.occurrences.filter(end__gt=now)
        .select_related("space", "booking__resource")
        .annotate(waiting=Count("registrations", filter=Q(registrations__status=Registration.Status.WAITLISTED)))
        .order_by("start", "id")[:100]
    )
    for occ in dates:
        occ.has_started = occ.start <= now
    return render(
        request,
        "programme/event_edit.html",
        {
            "form": form,
            "capacity_form": capacity_form,
            "event": event,
            "space": event.space,
            "dates": dates,
        },
    )


def _organised_date(request, pk) -> Occurrence:
    occurrence = get_object_or_404(Occurrence.objects.select_related("booking__resource"), pk=pk)
    occurrence.event = _organised_event(request, occurrence.event_id)
    occurrence.space = occurrence.event.space
    return occurrence


def _date_changeable(request, occurrence: Occurrence):
    """A redirect back to the event's edit page when the date can no longer be changed, else None."""
    if occurrence.is_cancelled or occurrence.event.status == Event.Status.CANCELLED:
        messages.error(request, _("This date is cancelled."))
    elif occurrence.start <= timezone.now():
        messages.error(request, _("This date has started or is over; only dates to come can be changed."))
    else:
        return None
    return redirect("programme:event-edit", pk=occurrence.event_id)


def date_move(request, pk):
    occurrence = _organised_date(request, pk)
    if (back := _date_changeable(request, occurrence)) is not None:
        return back
    space = occurrence.space
    room = occurrence.booking.resource if occurrence.booking_id else occurrence.event.resource
    tz = space.tz
    initial = {
        "start": timezone.localtime(occurrence.start, tz).replace(tzinfo=None),
        "end": timezone.localtime(occurrence.end, tz).replace(tzinfo=None),
        "resource": room,
    }
    form = MoveDateForm(request.POST or None, initial=initial, space=space, current_room=room)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            moved = services.move_occurrence(
                occurrence, by=request.user, start=data["start"], end=data["end"], resource=data["resource"]
            )
        except services.DateNotMoved as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            if moved.booking_id and moved.booking.status == "pending":
                messages.warning(
                    request,
                    _(
                        "The date is moved; the room waits for approval, so the date is shown again once the "
                        "booking is approved."
                    ),
                )
            else:
                messages.success(request, _("The date is moved and its room booked; the registrants are told."))
            return redirect("programme:event-edit", pk=occurrence.event_id)
    return render(
        request,
        "programme/date_move.html",
        {"form": form, "occurrence": occurrence, "event": occurrence.event, "space": space},
        status=400 if form.is_bound else 200,
    )


def date_cancel(request, pk):
    occurrence = _organised_date(request, pk)
    if (back := _date_changeable(request, occurrence)) is not None:
        return back
    form = CancelDateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            told = services.cancel_occurrence(occurrence, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("The date is cancelled; %(count)s people were told.") % {"count": told})
            return redirect("programme:event-edit", pk=occurrence.event_id)
    registered = occurrence.registrations.filter(status__in=Registration.ACTIVE).count()
    return render(
        request,
        "programme/date_cancel.html",
        {
            "form": form,
            "occurrence": occurrence,
            "event": occurrence.event,
            "space": occurrence.space,
            "registered": registered,
        },
        status=400 if form.is_bound else 200,
    )


def attendees(request, pk):
    event = _organised_event(request, pk)
    if request.method == "POST":
        registration = get_object_or_404(Registration, pk=request.POST.get("registration"), occurrence__event=event)
        action = request.POST.get("action")
        if action in ("attended", "absent", "unknown"):
            value = {"attended": True, "absent": False, "unknown": None}[action]
            services.mark_attendance(registration, attended=value, by=request.user)
        elif action == "cancel":
            services.cancel_registration(registration, by=request.user)
        elif action == "remove":
            services.remove_registrant_data(registration, by=request.user)
            messages.success(request, _("The person's data is removed."))
        return redirect("programme:attendees", pk=event.pk)
    occurrences = list(event.occurrences.order_by("start").prefetch_related("registrations"))
    return render(
        request, "programme/attendees.html", {"event": event, "space": event.space, "occurrences": occurrences}
    )


def attendees_csv(request, pk):
    event = _organised_event(request, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="attendees-{event.pk}.csv"'
    writer = csv.writer(response)
    writer.writerow([_("Date"), _("Name"), _("Email address"), _("Status"), _("Attended"), _("Registered at")])
    tz = event.space.tz
    rows = Registration.objects.filter(occurrence__event=event).select_related("occurrence")
    for row in rows.order_by("occurrence__start", "created_at", "id"):
        writer.writerow(
            [
                timezone.localtime(row.occurrence.start, tz).strftime("%Y-%m-%d %H:%M"),
                row.name,
                row.email,
                row.get_status_display(),
                {True: _("yes"), False: _("no"), None: ""}[row.attended],
                timezone.localtime(row.created_at, tz).strftime("%Y-%m-%d %H:%M"),
            ]
        )
    return response


def message(request, pk):
    event = _organised_event(request, pk)
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        count = services.message_registrants(event, by=request.user, **form.cleaned_data)
        messages.success(request, _("Your message is sent to %(count)s people.") % {"count": count})
        return redirect("programme:attendees", pk=event.pk)
    return render(request, "programme/message.html", {"form": form, "event": event, "space": event.space})


def mine(request):
    _signed_in(request)
    user = request.user
    practice_ids = space_rules.practice_ids(user)
    organised = (
        Q(created_by=user) | Q(practice_id__in=practice_ids) | Q(space_id__in=space_rules.coordinated_space_ids(user))
    )
    events = Event.objects.filter(organised).select_related("space", "practice").order_by("-created_at")[:100]
    practices = Practice.objects.filter(id__in=practice_ids).order_by("name")
    projects = Project.objects.filter(practice_id__in=practice_ids).select_related("practice")[:100]
    slots = Slot.objects.filter(taken_by=user, start__gt=timezone.now()).select_related("service__space")
    coordinated = Space.objects.filter(id__in=space_rules.coordinated_space_ids(user)).order_by("name")
    return render(
        request,
        "programme/mine.html",
        {"events": events, "practices": practices, "projects": projects, "slots": slots, "coordinated": coordinated},
    )


# --- projects -------------------------------------------------------------------------------------------------


def _managed_practice(request, slug) -> Practice:
    _signed_in(request)
    practice = get_object_or_404(Practice, slug=slug)
    if rules.can_manage_project(request.user, practice):
        return practice
    if not space_rules.practice_is_visible(request.user, practice):
        raise Http404
    raise PermissionDenied


def project_create(request, slug):
    practice = _managed_practice(request, slug)
    form = ProjectForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.create_project(practice, by=request.user, **form.service_data())
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("The project is published."))
            return redirect("programme:project", pk=project.pk)
    return render(request, "programme/project_form.html", {"form": form, "practice": practice})


def project_edit(request, pk):
    _signed_in(request)
    project = get_object_or_404(Project.objects.select_related("practice"), pk=pk)
    practice = _managed_practice(request, project.practice.slug)
    if request.method == "POST" and request.POST.get("action") == "delete":
        services.delete_project(project, by=request.user)
        messages.success(request, _("The project is deleted."))
        return redirect("programme:mine")
    form = ProjectForm(request.POST or None, request.FILES or None, instance=project)
    if request.method == "POST" and form.is_valid():
        project.refresh_from_db()
        try:
            services.update_project(project, by=request.user, **form.service_data())
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("The project is updated."))
            return redirect("programme:project", pk=project.pk)
    return render(request, "programme/project_form.html", {"form": form, "practice": practice, "project": project})


# --- services -----------------------------------------------------------------------------------------------


def services_manage(request, slug):
    space = space_for_coordinator(request, slug)
    service_form = ServiceForm(request.POST if request.POST.get("form") == "service" else None, prefix="service")
    slots_form = SlotsForm(request.POST if request.POST.get("form") == "slots" else None, space=space, prefix="slots")
    if request.method == "POST":
        if service_form.is_bound and service_form.is_valid():
            services.create_service(space, by=request.user, **service_form.cleaned_data)
            messages.success(request, _("The service is added."))
            return redirect("programme:services-manage", slug=slug)
        if slots_form.is_bound and slots_form.is_valid():
            data = slots_form.cleaned_data
            try:
                made = services.add_slots(
                    data["service"],
                    by=request.user,
                    start=data["start_at"],
                    end=data["end_at"],
                    minutes=data["minutes"],
                )
            except ValidationError as exc:
                errors_to_form(slots_form, exc)
            else:
                messages.success(request, _("%(count)s appointment slots added.") % {"count": len(made)})
                return redirect("programme:services-manage", slug=slug)
    items = list(Service.objects.filter(space=space).order_by("title"))
    slots = (
        Slot.objects.filter(service__space=space, start__gt=timezone.now())
        .select_related("service", "taken_by")
        .order_by("start")[:200]
    )
    return render(
        request,
        "programme/services_manage.html",
        {"space": space, "services": items, "slots": slots, "service_form": service_form, "slots_form": slots_form},
    )


def _slot_for_member(request, pk) -> Slot:
    _signed_in(request)
    slot = get_object_or_404(Slot.objects.select_related("service__space"), pk=pk)
    if not space_rules.is_member(request.user, slot.service.space):
        raise Http404
    return slot


@require_POST
def slot_take(request, pk):
    slot = _slot_for_member(request, pk)
    try:
        services.take_slot(slot, by=request.user, topic=request.POST.get("topic", ""))
    except services.SlotTaken as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The appointment is yours."))
    return redirect("programme:services", slug=slot.service.space.slug)


@require_POST
def slot_release(request, pk):
    slot = _slot_for_member(request, pk)
    services.release_slot(slot, by=request.user)
    messages.success(request, _("The appointment is given back."))
    return redirect("programme:services", slug=slot.service.space.slug)
