import datetime

import pytest
from django.utils import timezone

from governance.models import Decision, Incident, Proposal, Vote, VoteUnit
from spaces.models import RoleAssignment
from tests import factories as f

from .factories import AgreementFactory, CareTaskFactory, IncidentFactory, ProposalFactory

pytestmark = pytest.mark.django_db


def test_create_proposal_and_list(space, member, api):
    client = api(member)
    deadline = (timezone.now() + datetime.timedelta(days=3)).isoformat()

    created = client.post(
        f"/api/v1/spaces/{space.pk}/proposals",
        {"title": "Open on Sundays", "text": "Why not", "deadline": deadline},
        format="json",
    )
    listed = client.get(f"/api/v1/spaces/{space.pk}/proposals")

    assert created.status_code == 201
    assert (created.json()["method"], created.json()["vote_unit"], created.json()["author"]) == (
        "consent",
        "practice",
        "Mo Member",
    )
    assert [p["title"] for p in listed.json()["results"]] == ["Open on Sundays"]
    assert listed.json()["next"] is None


def test_create_proposal_bad_input_is_a_400_with_fields(space, member, api):
    response = api(member).post(
        f"/api/v1/spaces/{space.pk}/proposals", {"title": "", "deadline": "soon", "change_kind": "nope"}, format="json"
    )

    body = response.json()
    assert response.status_code == 400
    assert (body["code"], sorted(body["fields"])) == ("invalid", ["change_kind", "deadline", "text", "title"])
    assert Proposal.objects.count() == 0


def test_proposal_with_invalid_change_data_is_refused(space, member, api):
    response = api(member).post(
        f"/api/v1/spaces/{space.pk}/proposals",
        {
            "title": "x",
            "text": "y",
            "deadline": (timezone.now() + datetime.timedelta(days=1)).isoformat(),
            "change_kind": "role",
            "change_data": {"member": "0", "role": "king"},
        },
        format="json",
    )

    assert response.status_code == 400
    assert sorted(response.json()["fields"]) == ["change.member", "change.role"]


def test_vote_once_then_409(space, member, api):
    proposal = ProposalFactory(space=space)
    client = api(member)

    first = client.post(f"/api/v1/proposals/{proposal.pk}/votes", {"choice": "yes"}, format="json")
    second = client.post(f"/api/v1/proposals/{proposal.pk}/votes", {"choice": "object", "reason": "x"}, format="json")

    assert first.status_code == 201
    assert (first.json()["choice"], first.json()["voter"]) == ("yes", "Atelier Nord")
    assert (second.status_code, second.json()["code"]) == (409, "already_voted")
    assert Vote.objects.count() == 1


def test_vote_after_deadline_is_a_400(space, member, api):
    proposal = ProposalFactory(space=space, deadline=timezone.now() - datetime.timedelta(minutes=1))

    response = api(member).post(f"/api/v1/proposals/{proposal.pk}/votes", {"choice": "yes"}, format="json")

    assert (response.status_code, response.json()["fields"]) == (
        400,
        {"choice": ["Voting on this proposal is closed."]},
    )


def test_objection_without_reason_is_a_400(space, member, api):
    proposal = ProposalFactory(space=space)

    response = api(member).post(f"/api/v1/proposals/{proposal.pk}/votes", {"choice": "object"}, format="json")

    assert (response.status_code, list(response.json()["fields"])) == (400, ["reason"])


def test_proposal_detail_has_tally_and_votes(space, member, api):
    proposal = ProposalFactory(space=space, vote_unit=VoteUnit.MEMBER)
    Vote.objects.create(proposal=proposal, member=member, voter_key=f"m{member.pk}", choice="yes")

    body = api(member).get(f"/api/v1/proposals/{proposal.pk}").json()

    assert (body["tally"]["yes"], body["tally"]["cast"], len(body["votes"]), body["decision"]) == (1, 1, 1, None)


def test_comments(space, member, api):
    proposal = ProposalFactory(space=space)
    client = api(member)

    created = client.post(f"/api/v1/proposals/{proposal.pk}/comments", {"text": "Good idea"}, format="json")
    listed = client.get(f"/api/v1/proposals/{proposal.pk}/comments")

    assert created.status_code == 201
    assert [(c["author"], c["text"]) for c in listed.json()["results"]] == [("Mo Member", "Good idea")]


def test_decisions_list(space, member, api):
    Decision.objects.create(space=space, number=1, title="Paint", outcome="passed", method="consent", counts={"yes": 3})

    body = api(member).get(f"/api/v1/spaces/{space.pk}/decisions").json()

    assert [(d["number"], d["title"], d["counts"]) for d in body["results"]] == [(1, "Paint", {"yes": 3})]


def test_coordinator_creates_agreement_member_cannot(space, member, coordinator, api):
    data = {
        "title": "Lease",
        "kind": "lease",
        "owner_party": "Gebouw NV",
        "user_party": "Werkplaats",
        "start": "2026-01-01",
        "end": "2030-12-31",
        "notice_days": 180,
        "maintenance": {"heating": "owner"},
    }

    denied = api(member).post(f"/api/v1/spaces/{space.pk}/agreements", data, format="json")
    created = api(coordinator).post(f"/api/v1/spaces/{space.pk}/agreements", data, format="json")

    assert denied.status_code == 403
    assert created.status_code == 201
    assert (created.json()["notice_deadline"], created.json()["maintenance"]) == ("2030-07-04", {"heating": "owner"})


