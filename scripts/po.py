#!/usr/bin/env python
"""Work on the translation catalogues without hand-editing .po files.

  python scripts/po.py status              untranslated and fuzzy entries per language
  python scripts/po.py fill-en             English: msgstr = msgid wherever it is empty
  python scripts/po.py drop-fuzzy          French and Dutch: empty msgmerge's fuzzy guesses (they stay untranslated)
  python scripts/po.py missing fr > f.json the untranslated or fuzzy msgids of one language, as JSON
  python scripts/po.py apply fr f.json     apply {msgid: msgstr} (or {msgid: [singular, plural]}) to a language

Keys with a context are written "context\x04msgid" (gettext's own convention).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

LOCALE = Path(__file__).resolve().parent.parent / "locale"
LANGS = ["en", "fr", "nl"]


def path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "django.po"


def load(lang: str):
    with path(lang).open("rb") as fh:
        return read_po(fh, locale=lang)


def save(lang: str, catalog) -> None:
    catalog.fuzzy = False
    catalog.locale = lang
    with path(lang).open("wb") as fh:
        write_po(fh, catalog, width=100, include_previous=False)


def key(message) -> str:
    msgid = message.id[0] if isinstance(message.id, tuple) else message.id
    return f"{message.context}\x04{msgid}" if message.context else msgid


def untranslated(message) -> bool:
    if not message.id:
        return False
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return message.fuzzy or any(not s for s in strings)


def problems(lang: str) -> list:
    return [m for m in load(lang) if untranslated(m)]


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "status"
    if command == "status":
        bad = 0
        for lang in LANGS:
            items = problems(lang)
            bad += len(items)
            print(f"{lang}: {len(items)} untranslated or fuzzy")
            for m in items[:20]:
                print("   ", repr(key(m))[:100])
        return 1 if bad else 0
    if command == "fill-en":
        catalog = load("en")
        for m in catalog:
            if not m.id:
                continue
            stale = m.fuzzy  # a fuzzy guess from another msgid: replace it, don't keep it
            if isinstance(m.id, tuple):
                m.string = tuple((s and not stale and s) or m.id[min(i, 1)] for i, s in enumerate(m.string))
            elif stale or not m.string:
                m.string = m.id
            m.flags.discard("fuzzy")
        save("en", catalog)
        return 0
    if command == "drop-fuzzy":
        for lang in LANGS[1:]:
            catalog = load(lang)
            for m in catalog:
                if m.id and m.fuzzy:
                    m.string = tuple("" for _ in m.string) if isinstance(m.id, tuple) else ""
                    m.flags.discard("fuzzy")
            save(lang, catalog)
        return 0
    if command == "missing":
        lang = argv[2]
        out = {}
        for m in problems(lang):
            out[key(m)] = list(m.id) if isinstance(m.id, tuple) else ""
        json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    if command == "apply":
        lang, source = argv[2], argv[3]
        data = json.loads(Path(source).read_text(encoding="utf-8"))
        catalog = load(lang)
        applied = 0
        for m in catalog:
            value = data.get(key(m)) if m.id else None
            if not value:
                continue
            if isinstance(m.id, tuple):
                if isinstance(value, str):
                    value = [value, value]
                m.string = tuple(value) + tuple(value[-1:]) * (len(m.string) - len(value)) if m.string else tuple(value)
            else:
                m.string = value if isinstance(value, str) else value[0]
            m.flags.discard("fuzzy")
            applied += 1
        save(lang, catalog)
        print(f"{lang}: applied {applied}")
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
