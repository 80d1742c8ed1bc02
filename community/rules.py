"""Who may do what with practices and their members, built on spaces.rules (the one source of permissions)."""

from __future__ import annotations

from spaces import rules
from spaces.rules import can_manage_practice, practice_is_visible  # noqa: F401  (re-exported for this app)


def is_insider(user, practice) -> bool:
    """The practice's own members, members of its spaces, and superusers know the practice from inside."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or practice.pk in rules.practice_ids(user):
        return True
    return practice.space_memberships.filter(space_id__in=rules.member_space_ids(user)).exists()


def can_see_members(user, practice) -> bool:
    """Who acts for the practice: insiders, and everyone when the public profile says so."""
    return (practice.public_profile and practice.show_members) or is_insider(user, practice)


def can_see_emails(user, practice) -> bool:
    """Members' email addresses are for the people who manage the practice."""
    return can_manage_practice(user, practice)


def can_remove_member(user, link) -> bool:
    """Managers of the practice may remove anyone; every member may leave."""
    if getattr(user, "is_authenticated", False) and link.member_id == user.pk:
        return True
    return can_manage_practice(user, link.practice)


def public_fields(user, practice) -> dict[str, bool]:
    """Which optional parts of the profile the user sees: insiders see everything, the public what the practice
    opted in to."""
    if is_insider(user, practice):
        return {"description": True, "website": True, "email": True, "members": True}
    return {
        "description": practice.show_description,
        "website": practice.show_website,
        "email": practice.show_email,
        "members": practice.show_members,
    }
