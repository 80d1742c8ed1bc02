"""Isolation Cases for every governance route (UI and API)."""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from governance.models import Attachment, Decision, Document, DocumentVersion, Shift, VoteUnit
from tests.isolation import API_COORDINATOR, API_MEMBER, COORDINATOR, MEMBER, SIGNED_IN, Case, expect

from .factories import AgreementFactory, CareTaskFactory, IncidentFactory, MeetingFactory, ProposalFactory

POSTED = {"anonymous": 302, "outsider": 404, "member": 302, "coordinator": 302}
COORDINATOR_POSTED = {"anonymous": 302, "outsider": 404, "member": 403, "coordinator": 302}
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _stored(name: str, content: bytes) -> str:
    if not default_storage.exists(name):
        return default_storage.save(name, ContentFile(content))
    return name


def build(w):
    w.proposal = ProposalFactory(space=w.space, vote_unit=VoteUnit.MEMBER, title="Paint the hall")
    w.due_proposal = ProposalFactory(space=w.space, title="Due", deadline=timezone.now() - datetime.timedelta(hours=1))
    w.attachment = Attachment.objects.create(
        proposal=w.proposal, name="plan.txt", file=_stored("private/governance/iso/plan.txt", b"the plan")
    )
    w.meeting = MeetingFactory(space=w.space)
    w.document = Document.objects.create(space=w.space, kind=Document.Kind.HOUSE_RULES, title="House rules")
    w.version = DocumentVersion.objects.create(document=w.document, number=1, text_en="Be kind.")
    w.decision = Decision.objects.create(space=w.space, number=1, title="Earlier", outcome="passed", method="consent")
    w.agreement = AgreementFactory(space=w.space)
    w.task = CareTaskFactory(space=w.space)
    w.shift = Shift.objects.create(task=w.task, start=timezone.now() + datetime.timedelta(days=2), practice=w.practice)
    w.incident = IncidentFactory(
        space=w.space, photo=_stored("private/governance/iso/photo.png", PNG), reported_by=w.member
    )


def _s(w, rest=""):
    return f"/en/spaces/{w.space.slug}/governance/{rest}"


def _i(w, rest=""):
    return f"/en/spaces/{w.space.slug}/incidents/{rest}"


