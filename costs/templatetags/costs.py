from django import template

from costs import explain as explaining

register = template.Library()


@register.simple_tag
def money(amount, currency="EUR"):
    """An amount in the active language: ``{% money share.amount currency %}``."""
    if amount is None or amount == "":
        return ""
    return explaining.money(amount, currency)


@register.simple_tag
def explain(line, currency="EUR"):
    return explaining.explain(line, currency)


@register.filter
def negate(value):
    return -value
