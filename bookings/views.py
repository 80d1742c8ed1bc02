"""Booking pages: calendars, the booking form, one booking's page, coordinators' queue and rules, my bookings,
find a place. Views fetch through core.access, validate a form, call one service, redirect."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from core.access import LoginRequired, space_for_coordinator, space_for_member
from core.forms import errors_to_form
from spaces import rules as space_rules
from spaces.models import Closure, Resource, Space

from . import grids, services
from . import rules as booking_rules
from . import series as series_ops
from .forms import (
    BookingForm,
    FindForm,
    PolicyForm,
    ReasonForm,
    RefuseForm,
    ResourceGroupForm,
    WaitlistForm,
    book_link,
    booking_refusals,
)
from .models import Booking, BookingPolicy, ResourceGroup, WaitlistEntry


def _space(slug: str) -> Space:
    return get_object_or_404(Space, slug=slug)


def _signed_in(request) -> None:
    if not request.user.is_authenticated:
        raise LoginRequired


def _posted(request):
    """The POST data for a form, or None on GET (an empty POST is still a submission)."""
    return request.POST if request.method == "POST" else None


def _booking_in(space: Space, pk: int) -> Booking:
    return get_object_or_404(
        Booking.objects.select_related("resource__space", "practice", "booked_by", "series", "decided_by"),
        pk=pk,
        resource__space=space,
    )


# --- Calendars --------------------------------------------------------------------------------------------------


def space_week(request, slug):
    """Week view of a space: resources as rows, days as columns."""
    space = space_for_member(request, slug)
    week = grids.week_grid(space, grids.day_param(request, space))
    return render(request, "bookings/week.html", {"space": space, "grid": week, "resource": None})


def space_day(request, slug):
    """Day view of a space: resources as rows, hours as columns."""
    space = space_for_member(request, slug)
    day = grids.day_grid(space, grids.day_param(request, space))
    return render(request, "bookings/day.html", {"space": space, "grid": day, "resource": None})


def resource_week(request, slug, resource_id):
    space = space_for_member(request, slug)
    resource = get_object_or_404(Resource, pk=resource_id, space=space)
    week = grids.week_grid(space, grids.day_param(request, space), resource=resource)
    return render(request, "bookings/week.html", {"space": space, "grid": week, "resource": resource})


def resource_day(request, slug, resource_id):
    space = space_for_member(request, slug)
    resource = get_object_or_404(Resource, pk=resource_id, space=space)
    day = grids.day_grid(space, grids.day_param(request, space), resource=resource)
    return render(request, "bookings/day.html", {"space": space, "grid": day, "resource": resource})


def public_calendar(request, slug):
    """The space's public activities (confirmed bookings marked public), for everyone, with the iCal link."""
    space = _space(slug)
    now = timezone.now()
    bookings = grids.public_bookings(space, now, now + dt.timedelta(days=90))[:200]
    return render(request, "bookings/public.html", {"space": space, "bookings": bookings})


# --- Booking --------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def book(request, slug):
    """Book a resource, once or repeating. A repeat that collides shows the dates and offers to book the rest.
    Visitors may book as guests (name and email) where the space's rules let the public book."""
    space = _space(slug)
    initial = grids.form_initial(request.GET)
    form = BookingForm(_posted(request), initial=initial, space=space, user=request.user)
    conflicts = None
    free_count = None
    refusal = None
    if request.method == "GET" and initial.get("resource"):
        # Say at once, in plain words, when the person may not book this resource.
        resource = form.fields["resource"].queryset.filter(pk=initial["resource"]).first()
        if resource is not None:
            practice = None if form.is_guest else form.fields["practice"].queryset.first()
            refusal = booking_rules.may_book(request.user, resource, practice)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        start, end = form.period()
        try:
            created = services.create_booking(
                data["resource"],
                start,
                end,
                by=request.user,
                practice=data.get("practice"),
                title=data["title"],
                recurrence=form.recurrence(),
                exdates=data["exceptions"],
                public=data.get("is_public", False),
                on_conflict="skip" if request.POST.get("on_conflict") == "skip" else "fail",
                guest_name=data.get("guest_name", ""),
                guest_email=data.get("guest_email", ""),
            )
        except services.BookingConflict as error:
            conflicts = error.conflicts
            rule = form.recurrence()
            total = len(services.recurrence_periods(rule, start, end, space.tz, data["exceptions"])) if rule else 1
            free_count = max(total - len(conflicts), 0)
        except services.BookingRefused as error:
            refusal = error.reason
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            return _booked(request, space, created)
    resources = list(form.fields["resource"].queryset)
    refusals = booking_refusals(request.user, space, resources)
    context = {
        "space": space,
        "form": form,
        "conflicts": conflicts,
        "free_count": free_count,
        "refusal": refusal,
        "refusals": refusals,
        "can_book_anything": len(refusals) < len(resources),
    }
    return render(request, "bookings/book.html", context)