ROUTES = {
    "governance:overview": Case(lambda w: _s(w), MEMBER),
    "governance:acknowledgements": Case(lambda w: "/en/me/house-rules/", SIGNED_IN),
    "governance:proposals": Case(lambda w: _s(w, "proposals/"), MEMBER),
    "governance:proposal-new": [
        Case(lambda w: _s(w, "proposals/new/?change=house_rules"), MEMBER),
        Case(
            lambda w: _s(w, "proposals/new/"),
            POSTED,
            method="post",
            data=lambda w: {
                "title": "Open on Sundays",
                "type": "general",
                "text": "Let us open on Sundays.",
                "deadline": (timezone.now() + datetime.timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"),
            },
        ),
    ],
    "governance:proposal": Case(lambda w: _s(w, f"proposals/{w.proposal.pk}/"), MEMBER),
    "governance:proposal-vote": Case(
        lambda w: _s(w, f"proposals/{w.proposal.pk}/vote/"), POSTED, method="post", data=lambda w: {"choice": "yes"}
    ),
    "governance:proposal-comment": Case(
        lambda w: _s(w, f"proposals/{w.proposal.pk}/comment/"), POSTED, method="post", data=lambda w: {"text": "Yes!"}
    ),
    "governance:proposal-close": Case(
        lambda w: _s(w, f"proposals/{w.due_proposal.pk}/close/"), COORDINATOR_POSTED, method="post"
    ),
    "governance:attachment": Case(lambda w: _s(w, f"attachments/{w.attachment.pk}/"), MEMBER),
    "governance:decisions": Case(lambda w: _s(w, "decisions/"), MEMBER),
    "governance:methods": Case(lambda w: _s(w, "methods/"), COORDINATOR),
    "governance:roles": Case(lambda w: _s(w, "roles/"), MEMBER),
    "governance:meetings": Case(lambda w: _s(w, "meetings/"), MEMBER),
    "governance:meeting-new": Case(lambda w: _s(w, "meetings/new/"), COORDINATOR),
    "governance:meeting": Case(lambda w: _s(w, f"meetings/{w.meeting.pk}/"), MEMBER),
    "governance:meeting-minutes": Case(
        lambda w: _s(w, f"meetings/{w.meeting.pk}/minutes/"),
        COORDINATOR_POSTED,
        method="post",
        data=lambda w: {"agenda": "1. Heating", "minutes": "We agreed."},
    ),
    "governance:meeting-attendance": Case(
        lambda w: _s(w, f"meetings/{w.meeting.pk}/attendance/"),
        COORDINATOR_POSTED,
        method="post",
        data=lambda w: {"members": [w.member.pk]},
    ),
    "governance:meeting-decision": Case(
        lambda w: _s(w, f"meetings/{w.meeting.pk}/decision/"),
        COORDINATOR_POSTED,
        method="post",
        data=lambda w: {"title": "Buy a ladder", "outcome": "passed"},
    ),
    "governance:documents": Case(lambda w: _s(w, "documents/"), MEMBER),
    "governance:document-new": Case(lambda w: _s(w, "documents/new/"), COORDINATOR),
    "governance:document": Case(lambda w: _s(w, f"documents/{w.document.pk}/"), MEMBER),
    "governance:document-publish": Case(lambda w: _s(w, f"documents/{w.document.pk}/publish/"), COORDINATOR),
    "governance:acknowledge": Case(lambda w: _s(w, "house-rules/acknowledge/"), POSTED, method="post"),
    "governance:agreements": Case(lambda w: _s(w, "agreements/"), MEMBER),
    "governance:agreement-new": Case(lambda w: _s(w, "agreements/new/"), COORDINATOR),
    "governance:agreement": Case(lambda w: _s(w, f"agreements/{w.agreement.pk}/"), MEMBER),
    "governance:agreement-renew": Case(
        lambda w: _s(w, f"agreements/{w.agreement.pk}/renew/"),
        COORDINATOR_POSTED,
        method="post",
        data=lambda w: {"new_end": (w.agreement.end + datetime.timedelta(days=365)).isoformat(), "note": "Two more"},
    ),
    "governance:rota": Case(lambda w: _s(w, "rota/"), MEMBER),
    "governance:task-new": Case(lambda w: _s(w, "rota/tasks/new/"), COORDINATOR),
    "governance:rota-generate": Case(lambda w: _s(w, "rota/plan/"), COORDINATOR),
    "governance:shift-action": Case(lambda w: _s(w, f"rota/shifts/{w.shift.pk}/done/"), POSTED, method="post"),
    "governance:incidents": Case(lambda w: _i(w), MEMBER),
    "governance:incident-new": Case(lambda w: _i(w, "report/"), MEMBER),
    "governance:incident": Case(lambda w: _i(w, f"{w.incident.pk}/"), MEMBER),
    "governance:incident-update": Case(
        lambda w: _i(w, f"{w.incident.pk}/update/"),
        COORDINATOR_POSTED,
        method="post",
        data=lambda w: {"status": "acknowledged", "responsible": "caretaker", "note": "On it"},
    ),
    "governance:incident-out-of-service": Case(
        lambda w: _i(w, f"{w.incident.pk}/out-of-service/"),
        COORDINATOR_POSTED,
        method="post",
        data=lambda w: {
            "resource": w.resource.pk,
            "start": (timezone.now() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "end": (timezone.now() + datetime.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        },
    ),
    "governance:incident-photo": Case(lambda w: _i(w, f"{w.incident.pk}/photo/"), MEMBER),
    # API
    "api:space-proposals": [
        Case(lambda w: f"/api/v1/spaces/{w.space.pk}/proposals", API_MEMBER),
        Case(
            lambda w: f"/api/v1/spaces/{w.space.pk}/proposals",
            expect(API_MEMBER, member=201, coordinator=201),
            method="post",
            data=lambda w: {
                "title": "Open on Sundays",
                "text": "Let us.",
                "deadline": (timezone.now() + datetime.timedelta(days=5)).isoformat(),
            },
        ),
    ],
    "api:proposal": Case(lambda w: f"/api/v1/proposals/{w.proposal.pk}", API_MEMBER),
    "api:proposal-votes": Case(
        lambda w: f"/api/v1/proposals/{w.proposal.pk}/votes",
        expect(API_MEMBER, member=201, coordinator=201),
        method="post",
        data=lambda w: {"choice": "yes"},
    ),
    "api:proposal-comments": [
        Case(lambda w: f"/api/v1/proposals/{w.proposal.pk}/comments", API_MEMBER),
        Case(
            lambda w: f"/api/v1/proposals/{w.proposal.pk}/comments",
            expect(API_MEMBER, member=201, coordinator=201),
            method="post",
            data=lambda w: {"text": "Agreed."},
        ),
    ],
    "api:proposal-attachments": Case(lambda w: f"/api/v1/proposals/{w.proposal.pk}/attachments", API_MEMBER),
    "api:space-decisions": Case(lambda w: f"/api/v1/spaces/{w.space.pk}/decisions", API_MEMBER),
    "api:space-agreements": [
        Case(lambda w: f"/api/v1/spaces/{w.space.pk}/agreements", API_MEMBER),
        Case(
            lambda w: f"/api/v1/spaces/{w.space.pk}/agreements",
            expect(API_COORDINATOR, coordinator=201),
            method="post",
            data=lambda w: {
                "title": "Lease",
                "kind": "lease",
                "owner_party": "Owner SA",
                "user_party": "Us",
                "start": "2026-01-01",
                "end": "2030-12-31",
            },
        ),
    ],
    "api:space-tasks": [
        Case(lambda w: f"/api/v1/spaces/{w.space.pk}/tasks", API_MEMBER),
        Case(
            lambda w: f"/api/v1/spaces/{w.space.pk}/tasks",
            expect(API_COORDINATOR, coordinator=201),
            method="post",
            data=lambda w: {"title": "Waste out", "kind": "waste", "rrule": "FREQ=WEEKLY;BYDAY=TH"},
        ),
    ],
    "api:space-incidents": [
        Case(lambda w: f"/api/v1/spaces/{w.space.pk}/incidents", API_MEMBER),
        Case(
            lambda w: f"/api/v1/spaces/{w.space.pk}/incidents",
            expect(API_MEMBER, member=201, coordinator=201),
            method="post",
            data=lambda w: {"category": "water", "title": "Leak in the kitchen"},
        ),
    ],
    "api:incident": [
        Case(lambda w: f"/api/v1/incidents/{w.incident.pk}", API_MEMBER),
        Case(
            lambda w: f"/api/v1/incidents/{w.incident.pk}",
            expect(API_COORDINATOR, coordinator=200),
            method="patch",
            data=lambda w: {"status": "acknowledged"},
        ),
    ],
}
