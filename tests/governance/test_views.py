import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from governance.models import Attachment, Decision, Incident, Proposal, Vote
from governance.services import documents, proposals
from tests import factories as f

from .factories import AgreementFactory, IncidentFactory, ProposalFactory

pytestmark = pytest.mark.django_db


def url(space, rest=""):
    return f"/en/spaces/{space.slug}/governance/{rest}"


def test_member_makes_a_proposal_with_an_attachment(space, member, client_for):
    deadline = (timezone.localtime() + datetime.timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    upload = SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan", content_type="application/pdf")

    response = client_for(member).post(
        url(space, "proposals/new/"),
        {"title": "Open on Sundays", "type": "general", "text": "Why not", "deadline": deadline, "attachment": upload},
    )

    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/en/spaces/{space.slug}/governance/proposals/{proposal.pk}/"
    assert proposal.attachments.get().file.name.startswith("private/governance/attachment/")


def test_attachment_served_to_members_only(space, member, outsider, client_for):
    proposal = ProposalFactory(space=space)
    attachment = proposals.add_attachment(
        proposal, SimpleUploadedFile("plan.txt", b"the plan", content_type="text/plain"), by=member
    )
    path = url(space, f"attachments/{attachment.pk}/")

    ok = client_for(member).get(path)
    hidden = client_for(outsider).get(path)

    assert (ok.status_code, b"".join(ok.streaming_content), ok["Cache-Control"]) == (
        200,
        b"the plan",
        "private, no-store",
    )
    assert hidden.status_code == 404
    assert Attachment.objects.count() == 1


def test_proposal_with_house_rules_change_form(space, member, client_for):
    deadline = (timezone.localtime() + datetime.timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")

    response = client_for(member).post(
        url(space, "proposals/new/"),
        {
            "title": "Quiet",
            "type": "house_rules",
            "text": "Quiet hours",
            "deadline": deadline,
            "change_kind": "house_rules",
            "change-text_en": "Quiet after 22h.",
            "change-note": "quiet",
        },
    )

    assert response.status_code == 302
    assert Proposal.objects.get().change_data == {"text_en": "Quiet after 22h.", "note": "quiet"}


def test_vote_page_and_vote(space, member, client_for):
    proposal = ProposalFactory(space=space, title="Paint it")
    client = client_for(member)

    page = client.get(url(space, f"proposals/{proposal.pk}/"))
    response = client.post(url(space, f"proposals/{proposal.pk}/vote/"), {"choice": "yes"})
    again = client.post(url(space, f"proposals/{proposal.pk}/vote/"), {"choice": "yes"})

    assert page.status_code == 200 and "Paint it" in page.content.decode()
    assert response.status_code == 302
    assert again.status_code == 200  # the page again, now showing the member's vote
    assert Vote.objects.filter(proposal=proposal).count() == 1


def test_coordinator_closes_after_deadline(space, coordinator, member, client_for):
    proposal = ProposalFactory(space=space, deadline=timezone.now() - datetime.timedelta(hours=1))

    response = client_for(coordinator).post(url(space, f"proposals/{proposal.pk}/close/"))
    log = client_for(member).get(url(space, "decisions/"))

    assert response.status_code == 302
    assert Decision.objects.get().proposal_id == proposal.pk
    assert f"#1 {proposal.title}" in log.content.decode()


def test_house_rules_banner_and_acknowledgement(space, member, coordinator, client_for):
    document = documents.create_document(
        space, kind="house_rules", title="House rules", by=coordinator, text_en="Be kind."
    )
    client = client_for(member)

    before = client.get(url(space))
    ack = client.post(url(space, "house-rules/acknowledge/"))
    after = client.get(url(space))

    assert "Please read and acknowledge them" in before.content.decode()
    assert ack["Location"] == url(space, f"documents/{document.pk}/")
    assert "Please read and acknowledge them" not in after.content.decode()


def test_dashboard_link_page_lists_spaces_to_acknowledge(space, member, coordinator, client_for):
    documents.create_document(space, kind="house_rules", title="House rules", by=coordinator, text_en="Be kind.")

    response = client_for(member).get("/en/me/house-rules/")

    assert "House rules of Werkplaats (version 1)" in response.content.decode()


def test_incident_report_and_update(space, member, coordinator, client_for):
    response = client_for(member).post(
        f"/en/spaces/{space.slug}/incidents/report/",
        {"title": "Heating is off", "category": "heating", "severity": "high"},
    )
    incident = Incident.objects.get()
    denied = client_for(member).post(
        f"/en/spaces/{space.slug}/incidents/{incident.pk}/update/",
        {"status": "acknowledged", "responsible": "caretaker"},
    )
    updated = client_for(coordinator).post(
        f"/en/spaces/{space.slug}/incidents/{incident.pk}/update/",
        {"status": "acknowledged", "responsible": "caretaker", "note": "Coming"},
    )

    assert response.status_code == 302
    assert (denied.status_code, updated.status_code) == (403, 302)
    assert Incident.objects.get().status == "acknowledged"


def test_agreement_pages_show_secured_until(space, member, client_for):
    AgreementFactory(space=space, end=datetime.date(2031, 3, 31))

    response = client_for(member).get(url(space, "agreements/"))

    assert "Secured until March 31, 2031" in response.content.decode()


def test_pages_render_in_french_and_dutch(space, member, client_for):
    ProposalFactory(space=space)
    IncidentFactory(space=space)
    client = client_for(member)

    for lang in ("fr", "nl"):
        for rest in ("governance/", "governance/proposals/", "governance/rota/", "incidents/"):
            assert client.get(f"/{lang}/spaces/{space.slug}/{rest}").status_code == 200


@pytest.mark.parametrize("n", [1, 3])
def test_proposal_list_queries_do_not_grow(space, member, client_for, django_assert_num_queries, n):
    for _ in range(n):
        ProposalFactory(space=space, author=f.MemberFactory())
    client = client_for(member)
    client.get(url(space, "proposals/"))  # warm the session

    with django_assert_num_queries(QUERIES["proposals"]):
        client.get(url(space, "proposals/"))


@pytest.mark.parametrize("n", [1, 3])
def test_incident_list_queries_do_not_grow(space, member, client_for, django_assert_num_queries, n):
    resource = f.ResourceFactory(space=space)
    for _ in range(n):
        IncidentFactory(space=space, resource=resource, reported_by=f.MemberFactory())
    client = client_for(member)
    client.get(f"/en/spaces/{space.slug}/incidents/")

    with django_assert_num_queries(QUERIES["incidents"]):
        client.get(f"/en/spaces/{space.slug}/incidents/")


@pytest.mark.parametrize("n", [1, 3])
def test_decision_log_queries_do_not_grow(space, member, client_for, django_assert_num_queries, n):
    for i in range(n):
        Decision.objects.create(
            space=space,
            number=i + 1,
            title=f"D{i}",
            outcome="passed",
            method="consent",
            proposal=ProposalFactory(space=space),
        )
    client = client_for(member)
    client.get(url(space, "decisions/"))

    with django_assert_num_queries(QUERIES["decisions"]):
        client.get(url(space, "decisions/"))


QUERIES = {"proposals": 6, "incidents": 7, "decisions": 6}


def test_identity_page_shows_how_long_the_space_is_secured(space, client):
    AgreementFactory(space=space, end=datetime.date(2031, 3, 31))

    response = client.get(f"/en/spaces/{space.slug}/")

    assert "Secured until March 31, 2031" in response.content.decode()


def test_rota_swap_through_the_page(space, member, practice, client_for):
    from governance.models import Shift
    from governance.services import rota

    from .factories import CareTaskFactory

    other_practice = f.PracticeFactory(name="Collectif Est")
    other = f.make_member_of(space, practice=other_practice, email="est@example.org")
    task = CareTaskFactory(space=space)
    mine = Shift.objects.create(task=task, start=timezone.now() + datetime.timedelta(days=2), practice=practice)
    theirs = Shift.objects.create(task=task, start=timezone.now() + datetime.timedelta(days=9), practice=other_practice)
    rota.offer_shift(theirs, by=other)
    client = client_for(member)

    page = client.get(url(space, "rota/"))
    response = client.post(url(space, f"rota/shifts/{theirs.pk}/swap/"), {"mine": mine.pk})

    assert 'name="mine"' in page.content.decode()
    assert response.status_code == 302
    assert Shift.objects.get(pk=theirs.pk).practice == practice
    assert Shift.objects.get(pk=mine.pk).practice == other_practice


def _more(kind, space, practice, i):
    from governance.models import Document, Meeting, Shift

    from .factories import CareTaskFactory, MeetingFactory

    if kind == "rota/":
        task = CareTaskFactory(space=space)
        Shift.objects.create(
            task=task,
            start=timezone.now() + datetime.timedelta(days=i + 1),
            practice=practice,
            taken_by=f.MemberFactory(),
            done_by=f.MemberFactory(),
            done_at=timezone.now(),
        )
    elif kind == "meetings/":
        MeetingFactory(space=space)
        assert Meeting.objects.exists()
    elif kind == "documents/":
        Document.objects.create(space=space, kind="procedure", title=f"Procedure {i}")
    else:
        AgreementFactory(space=space)


@pytest.mark.parametrize("n", [1, 3])
@pytest.mark.parametrize("kind", ["rota/", "meetings/", "documents/", "agreements/"])
def test_other_lists_queries_do_not_grow(space, member, practice, client_for, django_assert_num_queries, kind, n):
    for i in range(n):
        _more(kind, space, practice, i)
    client = client_for(member)
    client.get(url(space, kind))

    with django_assert_num_queries(LIST_QUERIES[kind]):
        client.get(url(space, kind))


LIST_QUERIES = {"rota/": 12, "meetings/": 6, "documents/": 7, "agreements/": 7}


def test_deadline_is_read_in_the_space_time_zone(member, client_for):
    lisbon = f.SpaceFactory(slug="lisbon", time_zone="Europe/Lisbon")
    f.make_member_of(lisbon, member=member)

    client_for(member).post(
        f"/en/spaces/{lisbon.slug}/governance/proposals/new/",
        {"title": "Lisbon", "type": "general", "text": "x", "deadline": "2031-01-15T18:00"},
    )

    assert Proposal.objects.get().deadline == datetime.datetime(2031, 1, 15, 18, 0, tzinfo=datetime.UTC)
