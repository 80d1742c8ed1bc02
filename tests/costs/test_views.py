"""Pages: what members, treasurers and others see and can do."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from costs import services
from costs.models import Contribution, CostItem, CostPeriod, Payment, Statement
from tests import factories as f

from .factories import CostItemFactory, CostPeriodFactory

D = Decimal
pytestmark = pytest.mark.django_db


def url(space, suffix=""):
    return f"/en/spaces/{space.slug}/costs/{suffix}"


@pytest.fixture
def issue_example(space, period, practice):
    """The issue's example: rent €1,200 shared by area; Atelier Nord has 42 m² of 310 m²."""
    space.memberships.update(start_date=datetime.date(2025, 1, 1))
    others = f.PracticeFactory(name="Others")
    f.SpaceMembershipFactory(space=space, practice=others, area_m2=268, start_date=datetime.date(2025, 1, 1))
    CostItemFactory(period=period, label="Rent", amount=D("1200.00"), key=CostItem.Key.AREA)
    return practice


def test_a_member_reads_the_whole_period_and_the_line_by_line_explanation(
    client_for, member, space, period, issue_example
):
    client = client_for(member)

    table = client.get(url(space, f"{period.pk}/"))
    explanation = client.get(url(space, f"{period.pk}/practices/{issue_example.pk}/"))

    assert table.status_code == 200
    assert "Others: how the share is made up" in table.content.decode()
    assert "Rent €1,200.00 × your 42 m² of 310 m² = €162.58" in explanation.content.decode()


def test_the_space_has_a_shared_costs_tab_for_members(client_for, member, space):
    page = client_for(member).get(f"/en/spaces/{space.slug}/costs/")

    assert f'href="/en/spaces/{space.slug}/costs/" aria-current="page"' in page.content.decode()


def test_the_treasurer_opens_a_quarter(client_for, treasurer, space):
    response = client_for(treasurer).post(url(space, "new/"), {"kind": "quarter", "start": "2026-08-14"})

    period = CostPeriod.objects.get(space=space)
    assert response.status_code == 302
    assert (period.start, period.end) == (datetime.date(2026, 7, 1), datetime.date(2026, 9, 30))


