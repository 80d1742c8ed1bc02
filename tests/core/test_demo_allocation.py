"""The demo's allocation round (allocation/demo.py): scarce, yet the fair timetable gives every practice something
while first come, first served leaves some practices with nothing."""

from __future__ import annotations

import pytest

from allocation import demo as allocation_demo
from allocation.models import AllocationRound, GrantedSlot, SolveRun
from bookings import demo as bookings_demo
from core import demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_round():
    demo.seed()
    bookings_demo.seed()  # the broadcasts and poster printing that already hold some of the studios' evenings
    allocation_demo.seed()
    return AllocationRound.objects.select_related("space").get(name=allocation_demo.NAME)


def test_the_demo_round_is_solved_to_a_proven_optimum(demo_round):
    run = demo_round.latest_run()

    assert demo_round.status == AllocationRound.Status.PROPOSED
    assert (run.status, run.proven_optimal) == (SolveRun.Status.DONE, True)


def test_the_fair_timetable_gives_every_practice_something(demo_round):
    run = demo_round.latest_run()
    asking = set(demo_round.requests.values_list("practice__name", flat=True))
    served = set(GrantedSlot.objects.filter(round=demo_round).values_list("request__practice__name", flat=True))

    assert asking == set(allocation_demo.WISHES)
    assert served == asking
    assert run.figures["with_nothing"] == 0
    assert run.figures["min_satisfaction"] > 0


def test_the_demo_round_is_oversubscribed(demo_round):
    unmet = demo_round.requests.filter(slots__isnull=True)

    assert unmet.count() >= 2
    assert demo_round.latest_run().figures["min_satisfaction"] < 1


def test_first_come_first_served_would_leave_someone_with_nothing(demo_round):
    run = demo_round.latest_run()
    fcfs = run.comparison["fcfs"]

    assert fcfs["orders_leaving_someone_with_nothing"] == fcfs["orders"]
    assert fcfs["with_nothing"] > 0
    assert fcfs["worst_min_satisfaction"] == 0
    assert run.comparison["round_robin"]["with_nothing"] > 0
    assert run.figures["jain"] > fcfs["jain"]


def test_seeding_again_adds_no_second_round(demo_round):
    allocation_demo.seed()

    assert AllocationRound.objects.filter(name=allocation_demo.NAME).count() == 1
    assert SolveRun.objects.filter(round=demo_round).count() == 1


def test_the_result_page_shows_the_comparison(client_for, demo_round):
    coordinator = demo_round.space.roles.filter(role="coordinator").order_by("id").first().member

    response = client_for(coordinator).get(f"/en/spaces/{demo_round.space.slug}/allocation/{demo_round.pk}/result/")

    rows = {str(label): (current, fcfs, robin) for label, current, fcfs, robin in response.context["figure_rows"]}
    assert response.status_code == 200
    current, fcfs, robin = rows["Practices left with nothing"]
    assert current == "0"
    assert fcfs not in ("0", "—")
    assert robin not in ("0", "—")
    assert "Practices left with nothing" in response.content.decode()