def _booked(request, space: Space, created: list[Booking]):
    first = created[0]
    if first.status == Booking.Status.PENDING:
        messages.success(request, _("Your request is sent: the space will approve or refuse it."))
    else:
        messages.success(
            request,
            ngettext("Booked: %(count)d date.", "Booked: %(count)d dates.", len(created)) % {"count": len(created)},
        )
    if not request.user.is_authenticated:  # a guest: the confirmation is in their mailbox
        return redirect("bookings:public", slug=space.slug)
    return redirect("bookings:detail", slug=space.slug, pk=first.pk)


def _booking_for(request, slug, pk) -> tuple[Space, Booking]:
    """A booking of the space, for the space's members and for the people who made it (who may come from
    another space of the network): anonymous → login, anyone else → 404."""
    _signed_in(request)
    space = _space(slug)
    booking = _booking_in(space, pk)
    if not (space_rules.is_member(request.user, space) or booking_rules.is_own(request.user, booking)):
        raise Http404
    return space, booking


def detail(request, slug, pk):
    space, booking = _booking_for(request, slug, pk)
    user = request.user
    cancel_reason = None
    can_cancel = False
    if booking.is_holding:
        cancel_reason = booking_rules.may_cancel(user, booking)
        can_cancel = cancel_reason is None
        if not booking_rules.is_own(user, booking) and not can_cancel:
            cancel_reason = None  # nothing to explain to people who are not involved
    series = []
    if booking.series_id:
        series = list(
            Booking.objects.filter(series_id=booking.series_id).exclude(pk=booking.pk).order_by("start", "id")[:200]
        )
    following = sum(1 for b in series if b.is_holding and (b.start, b.pk) > (booking.start, booking.pk))
    pending_others = sum(1 for b in series if b.status == Booking.Status.PENDING)
    context = {
        "space": space,
        "booking": booking,
        "can_cancel": can_cancel,
        "cancel_reason": cancel_reason,
        "can_decide": booking.status == Booking.Status.PENDING and booking_rules.can_decide(user, booking.resource),
        "series": series,
        "following": following if can_cancel else 0,
        "pending_others": pending_others,
        "waitlist_url": (
            book_link(space, booking.resource, booking.start, booking.end, url_name="bookings:waitlist-join")
            if booking.is_holding and not booking_rules.is_own(user, booking)
            else None
        ),
    }
    return render(request, "bookings/booking_detail.html", context)


@require_http_methods(["GET", "POST"])
def cancel(request, slug, pk):
    space, booking = _booking_for(request, slug, pk)
    why = booking_rules.may_cancel(request.user, booking) if booking.is_holding else None
    if why and not booking_rules.is_own(request.user, booking):
        raise PermissionDenied(why)
    form = ReasonForm(_posted(request))
    if request.method == "POST" and form.is_valid() and not why:
        try:
            services.cancel_booking(booking, by=request.user, reason=form.cleaned_data["reason"])
        except (services.BookingRefused, services.BookingStateError) as error:
            messages.error(request, getattr(error, "reason", None) or error.message)
        else:
            messages.success(request, _("The booking is cancelled."))
        return redirect("bookings:detail", slug=space.slug, pk=booking.pk)
    return render(request, "bookings/cancel.html", {"space": space, "booking": booking, "form": form, "why": why})


