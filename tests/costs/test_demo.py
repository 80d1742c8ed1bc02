import pytest

from core import demo as foundation
from costs import demo
from costs.models import CostItem, CostPeriod, Payment, Statement

pytestmark = pytest.mark.django_db


def test_demo_has_a_closed_and_an_open_quarter_and_a_second_run_adds_nothing():
    foundation.seed()

    demo.seed()
    counts = [m.objects.count() for m in (CostPeriod, CostItem, Statement, Payment)]
    demo.seed()

    assert [m.objects.count() for m in (CostPeriod, CostItem, Statement, Payment)] == counts
    assert sorted(CostPeriod.objects.values_list("status", flat=True)) == ["closed", "open"]
    assert counts[2] >= 10
    assert counts[3] >= 3
