"""Template helpers of the network pages."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


def money(amount, currency: str = "") -> str:
    text = number_format(amount, 2)
    return f"{text} {currency}".strip()


@register.simple_tag
def network_limits(rule, currency: str = "", federated: bool = False) -> str:
    """A network access rule in plain words, for members of the network (or of partner installations)."""
    if rule is None:
        if federated:
            return _("Not open to members of partner installations.")
        return _("As the booking rules allow, free.")
    if not (rule.federated if federated else rule.local):
        if federated:
            return _("Not open to members of partner installations.")
        return _("Not open to members of the network.")
    free, price = rule.free_days_per_month, rule.day_price
    if free is None and price is None:
        return _("Free, without a limit.")
    if free is None:
        return _("%(price)s a day.") % {"price": money(price, currency)}
    if price is None:
        return ngettext("%(count)d free day a month, no more.", "%(count)d free days a month, no more.", free) % {
            "count": free
        }
    return ngettext(
        "%(count)d free day a month, then %(price)s a day.", "%(count)d free days a month, then %(price)s a day.", free
    ) % {"count": free, "price": money(price, currency)}


@register.simple_tag
def charge_text(visit, currency: str = "") -> str:
    if not visit.charge:
        return _("free")
    return money(visit.charge, currency)


@register.filter
def money_in(amount, currency: str = "") -> str:
    return money(amount, currency)
