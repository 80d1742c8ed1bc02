import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from governance.models import Shift
from governance.services import rota
from spaces.models import SpaceMembership
from tests import factories as f

from .factories import CareTaskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def practices(space, practice):
    """Atelier Nord (resident, 3), Collectif Est (flexible, 2), Zuid (community, 1)."""
    est = f.PracticeFactory(name="Collectif Est")
    f.SpaceMembershipFactory(space=space, practice=est, kind=SpaceMembership.Kind.FLEXIBLE, area_m2=10)
    zuid = f.PracticeFactory(name="Zuid")
    f.SpaceMembershipFactory(space=space, practice=zuid, kind=SpaceMembership.Kind.COMMUNITY, area_m2=0)
    return practice, est, zuid


def test_weights_by_kind_and_area(space, practices):
    by_kind = [(e["practice"].name, e["weight"], e["share"]) for e in rota.practice_weights(space, "kind")]
    by_area = [(e["practice"].name, e["weight"]) for e in rota.practice_weights(space, "area")]

    assert by_kind == [
        ("Atelier Nord", 3, Decimal("50.0")),
        ("Collectif Est", 2, Decimal("33.3")),
        ("Zuid", 1, Decimal("16.7")),
    ]
    assert by_area == [("Atelier Nord", Decimal("42.00")), ("Collectif Est", Decimal("10.00")), ("Zuid", Decimal(1))]


def test_rota_is_fair_by_weight_and_deterministic(space, coordinator, practices):
    CareTaskFactory(space=space, title="Cleaning", rrule="FREQ=DAILY", effort_minutes=60)

    shifts = rota.generate_rota(space, datetime.date(2026, 3, 2), datetime.date(2026, 3, 14), by=coordinator)

    names = [s.practice.name for s in shifts]
    assert len(names) == 12
    assert (names.count("Atelier Nord"), names.count("Collectif Est"), names.count("Zuid")) == (6, 4, 2)
    assert names[:6] == ["Atelier Nord", "Collectif Est", "Atelier Nord", "Atelier Nord", "Collectif Est", "Zuid"]


def test_rota_skips_existing_shifts_and_counts_their_effort(space, coordinator, practices):
    CareTaskFactory(space=space, rrule="FREQ=DAILY", effort_minutes=60)
    first = rota.generate_rota(space, datetime.date(2026, 3, 2), datetime.date(2026, 3, 5), by=coordinator)

    again = rota.generate_rota(space, datetime.date(2026, 3, 2), datetime.date(2026, 3, 8), by=coordinator)

    assert (len(first), len(again), Shift.objects.count()) == (3, 3, 6)
    names = list(Shift.objects.order_by("start").values_list("practice__name", flat=True))
    assert names == ["Atelier Nord", "Collectif Est", "Atelier Nord", "Atelier Nord", "Collectif Est", "Zuid"]


def test_shifts_are_stored_in_utc_from_the_space_time_zone(space, coordinator, practice):
    CareTaskFactory(space=space, rrule="FREQ=WEEKLY;BYDAY=MO", time=datetime.time(9, 0))

    (shift,) = rota.generate_rota(space, datetime.date(2026, 7, 6), datetime.date(2026, 7, 7), by=coordinator)

    assert shift.start == datetime.datetime(2026, 7, 6, 7, 0, tzinfo=datetime.UTC)


def test_only_coordinators_plan(space, member, practice):
    with pytest.raises(PermissionDenied):
        rota.generate_rota(space, datetime.date(2026, 3, 2), datetime.date(2026, 3, 5), by=member)


def test_invalid_rrule_is_refused(space, coordinator):
    with pytest.raises(ValidationError) as exc:
        rota.create_task(space, by=coordinator, title="Plants", rrule="EVERY TUESDAY")

    assert list(exc.value.message_dict) == ["rrule"]


def test_take_over_offer_swap_and_done(space, member, practices):
    nord, est, zuid = practices
    other = f.make_member_of(space, practice=est, email="est@example.org")
    task = CareTaskFactory(space=space)
    start = timezone.now() + datetime.timedelta(days=3)
    mine = Shift.objects.create(task=task, start=start, practice=nord)
    theirs = Shift.objects.create(task=task, start=start + datetime.timedelta(days=7), practice=est)

    with pytest.raises(ValidationError):
        rota.swap_shifts(mine, theirs, by=member)  # not offered yet
    rota.offer_shift(theirs, by=other)
    rota.swap_shifts(mine, theirs, by=member)

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.practice, theirs.practice, theirs.offered) == (est, nord, False)

    rota.take_over_shift(mine, by=member)
    mine.refresh_from_db()
    assert (mine.practice, mine.taken_by) == (nord, member)

    rota.complete_shift(mine, by=member)
    mine.refresh_from_db()
    assert (mine.done_by, mine.done_at is not None) == (member, True)


def test_offer_needs_the_holding_practice(space, member, practices):
    _nord, est, _zuid = practices
    shift = Shift.objects.create(task=CareTaskFactory(space=space), start=timezone.now(), practice=est)

    with pytest.raises(PermissionDenied):
        rota.offer_shift(shift, by=member)


def test_reminders_once_to_the_practice(space, member, practice):
    task = CareTaskFactory(space=space, title="Waste out")
    now = timezone.now()
    Shift.objects.create(task=task, start=now + datetime.timedelta(hours=5), practice=practice)
    Shift.objects.create(task=task, start=now + datetime.timedelta(days=3), practice=practice)

    assert rota.send_reminders(now) == 1
    assert rota.send_reminders(now) == 0
    assert [m.to for m in mail.outbox] == [["member@example.org"]]
    assert mail.outbox[0].subject == "Reminder: Waste out at Werkplaats"
