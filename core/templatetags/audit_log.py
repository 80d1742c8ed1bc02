"""``{% load audit_log %}``: the audit page's display helpers."""

from __future__ import annotations

from django import template

from core.audit import action_label

register = template.Library()


@register.filter
def audit_action(action: str) -> str:
    """An audit entry's action in plain words (the raw name when it has none)."""
    return action_label(action)
