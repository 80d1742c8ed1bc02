"""Concrete changes a proposal can carry, applied when it passes.

Each kind is registered with ``register(kind, label, form_class, apply_fn)``:
- ``form_class(data=..., space=space)`` validates the change's data (stored on the proposal as plain strings);
- ``apply_fn(proposal, cleaned_data, by)`` makes the change and returns the object it created or changed (the
  decision log links to it).
Other apps may register their own kinds (a booking quota, a cost allocation key) in their ``AppConfig.ready()``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Change:
    kind: str
    label: object
    form_class: type
    apply_fn: Callable


REGISTRY: dict[str, Change] = {}


def register(kind: str, label, form_class: type, apply_fn: Callable) -> None:
    REGISTRY[kind] = Change(kind, label, form_class, apply_fn)


def get(kind: str) -> Change | None:
    return REGISTRY.get(kind)


def choices() -> list[tuple[str, object]]:
    return [(c.kind, c.label) for c in REGISTRY.values()]


def plain_data(data) -> dict:
    """Keep the raw input as JSON-safe strings (re-validated when the change is applied)."""
    out = {}
    for key, value in dict(data or {}).items():
        if isinstance(value, list):
            value = value[-1] if value else ""
        out[str(key)] = "" if value is None else str(value)
    return out


def validate(kind: str, data, space) -> dict:
    """Check a change's data; raises ValidationError with the form's errors (keys prefixed ``change.``)."""
    change = get(kind)
    if change is None:
        raise ValidationError({"change_kind": ValidationError(_("Unknown change."), code="invalid")})
    form = change.form_class(data=plain_data(data), space=space)
    if not form.is_valid():
        raise ValidationError({f"change.{k}": v for k, v in form.errors.items()})
    return plain_data(data)


def apply(proposal, by):
    """Apply the proposal's change. Returns (label, object)."""
    change = get(proposal.change_kind)
    if change is None:
        raise ValidationError(_("Unknown change."))
    form = change.form_class(data=proposal.change_data, space=proposal.space)
    if not form.is_valid():
        raise ValidationError(form.errors.as_text())
    obj = change.apply_fn(proposal, form.cleaned_data, by)
    return str(change.label), obj


def url_for(decision) -> str | None:
    """Where the decision log links to for the change it applied."""
    from .models import DocumentVersion

    if not decision.change_object_type:
        return None
    try:
        if decision.change_object_type == "governance.documentversion":
            version = DocumentVersion.objects.select_related("document__space").get(pk=decision.change_object_id)
            return (
                reverse("governance:document", kwargs={"slug": version.document.space.slug, "pk": version.document_id})
                + f"#v{version.number}"
            )
        if decision.change_object_type == "spaces.roleassignment":
            return reverse("governance:roles", kwargs={"slug": decision.space.slug})
    except (DocumentVersion.DoesNotExist, NoReverseMatch):
        return None
    return None


def _apply_house_rules(proposal, data, by):
    from .services import documents

    document = documents.house_rules_document(proposal.space, create=True)
    return documents.publish_version(
        document,
        by=by,
        text_en=data["text_en"],
        text_fr=data["text_fr"],
        text_nl=data["text_nl"],
        note=data.get("note") or proposal.title,
        proposal=proposal,
        check=False,
    )


def _apply_role(proposal, data, by):
    from .services import roles

    return roles.assign_role(
        proposal.space, data["member"], data["role"], by=by, responsibility=data.get("responsibility", ""), check=False
    )


def acting_coordinator(proposal, by):
    """Who applies a change that another app's service only lets a coordinator make: the person closing the
    proposal if they may, otherwise one of the space's coordinators acting on behalf of the decision."""
    from spaces import rules as space_rules
    from spaces.models import RoleAssignment

    if by is not None and space_rules.can_manage(by, proposal.space):
        return by
    role = (
        RoleAssignment.objects.filter(space=proposal.space, role__in=space_rules.MANAGING_ROLES)
        .select_related("member")
        .order_by("created_at", "id")
        .first()
    )
    if role is None:
        raise ValidationError(_("The space has no coordinator to apply this change."))
    return role.member


def _apply_quota(proposal, data, by):
    from bookings.services import save_policy

    hours = data["quota_hours"] or None
    return save_policy(
        proposal.space,
        by=acting_coordinator(proposal, by),
        resource=data.get("resource"),
        quota_hours=hours,
        quota_period=data["quota_period"],
    )


def _apply_cost_key(proposal, data, by):
    from costs.services import update_item

    return update_item(data["item"], by=acting_coordinator(proposal, by), key=data["key"])


def register_builtin() -> None:
    from django.utils.translation import gettext_lazy as _

    from . import forms

    register("house_rules", _("New house rules"), forms.HouseRulesChangeForm, _apply_house_rules)
    register("role", _("Role assignment"), forms.RoleChangeForm, _apply_role)
    if forms.QuotaChangeForm is not None:
        register("booking_quota", _("Booking quota"), forms.QuotaChangeForm, _apply_quota)
    if forms.CostKeyChangeForm is not None:
        register("cost_key", _("Cost allocation key"), forms.CostKeyChangeForm, _apply_cost_key)
