"""Demo data for co-governance: decision methods, proposals with votes and a decision log, house rules versions
and acknowledgements, a general assembly, the agreements with the owners, a care rota and incidents (the failing
heating of the Brussels workshop building).

Works on whatever spaces exist: the three Brussels/Lille demo spaces get a full story, every other space with
house rules gets them as a first document version. Idempotent: each object is looked up first, so a second run
creates nothing new.
"""

from __future__ import annotations

import contextlib
import datetime

from django.db import transaction
from django.utils import timezone

from community.models import Member, PracticeMember
from spaces.models import RoleAssignment, Space, SpaceMembership

from .models import Acknowledgement, Agreement, CareTask, Decision, DecisionRule, Document, Incident, Meeting, Proposal
from .services import agreements, documents, incidents, meetings, proposals, rota

Role = RoleAssignment.Role


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def _role(space: Space, role: str) -> Member | None:
    assignment = RoleAssignment.objects.filter(space=space, role=role).select_related("member").first()
    return assignment.member if assignment else None


def _voters(space: Space) -> list[Member]:
    """One member per active practice of the space, in practice name order."""
    seen, out = set(), []
    practices = SpaceMembership.objects.active().filter(space=space).values("practice_id")
    for link in (
        PracticeMember.objects.filter(practice_id__in=practices)
        .select_related("member", "practice")
        .order_by("practice__name", "member__email")
    ):
        if link.practice_id not in seen:
            seen.add(link.practice_id)
            out.append(link.member)
    return out


def _house_rules(space: Space, coordinator: Member, texts: list[dict] | None = None) -> Document | None:
    document = documents.house_rules_document(space)
    if document is not None:
        return document
    first = {"text_en": space.house_rules_en, "text_fr": space.house_rules_fr, "text_nl": space.house_rules_nl}
    if not any(first.values()):
        return None
    document = Document.objects.create(space=space, kind=Document.Kind.HOUSE_RULES, title="House rules")
    documents.publish_version(document, by=coordinator, note="First version", check=False, **first)
    for extra in texts or []:
        documents.publish_version(document, by=coordinator, check=False, **extra)
    return document


def _proposal(space, author, *, title, text, type="general", days=7, change_kind="", change_data=None):
    existing = Proposal.objects.filter(space=space, title=title).first()
    if existing:
        return existing, False
    proposal = proposals.create_proposal(
        space,
        by=author,
        title=title,
        text=text,
        type=type,
        deadline=timezone.now() + datetime.timedelta(days=days),
        change_kind=change_kind,
        change_data=change_data,
    )
    return proposal, True


def _vote_and_close(proposal, votes, *, closed_days_ago: int) -> None:
    for person, choice, reason in votes:
        with contextlib.suppress(proposals.AlreadyVoted):
            proposals.cast_vote(proposal, by=person, choice=choice, reason=reason)
    Proposal.objects.filter(pk=proposal.pk).update(
        deadline=timezone.now() - datetime.timedelta(days=closed_days_ago),
        created_at=timezone.now() - datetime.timedelta(days=closed_days_ago + 14),
    )
    proposals.close_proposal(proposal)


