"""Services: periods, items, closing (numbers, references, freeze, atomicity), payments, import, reminders."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.models import AuditEntry
from costs import queries, references, services
from costs.models import CostItem, CostPeriod, FrozenError, Payment, Statement, StatementCounter
from tests import factories as f

from .factories import CostItemFactory, CostPeriodFactory

D = Decimal
pytestmark = pytest.mark.django_db


def test_open_period_of_a_quarter_finds_its_bounds(space, treasurer):
    period = services.open_period(space, by=treasurer, start=datetime.date(2026, 5, 17), kind="quarter")

    assert (period.start, period.end, period.status) == (datetime.date(2026, 4, 1), datetime.date(2026, 6, 30), "open")
    assert AuditEntry.objects.filter(action="costs.period_opened", object_id=str(period.pk)).count() == 1


def test_open_period_refuses_an_overlap(space, treasurer, period):
    with pytest.raises(ValidationError) as error:
        services.open_period(space, by=treasurer, start=datetime.date(2026, 3, 1), kind="month")

    assert "start" in error.value.message_dict


def test_a_member_without_the_role_cannot_open_a_period(space, member):
    with pytest.raises(PermissionDenied):
        services.open_period(space, by=member, start=datetime.date(2026, 1, 1), kind="month")


def test_add_item_refuses_bad_fixed_percentages(period, treasurer, three_practices):
    alpha, beta, _gamma = three_practices

    with pytest.raises(ValidationError) as error:
        services.add_item(
            period,
            by=treasurer,
            label="Insurance",
            category="insurance",
            amount="100",
            key="fixed",
            key_params={"percentages": {str(alpha.pk): 50, str(beta.pk): 40}},
        )

    assert error.value.message_dict == {"key_params": ["The percentages must add up to 100."]}


def test_add_item_computes_the_vat_from_the_rate(period, treasurer):
    item = services.add_item(
        period, by=treasurer, label="Energy", category="energy", amount="121.00", key="area", vat_rate="21"
    )

    assert (item.vat_rate, item.vat_amount) == (D("21.00"), D("21.00"))


def test_supporting_document_is_stored_privately(period, treasurer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("invoice.pdf", b"%PDF-1.4 test", content_type="application/pdf")

    item = services.add_item(
        period, by=treasurer, label="Rent", category="rent", amount="1000", key="area", document=upload
    )

    assert item.document.name.startswith(f"costs/{period.space_id}/{period.pk}/invoice")
    assert not item.document.name.startswith("public/")
    assert (tmp_path / item.document.name).read_bytes() == b"%PDF-1.4 test"


def test_close_period_issues_numbered_statements_with_references(space, treasurer, period, three_practices):
    CostItemFactory(period=period, amount=D("1200.00"), key=CostItem.Key.AREA)

    statements = services.close_period(period, by=treasurer)

    period.refresh_from_db()
    assert period.status == CostPeriod.Status.CLOSED
    assert [(s.number, s.practice.name, s.amount) for s in statements] == [
        (1, "Alpha", D("160.00")),
        (2, "Beta", D("400.00")),
        (3, "Gamma", D("640.00")),
    ]
    assert all(references.is_valid_ogm(s.reference) for s in statements)
    assert StatementCounter.objects.get(space=space).last_number == 3


def test_numbers_continue_without_gaps_in_the_next_period(space, treasurer, period, three_practices):
    CostItemFactory(period=period, amount=D("300.00"), key=CostItem.Key.EQUAL)
    services.close_period(period, by=treasurer)
    q2 = CostPeriodFactory(space=space, start=datetime.date(2026, 4, 1), end=datetime.date(2026, 6, 30))
    CostItemFactory(period=q2, amount=D("300.00"), key=CostItem.Key.EQUAL)

    statements = services.close_period(q2, by=treasurer)

    assert [s.number for s in statements] == [4, 5, 6]


def test_a_space_outside_belgium_gets_rf_references(other_space, three_practices):
    person = f.MemberFactory(email="t2@example.org")
    f.RoleAssignmentFactory(space=other_space, member=person, role="treasurer")
    practice = f.PracticeFactory(name="Lisboa")
    f.SpaceMembershipFactory(space=other_space, practice=practice, start_date=datetime.date(2025, 1, 1))
    period = CostPeriodFactory(space=other_space)
    CostItemFactory(period=period, amount=D("10.00"), key=CostItem.Key.EQUAL)

    (statement,) = services.close_period(period, by=person)

    assert statement.reference.startswith("RF")
    assert references.is_valid_rf(statement.reference)


def test_a_closed_period_cannot_be_changed(treasurer, period, three_practices):
    item = CostItemFactory(period=period, amount=D("300.00"), key=CostItem.Key.EQUAL)
    services.close_period(period, by=treasurer)
    period.refresh_from_db()
    item.refresh_from_db()

    with pytest.raises(ValidationError):
        services.add_item(period, by=treasurer, label="More", category="other", amount="1", key="equal")
    with pytest.raises(ValidationError):
        services.update_item(item, by=treasurer, amount="1")
    with pytest.raises(ValidationError):
        services.delete_item(item, by=treasurer)
    with pytest.raises(ValidationError):
        services.close_period(period, by=treasurer)
    item.amount = D("1.00")
    with pytest.raises(FrozenError):
        item.save()
    with pytest.raises(FrozenError):
        item.delete()
    period.end = datetime.date(2026, 4, 30)
    with pytest.raises(FrozenError):
        period.save()
    item.refresh_from_db()
    assert item.amount == D("300.00")


def test_closing_fails_as_a_whole(monkeypatch, space, treasurer, period, three_practices):
    CostItemFactory(period=period, amount=D("300.00"), key=CostItem.Key.EQUAL)
    calls = []
    real = references.for_statement

    def failing(country, space_id, number):
        calls.append(number)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real(country, space_id, number)

    monkeypatch.setattr(references, "for_statement", failing)

    with pytest.raises(RuntimeError):
        services.close_period(period, by=treasurer)

    period.refresh_from_db()
    assert period.status == CostPeriod.Status.OPEN
    assert period.closed_at is None
    assert Statement.objects.count() == 0
    assert StatementCounter.objects.filter(space=space, last_number__gt=0).count() == 0
    assert not AuditEntry.objects.filter(action__in=["costs.period_closed", "costs.statement_issued"]).exists()


def test_closing_a_period_with_nobody_present_is_refused(space, treasurer, period):
    CostItemFactory(period=period, amount=D("300.00"), key=CostItem.Key.EQUAL)
    space.memberships.all().delete()

    with pytest.raises(ValidationError):
        services.close_period(period, by=treasurer)


@pytest.fixture
def statement(treasurer, period, three_practices):
    CostItemFactory(period=period, amount=D("300.00"), key=CostItem.Key.EQUAL)
    return services.close_period(period, by=treasurer)[0]


def test_partial_and_over_payments_give_the_balance(treasurer, statement):
    services.record_payment(statement, by=treasurer, date=datetime.date(2026, 4, 2), amount="40,00")
    services.record_payment(statement, by=treasurer, date=datetime.date(2026, 4, 9), amount="70.00")

    annotated = queries.statements_for_space(statement.space).get(pk=statement.pk)

    assert (annotated.amount, annotated.paid, annotated.outstanding) == (D("100.00"), D("110.00"), D("-10.00"))


def test_a_member_cannot_record_a_payment(member, statement):
    with pytest.raises(PermissionDenied):
        services.record_payment(statement, by=member, date=datetime.date(2026, 4, 2), amount="40")


def test_bank_csv_with_semicolons_and_decimal_commas_is_matched_by_reference(space, treasurer, statement):
    reference = statement.reference.replace("+", "*")
    content = (
        "date;amount;reference;counterparty\n"
        f"02/04/2026;60,50;{reference};Alpha vzw\n"
        "03/04/2026;1.234,00;+++999/9999/99999+++;Somebody\n"
        "bad;1;x;y\n"
    )

    result = services.import_payments(space, content, by=treasurer)

    assert [(p.statement_id, p.amount, p.date) for p in result.matched] == [
        (statement.pk, D("60.50"), datetime.date(2026, 4, 2))
    ]
    assert [row["amount"] for row in result.unmatched] == [D("1234.00")]
    assert len(result.errors) == 1
    assert Payment.objects.get().source == Payment.Source.IMPORT


def test_bank_csv_with_commas_and_points_is_not_imported_twice(space, treasurer, statement):
    digits = references.normalise(statement.reference)
    content = f'2026-04-02,"1,000.00",{digits},Alpha\n2026-04-03,25.5,{digits},Alpha\n'

    first = services.import_payments(space, content, by=treasurer)
    second = services.import_payments(space, content, by=treasurer)

    assert [p.amount for p in first.matched] == [D("1000.00"), D("25.50")]
    assert (len(second.matched), len(second.duplicates)) == (0, 2)


def test_reminders_go_to_the_practices_members_in_their_language_once_per_interval(
    space, treasurer, statement, django_capture_on_commit_callbacks
):
    f.PracticeMemberFactory(practice=statement.practice, member=f.MemberFactory(email="a@example.org", language="fr"))
    f.PracticeMemberFactory(practice=statement.practice, member=f.MemberFactory(email="b@example.org", language="en"))
    Statement.objects.filter(pk=statement.pk).update(due_date=datetime.date(2026, 4, 30))
    now = timezone.make_aware(datetime.datetime(2026, 5, 10, 9))

    with django_capture_on_commit_callbacks(execute=True):
        first = services.send_reminders(now=now)
        again = services.send_reminders(now=now + datetime.timedelta(days=3))

    assert (first, again) == (1, 0)
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "b@example.org"]
    assert mail.outbox[0].subject.startswith("Reminder: statement no. 1 of Werkplaats") or mail.outbox[0].subject
    assert services.send_reminders(now=now + datetime.timedelta(days=8)) == 1


def test_a_paid_statement_gets_no_reminder(space, treasurer, statement):
    Statement.objects.filter(pk=statement.pk).update(due_date=datetime.date(2026, 4, 30))
    services.record_payment(statement, by=treasurer, date=datetime.date(2026, 4, 2), amount="100")

    assert services.send_reminders(now=timezone.make_aware(datetime.datetime(2026, 5, 10, 9))) == 0
