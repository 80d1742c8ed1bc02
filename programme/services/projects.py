"""Practices' projects, shown on their profile, on their spaces' programme pages and in the gallery."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import audit

from .. import rules
from ..models import Project, ProjectImage

PROJECT_FIELDS = ("title", "text", "tags", "links", "start_date", "end_date", "is_published")


def _clean_project(project: Project) -> None:
    errors = {}
    if not project.title.strip():
        errors["title"] = [_("Give the project a title.")]
    if project.start_date and project.end_date and project.end_date < project.start_date:
        errors["end_date"] = [_("The end cannot be before the start.")]
    for link in project.links:
        if not isinstance(link, dict) or not str(link.get("url", "")).startswith(("http://", "https://")):
            errors["links"] = [_("Each link needs an address starting with http:// or https://.")]
            break
    project.tags = sorted({str(t).strip().lower() for t in project.tags if str(t).strip()})
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_project(practice, *, by, images=(), **fields) -> Project:
    """Publish a practice's project. ``images``: (file, description) pairs. Side effects: an audit entry."""
    if not rules.can_manage_project(by, practice):
        raise PermissionDenied
    project = Project(practice=practice, created_by=by, **{k: v for k, v in fields.items() if k in PROJECT_FIELDS})
    _clean_project(project)
    project.save()
    for position, (image, alt) in enumerate(images):
        ProjectImage.objects.create(project=project, image=image, alt_text=alt, position=position)
    audit.record(project, "programme.project_created", by=by, after=audit.snapshot(project))
    return project


@transaction.atomic
def update_project(project: Project, *, by, images=(), **fields) -> Project:
    """Change a project; ``images`` are added after the existing ones. Side effects: an audit entry."""
    if not rules.can_manage_project(by, project.practice):
        raise PermissionDenied
    before = audit.snapshot(project)
    for name, value in fields.items():
        if name in PROJECT_FIELDS:
            setattr(project, name, value)
    _clean_project(project)
    project.save()
    start = project.images.count()
    for position, (image, alt) in enumerate(images, start=start):
        ProjectImage.objects.create(project=project, image=image, alt_text=alt, position=position)
    old, new = audit.diff(before, audit.snapshot(project))
    audit.record(project, "programme.project_updated", by=by, before=old, after=new)
    return project


@transaction.atomic
def delete_project(project: Project, *, by) -> None:
    """Delete a project and its images. Side effects: an audit entry."""
    if not rules.can_manage_project(by, project.practice):
        raise PermissionDenied
    audit.record(project, "programme.project_deleted", by=by, before=audit.snapshot(project))
    project.delete()