def _workshop(space: Space, stdout) -> None:
    coordinator = _role(space, Role.COORDINATOR)
    caretaker = _role(space, Role.CARETAKER)
    voters = _voters(space)
    if coordinator is None or len(voters) < 9:
        return
    for proposal_type, method, unit, quorum in (
        ("costs", "two_thirds", "practice", 60),
        ("roles", "majority", "member", 50),
        ("house_rules", "consent", "practice", 50),
    ):
        DecisionRule.objects.get_or_create(
            space=space,
            proposal_type=proposal_type,
            defaults={"method": method, "vote_unit": unit, "quorum_percent": quorum},
        )

    _house_rules(space, coordinator)
    rules_doc = documents.house_rules_document(space)
    if rules_doc is not None:
        first = rules_doc.versions.order_by("number").first()
        for person in voters[:6]:
            Acknowledgement.objects.get_or_create(version=first, member=person)

    # A passed proposal that changed the house rules (version 2: the heating rules of the winter).
    proposal, new = _proposal(
        space,
        voters[0],
        title="Winter rules while the heating is unreliable",
        type="house_rules",
        text=(
            "Until the owner repairs the boiler: the last one out closes all windows and turns the electric "
            "heaters off; no heaters in the wood workshop (dust)."
        ),
        change_kind="house_rules",
        change_data={
            "text_en": (
                space.house_rules_en + "\n\nWinter: the last one out closes the windows and turns the "
                "electric heaters off. No electric heaters in the wood workshop."
            ).strip(),
            "text_fr": (
                space.house_rules_fr + "\n\nHiver : la dernière personne ferme les fenêtres et éteint les "
                "radiateurs électriques. Pas de radiateur dans l'atelier bois."
            ).strip(),
            "text_nl": (
                space.house_rules_nl + "\n\nWinter: wie laatst vertrekt sluit de ramen en zet de "
                "elektrische kachels uit. Geen kachels in de houtwerkplaats."
            ).strip(),
            "note": "Winter rules",
        },
    )
    if new:
        _vote_and_close(
            proposal,
            [(p, "yes", "") for p in voters[1:8]] + [(voters[8], "abstain", "We are rarely there in winter.")],
            closed_days_ago=20,
        )

    # A rejected proposal on the cost key, with the reasons given.
    proposal, new = _proposal(
        space,
        voters[1],
        title="Share the energy costs by headcount instead of area",
        type="costs",
        text="Practices with many people use more heating and electricity than their area says.",
    )
    if new:
        _vote_and_close(
            proposal,
            [
                (voters[1], "yes", "Fairer for the small studios."),
                (voters[2], "yes", ""),
                (voters[3], "no", "Our kiln uses the energy, not our people: area or metering is fairer."),
                (voters[4], "no", "Headcounts change every month; area is simple and known."),
                (voters[5], "yes", ""),
                (voters[6], "abstain", ""),
                (voters[7], "no", "Wait for the new building."),
            ],
            closed_days_ago=40,
        )

    # An open proposal with a discussion.
    proposal, new = _proposal(
        space,
        voters[2],
        title="Look for a new building together",
        text=(
            "After eight years the owner still does not invest. We propose a working group of four practices that "
            "visits candidate buildings and reports at the next general assembly."
        ),
        days=10,
    )
    if new:
        proposals.add_comment(proposal, "Radio Kuregem joins the working group.", by=voters[3])
        proposals.add_comment(proposal, "Can we ask the owner for a last offer first?", by=voters[4])
        for person in voters[3:6]:
            proposals.cast_vote(proposal, by=person, choice="yes")

    # The general assembly, with a decision taken there.
    meeting = Meeting.objects.filter(space=space, title="General assembly").first()
    if meeting is None:
        meeting = meetings.create_meeting(
            space,
            by=coordinator,
            title="General assembly",
            starts_at=timezone.now() - datetime.timedelta(days=14),
            location="Hall",
            agenda="1. The heating and the owner\n2. Energy costs\n3. The care rota for the winter\n4. A new building?",
        )
        meetings.update_meeting(
            meeting,
            by=coordinator,
            minutes=(
                "1. The boiler failed three times this autumn; the caretaker keeps the list for the owner.\n"
                "2. The cost key stays by area until the vote closes.\n"
                "3. The rota adds a weekly heating check.\n"
                "4. Discussion continues in the proposal."
            ),
        )
        meetings.set_attendance(meeting, [coordinator, *voters[:9]], by=coordinator)
        proposals.record_meeting_decision(
            meeting,
            by=coordinator,
            title="Send the owner a formal notice about the heating",
            outcome=Decision.Outcome.PASSED,
            summary="Unanimous. The coordinator writes to the owner with the caretaker's list of breakdowns.",
        )

    today = timezone.localdate()
    if not Agreement.objects.filter(space=space).exists():
        agreements.create_agreement(
            space,
            by=coordinator,
            kind=Agreement.Kind.TEMPORARY,
            title="Temporary-use contract",
            owner_party="Immo Kuregem NV",
            user_party="Werkhuis Kuregem vzw",
            start=today.replace(year=today.year - 8, month=9, day=1),
            end=today + datetime.timedelta(days=300),
            notice_days=180,
            rent=1850,
            indexation="Yearly, health index (January)",
            maintenance={"heating": "owner", "electricity": "owner", "safety": "owner"},
            notes="Low rent in exchange for the users' upkeep of the building.",
        )

    _rota(
        space,
        coordinator,
        voters,
        [
            ("Opening shift", CareTask.Kind.PERMANENCE, "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", datetime.time(8, 30), 30),
            ("Clean the shared kitchen", CareTask.Kind.CLEANING, "FREQ=WEEKLY;BYDAY=FR", datetime.time(16, 0), 60),
            ("Waste and recycling out", CareTask.Kind.WASTE, "FREQ=WEEKLY;BYDAY=TU", datetime.time(18, 0), 20),
            (
                "Check the heating and the fuse box",
                CareTask.Kind.SAFETY,
                "FREQ=WEEKLY;BYDAY=MO",
                datetime.time(9, 0),
                15,
            ),
            ("Water the plants in the hall", CareTask.Kind.PLANTS, "FREQ=WEEKLY;BYDAY=WE", datetime.time(12, 0), 10),
        ],
    )

    reporter = voters[3]
    heating = _incident(
        space,
        reporter,
        "heating",
        "urgent",
        "The boiler has failed again: no heating",
        "Since this morning, all radiators are cold. Third time this autumn.",
    )
    owner_side = _role(space, Role.OWNER_REPRESENTATIVE) or coordinator
    if heating and heating.status == Incident.Status.NEW:
        incidents.update_incident(heating, by=owner_side, status="acknowledged", note="Owner called at 9:10.")
        incidents.update_incident(heating, by=owner_side, status="waiting_owner", note="Technician on Thursday.")
    fuse = _incident(space, voters[0], "electricity", "high", "Fuse trips when the screen-printing dryer runs", "")
    if fuse and fuse.status == Incident.Status.NEW:
        incidents.update_incident(fuse, by=owner_side, status="acknowledged")
        incidents.update_incident(fuse, by=owner_side, status="in_progress", note="Separate circuit requested.")
    tap = _incident(space, voters[5], "water", "low", "Leaking tap in the shared kitchen", "")
    if tap and tap.status == Incident.Status.NEW and caretaker:
        incidents.update_incident(tap, by=caretaker, status="acknowledged")
        incidents.update_incident(tap, by=caretaker, status="solved", note="New washer.")
    _say(stdout, f"governance: {space.name}")


