"""Versioned documents (charter, house rules, procedures) and acknowledgements of the house rules."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from core import audit
from spaces.models import Space

from .. import rules
from ..models import Acknowledgement, Document, DocumentVersion, Proposal

LANGS = ("en", "fr", "nl")


def house_rules_document(space: Space, *, create: bool = False) -> Document | None:
    document = Document.objects.filter(space=space, kind=Document.Kind.HOUSE_RULES).first()
    if document is None and create:
        document = Document.objects.create(space=space, kind=Document.Kind.HOUSE_RULES, title=_("House rules"))
    return document


def current_house_rules(space: Space) -> DocumentVersion | None:
    return (
        DocumentVersion.objects.filter(document__space=space, document__kind=Document.Kind.HOUSE_RULES)
        .order_by("-number")
        .first()
    )


def pending_acknowledgement(user, space: Space) -> DocumentVersion | None:
    """The current house rules version if this member has not acknowledged it yet."""
    if not rules.can_read(user, space):
        return None
    version = current_house_rules(space)
    if version is None or Acknowledgement.objects.filter(version=version, member=user).exists():
        return None
    return version


def pending_acknowledgements(user) -> list[tuple[Space, DocumentVersion]]:
    """(space, current house rules version) for each of the user's spaces whose house rules they must acknowledge."""
    from spaces import rules as space_rules

    if not getattr(user, "is_authenticated", False):
        return []
    space_ids = space_rules.member_space_ids(user)
    latest = {}
    for version in DocumentVersion.objects.filter(
        document__space_id__in=space_ids, document__kind=Document.Kind.HOUSE_RULES
    ).select_related("document__space"):
        current = latest.get(version.document.space_id)
        if current is None or version.number > current.number:
            latest[version.document.space_id] = version
    done = set(
        Acknowledgement.objects.filter(member=user, version__in=[v.pk for v in latest.values()]).values_list(
            "version_id", flat=True
        )
    )
    return sorted(((v.document.space, v) for v in latest.values() if v.pk not in done), key=lambda item: item[0].name)


@transaction.atomic
def create_document(
    space: Space, *, kind: str, title: str, by, text_en: str = "", text_fr: str = "", text_nl: str = ""
) -> Document:
    """A new document; its first version is published when it has text."""
    if not rules.can_manage(by, space):
        raise PermissionDenied
    if kind not in Document.Kind.values:
        raise ValidationError({"kind": _("Choose a kind of document.")})
    if not title.strip():
        raise ValidationError({"title": _("Give the document a title.")})
    if kind == Document.Kind.HOUSE_RULES and house_rules_document(space):
        raise ValidationError({"kind": _("This space already has its house rules: publish a new version.")})
    document = Document.objects.create(space=space, kind=kind, title=title.strip())
    audit.record(document, "governance.document_created", by=by, after=audit.snapshot(document))
    if text_en or text_fr or text_nl:
        publish_version(document, by=by, text_en=text_en, text_fr=text_fr, text_nl=text_nl, note=_("First version"))
    return document


@transaction.atomic
def publish_version(
    document: Document,
    *,
    by,
    text_en: str = "",
    text_fr: str = "",
    text_nl: str = "",
    note: str = "",
    proposal: Proposal | None = None,
    check: bool = True,
) -> DocumentVersion:
    """Publish a new version (coordinators; ``check=False`` when a passed proposal applies it).

    Side effects: for house rules, the space's identity page text (Space.house_rules_*) is updated and every
    member is asked to acknowledge again; audit entries."""
    if check and not rules.can_manage(by, document.space):
        raise PermissionDenied
    if not (text_en.strip() or text_fr.strip() or text_nl.strip()):
        raise ValidationError({"text_en": _("Write the text in at least one language.")})
    Document.objects.select_for_update().filter(pk=document.pk).first()
    number = (document.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = DocumentVersion.objects.create(
        document=document,
        number=number,
        text_en=text_en,
        text_fr=text_fr,
        text_nl=text_nl,
        note=note[:255],
        proposal=proposal,
        created_by_name=str(by) if by is not None else "plek",
    )
    audit.record(
        version,
        "governance.document_version_published",
        by=by,
        space=document.space,
        after={"document": document.pk, "number": number},
    )
    if document.kind == Document.Kind.HOUSE_RULES:
        update_space_house_rules(document.space, by=by, en=text_en, fr=text_fr, nl=text_nl)
    return version


@transaction.atomic
def update_space_house_rules(space: Space, *, by, en: str, fr: str, nl: str) -> None:
    """Show the new house rules on the space's identity page (only called when a version is published)."""
    fields = [f"house_rules_{code}" for code in LANGS]
    space = Space.objects.select_for_update().get(pk=space.pk)
    before = audit.snapshot(space, fields)
    space.house_rules_en, space.house_rules_fr, space.house_rules_nl = en, fr, nl
    space.save(update_fields=fields)
    audit.record(
        space, "governance.space_house_rules_updated", by=by, before=before, after=audit.snapshot(space, fields)
    )


@transaction.atomic
def acknowledge(version: DocumentVersion, *, by) -> Acknowledgement:
    """A member acknowledges the current house rules (recorded with the version and the date)."""
    space = version.document.space
    if not rules.can_read(by, space):
        raise PermissionDenied
    current = current_house_rules(space)
    if current is None or current.pk != version.pk:
        raise ValidationError(_("Only the current house rules can be acknowledged."))
    existing = Acknowledgement.objects.filter(version=version, member=by).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            ack = Acknowledgement.objects.create(version=version, member=by)
    except IntegrityError:
        return Acknowledgement.objects.get(version=version, member=by)
    audit.record(ack, "governance.house_rules_acknowledged", by=by, space=space, after={"version": version.number})
    return ack