@require_http_methods(["GET", "POST"])
def cancel_following(request, slug, pk):
    """Cancel this date of a series and the following ones (bookings.series.cancel_following)."""
    space, booking = _booking_for(request, slug, pk)
    dates = series_ops.following_dates(booking)
    why = next((w for w in (booking_rules.may_cancel(request.user, b) for b in dates) if w), None)
    if why and not booking_rules.is_own(request.user, booking):
        raise PermissionDenied(why)
    form = ReasonForm(_posted(request))
    if request.method == "POST" and form.is_valid() and dates and not why:
        try:
            cancelled = series_ops.cancel_following(booking, by=request.user, reason=form.cleaned_data["reason"])
        except (services.BookingRefused, services.BookingStateError) as error:
            messages.error(request, getattr(error, "reason", None) or error.message)
        else:
            text = ngettext("%(count)d booking is cancelled.", "%(count)d bookings are cancelled.", len(cancelled)) % {
                "count": len(cancelled)
            }
            end = series_ops.series_end(booking)
            if end is not None:
                text += " " + _series_end_text(end, space)
            messages.success(request, text)
        return redirect("bookings:detail", slug=space.slug, pk=booking.pk)
    end = series_ops.series_end(booking) if dates and not why else None
    context = {"space": space, "booking": booking, "dates": dates, "form": form, "why": why, "series_end": end}
    return render(request, "bookings/cancel_following.html", context)


def _series_end_text(end: series_ops.SeriesEnd, space: Space) -> str:
    if end.cancelled:
        return _("The whole series is cancelled.")
    last = timezone.localtime(end.last, space.tz)
    day = f"{date_format(last, 'l')} {date_format(last, 'DATE_FORMAT')}"
    return _("The series now ends on %(day)s.") % {"day": day}


def _decider(request, slug, pk) -> tuple[Space, Booking]:
    space, booking = _booking_for(request, slug, pk)
    if not booking_rules.can_decide(request.user, booking.resource):
        raise PermissionDenied
    return space, booking


@require_POST
def approve(request, slug, pk):
    space, booking = _decider(request, slug, pk)
    try:
        services.approve_booking(booking, by=request.user)
    except services.BookingStateError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The booking is approved; we told the person who asked."))
    return redirect(_safe_next(request, space))


@require_http_methods(["GET", "POST"])
def refuse(request, slug, pk):
    space, booking = _decider(request, slug, pk)
    form = RefuseForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.refuse_booking(booking, by=request.user, reason=form.cleaned_data["reason"])
        except services.BookingStateError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The request is refused; we told the person who asked."))
        return redirect("bookings:queue", slug=space.slug)
    return render(request, "bookings/refuse.html", {"space": space, "booking": booking, "form": form})


@require_POST
def approve_series(request, slug, pk):
    """Approve every pending date of the booking's series (bookings.series.approve_series)."""
    space, booking = _decider(request, slug, pk)
    try:
        approved = series_ops.approve_series(booking, by=request.user)
    except services.BookingStateError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            ngettext(
                "%(count)d date is approved; we told the person who asked.",
                "%(count)d dates are approved; we told the person who asked.",
                len(approved),
            )
            % {"count": len(approved)},
        )
    return redirect(_safe_next(request, space))


@require_http_methods(["GET", "POST"])
def refuse_series(request, slug, pk):
    """Refuse every pending date of the booking's series, with one reason (bookings.series.refuse_series)."""
    space, booking = _decider(request, slug, pk)
    form = RefuseForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            refused = series_ops.refuse_series(booking, by=request.user, reason=form.cleaned_data["reason"])
        except services.BookingStateError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d date is refused; we told the person who asked.",
                    "%(count)d dates are refused; we told the person who asked.",
                    len(refused),
                )
                % {"count": len(refused)},
            )
        return redirect("bookings:queue", slug=space.slug)
    dates = series_ops.pending_dates(booking)
    context = {"space": space, "booking": booking, "form": form, "dates": dates}
    return render(request, "bookings/refuse_series.html", context)


def _safe_next(request, space: Space) -> str:
    """Where to go after approving: the page the button was on (same site only), else the queue."""
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return target
    return reverse("bookings:queue", kwargs={"slug": space.slug})


@require_http_methods(["GET", "POST"])
def waitlist_join(request, slug):
    _signed_in(request)
    space = _space(slug)
    form = WaitlistForm(_posted(request), initial=grids.form_initial(request.GET), space=space, user=request.user)
    refusal = None
    if request.method == "POST" and form.is_valid():
        start, end = form.period()
        try:
            services.join_waitlist(
                form.cleaned_data["resource"], start, end, by=request.user, practice=form.cleaned_data["practice"]
            )
        except services.BookingRefused as error:
            refusal = error.reason
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("You are on the waitlist: we will write to you if the slot becomes free."))
            return redirect("bookings:mine")
    return render(request, "bookings/waitlist_join.html", {"space": space, "form": form, "refusal": refusal})


