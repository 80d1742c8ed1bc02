from __future__ import annotations

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from api.models import ApiToken
from community import services
from community.models import Invitation, Member, PracticeMember
from core.models import AuditEntry
from tests import factories as f

from .factories import InvitationFactory

pytestmark = pytest.mark.django_db


def test_invite_existing_account_adds_at_once(practice, coordinator, django_capture_on_commit_callbacks):
    person = f.MemberFactory(email="known@example.org", name="Kim Known", language="nl")

    with django_capture_on_commit_callbacks(execute=True):
        outcome, link = services.invite_to_practice(practice, "Known@Example.org", by=coordinator)

    assert outcome == "added"
    assert link.member == person
    assert PracticeMember.objects.filter(practice=practice, member=person).count() == 1
    assert Invitation.objects.count() == 0
    assert AuditEntry.objects.filter(action="community.member_added").count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["known@example.org"]
    assert "Atelier Nord" in mail.outbox[0].subject
    assert "/nl/practices/atelier-nord/" in mail.outbox[0].body


def test_invite_new_person_sends_invitation_in_practice_language(
    practice, coordinator, django_capture_on_commit_callbacks
):
    practice.language = "fr"
    practice.save()

    with django_capture_on_commit_callbacks(execute=True):
        outcome, invitation = services.invite_to_practice(practice, "new@example.org", name="Nina New", by=coordinator)

    assert outcome == "invited"
    assert invitation.email == "new@example.org"
    assert invitation.language == "fr"
    assert invitation.invited_by == coordinator
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new@example.org"]
    assert f"/fr/invitations/{invitation.token}/" in message.body
    assert AuditEntry.objects.filter(action="community.invited", object_id=str(invitation.pk)).count() == 1


