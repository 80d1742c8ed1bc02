"""The network directory, each space's identity page, and the coordinator's pages (under /spaces/<slug>/manage/)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import space_for_coordinator
from core.forms import errors_to_form
from core.models import AuditEntry

from . import queries, rules, services
from .forms import (
    ClosureForm,
    DirectoryFilterForm,
    MembershipEditForm,
    MembershipForm,
    OpeningHoursFormSet,
    ResourceForm,
    RoleForm,
    SpaceIdentityForm,
)
from .models import Network, Resource, Space


def directory(request):
    form = DirectoryFilterForm(
        request.GET or None,
        networks=Network.objects.order_by("name"),
        cities=queries.cities(),
        countries=queries.countries(),
    )
    spaces = list(queries.filter_spaces(queries.directory_spaces(), form.filters()))
    return render(request, "spaces/directory.html", {"form": form, "spaces": spaces, "filtered": bool(form.filters())})


def detail(request, slug):
    space = get_object_or_404(Space.objects.select_related("network"), slug=slug)
    context = {"space": space, **queries.identity(space, request.user)}
    return render(request, "spaces/space_detail.html", context)


def resource_detail(request, slug, pk):
    space = get_object_or_404(Space, slug=slug)
    resource = get_object_or_404(queries.visible_resources(request.user, space), pk=pk)
    closures = queries.upcoming_closures(space).filter(resource=resource)
    return render(
        request,
        "spaces/resource_detail.html",
        {
            "space": space,
            "resource": resource,
            "closures": closures,
            "can_manage": rules.can_manage(request.user, space),
        },
    )


# --- coordinator's pages --------------------------------------------------------------------------------------------


def manage(request, slug):
    space = space_for_coordinator(request, slug)
    counts = {
        "resources": space.resources.filter(is_active=True).count(),
        "memberships": space.memberships.active().count(),
        "roles": space.roles.count(),
        "closures": queries.upcoming_closures(space).count(),
    }
    return render(request, "spaces/manage/index.html", {"space": space, "tool": "index", "counts": counts})


def edit_identity(request, slug):
    space = space_for_coordinator(request, slug)
    form = SpaceIdentityForm(request.POST or None, instance=Space.objects.get(pk=space.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_space(space, by=request.user, **{n: form.cleaned_data[n] for n in form.Meta.fields})
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("The space's identity is saved."))
            return redirect("spaces:detail", slug=space.slug)
    return render(request, "spaces/manage/identity.html", {"space": space, "tool": "identity", "form": form})


def manage_resources(request, slug):
    space = space_for_coordinator(request, slug)
    resources = space.resources.order_by("-is_active", "name")
    return render(
        request, "spaces/manage/resources.html", {"space": space, "tool": "resources", "resources": resources}
    )


def resource_form(request, slug, pk=None):
    space = space_for_coordinator(request, slug)
    resource = get_object_or_404(Resource, space=space, pk=pk) if pk else None
    form = ResourceForm(request.POST or None, instance=resource, space=space)
    if request.method == "POST" and form.is_valid():
        fields = {n: form.cleaned_data[n] for n in form.Meta.fields}
        try:
            if resource is None:
                resource = services.create_resource(space, by=request.user, **fields)
            else:
                services.update_resource(Resource.objects.get(pk=resource.pk), by=request.user, **fields)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("The resource is saved."))
            return redirect("spaces:manage-resources", slug=space.slug)
    return render(
        request,
        "spaces/manage/resource_form.html",
        {"space": space, "tool": "resources", "form": form, "resource": resource},
    )


@require_POST
def resource_retire(request, slug, pk):
    space = space_for_coordinator(request, slug)
    resource = get_object_or_404(Resource, space=space, pk=pk)
    if request.POST.get("restore"):
        services.update_resource(resource, by=request.user, is_active=True)
        messages.success(request, _("“%(name)s” is in use again.") % {"name": resource.name})
    else:
        services.retire_resource(resource, by=request.user)
        messages.success(request, _("“%(name)s” is taken out of use.") % {"name": resource.name})
    return redirect("spaces:manage-resources", slug=space.slug)


def opening_hours(request, slug):
    space = space_for_coordinator(request, slug)
    formset = OpeningHoursFormSet(request.POST or None, queryset=space.opening_hours.all(), prefix="hours")
    if request.method == "POST" and formset.is_valid():
        try:
            services.set_opening_hours(space, formset.periods(), by=request.user)
        except ValidationError as error:
            formset._non_form_errors = formset.error_class(error.messages)
        else:
            messages.success(request, _("The opening hours are saved."))
            return redirect("spaces:opening-hours", slug=space.slug)
    return render(request, "spaces/manage/opening_hours.html", {"space": space, "tool": "hours", "formset": formset})


def closures(request, slug):
    space = space_for_coordinator(request, slug)
    with timezone.override(space.tz):  # the form's times are typed, and shown, in the space's time zone
        form = ClosureForm(request.POST or None, space=space)
        if request.method == "POST" and form.is_valid():
            try:
                services.add_closure(
                    space,
                    by=request.user,
                    start=form.cleaned_data["start"],
                    end=form.cleaned_data["end"],
                    reason=form.cleaned_data["reason"],
                    resource=form.cleaned_data["resource"],
                )
            except ValidationError as error:
                errors_to_form(form, error)
            else:
                messages.success(request, _("The closure is added."))
                return redirect("spaces:closures", slug=space.slug)
        upcoming = queries.upcoming_closures(space)
        return render(
            request,
            "spaces/manage/closures.html",
            {"space": space, "tool": "closures", "form": form, "closures": upcoming},
        )


@require_POST
def closure_remove(request, slug, pk):
    space = space_for_coordinator(request, slug)
    closure = get_object_or_404(space.closures, pk=pk)
    services.remove_closure(closure, by=request.user)
    messages.success(request, _("The closure is removed."))
    return redirect("spaces:closures", slug=space.slug)


def memberships(request, slug):
    space = space_for_coordinator(request, slug)
    form = MembershipForm(request.POST or None, space=space, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_practice_to_space(
                space,
                by=request.user,
                practice=form.cleaned_data["practice"],
                new_name=form.cleaned_data["new_practice_name"],
                new_kind=form.cleaned_data["new_practice_kind"],
                **form.membership_fields(),
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("The practice is added to the space."))
            return redirect("spaces:memberships", slug=space.slug)
    rows = space.memberships.select_related("practice").order_by("end_date", "practice__name")
    today = timezone.localdate()
    return render(
        request,
        "spaces/manage/memberships.html",
        {"space": space, "tool": "practices", "form": form, "memberships": rows, "today": today},
    )


def membership_edit(request, slug, pk):
    space = space_for_coordinator(request, slug)
    membership = get_object_or_404(space.memberships.select_related("practice"), pk=pk)
    form = MembershipEditForm(request.POST or None, instance=space.memberships.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_membership(membership, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("The membership is saved."))
            return redirect("spaces:memberships", slug=space.slug)
    return render(
        request,
        "spaces/manage/membership_form.html",
        {"space": space, "tool": "practices", "form": form, "membership": membership},
    )


@require_POST
def membership_end(request, slug, pk):
    space = space_for_coordinator(request, slug)
    membership = get_object_or_404(space.memberships.select_related("practice"), pk=pk)
    try:
        services.end_membership(membership, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The membership of %(practice)s is ended.") % {"practice": membership.practice})
    return redirect("spaces:memberships", slug=space.slug)


def roles(request, slug):
    space = space_for_coordinator(request, slug)
    form = RoleForm(request.POST or None, space=space)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.assign_role(
                space,
                data["member"],
                data["role"],
                by=request.user,
                **{f"responsibility_{c}": data[f"responsibility_{c}"] for c in ("en", "fr", "nl")},
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("The role is assigned."))
            return redirect("spaces:roles", slug=space.slug)
    return render(
        request,
        "spaces/manage/roles.html",
        {"space": space, "tool": "roles", "form": form, "roles": queries.roles_of(space)},
    )


@require_POST
def role_remove(request, slug, pk):
    space = space_for_coordinator(request, slug)
    assignment = get_object_or_404(space.roles.select_related("member"), pk=pk)
    try:
        services.remove_role(assignment, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The role is removed."))
    return redirect("spaces:roles", slug=space.slug)


def audit_log(request, slug):
    space = space_for_coordinator(request, slug)
    entries = AuditEntry.objects.filter(space=space).select_related("actor").order_by("-at", "-id")
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "spaces/manage/audit.html", {"space": space, "tool": "audit", "page": page})
