from django import template

from spaces.queries import country_name

register = template.Library()


@register.filter
def country(code: str) -> str:
    """``BE`` → the country's name in the active language."""
    return country_name(code)