@require_POST
def waitlist_leave(request, slug, pk):
    _signed_in(request)
    space = _space(slug)
    entry = get_object_or_404(WaitlistEntry, pk=pk, resource__space=space)
    if entry.member_id != request.user.pk and not space_rules.is_coordinator(request.user, space):
        raise Http404
    services.leave_waitlist(entry, by=request.user)
    messages.success(request, _("You are no longer on this waitlist."))
    return redirect("bookings:mine")


# --- Coordinators ---------------------------------------------------------------------------------------------


def queue(request, slug):
    """Requests waiting for approval that the user may decide on."""
    space = space_for_member(request, slug)
    pending = list(
        Booking.objects.filter(resource__space=space, status=Booking.Status.PENDING)
        .select_related("resource", "practice", "booked_by", "series")
        .order_by("start", "id")
    )
    if not space_rules.is_coordinator(request.user, space):
        allowed = {}
        for booking in pending:
            if booking.resource_id not in allowed:
                allowed[booking.resource_id] = booking_rules.can_decide(request.user, booking.resource)
        pending = [b for b in pending if allowed[b.resource_id]]
        approver_roles = set(BookingPolicy.objects.filter(space=space).values_list("approver_role", flat=True)) - set(
            space_rules.MANAGING_ROLES
        )
        if not pending and not space_rules.has_role(request.user, space, *approver_roles):
            raise PermissionDenied
    context = {"space": space, "pending": pending, "rows": series_ops.queue_rows(pending)}
    return render(request, "bookings/queue.html", context)


def rules_overview(request, slug):
    space = space_for_coordinator(request, slug)
    policies = list(BookingPolicy.objects.filter(space=space).select_related("resource", "group"))
    default = next((p for p in policies if p.resource_id is None and p.group_id is None), None)
    by_resource = {p.resource_id: p for p in policies if p.resource_id}
    by_group = {p.group_id: p for p in policies if p.group_id}
    groups = list(ResourceGroup.objects.filter(space=space).prefetch_related("resources").order_by("name"))
    group_of: dict[int, ResourceGroup] = {}
    for group in groups:
        group.rules = by_group.get(group.pk)
        for resource in group.resources.all():
            if group.rules and resource.pk not in group_of:
                group_of[resource.pk] = group
    resources = list(Resource.objects.filter(space=space).order_by("name"))
    for resource in resources:
        resource.own_rules = by_resource.get(resource.pk)
        resource.rules_group = group_of.get(resource.pk)
    return render(
        request,
        "bookings/rules.html",
        {"space": space, "default": default, "groups": groups, "resources": resources},
    )


