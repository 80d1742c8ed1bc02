"""axe-core on the coordinator's pages and the member-only part of the identity page (the public pages are checked
by tests/test_accessibility.py). Skips without chromium, like the public-page check."""

import pytest
from django.conf import settings
from django.test import Client

from tests.test_accessibility import axe_js, browser, check_page  # noqa: F401  (fixtures)
from tests.test_isolation import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/en/spaces/{slug}/",
    "/en/spaces/{slug}/manage/",
    "/en/spaces/{slug}/manage/identity/",
    "/en/spaces/{slug}/manage/resources/",
    "/en/spaces/{slug}/manage/resources/new/",
    "/en/spaces/{slug}/manage/hours/",
    "/en/spaces/{slug}/manage/closures/",
    "/en/spaces/{slug}/manage/practices/",
    "/en/spaces/{slug}/manage/practices/{membership}/",
    "/en/spaces/{slug}/manage/roles/",
    "/en/spaces/{slug}/manage/audit/",
]


def test_coordinator_pages_have_no_serious_accessibility_violations(browser, axe_js, live_server):  # noqa: F811
    world = build_world()
    client = Client()
    client.force_login(world.coordinator)
    browser.get(live_server.url + "/healthz")
    browser.delete_all_cookies()
    browser.add_cookie(
        {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value}
    )
    client.post(  # something in the audit log
        f"/en/spaces/{world.space.slug}/manage/resources/new/",
        {"name": "Loom", "kind": "machine", "capacity": 1, "visibility": "public"},
    )
    try:
        for page in PAGES:
            url = page.format(slug=world.space.slug, membership=world.spaces_extra_membership.pk)
            check_page(browser, axe_js, live_server.url + url)
            assert browser.current_url == live_server.url + url, "the page must be seen signed in"
    finally:
        browser.delete_all_cookies()
