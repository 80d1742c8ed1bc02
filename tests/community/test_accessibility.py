"""axe-core on the signed-in community pages (the public ones are checked by tests/test_accessibility.py)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from tests import factories as f
from tests.test_accessibility import axe_js, browser, check_page  # noqa: F401  (fixtures)

from .factories import InvitationFactory

pytestmark = [pytest.mark.browser]


@pytest.mark.django_db(transaction=True)
def test_signed_in_community_pages_have_no_serious_violations(browser, axe_js, live_server):  # noqa: F811
    space = f.SpaceFactory(slug="a11y-space", name="A11y Space")
    practice = f.PracticeFactory(name="A11y Practice", description="We make things.", website="https://a.example")
    member = f.make_member_of(space, practice=practice, email="a11y@example.org", name="Ali A11y")
    f.RoleAssignmentFactory(space=space, member=member, role="coordinator")
    InvitationFactory(practice=practice, email="pending@example.org")
    client = Client()
    client.force_login(member)
    browser.get(live_server.url + "/en/")
    browser.delete_all_cookies()
    browser.add_cookie(
        {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value}
    )

    for path in [
        "/en/me/",
        "/en/me/profile/",
        f"/nl/practices/{practice.slug}/",
        f"/fr/practices/{practice.slug}/edit/",
        f"/en/practices/{practice.slug}/members/",
        f"/en/practices/{practice.slug}/members/{member.pk}/remove/",
        "/en/accounts/password/change/",
    ]:
        check_page(browser, axe_js, live_server.url + path)

    browser.delete_all_cookies()
