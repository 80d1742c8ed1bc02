"""Proposals, votes and the decision log."""

from __future__ import annotations

import math

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from spaces import rules as space_rules
from spaces.models import RoleAssignment, Space, SpaceMembership

from .. import changes, rules
from ..models import Attachment, Comment, Decision, DecisionRule, Meeting, Method, Proposal, Vote, VoteUnit


class AlreadyVoted(ValidationError):
    """This member (or their practice) has already voted on the proposal."""


CONSENT_CHOICES = {Vote.Choice.YES, Vote.Choice.OBJECT, Vote.Choice.ABSTAIN}
MAJORITY_CHOICES = {Vote.Choice.YES, Vote.Choice.NO, Vote.Choice.ABSTAIN}


def allowed_choices(proposal: Proposal) -> list[tuple[str, str]]:
    allowed = CONSENT_CHOICES if proposal.method == Method.CONSENT else MAJORITY_CHOICES
    return [(value, label) for value, label in Vote.Choice.choices if value in allowed]


def rule_for(space: Space, proposal_type: str) -> tuple[str, str, int]:
    """(method, vote unit, quorum %) the space uses for this type of proposal; consent per practice by default."""
    rule = DecisionRule.objects.filter(space=space, proposal_type=proposal_type).first()
    if rule is None:
        return Method.CONSENT, VoteUnit.PRACTICE, 50
    return rule.method, rule.vote_unit, rule.quorum_percent


@transaction.atomic
def set_decision_rule(space: Space, proposal_type: str, *, method: str, vote_unit: str, quorum_percent: int, by):
    """Set how the space decides on a type of proposal. Applies to proposals made from now on."""
    if not rules.can_manage(by, space):
        raise PermissionDenied
    rule, _created = DecisionRule.objects.get_or_create(space=space, proposal_type=proposal_type)
    before = audit.snapshot(rule, ["method", "vote_unit", "quorum_percent"])
    rule.method, rule.vote_unit, rule.quorum_percent = method, vote_unit, quorum_percent
    rule.full_clean()
    rule.save()
    audit.record(
        rule,
        "governance.decision_rule_set",
        by=by,
        space=space,
        before=before,
        after=audit.snapshot(rule, ["method", "vote_unit", "quorum_percent"]),
    )
    return rule


@transaction.atomic
def create_proposal(
    space: Space,
    *,
    by,
    title: str,
    text: str,
    deadline,
    type: str = "general",
    change_kind: str = "",
    change_data: dict | None = None,
    meeting: Meeting | None = None,
    attachments=(),
) -> Proposal:
    """Make a proposal with the space's decision method for its type. Side effects: attachments stored
    privately, audit entry."""
    if not rules.can_propose(by, space):
        raise PermissionDenied
    errors = {}
    if not title.strip():
        errors["title"] = _("Give the proposal a title.")
    if not text.strip():
        errors["text"] = _("Say what you propose.")
    if deadline is None or deadline <= timezone.now():
        errors["deadline"] = _("The deadline must be in the future.")
    if meeting is not None and meeting.space_id != space.pk:
        errors["meeting"] = _("This meeting belongs to another space.")
    if errors:
        raise ValidationError(errors)
    data = {}
    if change_kind:
        data = changes.validate(change_kind, change_data or {}, space)
    method, unit, quorum = rule_for(space, type)
    proposal = Proposal.objects.create(
        space=space,
        type=type,
        title=title.strip(),
        text=text,
        author=by,
        deadline=deadline,
        method=method,
        vote_unit=unit,
        quorum_percent=quorum,
        meeting=meeting,
        change_kind=change_kind,
        change_data=data,
    )
    for upload in attachments:
        add_attachment(proposal, upload, by=by)
    audit.record(proposal, "governance.proposal_created", by=by, after=audit.snapshot(proposal))
    return proposal


@transaction.atomic
def add_attachment(proposal: Proposal, upload, *, by, name: str = "") -> Attachment:
    """Attach a file to a proposal (stored outside the public media folder)."""
    if not rules.can_propose(by, proposal.space):
        raise PermissionDenied
    attachment = Attachment(proposal=proposal, file=upload, name=(name or upload.name)[:200], uploaded_by=by)
    attachment.full_clean()
    attachment.save()
    audit.record(
        attachment, "governance.attachment_added", by=by, space=proposal.space, after={"name": attachment.name}
    )
    return attachment


