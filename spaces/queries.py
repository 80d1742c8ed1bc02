"""Reads about spaces used by the UI and the API. Each one runs a fixed number of queries."""

from __future__ import annotations

from functools import lru_cache

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language

from community.models import Practice, PracticeMember

from . import rules
from .models import Closure, Network, Resource, RoleAssignment, Space, SpaceMembership


@lru_cache(maxsize=512)
def _country_name(code: str, language: str) -> str:
    try:
        from babel import Locale

        return Locale.parse(language).territories.get(code.upper(), code)
    except Exception:  # an unknown locale or code: show the code
        return code


def country_name(code: str, language: str | None = None) -> str:
    """The country's name in the active language (``BE`` → ``Belgium`` / ``Belgique`` / ``België``)."""
    if not code:
        return ""
    return _country_name(code.upper(), (language or get_language() or "en")[:2])


def filter_spaces(queryset: QuerySet[Space], params: dict) -> QuerySet[Space]:
    """Apply the directory's filters: network (id or slug), country, city, model, access, accessibility facts."""
    network = params.get("network")
    if network:
        if isinstance(network, Network):
            queryset = queryset.filter(network=network)
        elif str(network).isdigit():
            queryset = queryset.filter(network_id=int(network))
        else:
            queryset = queryset.filter(network__slug=network)
    if params.get("country"):
        queryset = queryset.filter(country__iexact=params["country"])
    if params.get("city"):
        queryset = queryset.filter(city__iexact=params["city"])
    if params.get("model"):
        # A space that is both also answers "shared workspace" and "third place".
        queryset = queryset.filter(model__in=[params["model"], Space.Model.BOTH])
    if params.get("access"):
        queryset = queryset.filter(access_policy=params["access"])
    for fact in Space.ACCESSIBILITY_FIELDS:
        if params.get(fact):
            queryset = queryset.filter(**{fact: True})
    return queryset


def directory_spaces() -> QuerySet[Space]:
    return Space.objects.select_related("network").order_by("name")


def cities() -> list[str]:
    return list(Space.objects.order_by("city").values_list("city", flat=True).distinct())


def countries() -> list[str]:
    return list(Space.objects.order_by("country").values_list("country", flat=True).distinct())


def visible_resources(user, space: Space) -> QuerySet[Resource]:
    return space.resources.filter(rules.visible_resource_filter(user, space))


def upcoming_closures(space: Space, user=None) -> QuerySet[Closure]:
    closures = space.closures.filter(end__gte=timezone.now()).select_related("resource").order_by("start")
    if user is not None:
        # A closure of a resource the visitor may not see is not shown either.
        closures = closures.filter(
            Q(resource__isnull=True)
            | Q(resource__in=Resource.objects.filter(space=space).filter(rules.visible_resource_filter(user, space)))
        )
    return closures


def current_memberships(space: Space, *, public_only: bool) -> QuerySet[SpaceMembership]:
    memberships = space.memberships.active().select_related("practice").order_by("practice__name")
    if public_only:
        memberships = memberships.filter(practice__public_profile=True)
    return memberships


def roles_of(space: Space) -> QuerySet[RoleAssignment]:
    return space.roles.select_related("member").order_by("role", "member__name", "member__email")


def identity(space: Space, user) -> dict:
    """Everything the identity page shows, in a fixed number of queries."""
    member = rules.is_member(user, space)
    memberships = current_memberships(space, public_only=not member)
    if member:
        memberships = memberships.prefetch_related(
            Prefetch(
                "practice__memberships",
                queryset=PracticeMember.objects.select_related("member").order_by("member__name"),
                to_attr="people",
            )
        )
    memberships = list(memberships)
    for m in memberships:
        m.shows = {field: practice_shows(user, m.practice, field) for field in PUBLIC_PROFILE_FIELDS}
    return {
        "is_member": member,
        "can_manage": rules.can_manage(user, space),
        "roles": list(roles_of(space)),
        "opening_hours": list(space.opening_hours.all()),
        "closures": list(upcoming_closures(space, user)),
        "resources": list(visible_resources(user, space).filter(is_active=True).order_by("kind", "name")),
        "memberships": memberships,
    }


def practices_visible_to(user) -> QuerySet[Practice]:
    """The practices ``user`` may see (``rules.practice_is_visible``), as one query."""
    practices = Practice.objects.all()
    if getattr(user, "is_superuser", False):
        return practices
    condition = Q(public_profile=True)
    if getattr(user, "is_authenticated", False):
        condition |= Q(id__in=rules.practice_ids(user)) | Q(
            id__in=SpaceMembership.objects.filter(space_id__in=rules.member_space_ids(user)).values("practice_id")
        )
    return practices.filter(condition)


def insider_practice_ids(user) -> set[int] | None:
    """Practices whose full profile ``user`` sees (their own, and those of their spaces); None means all of them."""
    if getattr(user, "is_superuser", False):
        return None
    if not getattr(user, "is_authenticated", False):
        return set()
    cache = rules._cache(user)
    if "insider_practices" not in cache:
        in_spaces = SpaceMembership.objects.filter(space_id__in=rules.member_space_ids(user)).values_list(
            "practice_id", flat=True
        )
        cache["insider_practices"] = set(rules.practice_ids(user)) | set(in_spaces)
    return cache["insider_practices"]


PUBLIC_PROFILE_FIELDS = {"description": "show_description", "website": "show_website", "email": "show_email"}


def practice_shows(user, practice, field: str) -> bool:
    """Whether ``field`` of the practice's profile is shown to ``user`` (the practice's opt-ins for outsiders)."""
    insiders = insider_practice_ids(user)
    if insiders is None or practice.pk in insiders:
        return True
    return bool(getattr(practice, PUBLIC_PROFILE_FIELDS[field], field != "email"))
