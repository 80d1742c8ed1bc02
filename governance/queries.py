"""Reads used by the pages and the API."""

from __future__ import annotations

from django.db.models import Count, Max

from . import rules
from .models import Document, Incident, Proposal, Shift, Vote, VoteUnit


def proposals(space):
    return (
        Proposal.objects.filter(space=space)
        .select_related("author")
        .annotate(vote_count=Count("votes", distinct=True), comment_count=Count("comments", distinct=True))
    )


def documents(space):
    return Document.objects.filter(space=space).annotate(
        version_count=Count("versions"), latest=Max("versions__number")
    )


def shifts(space):
    return Shift.objects.filter(task__space=space).select_related("task", "practice", "taken_by", "done_by")


def my_shifts(user, space):
    from django.db.models import Q
    from django.utils import timezone

    ids = rules.practices_in_space(user, space)
    return shifts(space).filter(
        Q(taken_by=user) | Q(practice_id__in=ids, taken_by__isnull=True),
        done_at__isnull=True,
        start__gte=timezone.now(),
    )


def incidents(space):
    return Incident.objects.filter(space=space).select_related("resource", "reported_by")


def my_vote(user, proposal):
    if proposal.vote_unit == VoteUnit.MEMBER:
        return Vote.objects.filter(proposal=proposal, voter_key=f"m{user.pk}").first()
    ids = rules.practices_in_space(user, proposal.space)
    return Vote.objects.filter(proposal=proposal, practice_id__in=ids).select_related("practice").first()


def voting_practices(user, proposal):
    """The user's practices that may still vote (practice votes), for the vote form."""
    from community.models import Practice

    if proposal.vote_unit == VoteUnit.MEMBER:
        return None
    ids = rules.practices_in_space(user, proposal.space)
    voted = set(Vote.objects.filter(proposal=proposal, practice_id__in=ids).values_list("practice_id", flat=True))
    return list(Practice.objects.filter(pk__in=[i for i in ids if i not in voted]))
