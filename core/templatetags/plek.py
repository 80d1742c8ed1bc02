from django import template

from core import navigation

register = template.Library()


@register.simple_tag(takes_context=True)
def space_sections(context, space):
    """The tabs of a space's pages that the current user may see."""
    return navigation.space_sections_for(context["request"].user, space)


@register.simple_tag(takes_context=True)
def member_links(context):
    return navigation.links_for(navigation.MEMBER_LINKS, context["request"].user)


@register.simple_tag(takes_context=True)
def main_links(context):
    return navigation.links_for(navigation.MAIN_LINKS, context["request"].user)
