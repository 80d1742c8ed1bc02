"""Money in the reader's language, and the sentence that explains each line of a share."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_currency, format_decimal
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _

LOCALES = {"en": "en_IE", "fr": "fr_BE", "nl": "nl_BE"}


def _locale(language: str | None = None) -> str:
    code = (language or get_language() or settings.LANGUAGE_CODE)[:2]
    return LOCALES.get(code, "en_IE")


def money(amount, currency: str = "EUR", language: str | None = None) -> str:
    """``€1,200.00`` in English, ``1.200,00 €`` in French and Dutch (Belgium)."""
    return format_currency(Decimal(str(amount)), currency or "EUR", locale=_locale(language))


def number(value, language: str | None = None, places: int = 2) -> str:
    value = Decimal(str(value))
    if value == value.to_integral_value():
        return format_decimal(value, format="#,##0", locale=_locale(language))
    return format_decimal(value, format="#,##0." + "#" * places, locale=_locale(language))


def explain(line: dict, currency: str = "EUR") -> str:
    """One line of a share as a sentence, in the active language. ``line`` is ``Line.as_dict()``."""
    d = line.get("detail", {})
    amount = money(line["amount"], currency)
    total = money(line["item_amount"], currency)
    label = line["label"]
    kind = line["kind"]
    key = line["key"]
    weight = line["weight"]
    total_weight = line["total_weight"]
    if kind == "solidarity":
        if Decimal(line["amount"]) > 0:
            return _("Solidarity (your coefficient %(coefficient)s): you pay %(amount)s more.") % {
                "coefficient": number(d.get("coefficient", 1)),
                "amount": money(line["amount"], currency),
            }
        return _("Solidarity (your coefficient %(coefficient)s): you pay %(amount)s less.") % {
            "coefficient": number(d.get("coefficient", 1)),
            "amount": money(-Decimal(line["amount"]), currency),
        }
    if kind == "correction":
        return _("%(label)s: correction of statement no. %(number)s = %(amount)s") % {
            "label": label,
            "number": d.get("statement", ""),
            "amount": amount,
        }
    if d.get("fallback"):
        text = _("%(label)s %(total)s shared equally (the key gave nobody a share) = %(amount)s") % {
            "label": label,
            "total": total,
            "amount": amount,
        }
    elif key == "area":
        params = {
            "label": label,
            "total": total,
            "area": number(d.get("area", 0)),
            "weight": number(weight),
            "total_weight": number(total_weight),
            "days": d.get("days"),
            "period_days": d.get("period_days"),
            "amount": amount,
        }
        if d.get("days") == d.get("period_days"):
            text = _("%(label)s %(total)s × your %(weight)s m² of %(total_weight)s m² = %(amount)s") % params
        else:
            text = (
                _(
                    "%(label)s %(total)s × your %(weight)s m² (%(area)s m² for %(days)s of %(period_days)s days) "
                    "of %(total_weight)s m² = %(amount)s"
                )
                % params
            )
    elif key == "hours":
        params = {
            "label": label,
            "total": total,
            "hours": number(d.get("hours", 0)),
            "weight": number(weight),
            "total_weight": number(total_weight),
            "amount": amount,
        }
        if d.get("weighted"):
            text = (
                _(
                    "%(label)s %(total)s × your %(weight)s weighted hours (%(hours)s hours booked) "
                    "of %(total_weight)s = %(amount)s"
                )
                % params
            )
        else:
            text = _("%(label)s %(total)s × your %(hours)s hours booked of %(total_weight)s = %(amount)s") % params
    elif key == "equal":
        params = {
            "label": label,
            "total": total,
            "weight": number(weight, places=4),
            "total_weight": number(total_weight, places=4),
            "days": d.get("days"),
            "period_days": d.get("period_days"),
            "amount": amount,
        }
        if d.get("days") == d.get("period_days"):
            text = _("%(label)s %(total)s shared equally: 1 share of %(total_weight)s = %(amount)s") % params
        else:
            text = (
                _(
                    "%(label)s %(total)s shared equally: %(weight)s share (%(days)s of %(period_days)s days) "
                    "of %(total_weight)s = %(amount)s"
                )
                % params
            )
    elif key == "headcount":
        params = {
            "label": label,
            "total": total,
            "people": d.get("people", 0),
            "weight": number(weight),
            "total_weight": number(total_weight),
            "days": d.get("days"),
            "period_days": d.get("period_days"),
            "amount": amount,
        }
        if d.get("days") == d.get("period_days"):
            text = _("%(label)s %(total)s × your %(people)s people of %(total_weight)s = %(amount)s") % params
        else:
            text = (
                _(
                    "%(label)s %(total)s × your %(people)s people for %(days)s of %(period_days)s days "
                    "(%(weight)s) of %(total_weight)s = %(amount)s"
                )
                % params
            )
    elif key == "fixed":
        text = _("%(label)s %(total)s × your agreed %(percent)s %% = %(amount)s") % {
            "label": label,
            "total": total,
            "percent": number(d.get("percent", 0)),
            "amount": amount,
        }
    else:
        text = f"{label}: {amount}"
    if kind == "income":
        return _("Income: %(text)s (lowers your share)") % {"text": text}
    return text