def test_agreement_bad_maintenance_is_a_400(space, coordinator, api):
    data = {
        "title": "Lease",
        "owner_party": "A",
        "user_party": "B",
        "start": "2026-01-01",
        "end": "2025-01-01",
        "maintenance": {"roof": "owner"},
    }

    response = api(coordinator).post(f"/api/v1/spaces/{space.pk}/agreements", data, format="json")

    assert (response.status_code, list(response.json()["fields"])) == (400, ["maintenance"])


def test_tasks(space, coordinator, member, api):
    created = api(coordinator).post(
        f"/api/v1/spaces/{space.pk}/tasks",
        {"title": "Plants", "kind": "plants", "rrule": "FREQ=WEEKLY;BYDAY=TU,FR", "effort_minutes": 15},
        format="json",
    )
    bad = api(coordinator).post(
        f"/api/v1/spaces/{space.pk}/tasks", {"title": "Plants", "rrule": "sometimes"}, format="json"
    )
    listed = api(member).get(f"/api/v1/spaces/{space.pk}/tasks")

    assert created.status_code == 201
    assert (bad.status_code, list(bad.json()["fields"])) == (400, ["rrule"])
    assert [t["rrule"] for t in listed.json()["results"]] == ["FREQ=WEEKLY;BYDAY=TU,FR"]


def test_report_incident_and_caretaker_patches_it(space, member, api):
    caretaker = f.MemberFactory(email="caretaker@example.org")
    f.RoleAssignmentFactory(space=space, member=caretaker, role=RoleAssignment.Role.CARETAKER)
    resource = f.ResourceFactory(space=space)

    created = api(member).post(
        f"/api/v1/spaces/{space.pk}/incidents",
        {"category": "water", "title": "Leak", "resource": resource.pk},
        format="json",
    )
    pk = created.json()["id"]
    denied = api(member).patch(f"/api/v1/incidents/{pk}", {"status": "acknowledged"}, format="json")
    bad = api(caretaker).patch(f"/api/v1/incidents/{pk}", {"status": "solved"}, format="json")
    ok = api(caretaker).patch(
        f"/api/v1/incidents/{pk}", {"status": "acknowledged", "note": "Plumber Monday"}, format="json"
    )

    assert (created.status_code, created.json()["responsible"]) == (201, "caretaker")
    assert denied.status_code == 403
    assert (bad.status_code, list(bad.json()["fields"])) == (400, ["status"])
    assert (ok.status_code, ok.json()["status"], ok.json()["note"]) == (200, "acknowledged", "Plumber Monday")


def test_owner_representative_cannot_patch_caretaker_incident(space, api):
    rep = f.MemberFactory(email="rep@example.org")
    f.RoleAssignmentFactory(space=space, member=rep, role=RoleAssignment.Role.OWNER_REPRESENTATIVE)
    incident = IncidentFactory(space=space, responsible="caretaker")

    response = api(rep).patch(f"/api/v1/incidents/{incident.pk}", {"status": "acknowledged"}, format="json")

    assert response.status_code == 403
    assert Incident.objects.get().status == "new"


def test_incident_resource_of_another_space_is_a_400(space, other_space, member, api):
    resource = f.ResourceFactory(space=other_space)

    response = api(member).post(
        f"/api/v1/spaces/{space.pk}/incidents",
        {"category": "water", "title": "Leak", "resource": resource.pk},
        format="json",
    )

    assert (response.status_code, list(response.json()["fields"])) == (400, ["resource"])


LIST_QUERIES = {"proposals": 6, "decisions": 6, "agreements": 6, "tasks": 6, "incidents": 6}


def _make(kind, space, n):
    for i in range(n):
        if kind == "proposals":
            ProposalFactory(space=space, author=f.MemberFactory())
        elif kind == "decisions":
            Decision.objects.create(space=space, number=i + 1, title="D", outcome="passed", method="consent")
        elif kind == "agreements":
            AgreementFactory(space=space)
        elif kind == "tasks":
            CareTaskFactory(space=space)
        else:
            IncidentFactory(space=space, reported_by=f.MemberFactory())


@pytest.mark.parametrize("n", [1, 3])
@pytest.mark.parametrize("kind", sorted(LIST_QUERIES))
def test_list_queries_do_not_grow(space, member, api, django_assert_num_queries, kind, n):
    _make(kind, space, n)
    client = api(member)

    with django_assert_num_queries(LIST_QUERIES[kind]):
        response = client.get(f"/api/v1/spaces/{space.pk}/{kind}")

    assert len(response.json()["results"]) == n


def test_attachments_upload_and_list(space, member, outsider, api):
    from django.core.files.uploadedfile import SimpleUploadedFile

    proposal = ProposalFactory(space=space)
    upload = SimpleUploadedFile("budget.pdf", b"%PDF-1.4 budget", content_type="application/pdf")

    created = api(member).post(f"/api/v1/proposals/{proposal.pk}/attachments", {"file": upload}, format="multipart")
    bad = api(member).post(
        f"/api/v1/proposals/{proposal.pk}/attachments",
        {"file": SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")},
        format="multipart",
    )
    listed = api(member).get(f"/api/v1/proposals/{proposal.pk}/attachments")
    hidden = api(outsider).get(f"/api/v1/proposals/{proposal.pk}/attachments")

    assert created.status_code == 201
    assert created.json()["url"] == f"/en/spaces/{space.slug}/governance/attachments/{created.json()['id']}/"
    assert (bad.status_code, list(bad.json()["fields"])) == (400, ["file"])
    assert [a["name"] for a in listed.json()["results"]] == ["budget.pdf"]
    assert hidden.status_code == 404
