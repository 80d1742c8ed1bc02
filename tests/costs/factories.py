"""Factories for shared costs."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory

from costs.models import Contribution, CostItem, CostPeriod
from tests.factories import SpaceFactory


class CostPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CostPeriod

    space = factory.SubFactory(SpaceFactory)
    kind = CostPeriod.Kind.QUARTER
    start = datetime.date(2026, 1, 1)
    end = datetime.date(2026, 3, 31)


class CostItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CostItem

    period = factory.SubFactory(CostPeriodFactory)
    label = "Rent"
    category = CostItem.Category.RENT
    amount = Decimal("1200.00")
    key = CostItem.Key.AREA


class ContributionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contribution

    coefficient = Decimal("1")
