import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.models import AuditEntry
from governance.models import Decision, DecisionRule, Method, Proposal, Vote, VoteUnit
from governance.services import proposals
from spaces.models import RoleAssignment
from tests import factories as f

from .factories import MeetingFactory, ProposalFactory

pytestmark = pytest.mark.django_db


def _past(proposal):
    Proposal.objects.filter(pk=proposal.pk).update(deadline=timezone.now() - datetime.timedelta(minutes=1))
    proposal.refresh_from_db()
    return proposal


@pytest.fixture
def second(space):
    """A member of a second practice of the space."""
    return f.make_member_of(space, practice=f.PracticeFactory(name="Atelier Zuid"), email="zoe@example.org")


def test_create_proposal_uses_the_space_rule_for_its_type(space, member):
    DecisionRule.objects.create(
        space=space, proposal_type="costs", method=Method.TWO_THIRDS, vote_unit="member", quorum_percent=60
    )

    proposal = proposals.create_proposal(
        space,
        by=member,
        title="New key",
        text="By area",
        deadline=timezone.now() + datetime.timedelta(days=3),
        type="costs",
    )

    assert (proposal.method, proposal.vote_unit, proposal.quorum_percent) == ("two_thirds", "member", 60)
    assert AuditEntry.objects.filter(action="governance.proposal_created", object_id=str(proposal.pk)).count() == 1


def test_create_proposal_defaults_to_consent_per_practice(space, member):
    proposal = proposals.create_proposal(
        space, by=member, title="Paint", text="Blue", deadline=timezone.now() + datetime.timedelta(days=3)
    )

    assert (proposal.method, proposal.vote_unit) == ("consent", "practice")


def test_create_proposal_refuses_a_past_deadline(space, member):
    with pytest.raises(ValidationError) as exc:
        proposals.create_proposal(space, by=member, title="Paint", text="Blue", deadline=timezone.now())

    assert list(exc.value.message_dict) == ["deadline"]


def test_outsider_cannot_propose(space, outsider):
    with pytest.raises(PermissionDenied):
        proposals.create_proposal(
            space, by=outsider, title="x", text="y", deadline=timezone.now() + datetime.timedelta(days=1)
        )


def test_set_decision_rule_needs_a_coordinator(space, member, coordinator):
    with pytest.raises(PermissionDenied):
        proposals.set_decision_rule(
            space, "general", method="majority", vote_unit="member", quorum_percent=50, by=member
        )

    rule = proposals.set_decision_rule(
        space, "general", method="majority", vote_unit="member", quorum_percent=40, by=coordinator
    )

    assert (rule.method, rule.vote_unit, rule.quorum_percent) == ("majority", "member", 40)


def test_a_practice_votes_once_whoever_of_its_members_casts_it(space, member, practice):
    colleague = f.make_member_of(space, practice=practice, email="colleague@example.org")
    proposal = ProposalFactory(space=space)
    proposals.cast_vote(proposal, by=member, choice="yes")

    with pytest.raises(proposals.AlreadyVoted):
        proposals.cast_vote(proposal, by=colleague, choice="object", reason="No")

    assert list(proposal.votes.values_list("voter_key", "choice")) == [(f"p{practice.pk}", "yes")]


def test_a_member_votes_once(space, member):
    proposal = ProposalFactory(space=space, vote_unit=VoteUnit.MEMBER, method=Method.MAJORITY)
    proposals.cast_vote(proposal, by=member, choice="yes")

    with pytest.raises(proposals.AlreadyVoted):
        proposals.cast_vote(proposal, by=member, choice="no")

    assert Vote.objects.filter(proposal=proposal).count() == 1


def test_votes_are_final_after_the_deadline(space, member):
    proposal = _past(ProposalFactory(space=space))

    with pytest.raises(ValidationError) as exc:
        proposals.cast_vote(proposal, by=member, choice="yes")

    assert exc.value.message_dict == {"choice": ["Voting on this proposal is closed."]}


def test_an_objection_needs_a_reason(space, member):
    proposal = ProposalFactory(space=space)

    with pytest.raises(ValidationError) as exc:
        proposals.cast_vote(proposal, by=member, choice="object")

    assert list(exc.value.message_dict) == ["reason"]


def test_no_is_not_a_consent_vote(space, member):
    proposal = ProposalFactory(space=space, method=Method.CONSENT)

    with pytest.raises(ValidationError):
        proposals.cast_vote(proposal, by=member, choice="no")


def test_consent_passes_without_objection(space, member, second, coordinator):
    proposal = ProposalFactory(space=space, title="Paint the hall")
    proposals.cast_vote(proposal, by=member, choice="yes")
    _past(proposal)

    decision = proposals.close_proposal(proposal, by=coordinator)

    assert decision.outcome == "passed"
    assert decision.number == 1
    assert decision.counts == {"yes": 1, "no": 0, "abstain": 0, "object": 0, "cast": 1, "eligible": 2, "quorum": 0}
    proposal.refresh_from_db()
    assert proposal.status == "passed"


def test_consent_fails_on_one_objection_and_logs_the_reason(space, member, second):
    proposal = ProposalFactory(space=space)
    proposals.cast_vote(proposal, by=member, choice="yes")
    proposals.cast_vote(proposal, by=second, choice="object", reason="The hall must stay white for exhibitions.")
    _past(proposal)

    decision = proposals.close_proposal(proposal)

    assert decision.outcome == "rejected"
    assert decision.reasons == [
        {"voter": "Atelier Zuid", "choice": "object", "reason": "The hall must stay white for exhibitions."}
    ]
    assert decision.recorded_by_name == "plek"


