"""Concurrent double submission of a vote still counts once (PostgreSQL: real concurrent transactions)."""

import threading

import pytest
from django.db import close_old_connections, connection

from governance.models import Vote, VoteUnit
from governance.services import proposals
from tests import factories as f

from .factories import ProposalFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent transactions (PostgreSQL)"),
]


def _race(n, work):
    barrier = threading.Barrier(n)
    results = []

    def run(i):
        close_old_connections()
        try:
            barrier.wait()
            work(i)
            results.append("ok")
        except proposals.AlreadyVoted:
            results.append("already")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(results)


def test_double_submission_by_one_member_counts_once():
    space = f.SpaceFactory()
    member = f.make_member_of(space, email="racer@example.org")
    proposal = ProposalFactory(space=space, vote_unit=VoteUnit.MEMBER, method="majority")

    results = _race(6, lambda i: proposals.cast_vote(proposal, by=member, choice="yes"))

    assert results == ["already"] * 5 + ["ok"]
    assert Vote.objects.filter(proposal=proposal).count() == 1


def test_members_of_one_practice_racing_cast_one_practice_vote():
    space = f.SpaceFactory()
    practice = f.PracticeFactory()
    people = [f.make_member_of(space, practice=practice, email=f"p{i}@example.org") for i in range(4)]
    proposal = ProposalFactory(space=space)

    results = _race(4, lambda i: proposals.cast_vote(proposal, by=people[i], choice="yes"))

    assert results == ["already"] * 3 + ["ok"]
    assert list(Vote.objects.filter(proposal=proposal).values_list("voter_key", flat=True)) == [f"p{practice.pk}"]
