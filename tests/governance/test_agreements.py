import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from governance.models import Agreement
from governance.services import agreements
from governance.templatetags.governance import governance_secured_until

from .factories import AgreementFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 1)


def test_create_agreement_with_maintenance_split(space, coordinator):
    agreement = agreements.create_agreement(
        space,
        by=coordinator,
        kind="lease",
        title="Lease",
        owner_party="Gebouw NV",
        user_party="Werkplaats vzw",
        start=datetime.date(2026, 1, 1),
        end=datetime.date(2029, 12, 31),
        notice_days=180,
        rent=1500,
        maintenance={"heating": "owner"},
    )

    assert agreement.notice_deadline == datetime.date(2029, 7, 4)
    assert agreement.responsible_for("heating") == "owner"
    assert agreement.responsible_for("water") == "caretaker"


def test_members_cannot_create_agreements(space, member):
    with pytest.raises(PermissionDenied):
        agreements.create_agreement(
            space, by=member, title="x", owner_party="a", user_party="b", start=datetime.date(2026, 1, 1)
        )


def test_unknown_maintenance_category_is_refused(space, coordinator):
    with pytest.raises(ValidationError):
        agreements.create_agreement(
            space,
            by=coordinator,
            title="x",
            owner_party="a",
            user_party="b",
            start=datetime.date(2026, 1, 1),
            maintenance={"roof": "owner"},
        )


def test_renewal_keeps_history(space, coordinator):
    agreement = AgreementFactory(space=space, start=datetime.date(2025, 1, 1), end=datetime.date(2027, 1, 1))

    agreements.renew_agreement(agreement, by=coordinator, new_end=datetime.date(2030, 1, 1), note="Three more years")

    agreement.refresh_from_db()
    assert agreement.end == datetime.date(2030, 1, 1)
    assert list(agreement.renewals.values_list("previous_end", "new_end")) == [
        (datetime.date(2027, 1, 1), datetime.date(2030, 1, 1))
    ]


def test_renewal_must_extend(space, coordinator):
    agreement = AgreementFactory(space=space, start=datetime.date(2025, 1, 1), end=datetime.date(2027, 1, 1))

    with pytest.raises(ValidationError):
        agreements.renew_agreement(agreement, by=coordinator, new_end=datetime.date(2026, 1, 1))


def test_secured_until(space):
    AgreementFactory(space=space, start=datetime.date(2025, 1, 1), end=datetime.date(2028, 6, 30))

    secured = agreements.secured_until(space, on=TODAY)

    assert (secured["end"], secured["days"]) == (datetime.date(2028, 6, 30), 760)
    assert governance_secured_until(space)["end"] == datetime.date(2028, 6, 30)


def test_no_agreement_means_not_secured(space):
    assert agreements.secured_until(space) is None


def test_reminders_go_to_coordinators_once_before_notice_and_end(space, coordinator):
    AgreementFactory(
        space=space,
        title="Use agreement",
        start=datetime.date(2025, 1, 1),
        end=datetime.date(2026, 9, 1),
        notice_days=60,
        remind_days_before=60,
    )

    assert agreements.send_reminders(today=datetime.date(2026, 5, 3)) == 0
    assert agreements.send_reminders(today=datetime.date(2026, 5, 4)) == 1  # 60 days before notice (2026-07-03)
    assert agreements.send_reminders(today=datetime.date(2026, 5, 5)) == 0
    assert agreements.send_reminders(today=datetime.date(2026, 7, 10)) == 1  # end 2026-09-01
    assert agreements.send_reminders(today=datetime.date(2026, 7, 11)) == 0

    assert [m.to for m in mail.outbox] == [["coordinator@example.org"], ["coordinator@example.org"]]
    assert "notice deadline" in mail.outbox[0].subject
    assert mail.outbox[1].subject == "Werkplaats: the agreement ends on Sept. 1, 2026"
    assert Agreement.objects.get().end_reminder_sent_at is not None
