"""Translations: the three catalogues are complete and in step with the source, and every public page renders in
English, French and Dutch."""

from __future__ import annotations

import ast
import os
import re
from functools import cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.test import Client

from . import factories as f
from .test_isolation import all_cases, build_world

ROOT = Path(__file__).resolve().parent.parent
LANGS = ("en", "fr", "nl")
# As in the Makefile's ``messages`` target: these folders are not scanned for strings.
IGNORED_DIRS = {".venv", "bench", "tests", "node_modules", "staticfiles", "media", ".git", "migrations", "locale"}


def po_path(lang: str) -> Path:
    return ROOT / "locale" / lang / "LC_MESSAGES" / "django.po"


@cache
def catalogue(lang: str):
    with po_path(lang).open("rb") as fh:
        return read_po(fh, locale=lang)


def msgid_of(message) -> str:
    return message.id[0] if isinstance(message.id, tuple) else message.id


# -- the catalogues ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_catalogue_has_no_untranslated_or_fuzzy_entries(lang):
    problems = []
    for message in catalogue(lang):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            problems.append(("fuzzy: " if message.fuzzy else "") + repr(msgid_of(message))[:80])

    assert problems == [], (
        f"{len(problems)} untranslated or fuzzy entries in locale/{lang} (fill them with scripts/po.py): "
        + "; ".join(problems[:15])
    )


@pytest.mark.parametrize("lang", LANGS)
def test_compiled_catalogue_is_up_to_date(lang):
    po = po_path(lang)
    mo = po.with_suffix(".mo")

    assert mo.exists(), f"{mo.relative_to(ROOT)} is missing: run `make translations`"
    assert mo.stat().st_mtime >= po.stat().st_mtime, (
        f"{mo.relative_to(ROOT)} is older than its .po: `make translations`"
    )


# -- the catalogues are in step with the source ---------------------------------------------------------------------

PY_FUNCS = {
    # name: (index of the context argument or None, index of the msgid)
    "_": (None, 0),
    "gettext": (None, 0),
    "gettext_lazy": (None, 0),
    "gettext_noop": (None, 0),
    "ngettext": (None, 0),
    "ngettext_lazy": (None, 0),
    "pgettext": (0, 1),
    "pgettext_lazy": (0, 1),
    "npgettext": (0, 1),
    "npgettext_lazy": (0, 1),
}


def source_files(suffix: str):
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = sorted(d for d in dirs if d not in IGNORED_DIRS and not d.startswith("."))
        for name in sorted(files):
            if name.endswith(suffix):
                yield Path(folder) / name