def _edit_policy(request, space: Space, *, resource=None, group=None, title: str):
    policy = BookingPolicy.objects.filter(space=space, resource=resource, group=group).first()
    instance = policy or BookingPolicy(space=space, resource=resource, group=group)
    if request.method == "POST" and "delete" in request.POST:
        if policy is not None:
            services.delete_policy(policy, by=request.user)
            messages.success(request, _("These rules are removed."))
        return redirect("bookings:rules", slug=space.slug)
    form = PolicyForm(_posted(request), instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_policy(
                space,
                by=request.user,
                resource=resource,
                group=group,
                **{name: form.cleaned_data[name] for name in form.Meta.fields},
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("The booking rules are saved."))
            return redirect("bookings:rules", slug=space.slug)
    return render(
        request,
        "bookings/rules_form.html",
        {"space": space, "form": form, "policy": policy, "title": title, "resource": resource, "group": group},
    )


@require_http_methods(["GET", "POST"])
def rules_default(request, slug):
    space = space_for_coordinator(request, slug)
    return _edit_policy(request, space, title=_("Default booking rules of %(space)s") % {"space": space.name})


@require_http_methods(["GET", "POST"])
def rules_resource(request, slug, resource_id):
    space = space_for_coordinator(request, slug)
    resource = get_object_or_404(Resource, pk=resource_id, space=space)
    return _edit_policy(
        request, space, resource=resource, title=_("Booking rules of %(name)s") % {"name": resource.name}
    )


@require_http_methods(["GET", "POST"])
def rules_group(request, slug, group_id):
    space = space_for_coordinator(request, slug)
    group = get_object_or_404(ResourceGroup, pk=group_id, space=space)
    return _edit_policy(request, space, group=group, title=_("Booking rules of %(name)s") % {"name": group.name})


@require_http_methods(["GET", "POST"])
def groups(request, slug):
    space = space_for_coordinator(request, slug)
    form = ResourceGroupForm(_posted(request), space=space)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_group(
                space, by=request.user, name=form.cleaned_data["name"], resources=form.cleaned_data["resources"]
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("The group is created."))
            return redirect("bookings:groups", slug=space.slug)
    existing = ResourceGroup.objects.filter(space=space).prefetch_related("resources").order_by("name")
    return render(request, "bookings/groups.html", {"space": space, "form": form, "groups": existing})


@require_http_methods(["GET", "POST"])
def group_edit(request, slug, group_id):
    space = space_for_coordinator(request, slug)
    group = get_object_or_404(ResourceGroup, pk=group_id, space=space)
    if request.method == "POST" and "delete" in request.POST:
        services.delete_group(group, by=request.user)
        messages.success(request, _("The group is deleted."))
        return redirect("bookings:groups", slug=space.slug)
    form = ResourceGroupForm(_posted(request), instance=group, space=space)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_group(
                space,
                by=request.user,
                name=form.cleaned_data["name"],
                resources=form.cleaned_data["resources"],
                group=group,
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("The group is saved."))
            return redirect("bookings:groups", slug=space.slug)
    return render(request, "bookings/group_form.html", {"space": space, "form": form, "group": group})


def closures(request, slug):
    """Upcoming closures of the space, each with the number of bookings it hits."""
    space = space_for_coordinator(request, slug)
    upcoming = grids.closures_with_hits(space)
    return render(request, "bookings/closures.html", {"space": space, "closures": upcoming})


@require_http_methods(["GET", "POST"])
def closure_detail(request, slug, closure_id):
    """The bookings a closure hits; a button tells their people (bookings.services.notify_out_of_service)."""
    space = space_for_coordinator(request, slug)
    closure = get_object_or_404(Closure.objects.select_related("resource"), pk=closure_id, space=space)
    if request.method == "POST":
        count = services.notify_out_of_service(closure, by=request.user)
        messages.success(request, _("We wrote to the people of %(count)d bookings.") % {"count": count})
        return redirect("bookings:closure", slug=space.slug, closure_id=closure.pk)
    hit = list(
        services.affected_bookings(
            start=closure.start,
            end=closure.end,
            resource=closure.resource if closure.resource_id else None,
            space=space,
        )
    )
    return render(request, "bookings/closure.html", {"space": space, "closure": closure, "bookings": hit})


# --- The member's own ----------------------------------------------------------------------------------------


@login_required
def mine(request):
    """My bookings and my practices' bookings (upcoming, or past with ?past=1), and the waitlists I am on."""
    user = request.user
    past = request.GET.get("past") == "1"
    now = timezone.now()
    bookings = grids.member_bookings(user)
    if past:
        bookings = bookings.filter(end__lt=now).order_by("-start", "-id")[:100]
    else:
        bookings = bookings.filter(end__gte=now).order_by("start", "id")[:200]
    waiting = (
        WaitlistEntry.objects.filter(
            member=user, status__in=[WaitlistEntry.Status.WAITING, WaitlistEntry.Status.OFFERED], end__gte=now
        )
        .select_related("resource__space")
        .order_by("start", "id")
    )
    return render(request, "bookings/mine.html", {"bookings": bookings, "waiting": waiting, "past": past})


# --- Find a place ----------------------------------------------------------------------------------------------


def find(request):
    """Free resources in one space or across the network for a time window, with their next free slots.

    Open to everyone: visitors see the resources open to the public (availability.visible_resources)."""
    form = FindForm(
        request.GET or None, initial={"date": timezone.localdate() + dt.timedelta(days=1)}, user=request.user
    )
    results = None
    if request.GET and form.is_valid():
        results = grids.find_places(request.user, form.cleaned_data)
    return render(request, "bookings/find.html", {"form": form, "results": results})