@transaction.atomic
def add_comment(proposal: Proposal, text: str, *, by) -> Comment:
    """A member comments on a proposal."""
    if not rules.can_read(by, proposal.space):
        raise PermissionDenied
    if not text.strip():
        raise ValidationError({"text": _("Write a comment.")})
    comment = Comment.objects.create(proposal=proposal, author=by, text=text.strip())
    audit.record(comment, "governance.comment_added", by=by, space=proposal.space)
    return comment


def voter_for(proposal: Proposal, member, practice=None):
    """(voter key, practice) for a vote by ``member``; raises ValidationError when they cannot vote."""
    if proposal.vote_unit == VoteUnit.MEMBER:
        return f"m{member.pk}", None
    practice_ids = rules.practices_in_space(member, proposal.space)
    if practice is None:
        if len(practice_ids) != 1:
            raise ValidationError(
                {"practice": _("Say for which of your practices you vote.")}
                if practice_ids
                else {"practice": _("Only practices of the space vote on this proposal.")}
            )
        from community.models import Practice

        practice = Practice.objects.get(pk=practice_ids[0])
    elif practice.pk not in practice_ids:
        raise ValidationError({"practice": _("You do not act for this practice in this space.")})
    return f"p{practice.pk}", practice


@transaction.atomic
def cast_vote(proposal: Proposal, *, by, choice: str, reason: str = "", practice=None) -> Vote:
    """Vote on an open proposal, once per voter (member or practice). Votes are final.

    Side effects: audit entry. Raises AlreadyVoted when the voter has voted (also under concurrency: a unique
    constraint decides)."""
    if not rules.can_vote(by, proposal.space):
        raise PermissionDenied
    if proposal.status != Proposal.Status.OPEN or timezone.now() >= proposal.deadline:
        raise ValidationError({"choice": _("Voting on this proposal is closed.")})
    if choice not in {value for value, _label in allowed_choices(proposal)}:
        raise ValidationError({"choice": _("This is not a valid vote for this proposal.")})
    if choice == Vote.Choice.OBJECT and not reason.strip():
        raise ValidationError({"reason": _("An objection needs a reason.")})
    key, practice = voter_for(proposal, by, practice)
    if Vote.objects.filter(proposal=proposal, voter_key=key).exists():
        raise AlreadyVoted({"choice": _("This vote has already been cast.")})
    try:
        with transaction.atomic():
            vote = Vote.objects.create(
                proposal=proposal, member=by, practice=practice, voter_key=key, choice=choice, reason=reason.strip()
            )
    except IntegrityError:
        raise AlreadyVoted({"choice": _("This vote has already been cast.")}) from None
    audit.record(vote, "governance.vote_cast", by=by, space=proposal.space, after={"choice": choice, "voter": key})
    return vote


def eligible_voters(proposal: Proposal) -> int:
    today = timezone.localdate()
    practices = SpaceMembership.objects.active(today).filter(space_id=proposal.space_id)
    if proposal.vote_unit == VoteUnit.PRACTICE:
        return practices.values("practice_id").distinct().count()
    from community.models import PracticeMember

    members = set(
        PracticeMember.objects.filter(practice_id__in=practices.values("practice_id")).values_list(
            "member_id", flat=True
        )
    )
    members |= set(RoleAssignment.objects.filter(space_id=proposal.space_id).values_list("member_id", flat=True))
    return len(members)


def tally(proposal: Proposal, votes=None) -> dict:
    """The count and whether the proposal passes under its method."""
    votes = list(proposal.votes.all()) if votes is None else votes
    counts = dict.fromkeys(Vote.Choice.values, 0)
    for vote in votes:
        counts[vote.choice] += 1
    cast = len(votes)
    eligible = eligible_voters(proposal)
    needed = math.ceil(eligible * proposal.quorum_percent / 100) if proposal.method != Method.CONSENT else 0
    yes, no = counts["yes"], counts["no"]
    if proposal.method == Method.CONSENT:
        passed = counts["object"] == 0
    elif proposal.method == Method.MAJORITY:
        passed = cast >= needed and yes > no
    else:
        passed = cast >= needed and yes > 0 and 3 * yes >= 2 * (yes + no)
    return {**counts, "cast": cast, "eligible": eligible, "quorum": needed, "passed": passed}


