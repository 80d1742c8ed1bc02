from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import get_template
from django.urls import reverse, translate_url
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from api.models import ApiToken
from core.access import LoginRequired
from core.forms import errors_to_form
from spaces import rules as space_rules
from spaces.models import RoleAssignment, Space, SpaceMembership

from . import rules, services
from .forms import AcceptInvitationForm, InviteForm, PracticeForm, ProfileForm, TokenForm
from .models import Invitation, Member, Practice, PracticeMember

logger = logging.getLogger(__name__)


def _practice_for_viewer(request, slug: str) -> Practice:
    """The practice if the user may see it: anonymous → login (unless public), others → 404."""
    practice = get_object_or_404(Practice, slug=slug)
    if not rules.practice_is_visible(request.user, practice):
        if not request.user.is_authenticated:
            raise LoginRequired
        raise Http404
    return practice


def _practice_for_manager(request, slug: str) -> Practice:
    """As above, signed in, and 403 for people who may see the practice but not manage it."""
    if not request.user.is_authenticated:
        raise LoginRequired
    practice = _practice_for_viewer(request, slug)
    if not rules.can_manage_practice(request.user, practice):
        raise PermissionDenied
    return practice


def _optional_template(name: str) -> str | None:
    """The name of another app's partial if it exists and compiles, so that our page never breaks on it."""
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return None
    except TemplateSyntaxError:
        logger.exception("The partial %s does not compile; the practice page leaves it out.", name)
        return None
    return name


def _in_language(request, member: Member, url: str) -> str:
    """Send the member to ``url`` in their language; core.middleware sets the language cookie."""
    request.plek_language = member.language
    return translate_url(url, member.language)


@login_required
def dashboard(request):
    user = request.user
    roles = space_rules.roles_by_space(user)
    space_ids = space_rules.member_space_ids(user)
    practice_ids = space_rules.practice_ids(user)
    spaces = list(Space.objects.filter(id__in=space_ids).select_related("network").order_by("name"))
    memberships = (
        SpaceMembership.objects.active()
        .filter(space_id__in=space_ids, practice_id__in=practice_ids)
        .select_related("practice")
    )
    by_space: dict[int, list] = {}
    for membership in memberships:
        by_space.setdefault(membership.space_id, []).append(membership)
    role_labels = dict(RoleAssignment.Role.choices)
    rows = [
        {
            "space": space,
            "roles": sorted(str(role_labels.get(r, r)) for r in roles.get(space.pk, ())),
            "memberships": by_space.get(space.pk, []),
            "is_coordinator": space_rules.is_coordinator(user, space),
        }
        for space in spaces
    ]
    practices = Practice.objects.filter(id__in=practice_ids).order_by("name")
    return render(request, "community/dashboard.html", {"rows": rows, "practices": practices})


@login_required
def profile(request):
    member = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST, member=member)
        if form.is_valid():
            try:
                services.update_profile(member, dict(form.cleaned_data), by=member)
            except ValidationError as error:
                member.refresh_from_db()
                errors_to_form(form, error)
            else:
                messages.success(request, _("Your profile is saved."))
                return redirect(_in_language(request, member, reverse("community:profile")))
    else:
        form = ProfileForm(member=member)
    return _render_profile(request, form, TokenForm())


def _render_profile(request, form, token_form, *, new_token: str = "", status: int = 200):
    tokens = ApiToken.objects.filter(member=request.user, revoked_at__isnull=True)
    context = {"form": form, "token_form": token_form, "tokens": tokens, "new_token": new_token}
    return render(request, "community/profile.html", context, status=status)


@login_required
@require_POST
def token_create(request):
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _render_profile(request, ProfileForm(member=request.user), form, status=400)
    _token, raw = services.create_api_token(request.user, label=form.cleaned_data["label"], by=request.user)
    return _render_profile(request, ProfileForm(member=request.user), TokenForm(), new_token=raw)


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, member=request.user)
    services.revoke_api_token(token, by=request.user)
    messages.success(request, _("The token is revoked."))
    return redirect("community:profile")


def practice_detail(request, slug: str):
    practice = _practice_for_viewer(request, slug)
    show = rules.public_fields(request.user, practice)
    memberships = (
        SpaceMembership.objects.active().filter(practice=practice).select_related("space").order_by("space__name")
    )
    members = (
        Member.objects.filter(practice_links__practice=practice, is_active=True).order_by("name", "email")
        if show["members"]
        else Member.objects.none()
    )
    extra_template = _optional_template("programme/_practice_profile.html")
    can_manage = rules.can_manage_practice(request.user, practice)
    context = {
        "practice": practice,
        "show": show,
        "memberships": memberships,
        "members": members,
        "can_manage": can_manage,
        "invite_form": InviteForm() if can_manage else None,
        "extra_template": extra_template,
    }
    return render(request, "community/practice_detail.html", context)


