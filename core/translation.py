"""Content written by people in the three languages: one column per language, read in the active one."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


def translated_fields(base: str, field_class=models.TextField, verbose_name=None, **kwargs) -> dict[str, models.Field]:
    """Return ``{base_en: field, base_fr: field, base_nl: field}`` for a model body's ``locals().update``."""
    fields = {}
    for code in LANGUAGE_CODES:
        label = f"{verbose_name or base} ({code})"
        fields[f"{base}_{code}"] = field_class(label, blank=True, **kwargs)
    return fields


class Translated:
    """Descriptor: ``obj.purpose`` gives ``purpose_<active language>``, falling back to the others."""

    def __init__(self, base: str):
        self.base = base

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        return pick(obj, self.base)


def pick(obj, base: str, language: str | None = None) -> str:
    language = (language or get_language() or settings.LANGUAGE_CODE)[:2]
    order = [language] + [c for c in (settings.LANGUAGE_CODE, *LANGUAGE_CODES) if c != language]
    for code in order:
        value = getattr(obj, f"{base}_{code}", "")
        if value:
            return value
    return ""


def all_languages(obj, base: str) -> dict[str, str]:
    return {code: getattr(obj, f"{base}_{code}", "") for code in LANGUAGE_CODES}