def _next_number(space: Space) -> int:
    Space.objects.select_for_update().filter(pk=space.pk).first()
    return (Decision.objects.filter(space=space).aggregate(n=Max("number"))["n"] or 0) + 1


@transaction.atomic
def close_proposal(proposal: Proposal, *, by=None) -> Decision:
    """Close a proposal after its deadline: count, apply its change if it passed, write the decision log.

    ``by=None`` is the periodic job; a person must be a coordinator. Side effects: the change is applied (new
    house rules version, role assignment, …), a Decision is appended, audit entries."""
    proposal = Proposal.objects.select_for_update().select_related("space").get(pk=proposal.pk)
    if by is not None and not rules.can_manage(by, proposal.space):
        raise PermissionDenied
    if proposal.status != Proposal.Status.OPEN:
        raise ValidationError(_("This proposal is already closed."))
    if timezone.now() < proposal.deadline:
        raise ValidationError(_("A proposal can only be closed after its deadline."))
    votes = list(proposal.votes.select_related("member", "practice"))
    count = tally(proposal, votes)
    passed = count.pop("passed")
    change_label, obj, summary = "", None, ""
    if passed and proposal.change_kind:
        try:
            with transaction.atomic():
                change_label, obj = changes.apply(proposal, by)
        except ValidationError as exc:
            summary = _("The change could not be applied: %(error)s") % {"error": "; ".join(exc.messages)}
        except PermissionDenied:
            summary = _("The change could not be applied: permission denied.")
    reasons = [
        {"voter": vote.voter_name, "choice": vote.choice, "reason": vote.reason} for vote in votes if vote.reason
    ]
    decision = Decision.objects.create(
        space=proposal.space,
        number=_next_number(proposal.space),
        proposal=proposal,
        meeting=proposal.meeting,
        title=proposal.title,
        outcome=Decision.Outcome.PASSED if passed else Decision.Outcome.REJECTED,
        method=proposal.method,
        counts=count,
        reasons=reasons,
        summary=summary,
        change_kind=proposal.change_kind if obj is not None else "",
        change_label=f"{change_label}: {obj}" if obj is not None else "",
        change_object_type=obj._meta.label_lower if obj is not None else "",
        change_object_id=str(obj.pk) if obj is not None else "",
        recorded_by_name=str(by) if by is not None else "plek",
        # The periodic job closes at the deadline; a coordinator closing by hand decides at that moment.
        decided_at=proposal.deadline if by is None else timezone.now(),
    )
    proposal.status = Proposal.Status.PASSED if passed else Proposal.Status.REJECTED
    proposal.closed_at = timezone.now()
    proposal.save(update_fields=["status", "closed_at"])
    audit.record(decision, "governance.decision_recorded", by=by, after={"outcome": decision.outcome, **count})
    return decision


def close_due_proposals() -> int:
    """Periodic job: close every open proposal whose deadline has passed."""
    due = Proposal.objects.filter(status=Proposal.Status.OPEN, deadline__lte=timezone.now()).values_list(
        "pk", flat=True
    )
    closed = 0
    for pk in list(due):
        try:
            close_proposal(Proposal(pk=pk))
            closed += 1
        except ValidationError:
            continue
    return closed


@transaction.atomic
def record_meeting_decision(meeting: Meeting, *, by, title: str, outcome: str, summary: str = "") -> Decision:
    """A decision taken at a meeting without a written proposal. Side effects: a Decision is appended, audit."""
    if not rules.can_manage(by, meeting.space):
        raise PermissionDenied
    if not title.strip():
        raise ValidationError({"title": _("Give the decision a title.")})
    if outcome not in Decision.Outcome.values:
        raise ValidationError({"outcome": _("Choose an outcome.")})
    decision = Decision.objects.create(
        space=meeting.space,
        number=_next_number(meeting.space),
        meeting=meeting,
        title=title.strip(),
        outcome=outcome,
        method="",
        summary=summary,
        recorded_by_name=str(by),
        counts={},
        reasons=[],
    )
    audit.record(decision, "governance.decision_recorded", by=by, after={"outcome": outcome, "meeting": meeting.pk})
    return decision


def is_voter(user, proposal: Proposal) -> bool:
    return space_rules.is_member(user, proposal.space)
