"""Django admin with the audit log: changes made in /admin/ are written to the audit log like any other."""

from __future__ import annotations

from django.contrib import admin
from django.db import transaction

from . import audit


class AuditedModelAdmin(admin.ModelAdmin):
    """A ModelAdmin whose saves and deletes write an audit entry ("admin.created/changed/deleted")."""

    audit_exclude = ("password",)  # never copied into the log

    def _snapshot(self, obj) -> dict:
        data = audit.snapshot(obj)
        return {k: v for k, v in data.items() if k not in self.audit_exclude}

    def save_model(self, request, obj, form, change):
        before = self._snapshot(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else {}
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            after = self._snapshot(obj)
            if change:
                before, after = audit.diff(before, after)
            audit.record(
                obj, "admin.changed" if change else "admin.created", by=request.user, before=before, after=after
            )

    def save_formset(self, request, form, formset, change):
        with transaction.atomic():
            # Deleting clears an object's primary key: record the deleted ones while they still have it.
            for deleted in formset.deleted_forms:
                if deleted.instance.pk is not None:
                    audit.record(
                        deleted.instance, "admin.deleted", by=request.user, before=self._snapshot(deleted.instance)
                    )
            super().save_formset(request, form, formset, change)
            for obj in formset.new_objects:
                audit.record(obj, "admin.created", by=request.user, after=self._snapshot(obj))
            for obj, fields in formset.changed_objects:
                audit.record(obj, "admin.changed", by=request.user, after=self._snapshot(obj), note=", ".join(fields))

    def delete_model(self, request, obj):
        with transaction.atomic():
            audit.record(obj, "admin.deleted", by=request.user, before=self._snapshot(obj))
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                audit.record(obj, "admin.deleted", by=request.user, before=self._snapshot(obj))
            super().delete_queryset(request, queryset)
