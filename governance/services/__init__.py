"""Every state change of co-governance: one module per subject, atomic, permission-checked, audited."""

from . import agreements, documents, incidents, meetings, proposals, roles, rota

__all__ = ["agreements", "documents", "incidents", "meetings", "proposals", "roles", "rota"]
