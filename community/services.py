"""Every change to members, practices, invitations and API tokens. Each function is atomic, checks permission
and writes an audit entry; its docstring lists its side effects."""

from __future__ import annotations

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from api.authentication import hash_token
from api.models import ApiToken
from core import audit, emails
from spaces import rules as space_rules

from . import rules
from .models import Invitation, Member, Practice, PracticeMember

INVITATION_DAYS = 14
MEMBER_FIELDS = ["email", "name", "language", "phone", "bio", "is_active"]
PRACTICE_FIELDS = [
    "name",
    "kind",
    "description",
    "website",
    "email",
    "language",
    "public_profile",
    "show_description",
    "show_website",
    "show_email",
    "show_members",
]


def _absolute(url_name: str, language: str, **kwargs) -> str:
    with translation.override(language):
        return settings.SITE_URL + reverse(url_name, kwargs=kwargs or None)


def _clean_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": [_("Enter a valid email address.")]}) from None
    return email


def _sync_login_email(member: Member) -> None:
    """allauth signs people in (and resets passwords) by the addresses in its table: keep exactly one, the account's."""
    EmailAddress.objects.filter(user=member).exclude(email__iexact=member.email).delete()
    EmailAddress.objects.update_or_create(user=member, email=member.email, defaults={"primary": True, "verified": True})


@transaction.atomic
def invite_to_practice(
    practice: Practice, email: str, *, by, name: str = "", language: str | None = None
) -> tuple[str, PracticeMember | Invitation]:
    """Add a person to a practice by email.

    An existing account is added at once (status "added") and told by email in their language. Anyone else gets
    an invitation (status "invited") with a link to set their name, password and language; inviting the same
    address again resends the open invitation with a fresh expiry. Writes an audit entry. Raises
    PermissionDenied when ``by`` may not manage the practice, ValidationError on a bad address or a person
    who already acts for the practice.
    """
    if not rules.can_manage_practice(by, practice):
        raise PermissionDenied
    email = _clean_email(email)
    name = (name or "").strip()[:150]
    existing = Member.objects.filter(email__iexact=email).first()
    if existing is not None:
        if PracticeMember.objects.filter(practice=practice, member=existing).exists():
            raise ValidationError(
                {
                    "email": [
                        _("%(email)s is already a member of %(practice)s.") % {"email": email, "practice": practice}
                    ]
                }
            )
        link = PracticeMember.objects.create(practice=practice, member=existing)
        audit.record(link, "community.member_added", by=by, after={"practice": practice.pk, "member": existing.pk})
        space_rules.forget(existing)
        context = {
            "practice": practice,
            "inviter": by,
            "url": _absolute("community:practice", existing.language, slug=practice.slug),
        }
        transaction.on_commit(lambda: emails.send_to_member("community/email/added", existing, context))
        return "added", link

    now = timezone.now()
    invitation = (
        Invitation.objects.select_for_update()
        .filter(practice=practice, email=email, accepted_at__isnull=True)
        .order_by("-created_at")
        .first()
    )
    if invitation is not None:
        before = audit.snapshot(invitation, ["name", "expires_at", "sent_count"])
        invitation.expires_at = now + timedelta(days=INVITATION_DAYS)
        invitation.sent_count += 1
        invitation.invited_by = by
        if name:
            invitation.name = name
        invitation.save(update_fields=["expires_at", "sent_count", "invited_by", "name"])
        audit.record(
            invitation,
            "community.reinvited",
            by=by,
            before=before,
            after=audit.snapshot(invitation, ["name", "expires_at", "sent_count"]),
        )
    else:
        invitation = Invitation.objects.create(
            practice=practice,
            email=email,
            name=name,
            language=language or practice.language or getattr(by, "language", settings.LANGUAGE_CODE),
            invited_by=by,
            expires_at=now + timedelta(days=INVITATION_DAYS),
        )
        audit.record(
            invitation, "community.invited", by=by, after={"practice": practice.pk, "email": email, "name": name}
        )
    _send_invitation(invitation, by)
    return "invited", invitation


def _send_invitation(invitation: Invitation, by) -> None:
    context = {
        "invitation": invitation,
        "practice": invitation.practice,
        "inviter": by,
        "url": _absolute("community:invitation", invitation.language, token=invitation.token),
    }
    email, language = invitation.email, invitation.language
    transaction.on_commit(lambda: emails.send("community/email/invitation", email, context, language=language))


class InvitationUnusable(ValidationError):
    """The link was used already or has expired."""


