from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from community import rules
from community.models import PracticeMember
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_insiders(practice, member, coordinator, outsider, superuser, space):
    neighbour = f.make_member_of(space, practice=f.PracticeFactory(name="Neighbours"), email="n@example.org")

    assert [rules.is_insider(p, practice) for p in (member, coordinator, neighbour, superuser)] == [True] * 4
    assert rules.is_insider(outsider, practice) is False
    assert rules.is_insider(AnonymousUser(), practice) is False


def test_members_are_public_only_with_both_opt_ins(practice, outsider):
    anonymous = AnonymousUser()
    assert rules.can_see_members(anonymous, practice) is False
    practice.public_profile = True
    assert rules.can_see_members(anonymous, practice) is False
    practice.show_members = True
    assert rules.can_see_members(anonymous, practice) is True
    assert rules.can_see_members(outsider, practice) is True


def test_emails_for_managers_only(space, practice, member, coordinator):
    neighbour = f.make_member_of(space, practice=f.PracticeFactory(name="Neighbours"), email="n@example.org")

    assert rules.can_see_emails(member, practice) is True
    assert rules.can_see_emails(coordinator, practice) is True
    assert rules.can_see_emails(neighbour, practice) is False


def test_remove_self_or_as_manager(space, practice, member, coordinator):
    neighbour = f.make_member_of(space, practice=f.PracticeFactory(name="Neighbours"), email="n@example.org")
    link = PracticeMember.objects.get(practice=practice, member=member)

    assert (rules.can_remove_member(member, link), rules.can_remove_member(coordinator, link)) == (True, True)
    assert rules.can_remove_member(neighbour, link) is False


def test_public_fields_follow_the_opt_ins_for_outsiders(practice, member, outsider):
    practice.public_profile = True
    practice.show_description, practice.show_website, practice.show_email, practice.show_members = (
        True,
        False,
        True,
        False,
    )

    assert rules.public_fields(outsider, practice) == {
        "description": True,
        "website": False,
        "email": True,
        "members": False,
    }
    assert rules.public_fields(member, practice) == {
        "description": True,
        "website": True,
        "email": True,
        "members": True,
    }