def test_the_treasurer_adds_an_item_with_resource_weights_and_a_document(
    client_for, treasurer, space, period, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    hall = f.ResourceFactory(space=space, name="Hall")
    data = {
        "kind": "cost",
        "label": "Heating",
        "category": "energy",
        "amount": "1234,50",
        "vat_rate": "",
        "vat_amount": "",
        "key": "hours",
        f"weight_{hall.pk}": "2",
        "document": SimpleUploadedFile("gas.pdf", b"%PDF gas", content_type="application/pdf"),
    }

    response = client_for(treasurer).post(url(space, f"{period.pk}/items/new/"), data)

    item = CostItem.objects.get()
    assert response.status_code == 302
    assert (item.amount, item.key, item.key_params) == (D("1234.50"), "hours", {"weights": {str(hall.pk): "2"}})
    assert item.document.name.startswith(f"costs/{space.pk}/{period.pk}/gas")


def test_a_member_downloads_the_document_through_the_checked_view(
    client_for, member, outsider, space, period, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    by = f.MemberFactory(email="t@example.org")
    f.RoleAssignmentFactory(space=space, member=by, role="treasurer")
    item = services.add_item(
        period, by=by, label="Rent", category="rent", amount="10", key="area",
        document=SimpleUploadedFile("lease.pdf", b"%PDF lease"),
    )  # fmt: skip
    path = url(space, f"{period.pk}/items/{item.pk}/document/")

    mine = client_for(member).get(path)
    theirs = client_for(outsider).get(path)

    assert mine.status_code == 200
    assert b"".join(mine.streaming_content) == b"%PDF lease"
    assert mine["Cache-Control"] == "private, no-store"
    assert theirs.status_code == 404


def test_a_closed_period_offers_no_edit(client_for, treasurer, space, period, issue_example):
    services.close_period(period, by=treasurer)
    item = CostItem.objects.get()

    page = client_for(treasurer).get(url(space, f"{period.pk}/")).content.decode()
    edit = client_for(treasurer).post(
        url(space, f"{period.pk}/items/{item.pk}/edit/"),
        {"kind": "cost", "label": "Rent", "category": "rent", "amount": "1", "key": "area"},
    )

    assert "Add an item" not in page
    assert "Statement no. 1" in page
    assert edit.status_code == 200
    item.refresh_from_db()
    assert item.amount == D("1200.00")


def test_closing_through_the_page_issues_statements(client_for, treasurer, space, period, issue_example):
    response = client_for(treasurer).post(url(space, f"{period.pk}/close/"))

    assert response.status_code == 302
    assert list(Statement.objects.order_by("number").values_list("number", "amount")) == [
        (1, D("162.58")),
        (2, D("1037.42")),
    ]


def test_the_statement_is_in_the_practices_language_with_its_reference(
    client_for, member, treasurer, space, period, issue_example
):
    issue_example.language = "fr"
    issue_example.save()
    statement = next(s for s in services.close_period(period, by=treasurer) if s.practice_id == issue_example.pk)

    page = client_for(member).get(url(space, f"statements/{statement.pk}/")).content.decode()
    pdf = client_for(member).get(url(space, f"statements/{statement.pk}/pdf/"))

    assert '<article class="statement" lang="fr">' in page
    assert statement.reference in page
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_another_practice_of_the_space_cannot_read_the_statement(
    client_for, member, treasurer, space, period, issue_example
):
    other = next(s for s in services.close_period(period, by=treasurer) if s.practice_id != issue_example.pk)

    response = client_for(member).get(url(space, f"statements/{other.pk}/"))

    assert response.status_code == 403


def test_export_lists_statements_and_payments(client_for, treasurer, space, period, issue_example):
    statement = services.close_period(period, by=treasurer)[0]
    services.record_payment(statement, by=treasurer, date=datetime.date(2026, 4, 3), amount="100", counterparty="Nord")

    body = client_for(treasurer).get(url(space, f"{period.pk}/export.csv")).content.decode()

    lines = body.strip().splitlines()
    assert lines[0].startswith("record,period_start,period_end,practice,statement")
    assert lines[1].startswith("statement,2026-01-01,2026-03-31,Atelier Nord,1,+++")
    assert lines[1].endswith(",162.58,162.58,0.00,0.00,0.00,100.00,62.58,")
    assert lines[3] == "payment,2026-01-01,2026-03-31,Atelier Nord,1,,2026-04-03,100.00,,,,,,,Nord"


def test_bank_import_through_the_page(client_for, treasurer, space, period, issue_example):
    statement = services.close_period(period, by=treasurer)[0]
    upload = SimpleUploadedFile("bank.csv", f"2026-04-02;162,58;{statement.reference};Nord\n".encode())

    response = client_for(treasurer).post(url(space, "payments/import/"), {"file": upload})

    assert response.status_code == 200
    assert "1 recorded, 0 already imported, 0 without a matching statement." in response.content.decode()
    assert Payment.objects.get().amount == D("162.58")


def test_settings_save_the_coefficients(client_for, treasurer, space, practice):
    data = {
        "s-currency": "EUR",
        "s-payment_days": "30",
        "s-reminder_every_days": "7",
        "s-account_holder": "Werkplaats vzw",
        "s-iban": "BE68 5390 0754 7034",
        f"c-coefficient_{practice.pk}": "0,5",
        f"c-floor_{practice.pk}": "20",
        f"c-cap_{practice.pk}": "",
    }

    response = client_for(treasurer).post(url(space, "settings/"), data)

    assert response.status_code == 302
    c = Contribution.objects.get()
    assert (c.coefficient, c.floor, c.cap) == (D("0.500"), D("20.00"), None)
    assert space.cost_settings.iban == "BE68539007547034"


def _periods(space, n):
    for i in range(n):
        p = CostPeriodFactory(space=space, start=datetime.date(2020 + i, 1, 1), end=datetime.date(2020 + i, 12, 31))
        CostItemFactory(period=p)


@pytest.mark.parametrize("n", [1, 3])
def test_period_list_queries_do_not_grow(n, client_for, member, space, django_assert_num_queries):
    _periods(space, n)
    client = client_for(member)
    client.get(url(space))  # warm the session

    with django_assert_num_queries(7):
        client.get(url(space))


@pytest.mark.parametrize("n", [1, 3])
def test_balances_queries_do_not_grow(n, client_for, treasurer, space, django_assert_num_queries):
    for i in range(n):
        p = f.PracticeFactory(name=f"P{i}")
        f.SpaceMembershipFactory(space=space, practice=p, start_date=datetime.date(2019, 1, 1))
    period = CostPeriodFactory(space=space)
    CostItemFactory(period=period, key="equal")
    services.close_period(period, by=treasurer)
    client = client_for(treasurer)
    client.get(url(space, "balances/"))

    with django_assert_num_queries(6):
        client.get(url(space, "balances/"))


@pytest.mark.parametrize("n", [1, 3])
def test_period_detail_queries_do_not_grow_with_items_and_practices(
    n, client_for, treasurer, space, period, django_assert_num_queries
):
    for i in range(n):
        p = f.PracticeFactory(name=f"P{i}")
        f.SpaceMembershipFactory(space=space, practice=p, start_date=datetime.date(2019, 1, 1))
        for key in ("area", "equal", "headcount", "hours"):
            CostItemFactory(period=period, key=key, label=f"{key} {i}")
    client = client_for(treasurer)
    client.get(url(space, f"{period.pk}/"))

    with django_assert_num_queries(14):
        client.get(url(space, f"{period.pk}/"))
