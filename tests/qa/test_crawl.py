"""Walk the demo network as its people would: follow every same-site link from the home page and the dashboard,
and fail on a server error or a link that leads nowhere.

The demo is seeded once for the module (inside a transaction that is rolled back at the end). To stay fast, the
crawl visits at most ``PER_PATTERN`` pages per URL shape (numbers and query strings folded), which still reaches
every kind of page the links lead to.
"""

from __future__ import annotations

import io
import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from community.models import Member

PER_PATTERN = 1
MAX_PAGES = 400
# Links that change state on GET or leave the pages: never followed.
SKIP = ("/accounts/logout/", "/i18n/", "/static/", "/admin/")
REDIRECTS = (301, 302, 303, 307, 308)


class LinkParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)


def internal_links(page_url: str, html: str) -> list[str]:
    parser = LinkParser()
    parser.feed(html)
    out = []
    for href in parser.links:
        parts = urlsplit(urldefrag(urljoin("http://testserver" + page_url, href))[0])
        if parts.scheme not in ("http", "https") or parts.netloc != "testserver":
            continue
        out.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return out


def shape(url: str) -> str:
    """/en/spaces/x/bookings/12/?date=… → /en/spaces/x/bookings/N/; /en/practices/y/edit/ → /en/practices/P/edit/
    (each space keeps its own pages: what an outsider may see differs from space to space)."""
    path = re.sub(r"/\d+(?=/|$|\.)", "/N", url.split("?")[0])
    return re.sub(r"/practices/[^/]+/", "/practices/P/", path)


def crawl(client: Client, starts: list[str], *, lang: str, max_pages: int = MAX_PAGES, follow: bool = True):
    """Breadth-first over the links; returns (visited count, problems). A problem is a 5xx anywhere, or a 404
    reached from a link on a page (a broken link)."""
    queue = deque((url, None) for url in starts)
    seen = set(starts)
    per_shape: dict[str, int] = {}
    problems = []
    visited = 0
    while queue and visited < max_pages:
        url, referrer = queue.popleft()
        response = client.get(url)
        visited += 1
        status = response.status_code
        if status >= 500 or (status == 404 and referrer is not None):
            problems.append(f"{status} {url} (linked from {referrer})")
            continue
        if status in REDIRECTS:
            target = urlsplit(urljoin("http://testserver" + url, response["Location"]))
            if target.netloc in ("", "testserver"):
                links = [target.path + (f"?{target.query}" if target.query else "")]
            else:
                links = []
        elif status == 200 and "html" in response.get("Content-Type", "") and follow:
            links = internal_links(url, response.content.decode())
        else:
            continue
        for link in links:
            path = link.split("?")[0]
            if any(path.startswith(s) or s in path for s in SKIP):
                continue
            if re.match(r"^/(en|fr|nl)/", path) and not path.startswith(f"/{lang}/"):
                continue  # the language switcher: each language is crawled on its own
            if link in seen or per_shape.get(shape(link), 0) >= PER_PATTERN:
                continue
            seen.add(link)
            per_shape[shape(link)] = per_shape.get(shape(link), 0) + 1
            queue.append((link, url))
    return visited, problems


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo network, seeded once for this module and rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=io.StringIO(), stderr=io.StringIO())
        yield
        transaction.set_rollback(True)


def client_as(email: str | None) -> Client:
    client = Client()
    if email:
        client.force_login(Member.objects.get(email=email))
    return client


PERSONAS = {
    "anonymous": None,
    "member": "lotte@demo.plek.example",
    "coordinator": "ines@demo.plek.example",
}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_every_link_from_home_and_dashboard_works(demo, persona):
    client = client_as(PERSONAS[persona])
    starts = ["/en/"] + (["/en/me/"] if PERSONAS[persona] else [])

    visited, problems = crawl(client, starts, lang="en")

    assert problems == []
    assert visited > 20
    print(f"{persona}: {visited} pages")


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_home_directory_and_space_pages_work_in_french_and_dutch(demo, lang):
    client = client_as(PERSONAS["member"])
    starts = [f"/{lang}/", f"/{lang}/spaces/", f"/{lang}/spaces/werkhuis-kuregem/", f"/{lang}/spaces/maison-biloba/"]

    visited, problems = crawl(client, starts, lang=lang, max_pages=60)

    assert problems == []
    assert visited == 60
