from django import template

from .. import queries

register = template.Library()


@register.simple_tag(takes_context=True)
def practice_programme(context, practice):
    """A practice's upcoming dates (those the viewer may see) and its published projects."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "occurrences": list(queries.agenda(user, practice=practice)[:10]),
        "projects": list(queries.projects(practice=practice)[:12]),
    }