def test_majority_needs_the_quorum(space, member, second):
    f.make_member_of(space, practice=f.PracticeFactory(name="Third"), email="third@example.org")
    proposal = ProposalFactory(space=space, method=Method.MAJORITY, quorum_percent=67)
    proposals.cast_vote(proposal, by=member, choice="yes")
    _past(proposal)

    decision = proposals.close_proposal(proposal)

    assert (decision.outcome, decision.counts["quorum"], decision.counts["cast"]) == ("rejected", 3, 1)


def test_majority_passes_with_quorum_and_more_yes(space, member, second):
    proposal = ProposalFactory(space=space, method=Method.MAJORITY, quorum_percent=50)
    proposals.cast_vote(proposal, by=member, choice="yes")
    proposals.cast_vote(proposal, by=second, choice="abstain")
    _past(proposal)

    assert proposals.close_proposal(proposal).outcome == "passed"


def test_two_thirds_needs_two_thirds_of_yes_and_no(space, member, second):
    third = f.make_member_of(space, practice=f.PracticeFactory(name="Third"), email="third@example.org")
    proposal = ProposalFactory(space=space, method=Method.TWO_THIRDS, quorum_percent=50)
    proposals.cast_vote(proposal, by=member, choice="yes")
    proposals.cast_vote(proposal, by=second, choice="no")
    _past(proposal)

    assert proposals.close_proposal(proposal).outcome == "rejected"

    proposal2 = ProposalFactory(space=space, method=Method.TWO_THIRDS, quorum_percent=50)
    for person, choice in ((member, "yes"), (second, "no"), (third, "yes")):
        proposals.cast_vote(proposal2, by=person, choice=choice)
    _past(proposal2)

    decision = proposals.close_proposal(proposal2)
    assert (decision.outcome, decision.number) == ("passed", 2)


def test_closing_before_the_deadline_is_refused(space, coordinator):
    proposal = ProposalFactory(space=space)

    with pytest.raises(ValidationError):
        proposals.close_proposal(proposal, by=coordinator)


def test_only_a_coordinator_closes_by_hand(space, member):
    proposal = _past(ProposalFactory(space=space))

    with pytest.raises(PermissionDenied):
        proposals.close_proposal(proposal, by=member)


def test_periodic_job_closes_due_proposals_once(space, member):
    due = _past(ProposalFactory(space=space))
    ProposalFactory(space=space)

    assert proposals.close_due_proposals() == 1
    assert proposals.close_due_proposals() == 0
    assert Decision.objects.get(space=space).proposal_id == due.pk


def test_passed_house_rules_change_publishes_a_version_and_links_it(space, member):
    proposal = proposals.create_proposal(
        space,
        by=member,
        title="Quiet hours",
        text="From 22h",
        deadline=timezone.now() + datetime.timedelta(days=1),
        type="house_rules",
        change_kind="house_rules",
        change_data={"text_en": "Quiet after 22h.", "text_fr": "Silence après 22h.", "text_nl": ""},
    )
    _past(proposal)

    decision = proposals.close_proposal(proposal)

    space.refresh_from_db()
    assert space.house_rules_en == "Quiet after 22h."
    assert space.house_rules_fr == "Silence après 22h."
    assert decision.change_object_type == "governance.documentversion"
    assert decision.change_label == "New house rules: House rules v1"
    assert decision.change_url().endswith("#v1")


def test_passed_role_change_assigns_the_role_with_audit(space, member):
    proposal = proposals.create_proposal(
        space,
        by=member,
        title="Mo caretakes",
        text="Mo",
        deadline=timezone.now() + datetime.timedelta(days=1),
        type="roles",
        change_kind="role",
        change_data={"member": str(member.pk), "role": "caretaker"},
    )
    _past(proposal)

    decision = proposals.close_proposal(proposal)

    role = RoleAssignment.objects.get(space=space, member=member, role="caretaker")
    assert decision.change_object_id == str(role.pk)
    assert AuditEntry.objects.filter(action="governance.role_assigned", object_id=str(role.pk)).count() == 1


def test_rejected_proposal_applies_no_change(space, member, second):
    proposal = proposals.create_proposal(
        space,
        by=member,
        title="Mo caretakes",
        text="Mo",
        deadline=timezone.now() + datetime.timedelta(days=1),
        change_kind="role",
        change_data={"member": str(member.pk), "role": "caretaker"},
    )
    proposals.cast_vote(proposal, by=second, choice="object", reason="Not yet")
    _past(proposal)

    decision = proposals.close_proposal(proposal)

    assert (decision.outcome, decision.change_label) == ("rejected", "")
    assert not RoleAssignment.objects.filter(member=member, role="caretaker").exists()


def test_invalid_change_is_refused_at_creation(space, member):
    with pytest.raises(ValidationError) as exc:
        proposals.create_proposal(
            space,
            by=member,
            title="x",
            text="y",
            deadline=timezone.now() + datetime.timedelta(days=1),
            change_kind="role",
            change_data={"member": "999999", "role": "caretaker"},
        )

    assert list(exc.value.message_dict) == ["change.member"]


def test_meeting_decision_is_logged(space, coordinator):
    meeting = MeetingFactory(space=space)

    decision = proposals.record_meeting_decision(meeting, by=coordinator, title="Buy a ladder", outcome="passed")

    assert (decision.number, decision.meeting_id, decision.recorded_by_name) == (1, meeting.pk, "Cora Coordinator")


def test_periodic_jobs_are_registered():
    from core import periodic

    assert {
        name: getattr(func, "__module__", "") for name, func in periodic.JOBS.items() if name.startswith("governance.")
    } == {
        "governance.close_proposals": "governance.services.proposals",
        "governance.agreement_reminders": "governance.services.agreements",
        "governance.shift_reminders": "governance.services.rota",
    }
