from django import template

from ..services import agreements, documents

register = template.Library()


@register.simple_tag
def governance_secured_until(space):
    """How long the space is secured by its agreement with the owner: {"agreement", "end", "days"} or None."""
    return agreements.secured_until(space)


@register.simple_tag(takes_context=True)
def governance_pending_house_rules(context, space):
    """The current house rules version if the signed-in member has not acknowledged it yet."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return None
    return documents.pending_acknowledgement(request.user, space)


@register.inclusion_tag("governance/_secured.html")
def governance_secured_block(space):
    return {"secured": agreements.secured_until(space), "space": space}
