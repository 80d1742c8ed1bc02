"""Links that apps add to shared pages, registered in each app's ``AppConfig.ready()``.

- ``space_section``: a tab on a space's pages (identity page and the space's member/coordinator pages).
- ``member_link``: a link on the member's dashboard ("My spaces").
- ``main_link``: a link in the site header.

``visible(user, space)`` (or ``visible(user)``) decides who sees the link; ``url_name`` is reversed with the
space's slug as ``slug`` for space sections, and with no arguments for the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class Link:
    key: str
    label: object  # a lazy translation
    url_name: str
    order: int = 100
    visible: Callable | None = None


SPACE_SECTIONS: dict[str, Link] = {}
MEMBER_LINKS: dict[str, Link] = {}
MAIN_LINKS: dict[str, Link] = {}


def space_section(key, label, url_name, *, order=100, visible=None):
    SPACE_SECTIONS[key] = Link(key, label, url_name, order, visible)


def member_link(key, label, url_name, *, order=100, visible=None):
    MEMBER_LINKS[key] = Link(key, label, url_name, order, visible)


def main_link(key, label, url_name, *, order=100, visible=None):
    MAIN_LINKS[key] = Link(key, label, url_name, order, visible)


def _reverse(link: Link, **kwargs) -> str | None:
    try:
        return reverse(link.url_name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def space_sections_for(user, space) -> list[dict]:
    out = []
    for link in sorted(SPACE_SECTIONS.values(), key=lambda link: (link.order, link.key)):
        if link.visible is None or link.visible(user, space):
            url = _reverse(link, slug=space.slug)
            if url:
                out.append({"key": link.key, "label": link.label, "url": url})
    return out


def links_for(registry: dict[str, Link], user) -> list[dict]:
    out = []
    for link in sorted(registry.values(), key=lambda link: (link.order, link.key)):
        if link.visible is None or link.visible(user):
            url = _reverse(link)
            if url:
                out.append({"key": link.key, "label": link.label, "url": url})
    return out