def test_reinviting_resends_the_same_invitation(practice, coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _, first = services.invite_to_practice(practice, "new@example.org", by=coordinator)
    Invitation.objects.filter(pk=first.pk).update(expires_at=timezone.now() - datetime.timedelta(days=1))

    with django_capture_on_commit_callbacks(execute=True):
        outcome, second = services.invite_to_practice(practice, "new@example.org", name="Nina", by=coordinator)

    assert outcome == "invited"
    assert second.pk == first.pk
    second.refresh_from_db()
    assert second.is_usable
    assert second.sent_count == 2
    assert second.name == "Nina"
    assert len(mail.outbox) == 2
    assert mail.outbox[1].body.count(second.token) == 1


def test_practice_member_may_invite(practice, member):
    outcome, _ = services.invite_to_practice(practice, "colleague@example.org", by=member)

    assert outcome == "invited"


def test_outsider_may_not_invite(practice, outsider):
    with pytest.raises(PermissionDenied):
        services.invite_to_practice(practice, "someone@example.org", by=outsider)

    assert Invitation.objects.count() == 0


def test_invite_rejects_a_bad_address(practice, coordinator):
    with pytest.raises(ValidationError) as error:
        services.invite_to_practice(practice, "not-an-address", by=coordinator)

    assert list(error.value.message_dict) == ["email"]
    assert Invitation.objects.count() == 0


def test_invite_rejects_someone_already_in_the_practice(practice, coordinator, member):
    with pytest.raises(ValidationError) as error:
        services.invite_to_practice(practice, member.email, by=coordinator)

    assert list(error.value.message_dict) == ["email"]
    assert PracticeMember.objects.filter(practice=practice).count() == 1


def test_accept_invitation_creates_the_account(practice):
    invitation = InvitationFactory(practice=practice, email="new@example.org")

    person, created = services.accept_invitation(
        invitation, name="Nina New", password="a long and unusual passphrase", language="nl"
    )

    assert created is True
    assert person.email == "new@example.org"
    assert person.name == "Nina New"
    assert person.language == "nl"
    assert person.check_password("a long and unusual passphrase")
    assert PracticeMember.objects.filter(practice=practice, member=person).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert list(EmailAddress.objects.filter(user=person).values_list("email", "primary", "verified")) == [
        ("new@example.org", True, True)
    ]


def test_accept_invitation_twice_is_refused(practice):
    invitation = InvitationFactory(practice=practice, email="new@example.org")
    services.accept_invitation(invitation, name="Nina", password="a long and unusual passphrase", language="en")

    with pytest.raises(services.InvitationUnusable):
        services.accept_invitation(invitation, name="Nina", password="another long passphrase", language="en")

    assert Member.objects.filter(email="new@example.org").count() == 1


def test_accept_expired_invitation_is_refused(practice):
    invitation = InvitationFactory(practice=practice, expires_at=timezone.now() - datetime.timedelta(minutes=1))

    with pytest.raises(services.InvitationUnusable):
        services.accept_invitation(invitation, name="Nina", password="a long and unusual passphrase", language="en")

    assert Member.objects.filter(email=invitation.email).count() == 0


def test_accept_with_weak_password_writes_nothing(practice):
    invitation = InvitationFactory(practice=practice)

    with pytest.raises(ValidationError):
        services.accept_invitation(invitation, name="Nina", password="123", language="en")

    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert Member.objects.filter(email=invitation.email).count() == 0


def test_remove_practice_member_by_coordinator(practice, coordinator, member):
    link = PracticeMember.objects.get(practice=practice, member=member)

    services.remove_practice_member(link, by=coordinator)

    assert not PracticeMember.objects.filter(practice=practice, member=member).exists()
    entry = AuditEntry.objects.get(action="community.member_removed")
    assert entry.actor == coordinator
    assert entry.before == {"practice": practice.pk, "member": member.pk, "is_contact": False}


def test_member_may_leave_but_outsider_may_not_remove(practice, member, outsider):
    link = PracticeMember.objects.get(practice=practice, member=member)
    with pytest.raises(PermissionDenied):
        services.remove_practice_member(link, by=outsider)

    services.remove_practice_member(link, by=member)

    assert not PracticeMember.objects.filter(pk=link.pk).exists()


def test_update_profile_changes_email_and_allauth_address(member):
    EmailAddress.objects.create(user=member, email=member.email, primary=True, verified=True)

    services.update_profile(member, {"email": "Mo@New.example", "language": "fr", "name": "Mo"}, by=member)

    member.refresh_from_db()
    assert (member.email, member.language, member.name) == ("mo@new.example", "fr", "Mo")
    assert list(EmailAddress.objects.filter(user=member).values_list("email", flat=True)) == ["mo@new.example"]
    entry = AuditEntry.objects.get(action="community.profile_updated")
    assert entry.after == {"email": "mo@new.example", "language": "fr", "name": "Mo"}
    assert "password" not in entry.before


def test_update_profile_refuses_a_taken_email(member, coordinator):
    with pytest.raises(ValidationError) as error:
        services.update_profile(member, {"email": coordinator.email}, by=member)

    assert list(error.value.message_dict) == ["email"]
    member.refresh_from_db()
    assert member.email == "member@example.org"


def test_update_profile_of_someone_else_is_refused(member, coordinator):
    with pytest.raises(PermissionDenied):
        services.update_profile(member, {"name": "X"}, by=coordinator)


def test_update_practice_by_member_and_refused_for_outsider(practice, member, outsider):
    with pytest.raises(PermissionDenied):
        services.update_practice(practice, {"public_profile": True}, by=outsider)

    services.update_practice(practice, {"public_profile": True, "show_members": True}, by=member)

    practice.refresh_from_db()
    assert (practice.public_profile, practice.show_members) == (True, True)
    entry = AuditEntry.objects.get(action="community.practice_updated")
    assert entry.after == {"public_profile": True, "show_members": True}


def test_update_practice_bad_website_writes_nothing(practice, member):
    with pytest.raises(ValidationError) as error:
        services.update_practice(practice, {"website": "not a url", "name": "Renamed"}, by=member)

    assert "website" in error.value.message_dict
    practice.refresh_from_db()
    assert practice.name == "Atelier Nord"


def test_tokens_create_and_revoke(member):
    token, raw = services.create_api_token(member, label="door screen", by=member)

    assert token.label == "door screen"
    assert raw.startswith(token.prefix)
    assert ApiToken.objects.filter(member=member, revoked_at__isnull=True).count() == 1

    services.revoke_api_token(token, by=member)

    token.refresh_from_db()
    assert token.revoked_at is not None
    assert [e.action for e in AuditEntry.objects.order_by("pk")] == [
        "community.token_created",
        "community.token_revoked",
    ]


def test_revoking_someone_elses_token_is_refused(member, coordinator):
    token, _ = services.create_api_token(member, label="x", by=member)

    with pytest.raises(PermissionDenied):
        services.revoke_api_token(token, by=coordinator)
