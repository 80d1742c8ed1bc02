"""Demo shared costs: for the Brussels workshop building, the last quarter closed (statements issued, some paid)
and the current quarter open, with realistic rent, energy and other costs, and a few outside groups renting the
Hall as priced guest bookings in the open quarter: its page offers to count that rental income (which lowers the
practices' shares). The closed quarter still has its hall hire as a hand-entered income item. Idempotent."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from bookings import rules as booking_rules
from bookings import services as booking_services
from bookings.models import Booking
from spaces.models import Resource, RoleAssignment, Space

from . import services
from .models import Contribution, CostPeriod, Payment

D = Decimal

# Quarterly amounts for a run-down workshop building in Anderlecht (rent kept low by the owner, energy high).
ITEMS = [
    ("Rent", "rent", D("4800.00"), "area", None),
    ("Gas (heating)", "energy", D("2150.40"), "area", D("21")),
    ("Electricity", "energy", D("1386.75"), "hours", D("21")),
    ("Water", "water", D("212.30"), "equal", D("6")),
    ("Building insurance", "insurance", D("540.00"), "equal", None),
    ("Cleaning of the shared spaces", "cleaning", D("630.00"), "headcount", D("21")),
    ("Repair of the goods lift", "maintenance", D("418.00"), "equal", D("21")),
]
INCOME = [("Hire of the hall to outside groups", "hire", D("450.00"), "equal")]
# Outside groups renting the Hall on Saturday afternoons of the open quarter: (Saturday of the quarter, title,
# renter, email, from, until). They pay the Hall's price per hour for guests (bookings.demo).
GUESTS = [
    (2, "Choir rehearsal", "Koor Anderlecht", "koor.anderlecht", "13:00", "17:00"),
    (6, "Birthday party", "Famille Haddad", "famille.haddad", "14:00", "18:00"),
    (10, "Annual meeting of the tenants' association", "Huurdersbond Kuregem", "huurdersbond", "10:00", "13:00"),
]


def _say(stdout, text):
    if stdout is not None:
        stdout.write(text)


def _treasurer(space):
    for role in (RoleAssignment.Role.TREASURER, RoleAssignment.Role.COORDINATOR):
        found = RoleAssignment.objects.filter(space=space, role=role).select_related("member").first()
        if found:
            return found.member
    return None


def _fill(period, by, factor: Decimal, *, hire: bool = True) -> bool:
    if period.items.exists():
        return False
    for label, category, amount, key, vat in ITEMS:
        services.add_item(
            period,
            by=by,
            label=label,
            category=category,
            amount=(amount * factor).quantize(D("0.01")),
            key=key,
            vat_rate=vat,
        )
    for label, category, amount, key in INCOME if hire else ():
        services.add_item(period, by=by, kind="income", label=label, category=category, amount=amount, key=key)
    return True


def seed(stdout=None) -> None:
    space = Space.objects.filter(slug="werkhuis-kuregem").first()
    if space is None:
        return
    by = _treasurer(space)
    if by is None:
        return
    today = timezone.localdate()
    current_start, current_end = services.bounds_for("quarter", today)
    last_start, last_end = services.bounds_for("quarter", current_start - datetime.timedelta(days=1))

    if services.settings_for(space).pk is None:
        services.update_settings(
            space,
            by=by,
            currency="EUR",
            payment_days=30,
            reminder_every_days=14,
            account_holder="Werkhuis Kuregem vzw",
            iban="BE71 0961 2345 6769",
        )

    # Solidarity agreed by the general meeting: the volunteer collectives pay half, the funded organisation more.
    practices = list(space.memberships.select_related("practice").order_by("-area_m2"))
    if practices and not Contribution.objects.filter(space=space).exists():
        biggest = practices[0].practice
        services.set_contribution(space, biggest, by=by, coefficient=D("1.25"))
        for membership in practices[-2:]:
            if membership.practice != biggest:
                services.set_contribution(space, membership.practice, by=by, coefficient=D("0.5"), floor=D("25"))

    last = CostPeriod.objects.filter(space=space, start=last_start, end=last_end).first()
    if last is None and not CostPeriod.objects.filter(space=space, start__lte=last_end, end__gte=last_start).exists():
        last = services.open_period(space, by=by, start=last_start, kind="quarter")
    if last is not None and not last.is_closed:
        _fill(last, by, D("1"))
        statements = services.close_period(last, by=by)
        _say(stdout, f"  costs: closed {last_start} – {last_end}, {len(statements)} statements")
    if last is not None and not Payment.objects.filter(statement__period=last).exists():
        statements = list(last.statements.order_by("number"))
        paid_day = min(last_end + datetime.timedelta(days=20), today)
        for i, statement in enumerate(statements):
            if i % 3 == 0:  # paid in full
                amount = statement.amount
            elif i % 3 == 1 and statement.amount > 50:  # paid in part
                amount = (statement.amount / 2).quantize(D("0.01"))
            else:
                continue
            if amount:
                services.record_payment(
                    statement,
                    by=by,
                    date=paid_day,
                    amount=amount,
                    reference=statement.reference,
                    counterparty=statement.practice.name,
                )

    current = CostPeriod.objects.filter(space=space, start=current_start, end=current_end).first()
    if (
        current is None
        and not CostPeriod.objects.filter(space=space, start__lte=current_end, end__gte=current_start).exists()
    ):
        current = services.open_period(space, by=by, start=current_start, kind="quarter")
    if current is not None and not current.is_closed:
        # The hall hire of the open quarter comes from its guest bookings (the "count the rental income" button).
        if _fill(current, by, D("1.04"), hire=False):
            _say(stdout, f"  costs: open period {current_start} – {current_end}")
        _guest_bookings(current, stdout)


def _coordinator(space):
    found = RoleAssignment.objects.filter(space=space, role=RoleAssignment.Role.COORDINATOR).select_related("member")
    first = found.order_by("id").first()
    return first.member if first else None


def _guest_bookings(period, stdout) -> None:
    """A few priced guest bookings of the Hall in ``period`` (past and coming Saturdays), booked by the coordinator
    for outside groups; none when the Hall has no price for guests or the demo's guests have booked already."""
    space = period.space
    hall = Resource.objects.filter(space=space, name="Hall").first()
    coordinator = _coordinator(space)
    if hall is None or coordinator is None or booking_rules.effective_policy(hall).guest_price_per_hour is None:
        return
    if Booking.objects.filter(resource=hall, kind=Booking.Kind.GUEST, title__in=[g[1] for g in GUESTS]).exists():
        return
    first_saturday = period.start + datetime.timedelta(days=(5 - period.start.weekday()) % 7)
    made = []
    for week, title, renter, mailbox, start, end in GUESTS:
        # The first free Saturday from the chosen one on (a closure or an event may take it).
        for later in range(4):
            day = first_saturday + datetime.timedelta(weeks=week + later)
            if day > period.end:
                break
            try:
                made += booking_services.create_booking(
                    hall,
                    _at(space, day, start),
                    _at(space, day, end),
                    by=coordinator,
                    kind=Booking.Kind.GUEST,
                    check_rules=False,  # the coordinator books for the renter, also on past days
                    title=title,
                    guest_name=renter,
                    guest_email=f"{mailbox}@demo.plek.example",
                )
                break
            except (booking_services.BookingConflict, ValidationError):
                continue
    total = sum((b.price or D("0")) for b in made)
    _say(stdout, f"  costs: {len(made)} guest bookings of the Hall bring {total} of rental income")


def _at(space, day: datetime.date, hhmm: str) -> datetime.datetime:
    hour, minute = (int(x) for x in hhmm.split(":"))
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=space.tz)