def python_messages(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
        if name not in PY_FUNCS:
            continue
        ctx_index, id_index = PY_FUNCS[name]
        args = node.args
        if len(args) <= id_index:
            continue
        values = [a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None for a in args]
        msgid = values[id_index]
        context = values[ctx_index] if ctx_index is not None else None
        if msgid and (ctx_index is None or context):
            yield context, msgid


STRING = r"""(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')"""
TRANSLATE_TAG = re.compile(r"{%\s*(?:translate|trans)\s+" + STRING + r"(?P<rest>[^%]*)%}")
CONTEXT = re.compile(r"\bcontext\s+" + STRING)
UNDERSCORE = re.compile(r"\b_\(" + STRING + r"\)")
BLOCK = re.compile(
    r"{%\s*(?:blocktranslate|blocktrans)\b(?P<options>[^%]*)%}(?P<body>.*?){%\s*(?:endblocktranslate|endblocktrans)\s*%}",
    re.S,
)
VARIABLE = re.compile(r"{{\s*([\w.]+)\s*}}")


def _string(match, first: int) -> str:
    value = match.group(first) if match.group(first) is not None else match.group(first + 1)
    return value.replace('\\"', '"').replace("\\'", "'")


def template_messages(path: Path):
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"{#.*?#}", "", text)
    text = re.sub(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", "", text, flags=re.S)
    for m in TRANSLATE_TAG.finditer(text):
        if m.group(1) is None and m.group(2) is None:
            continue
        ctx = CONTEXT.search(m.group("rest"))
        yield (_string(ctx, 1) if ctx else None), _string(m, 1)
    for m in UNDERSCORE.finditer(text):
        yield None, _string(m, 1)
    for m in BLOCK.finditer(text):
        options, body = m.group("options"), m.group("body")
        if "{%" in body.split("{% plural %}")[0].replace("{% plural %}", ""):
            continue  # other tags inside: not a form this check understands
        body = body.split("{% plural %}")[0]
        if "trimmed" in options.split():
            body = re.sub(r"\s*\n\s*", " ", body.strip())
        body = body.replace("%", "%%")
        body = VARIABLE.sub(lambda v: f"%({v.group(1)})s", body)
        ctx = CONTEXT.search(options)
        yield (_string(ctx, 1) if ctx else None), body


@cache
def source_messages() -> dict[tuple[str | None, str], str]:
    found = {}
    for path in source_files(".py"):
        for key in python_messages(path):
            found.setdefault(key, str(path.relative_to(ROOT)))
    for path in source_files(".html"):
        for key in template_messages(path):
            found.setdefault(key, str(path.relative_to(ROOT)))
    for path in source_files(".txt"):
        if "templates" in path.parts:
            for key in template_messages(path):
                found.setdefault(key, str(path.relative_to(ROOT)))
    return found


@pytest.mark.parametrize("lang", LANGS)
def test_catalogue_has_every_string_of_the_source(lang):
    known = {(m.context or None, msgid_of(m)) for m in catalogue(lang) if m.id}

    missing = sorted(
        f"{where}: {msgid!r}" for (ctx, msgid), where in source_messages().items() if (ctx, msgid) not in known
    )

    assert missing == [], (
        f"{len(missing)} strings of the source are not in locale/{lang} (run `make messages`; a gettext call inside "
        "an f-string is invisible to xgettext: take it out of the f-string): " + "; ".join(missing[:15])
    )


def test_source_scan_finds_strings_of_python_and_templates():
    found = source_messages()

    assert found[(None, "Skip to content")] == "templates/base.html"
    assert (None, "%(SITE_NAME)s: shared spaces, run together.") in found
    assert ("shared building", "space") in found


# -- every public page, in every language ---------------------------------------------------------------------------


class _Anything:
    """A stand-in world for collection time: every attribute exists and prints as ``1``."""

    def __getattr__(self, name):
        return self

    def __str__(self):
        return "1"

    __format__ = lambda self, spec: "1"  # noqa: E731


def public_ui_cases() -> list[tuple[str, int]]:
    """(route name, case index) of the UI GET cases that an anonymous visitor gets with 200."""
    out = []
    for name, cases in sorted(all_cases().items()):
        for i, case in enumerate(cases):
            if case.method.lower() != "get" or case.expect.get("anonymous") != 200:
                continue
            try:
                if case.is_api(_Anything()):
                    continue
            except Exception:
                pass  # decided at run time
            out.append((name, i))
    return out


PUBLIC_PAGES = public_ui_cases()


def localise(path: str, lang: str) -> str:
    for code in LANGS:
        if path.startswith(f"/{code}/"):
            return f"/{lang}/" + path[len(code) + 2 :]
    return path


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("name", "index"), PUBLIC_PAGES, ids=[f"{n}[{i}]" for n, i in PUBLIC_PAGES])
def test_public_page_renders_in_each_language(name, index, lang):
    case = all_cases()[name][index]
    world = build_world()
    if case.is_api(world):
        pytest.skip("an API route")
    path = localise(case.path(world), lang)

    response = Client().get(path)

    assert response.status_code == 200, f"GET {path}: {response.status_code}"
    assert f'<html lang="{lang}"' in response.content.decode()


# -- a translated string really appears on the key pages ------------------------------------------------------------


def translation_of(msgid: str, lang: str) -> str:
    message = catalogue(lang).get(msgid)
    assert message is not None and message.string, f"{msgid!r} is not translated in locale/{lang}"
    return message.string


KEY_PAGES = {
    "home": ("/{lang}/", "Spaces", None),
    "directory": ("/{lang}/spaces/", "Spaces", None),
    "space identity page": ("/{lang}/spaces/werkplaats/", "Skip to content", None),
    "login": ("/{lang}/accounts/login/", "Sign in", None),
    "password reset": ("/{lang}/accounts/password/reset/", "Skip to content", None),
    "dashboard": ("/{lang}/me/", "My spaces", "member"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["fr", "nl"])
@pytest.mark.parametrize("page", sorted(KEY_PAGES))
def test_key_page_shows_translated_text(page, lang, request):
    path, msgid, persona = KEY_PAGES[page]
    f.SpaceFactory(slug="werkplaats", name="Werkplaats")
    client = Client()
    if persona:
        client.force_login(f.MemberFactory(email="i18n@example.org", language=lang))
    expected = translation_of(msgid, lang)

    response = client.get(path.format(lang=lang))

    assert response.status_code == 200
    html = response.content.decode()
    assert expected != msgid or lang == "en"
    assert expected in html, f"{page} in {lang}: {expected!r} not on the page"