def _owner_building(space: Space, stdout) -> None:
    coordinator = _role(space, Role.COORDINATOR)
    voters = _voters(space)
    if coordinator is None or not voters:
        return
    DecisionRule.objects.get_or_create(
        space=space,
        proposal_type="general",
        defaults={"method": "majority", "vote_unit": "member", "quorum_percent": 50},
    )
    today = timezone.localdate()
    if not Agreement.objects.filter(space=space).exists():
        agreements.create_agreement(
            space,
            by=coordinator,
            kind=Agreement.Kind.USE,
            title="Use agreement with the owner",
            owner_party="Biloba SA (shareholders' agreement: no speculative resale)",
            user_party="The future users of Maison Biloba, represented by the coordinating non-profit",
            start=today - datetime.timedelta(days=120),
            end=today + datetime.timedelta(days=365 * 9),
            notice_days=365,
            rent=1,
            rent_period=Agreement.RentPeriod.YEAR,
            indexation="None: symbolic rent; the users carry the running costs.",
            maintenance={
                "heating": "owner",
                "electricity": "owner",
                "water": "owner",
                "safety": "owner",
                "cleanliness": "caretaker",
                "equipment": "caretaker",
            },
        )
    if not Document.objects.filter(space=space, kind=Document.Kind.CHARTER).exists():
        documents.create_document(
            space,
            kind=Document.Kind.CHARTER,
            title="Charter of the future users",
            by=coordinator,
            text_en="The building stays open to the neighbourhood. Decisions are taken together, by majority of "
            "the users present and represented. Nobody profits from the building.",
            text_fr="Le bâtiment reste ouvert au quartier. Les décisions se prennent ensemble, à la majorité des "
            "usagers présents et représentés. Personne ne tire profit du bâtiment.",
            text_nl="Het gebouw blijft open voor de buurt. Beslissingen nemen we samen, bij meerderheid van de "
            "aanwezige en vertegenwoordigde gebruikers. Niemand maakt winst op het gebouw.",
        )
    _house_rules(space, coordinator)
    proposal, new = _proposal(
        space,
        voters[0],
        title="Our proposal for managing, using and maintaining the building",
        text=(
            "A management committee of three users elected for a year; the ground floor open to the "
            "neighbourhood on market days; maintenance shared by a care rota weighted by the area each user uses."
        ),
        days=21,
    )
    if new:
        for person in voters[1:4]:
            proposals.cast_vote(proposal, by=person, choice="yes")
        proposals.add_comment(proposal, "Can the committee include someone from the neighbourhood?", by=voters[-1])
    _rota(
        space,
        coordinator,
        voters,
        [
            (
                "Open and close on market days",
                CareTask.Kind.PERMANENCE,
                "FREQ=WEEKLY;BYDAY=SA",
                datetime.time(7, 30),
                90,
            ),
        ],
        basis="area",
    )
    _say(stdout, f"governance: {space.name}")