def practice_edit(request, slug: str):
    practice = _practice_for_manager(request, slug)
    if request.method == "POST":
        form = PracticeForm(request.POST, practice=practice)
        if form.is_valid():
            try:
                services.update_practice(practice, dict(form.cleaned_data), by=request.user)
            except ValidationError as error:
                errors_to_form(form, error)
            else:
                messages.success(request, _("The practice is saved."))
                return redirect("community:practice", slug=practice.slug)
    else:
        form = PracticeForm(practice=practice)
    return render(request, "community/practice_form.html", {"practice": practice, "form": form})


def practice_members(request, slug: str):
    practice = _practice_for_manager(request, slug)
    status = 200
    if request.method == "POST":
        form = InviteForm(request.POST)
        if form.is_valid():
            try:
                outcome, obj = services.invite_to_practice(
                    practice, form.cleaned_data["email"], name=form.cleaned_data["name"], by=request.user
                )
            except ValidationError as error:
                errors_to_form(form, error)
            else:
                if outcome == "added":
                    messages.success(request, _("%(person)s now acts for this practice.") % {"person": obj.member})
                else:
                    messages.success(request, _("An invitation was sent to %(email)s.") % {"email": obj.email})
                return redirect("community:practice-members", slug=practice.slug)
        status = 400
    else:
        form = InviteForm()
    links = (
        PracticeMember.objects.filter(practice=practice)
        .select_related("member")
        .order_by("member__name", "member__email")
    )
    invitations = Invitation.objects.filter(practice=practice, accepted_at__isnull=True).order_by("email")
    context = {"practice": practice, "form": form, "links": links, "invitations": invitations}
    return render(request, "community/practice_members.html", context, status=status)


def practice_member_remove(request, slug: str, member_id: int):
    if not request.user.is_authenticated:
        raise LoginRequired
    practice = _practice_for_viewer(request, slug)
    link = get_object_or_404(
        PracticeMember.objects.select_related("member", "practice"), practice=practice, member_id=member_id
    )
    if not rules.can_remove_member(request.user, link):
        raise PermissionDenied
    if request.method == "POST":
        services.remove_practice_member(link, by=request.user)
        messages.success(
            request, _("%(person)s no longer acts for %(practice)s.") % {"person": link.member, "practice": practice}
        )
        if rules.can_manage_practice(request.user, practice):
            return redirect("community:practice-members", slug=practice.slug)
        return redirect("community:dashboard")
    return render(request, "community/practice_member_remove.html", {"practice": practice, "link": link})


def invitation_accept(request, token: str):
    """Public (the token is the key): a new person sets name, language and password; an account made since the
    invitation just joins."""
    invitation = get_object_or_404(Invitation.objects.select_related("practice", "invited_by"), token=token)
    if not invitation.is_usable:
        return _invitation_unusable(request, invitation)
    existing = Member.objects.filter(email__iexact=invitation.email).first()
    posted = request.method == "POST"
    form = None
    if existing is None:
        initial = {"name": invitation.name, "language": invitation.language}
        form = AcceptInvitationForm(request.POST if posted else None, email=invitation.email, initial=initial)
    if posted and (form is None or form.is_valid()):
        data = form.cleaned_data if form is not None else {}
        try:
            member, created = services.accept_invitation(
                invitation,
                name=data.get("name", ""),
                password=data.get("password1", ""),
                language=data.get("language", ""),
            )
        except services.InvitationUnusable:
            return _invitation_unusable(request, invitation)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            return _welcome(request, invitation, member, created)
    context = {"invitation": invitation, "form": form, "existing": existing}
    return render(request, "community/invitation_accept.html", context, status=400 if posted else 200)


def _invitation_unusable(request, invitation):
    return render(request, "community/invitation_unusable.html", {"invitation": invitation}, status=410)


def _welcome(request, invitation, member, created: bool):
    """Sign in a new account; an existing one signs in itself (unless it is the one signed in already)."""
    if created or request.user.pk == member.pk:
        if request.user.pk != member.pk:
            login(request, member, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome to %(practice)s.") % {"practice": invitation.practice})
        return redirect(_in_language(request, member, reverse("community:dashboard")))
    messages.success(request, _("You now act for %(practice)s. Please sign in.") % {"practice": invitation.practice})
    return redirect(translate_url(reverse("account_login"), member.language))
