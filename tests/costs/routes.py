"""Isolation Cases for every shared-costs route (UI and API)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from costs import services
from costs.models import CostItem, CostPeriod
from costs.models import private_storage as storage_factory
from tests.isolation import API_COORDINATOR, API_MEMBER, COORDINATOR, MEMBER, Case, expect

DOCUMENT = "costs/isolation/invoice.pdf"


def build(world):
    today = timezone.localdate()
    by = world.coordinator
    closed = CostPeriod.objects.create(
        space=world.space, start=today - datetime.timedelta(days=20), end=today - datetime.timedelta(days=11)
    )
    services.add_item(closed, by=by, label="Rent", category="rent", amount=Decimal("500.00"), key="area")
    world.cost_closed_period = closed
    # The member's practice's statement (other apps' builders may add practices to the space).
    world.cost_statement = next(s for s in services.close_period(closed, by=by) if s.practice_id == world.practice.pk)
    world.cost_period = CostPeriod.objects.create(
        space=world.space, start=today - datetime.timedelta(days=10), end=today + datetime.timedelta(days=10)
    )
    world.cost_item = services.add_item(
        world.cost_period, by=by, label="Energy", category="energy", amount=Decimal("120.00"), key="equal"
    )
    storage = storage_factory()
    if not storage.exists(DOCUMENT):
        storage.save(DOCUMENT, ContentFile(b"%PDF-1.4 isolation"))
    CostItem.objects.filter(pk=world.cost_item.pk).update(document=DOCUMENT)


def ui(suffix):
    return lambda w: f"/en/spaces/{w.space.slug}/costs/{suffix(w) if callable(suffix) else suffix}"


POSTED = expect(COORDINATOR, coordinator=302)

ROUTES = {
    "costs:periods": Case(ui(""), MEMBER),
    "costs:period-new": [
        Case(ui("new/"), COORDINATOR),
        Case(ui("new/"), POSTED, method="post", data=lambda w: {"kind": "month", "start": "2031-05-01"}),
    ],
    "costs:settings": Case(ui("settings/"), COORDINATOR),
    "costs:balances": Case(ui("balances/"), MEMBER),
    "costs:payment-import": Case(ui("payments/import/"), COORDINATOR),
    "costs:period": [
        Case(ui(lambda w: f"{w.cost_period.pk}/"), MEMBER),
        Case(ui(lambda w: f"{w.cost_closed_period.pk}/"), MEMBER),
    ],
    "costs:period-delete": Case(ui(lambda w: f"{w.cost_period.pk}/delete/"), POSTED, method="post"),
    "costs:period-close": [
        Case(ui(lambda w: f"{w.cost_period.pk}/close/"), COORDINATOR),
        Case(ui(lambda w: f"{w.cost_period.pk}/close/"), POSTED, method="post"),
    ],
    "costs:period-export": Case(ui(lambda w: f"{w.cost_closed_period.pk}/export.csv"), COORDINATOR),
    "costs:headcounts": Case(ui(lambda w: f"{w.cost_period.pk}/headcounts/"), COORDINATOR),
    "costs:item-new": Case(ui(lambda w: f"{w.cost_period.pk}/items/new/"), COORDINATOR),
    "costs:rental-income": Case(ui(lambda w: f"{w.cost_period.pk}/items/rental-income/"), POSTED, method="post"),
    "costs:item-edit": Case(ui(lambda w: f"{w.cost_period.pk}/items/{w.cost_item.pk}/edit/"), COORDINATOR),
    "costs:item-delete": Case(
        ui(lambda w: f"{w.cost_period.pk}/items/{w.cost_item.pk}/delete/"), POSTED, method="post"
    ),
    "costs:item-document": Case(ui(lambda w: f"{w.cost_period.pk}/items/{w.cost_item.pk}/document/"), MEMBER),
    "costs:practice-share": Case(ui(lambda w: f"{w.cost_period.pk}/practices/{w.practice.pk}/"), MEMBER),
    "costs:statement": Case(ui(lambda w: f"statements/{w.cost_statement.pk}/"), MEMBER),
    "costs:statement-pdf": Case(ui(lambda w: f"statements/{w.cost_statement.pk}/pdf/"), MEMBER),
    "costs:payment-new": Case(ui(lambda w: f"statements/{w.cost_statement.pk}/payments/new/"), COORDINATOR),
    "api:space-cost-periods": [
        Case(lambda w: f"/api/v1/spaces/{w.space.pk}/cost-periods", API_MEMBER),
        Case(
            lambda w: f"/api/v1/spaces/{w.space.pk}/cost-periods",
            expect(API_COORDINATOR, coordinator=201),
            method="post",
            data=lambda w: {"start": "2031-01-01", "end": "2031-03-31"},
        ),
    ],
    "api:cost-period": Case(lambda w: f"/api/v1/cost-periods/{w.cost_period.pk}", API_MEMBER),
    "api:cost-period-items": [
        Case(lambda w: f"/api/v1/cost-periods/{w.cost_period.pk}/items", API_MEMBER),
        Case(
            lambda w: f"/api/v1/cost-periods/{w.cost_period.pk}/items",
            expect(API_COORDINATOR, coordinator=201),
            method="post",
            data=lambda w: {"label": "Water", "category": "water", "amount": "80.00", "key": "equal"},
        ),
    ],
    "api:cost-period-rental-income": Case(
        lambda w: f"/api/v1/cost-periods/{w.cost_period.pk}/rental-income",
        expect(API_COORDINATOR, coordinator=400),  # allowed, but this period has no priced guest booking
        method="post",
        data=lambda w: {"key": "equal"},
    ),
    "api:cost-period-shares": Case(lambda w: f"/api/v1/cost-periods/{w.cost_period.pk}/shares", API_MEMBER),
    "api:cost-period-close": Case(
        lambda w: f"/api/v1/cost-periods/{w.cost_period.pk}/close", API_COORDINATOR, method="post"
    ),
    "api:practice-statements": Case(lambda w: f"/api/v1/practices/{w.practice.pk}/statements", API_MEMBER),
    "api:statement": Case(lambda w: f"/api/v1/statements/{w.cost_statement.pk}", API_MEMBER),
    "api:statement-payments": [
        Case(lambda w: f"/api/v1/statements/{w.cost_statement.pk}/payments", API_MEMBER),
        Case(
            lambda w: f"/api/v1/statements/{w.cost_statement.pk}/payments",
            expect(API_COORDINATOR, coordinator=201),
            method="post",
            data=lambda w: {"date": "2026-01-05", "amount": "50.00", "reference": "x"},
        ),
    ],
}