def _coop(space: Space, stdout) -> None:
    coordinator = _role(space, Role.COORDINATOR) or _role(space, Role.HOST)
    voters = _voters(space)
    if coordinator is None or not voters:
        return
    _house_rules(space, coordinator)
    proposal, new = _proposal(
        space,
        voters[0],
        title="Phone calls in the booths, not at the desks",
        type="house_rules",
        text="Most of us want quiet at the desks. Calls longer than five minutes go to the booths.",
    )
    if new:
        for person in voters[1:3]:
            proposals.cast_vote(proposal, by=person, choice="yes")
    _rota(
        space,
        coordinator,
        voters,
        [
            (
                "Coffee corner and dishwasher",
                CareTask.Kind.CLEANING,
                "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR",
                datetime.time(17, 30),
                15,
            ),
        ],
    )
    _say(stdout, f"governance: {space.name}")


def _rota(space, coordinator, voters, tasks, basis="kind") -> None:
    if CareTask.objects.filter(space=space).exists():
        return
    start = timezone.localdate() - datetime.timedelta(days=14)
    for title, kind, rule, time, effort in tasks:
        rota.create_task(
            space, by=coordinator, title=title, kind=kind, rrule=rule, starts_on=start, time=time, effort_minutes=effort
        )
    shifts = rota.generate_rota(space, start, start + datetime.timedelta(days=42), by=coordinator, basis=basis)
    now = timezone.now()
    for shift in shifts:
        if shift.start < now:
            doer = next(
                (v for v in voters if shift.practice_id in set(v.practice_links.values_list("practice_id", flat=True))),
                coordinator,
            )
            rota.complete_shift(shift, by=doer)


def _incident(space, reporter, category, severity, title, description):
    if Incident.objects.filter(space=space, title=title).exists():
        return None
    return incidents.report_incident(
        space, by=reporter, category=category, severity=severity, title=title, description=description
    )


STORIES = {"werkhuis-kuregem": _workshop, "maison-biloba": _owner_building, "faubourg-lille": _coop}


def seed(stdout=None) -> None:
    for space in Space.objects.order_by("name"):
        with transaction.atomic():
            story = STORIES.get(space.slug)
            if story is not None:
                story(space, stdout)
                continue
            coordinator = _role(space, Role.COORDINATOR)
            if coordinator is not None:
                _house_rules(space, coordinator)