@transaction.atomic
def accept_invitation(invitation: Invitation, *, name: str, password: str, language: str) -> tuple[Member, bool]:
    """Accept an invitation: create the account (name, password, language) and add it to the practice.

    When an account with that address exists already (made since), it is added to the practice and its password
    is left alone. Returns (member, created). Marks the invitation used, registers the address with allauth
    (proved by the link), writes an audit entry. Raises InvitationUnusable for used or expired links and
    ValidationError for a weak password.
    """
    invitation = Invitation.objects.select_for_update().select_related("practice").get(pk=invitation.pk)
    if not invitation.is_usable:
        raise InvitationUnusable(_("This invitation has expired or was used already."))
    member = Member.objects.filter(email__iexact=invitation.email).first()
    created = member is None
    if created:
        name = (name or "").strip()
        if not name:
            raise ValidationError({"name": [_("Please tell us your name.")]})
        if language not in dict(settings.LANGUAGES):
            raise ValidationError({"language": [_("Choose one of the languages.")]})
        member = Member(email=invitation.email, name=name[:150], language=language)
        validate_password(password, member)
        member.set_password(password)
        member.save()
        _sync_login_email(member)
    PracticeMember.objects.get_or_create(practice=invitation.practice, member=member)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    audit.record(
        invitation, "community.invitation_accepted", by=member, after={"member": member.pk, "created": created}
    )
    space_rules.forget(member)
    return member, created


@transaction.atomic
def remove_practice_member(link: PracticeMember, *, by) -> None:
    """Remove a person from a practice (or let them leave it). Writes an audit entry; their access to the
    practice's spaces ends with it (unless they hold a role there)."""
    if not rules.can_remove_member(by, link):
        raise PermissionDenied
    before = {"practice": link.practice_id, "member": link.member_id, "is_contact": link.is_contact}
    audit.record(link, "community.member_removed", by=by, before=before)
    link.delete()
    space_rules.forget(link.member)


@transaction.atomic
def update_profile(member: Member, changes: dict, *, by) -> Member:
    """Change a member's own profile (name, email, language, phone, bio). Keeps allauth's sign-in address in
    step with the email. Writes an audit entry with what changed (never the password)."""
    if not getattr(by, "is_authenticated", False) or (by.pk != member.pk and not by.is_superuser):
        raise PermissionDenied
    allowed = {"email", "name", "language", "phone", "bio"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError({key: [_("This field cannot be changed here.")] for key in sorted(unknown)})
    if "email" in changes:
        changes["email"] = _clean_email(changes["email"])
        if Member.objects.filter(email__iexact=changes["email"]).exclude(pk=member.pk).exists():
            raise ValidationError({"email": [_("Another account uses this email address.")]})
    if "language" in changes and changes["language"] not in dict(settings.LANGUAGES):
        raise ValidationError({"language": [_("Choose one of the languages.")]})
    before = audit.snapshot(member, MEMBER_FIELDS)
    for key, value in changes.items():
        setattr(member, key, value)
    member.full_clean(exclude=["password"])
    member.save()
    if before["email"] != member.email:
        _sync_login_email(member)
    old, new = audit.diff(before, audit.snapshot(member, MEMBER_FIELDS))
    if new:
        audit.record(member, "community.profile_updated", by=by, before=old, after=new)
    return member


@transaction.atomic
def update_practice(practice: Practice, changes: dict, *, by) -> Practice:
    """Change a practice's profile and what its public profile shows. Writes an audit entry with what changed."""
    if not rules.can_manage_practice(by, practice):
        raise PermissionDenied
    unknown = set(changes) - set(PRACTICE_FIELDS)
    if unknown:
        raise ValidationError({key: [_("This field cannot be changed here.")] for key in sorted(unknown)})
    before = audit.snapshot(practice, PRACTICE_FIELDS)
    for key, value in changes.items():
        setattr(practice, key, value)
    practice.full_clean()
    practice.save()
    old, new = audit.diff(before, audit.snapshot(practice, PRACTICE_FIELDS))
    if new:
        audit.record(practice, "community.practice_updated", by=by, before=old, after=new)
    return practice


@transaction.atomic
def create_api_token(member: Member, *, label: str = "", by) -> tuple[ApiToken, str]:
    """Create a personal API token. Returns the token and its raw value, which is shown once and never stored.
    Writes an audit entry."""
    if not getattr(by, "is_authenticated", False) or by.pk != member.pk:
        raise PermissionDenied
    from api.authentication import issue_token

    label = (label or "").strip()[:100]
    raw = issue_token(member, label=label)
    token = ApiToken.objects.get(key_hash=hash_token(raw))
    audit.record(token, "community.token_created", by=by, after={"label": label, "prefix": token.prefix})
    return token, raw


@transaction.atomic
def revoke_api_token(token: ApiToken, *, by) -> None:
    """Revoke a token: calls with it get 401 from now on. Writes an audit entry. Revoking twice is harmless."""
    if not getattr(by, "is_authenticated", False) or (by.pk != token.member_id and not by.is_superuser):
        raise PermissionDenied
    if token.revoked_at is not None:
        return
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(token, "community.token_revoked", by=by, after={"prefix": token.prefix})
