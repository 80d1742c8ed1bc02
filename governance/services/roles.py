"""Role assignments decided by the space (a passed proposal) or made by a coordinator."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import audit
from spaces import rules as space_rules
from spaces.models import RoleAssignment, Space

from .. import rules


@transaction.atomic
def assign_role(space: Space, member, role: str, *, by, responsibility: str = "", check: bool = True) -> RoleAssignment:
    """Give ``member`` a role in the space (coordinators; ``check=False`` when a passed proposal applies it).

    Side effects: audit entry; the member's cached permissions are dropped."""
    if check and not rules.can_manage(by, space):
        raise PermissionDenied
    if role not in RoleAssignment.Role.values:
        raise ValidationError({"role": _("Choose a role.")})
    assignment, created = RoleAssignment.objects.get_or_create(
        space=space, member=member, role=role, defaults={"responsibility_en": responsibility}
    )
    if created:
        audit.record(assignment, "governance.role_assigned", by=by, after=audit.snapshot(assignment))
    space_rules.forget(member)
    return assignment
