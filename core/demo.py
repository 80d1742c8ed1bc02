"""The demo network: the foundation data that ``manage.py seed_demo`` loads before every app's own demo.

Fictional but realistic: a Brussels workshop building co-used by 14 practices, a Brussels building that its owner
hands to about ten future users, a cooperative's coworking space in Lille, and members of a European network of
shared spaces in Lisbon, Warsaw, Tbilisi and Yerevan. Texts are written in English, French and Dutch.

Idempotent: every object is looked up by a natural key first, so a second run creates nothing and never changes or
deletes what people have edited since.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from community.models import Member, Practice, PracticeMember
from spaces.models import Closure, Network, OpeningHours, Resource, RoleAssignment, Space, SpaceMembership

DEMO_PASSWORD = "plek-demo-2026"
EMAIL_DOMAIN = "demo.plek.example"

Role = RoleAssignment.Role
Kind = Resource.Kind
MKind = SpaceMembership.Kind
PKind = Practice.Kind


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    description: str
    language: str = "en"


# The accounts printed by ``manage.py demo_accounts``; all use DEMO_PASSWORD.
ACCOUNTS = [
    DemoAccount(f"admin@{EMAIL_DOMAIN}", "Ada Admin", "superuser: can do everything, also in /admin/"),
    DemoAccount(
        f"ines@{EMAIL_DOMAIN}",
        "Inès Vandenberghe",
        "coordinator of Werkhuis Kuregem and of Maison Biloba (Brussels)",
        "fr",
    ),
    DemoAccount(f"joris@{EMAIL_DOMAIN}", "Joris Claes", "treasurer of Werkhuis Kuregem", "nl"),
    DemoAccount(f"helene@{EMAIL_DOMAIN}", "Hélène Dumont", "owner's representative at Maison Biloba (Brussels)", "fr"),
    DemoAccount(f"marta@{EMAIL_DOMAIN}", "Marta Kowalska", "coordinator of Kolektyw Praga (Warsaw)"),
    DemoAccount(f"lotte@{EMAIL_DOMAIN}", "Lotte Peeters", "member of Werkhuis Kuregem (Atelier Zeefdruk)", "nl"),
    DemoAccount(f"karim@{EMAIL_DOMAIN}", "Karim Benali", "member of Werkhuis Kuregem (Radio Kuregem)", "fr"),
    DemoAccount(f"camille@{EMAIL_DOMAIN}", "Camille Roux", "host at La Coopérative du Faubourg (Lille)", "fr"),
]


def T(en: str, fr: str, nl: str) -> dict[str, str]:
    return {"en": en, "fr": fr, "nl": nl}


@dataclass
class PracticeSpec:
    name: str
    kind: str
    description: str
    people: list[tuple[str, str, str]]  # (email local part, name, language)
    membership: str = MKind.RESIDENT
    area: int = 0
    since: datetime.date | None = None
    public: bool = True
    website: str = ""


@dataclass
class SpaceSpec:
    slug: str
    name: str
    network: str | None
    address: str
    postal_code: str
    city: str
    country: str
    time_zone: str
    lat: str
    lon: str
    languages: list[str]
    model: str
    access: str
    texts: dict[str, dict[str, str]]
    accessibility: dict[str, bool]
    public_transport: str
    email: str
    phone: str = ""
    website: str = ""
    hours: list[tuple[list[int], str, str]] = field(default_factory=list)
    resources: list[dict] = field(default_factory=list)
    closures: list[tuple[int, int, str, str | None]] = field(default_factory=list)  # (in days, length, reason, res)
    practices: list[PracticeSpec] = field(default_factory=list)
    roles: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)  # (email local part, role, text)


NETWORKS = [
    {
        "slug": "oasis",
        "name": "OASis: Open Shared Spaces",
        "website": "https://oasis.demo.plek.example",
        "texts": T(
            "Nineteen shared spaces from Lisbon to Tbilisi and from Warsaw to Yerevan that recognise each other's "
            "members, compare their ways of working and tour each other's exhibitions, screenings and talks.",
            "Dix-neuf espaces partagés de Lisbonne à Tbilissi et de Varsovie à Erevan, qui reconnaissent les "
            "membres les uns des autres, comparent leurs pratiques et font circuler expositions, projections et "
            "débats.",
            "Negentien gedeelde ruimtes van Lissabon tot Tbilisi en van Warschau tot Jerevan die elkaars leden "
            "erkennen, hun werkwijzen vergelijken en elkaars tentoonstellingen, vertoningen en gesprekken laten "
            "reizen.",
        ),
    },
    {
        "slug": "faubourg-coop",
        "name": "Réseau des tiers-lieux du Faubourg",
        "website": "https://faubourg.demo.plek.example",
        "texts": T(
            "The workspaces of a cooperative of freelancers in France and Belgium: a place to work, an end to "
            "isolation, and encounters that create work.",
            "Les espaces de travail d'une coopérative d'indépendants en France et en Belgique : un lieu pour "
            "travailler, la fin de l'isolement et des rencontres qui créent du travail.",
            "De werkplekken van een coöperatie van freelancers in Frankrijk en België: een plek om te werken, een "
            "einde aan het isolement en ontmoetingen die werk opleveren.",
        ),
    },
]

WEEKDAYS = [0, 1, 2, 3, 4]
ALL_WEEK = [0, 1, 2, 3, 4, 5, 6]


def _brussels_workshop() -> SpaceSpec:
    return SpaceSpec(
        slug="werkhuis-kuregem",
        name="Werkhuis Kuregem",
        network="oasis",
        address="Rue des Matériaux 12",
        postal_code="1070",
        city="Brussels",
        country="BE",
        time_zone="Europe/Brussels",
        lat="50.836120",
        lon="4.318650",
        languages=["nl", "fr", "en"],
        model=Space.Model.BOTH,
        access=Space.Access.PUBLIC,
        texts={
            "tagline": T(
                "Fourteen practices, one old workshop building in Anderlecht",
                "Quatorze pratiques, un ancien bâtiment d'ateliers à Anderlecht",
                "Veertien praktijken, één oud werkplaatsgebouw in Anderlecht",
            ),
            "purpose": T(
                "For eight years this former print works has housed fourteen practices at a low rent: artists, a "
                "community radio, a bicycle workshop, educators and social organisations. We produce here and we "
                "open the doors for debate, workshops and exhibitions with the neighbourhood. The owner has never "
                "invested in the building: the heating and the electricity keep failing, so we are looking for a "
                "new home together.",
                "Depuis huit ans, cette ancienne imprimerie accueille quatorze pratiques pour un loyer modeste : "
                "des artistes, une radio associative, un atelier vélo, des éducateurs et des associations. Nous y "
                "produisons et nous ouvrons les portes au quartier pour des débats, des ateliers et des "
                "expositions. Le propriétaire n'a jamais investi dans le bâtiment : le chauffage et l'électricité "
                "tombent régulièrement en panne, et nous cherchons ensemble un nouveau lieu.",
                "Al acht jaar huisvest deze voormalige drukkerij veertien praktijken tegen een lage huur: "
                "kunstenaars, een buurtradio, een fietsatelier, educatoren en sociale organisaties. We maken hier "
                "werk en openen de deuren voor debat, workshops en tentoonstellingen met de buurt. De eigenaar "
                "heeft nooit in het gebouw geïnvesteerd: verwarming en elektriciteit vallen geregeld uit, dus "
                "zoeken we samen een nieuw onderkomen.",
            ),
            "procedures": T(
                "The house meeting (first Monday of the month, 18:00, in the hall) decides together; the "
                "coordinator prepares it and keeps the minutes. Book shared rooms and machines in plek. Report a "
                "breakdown to the caretaker the same day. Costs are shared by dedicated area; the treasurer sends "
                "the statement each quarter.",
                "L'assemblée de la maison (premier lundi du mois, 18 h, dans la halle) décide ensemble ; la "
                "coordinatrice la prépare et rédige le compte rendu. Réservez les salles et machines partagées "
                "dans plek. Signalez une panne au concierge le jour même. Les frais sont répartis selon la surface "
                "occupée ; le trésorier envoie le décompte chaque trimestre.",
                "De huisvergadering (eerste maandag van de maand, 18 u, in de hal) beslist samen; de coördinator "
                "bereidt ze voor en maakt het verslag. Reserveer gedeelde ruimtes en machines in plek. Meld een "
                "defect dezelfde dag aan de conciërge. Kosten worden verdeeld volgens oppervlakte; de "
                "penningmeester stuurt elk kwartaal de afrekening.",
            ),
            "house_rules": T(
                "Leave shared rooms as you found them. Machines only after the safety introduction. No noise in "
                "the courtyard after 22:00. Sort waste: paper, plastics, solvents (red cabinet).",
                "Laissez les espaces partagés comme vous les avez trouvés. Machines uniquement après "
                "l'introduction à la sécurité. Pas de bruit dans la cour après 22 h. Triez les déchets : papier, "
                "plastiques, solvants (armoire rouge).",
                "Laat gedeelde ruimtes achter zoals je ze aantrof. Machines pas na de veiligheidsintroductie. Geen "
                "lawaai op de binnenplaats na 22 u. Sorteer afval: papier, plastic, solventen (rode kast).",
            ),
            "accessibility_notes": T(
                "Step-free entrance through the courtyard gate; the hall and the ground-floor workshops are "
                "step-free. The upper floors have no lift. Accessible toilet next to the hall.",
                "Entrée de plain-pied par la porte de la cour ; la halle et les ateliers du rez-de-chaussée sont "
                "de plain-pied. Les étages n'ont pas d'ascenseur. Toilette accessible à côté de la halle.",
                "Drempelvrije ingang via de poort van de binnenplaats; de hal en de werkplaatsen op de "
                "benedenverdieping zijn drempelvrij. De verdiepingen hebben geen lift. Toegankelijk toilet naast "
                "de hal.",
            ),
            "member_info": T(
                "Door code changes each quarter (ask the coordinator). Wi-Fi: Werkhuis-Members. The boiler trips "
                "when the kilns and the heaters run together: check the load plan by the fuse box.",
                "Le code de la porte change chaque trimestre (demandez à la coordinatrice). Wi-Fi : "
                "Werkhuis-Members. La chaudière saute quand les fours et les radiateurs tournent ensemble : "
                "consultez le plan de charge près du tableau électrique.",
                "De deurcode verandert elk kwartaal (vraag het aan de coördinator). Wifi: Werkhuis-Members. De "
                "ketel valt uit als de ovens en de verwarming samen draaien: bekijk het belastingsplan bij de "
                "zekeringkast.",
            ),
        },
        accessibility={"step_free_entrance": True, "accessible_toilet": True, "gender_neutral_toilet": True},
        public_transport="Metro Clemenceau (line 2, 6), tram 81",
        email=f"hello@werkhuis.{EMAIL_DOMAIN}",
        phone="+32 2 555 01 70",
        hours=[(WEEKDAYS, "08:00", "22:00"), ([5], "10:00", "18:00")],
        resources=[
            {
                "name": "Hall",
                "kind": Kind.HALL,
                "capacity": 120,
                "area": "240",
                "floor": "ground floor",
                "features": ["stage", "PA system", "projector", "chairs for 120"],
                "step_free": True,
                "wheelchair": True,
                "hearing_loop": True,
                "text": T(
                    "The old press hall: exhibitions, debates, screenings.",
                    "L'ancienne halle des presses : expositions, débats, projections.",
                    "De oude drukpershal: tentoonstellingen, debatten, vertoningen.",
                ),
            },
            {
                "name": "Wood workshop",
                "kind": Kind.WORKSHOP,
                "capacity": 6,
                "area": "85",
                "floor": "ground floor",
                "features": ["table saw", "band saw", "dust extraction", "workbenches"],
                "step_free": True,
                "text": T(
                    "Shared wood workshop, after the safety introduction.",
                    "Atelier bois partagé, après l'introduction à la sécurité.",
                    "Gedeelde houtwerkplaats, na de veiligheidsintroductie.",
                ),
            },
            {
                "name": "Ceramic kiln",
                "kind": Kind.MACHINE,
                "capacity": 1,
                "floor": "ground floor, back",
                "features": ["electric kiln 1280 °C", "120 litres"],
                "step_free": True,
                "text": T(
                    "Book whole firing days; not with the heaters on full.",
                    "Réservez des journées de cuisson entières ; pas avec le chauffage à fond.",
                    "Reserveer volledige stookdagen; niet met de verwarming op vol vermogen.",
                ),
            },
            {
                "name": "Screen-printing studio",
                "kind": Kind.STUDIO,
                "capacity": 4,
                "area": "40",
                "floor": "first floor",
                "features": ["exposure unit", "washout booth", "drying rack"],
                "text": T(
                    "Shared with Atelier Zeefdruk on Tuesdays and Thursdays.",
                    "Partagé avec l'Atelier Zeefdruk les mardis et jeudis.",
                    "Gedeeld met Atelier Zeefdruk op dinsdag en donderdag.",
                ),
            },
            {
                "name": "Meeting room Verso",
                "kind": Kind.ROOM,
                "capacity": 12,
                "area": "30",
                "floor": "first floor",
                "features": ["large table", "screen", "whiteboard"],
                "text": T("For house meetings and workshops.", "Pour les réunions et ateliers.", "Voor vergaderingen."),
            },
            {
                "name": "Kitchen",
                "kind": Kind.KITCHEN,
                "capacity": 20,
                "area": "25",
                "floor": "ground floor",
                "features": ["six-burner stove", "dishwasher", "tables for 20"],
                "step_free": True,
                "wheelchair": True,
                "visibility": Resource.Visibility.MEMBERS,
                "text": T(
                    "Shared kitchen for members and for events.",
                    "Cuisine partagée pour les membres et les événements.",
                    "Gedeelde keuken voor leden en evenementen.",
                ),
            },
            {
                "name": "Recording booth",
                "kind": Kind.STUDIO,
                "capacity": 3,
                "area": "9",
                "floor": "second floor",
                "features": ["sound insulation", "mixing desk", "3 microphones"],
                "visibility": Resource.Visibility.NETWORK,
                "text": T(
                    "Radio Kuregem's booth, open to network members on weekends.",
                    "La cabine de Radio Kuregem, ouverte aux membres du réseau le week-end.",
                    "De studio van Radio Kuregem, in het weekend open voor leden van het netwerk.",
                ),
            },
        ],
        closures=[
            (
                4,
                2,
                "Boiler repair: no heating in the whole building",
                None,
            ),
            (33, 12, "Winter break", None),
            (9, 3, "Electrical works on the kiln circuit", "Ceramic kiln"),
        ],
        practices=[
            PracticeSpec(
                "Atelier Zeefdruk",
                PKind.COLLECTIVE,
                "Screen-printing collective: posters for the neighbourhood's associations, open printing evenings.",
                [("lotte", "Lotte Peeters", "nl"), ("bram", "Bram De Smet", "nl")],
                area=38,
            ),
            PracticeSpec(
                "Radio Kuregem",
                PKind.ORGANISATION,
                "Community radio in five languages, broadcasting from the second floor since 2019.",
                [("karim", "Karim Benali", "fr"), ("nadia", "Nadia El Idrissi", "fr")],
                area=22,
            ),
            PracticeSpec(
                "Fietsatelier De Ketting",
                PKind.ORGANISATION,
                "Bicycle repair workshop where neighbours learn to fix their own bikes.",
                [("wout", "Wout Jacobs", "nl")],
                area=60,
            ),
            PracticeSpec(
                "Céramiques Mauve",
                PKind.FREELANCER,
                "Ceramicist: tableware for Brussels restaurants and weekend courses.",
                [("amelie", "Amélie Lambert", "fr")],
                area=18,
            ),
            PracticeSpec(
                "Collectif Brique",
                PKind.COLLECTIVE,
                "Architects and builders working on reuse of building materials.",
                [("thomas", "Thomas Mertens", "fr"), ("sara", "Sara Van Damme", "nl")],
                area=45,
            ),
            PracticeSpec(
                "Leerwerkplaats Anderlecht",
                PKind.ORGANISATION,
                "Training in woodwork and repair for young people from the neighbourhood.",
                [("youssef", "Youssef Amrani", "nl")],
                area=55,
            ),
            PracticeSpec(
                "Théâtre de la Cour",
                PKind.COLLECTIVE,
                "Theatre company rehearsing in the hall and playing in schools.",
                [("claire", "Claire Dubois", "fr")],
                membership=MKind.FLEXIBLE,
            ),
            PracticeSpec(
                "Studio Ondine",
                PKind.FREELANCER,
                "Illustrator and animation film maker.",
                [("ondine", "Ondine Marchal", "fr")],
                area=12,
            ),
            PracticeSpec(
                "Buurtkeuken Kuregem",
                PKind.ORGANISATION,
                "Neighbourhood kitchen: a shared meal every Thursday and cooking with newcomers.",
                [("fatima", "Fatima Ouali", "nl")],
                membership=MKind.COMMUNITY,
            ),
            PracticeSpec(
                "Textiel Lab",
                PKind.COLLECTIVE,
                "Textile designers sharing knitting machines and a dye kitchen.",
                [("elise", "Elise Willems", "nl"), ("rania", "Rania Haddad", "en")],
                area=30,
            ),
            PracticeSpec(
                "Les Archives Mobiles",
                PKind.ORGANISATION,
                "Oral history of the neighbourhood's workshops and workers.",
                [("pierre", "Pierre Lemaire", "fr")],
                area=14,
            ),
            PracticeSpec(
                "Joris Claes — bookkeeping for associations",
                PKind.FREELANCER,
                "Bookkeeper for small associations; also keeps the building's shared accounts.",
                [("joris", "Joris Claes", "nl")],
                area=8,
            ),
            PracticeSpec(
                "Meubelmakerij Hout & Zo",
                PKind.FREELANCER,
                "Furniture maker working with wood from demolition sites.",
                [("jan", "Jan Verstraeten", "nl")],
                area=40,
            ),
            PracticeSpec(
                "École des Devoirs Clemenceau",
                PKind.ORGANISATION,
                "Homework club for primary-school children, four afternoons a week.",
                [("ines", "Inès Vandenberghe", "fr"), ("mehdi", "Mehdi Saïdi", "fr")],
                membership=MKind.FLEXIBLE,
                area=20,
            ),
        ],
        roles=[
            (
                "ines",
                Role.COORDINATOR,
                T(
                    "Facilitates the house meeting, welcomes new practices, keeps contact with the owner.",
                    "Anime l'assemblée de la maison, accueille les nouvelles pratiques, garde le contact avec le "
                    "propriétaire.",
                    "Leidt de huisvergadering, verwelkomt nieuwe praktijken, onderhoudt het contact met de eigenaar.",
                ),
            ),
            (
                "joris",
                Role.TREASURER,
                T(
                    "Shares the rent and energy costs by area and sends the quarterly statement.",
                    "Répartit le loyer et l'énergie selon la surface et envoie le décompte trimestriel.",
                    "Verdeelt huur en energie volgens oppervlakte en stuurt de driemaandelijkse afrekening.",
                ),
            ),
            (
                "wout",
                Role.CARETAKER,
                T(
                    "First call for breakdowns: heating, fuses, leaks. Keeps the list of repairs for the owner.",
                    "Premier appel pour les pannes : chauffage, fusibles, fuites. Tient la liste des réparations "
                    "pour le propriétaire.",
                    "Eerste aanspreekpunt bij defecten: verwarming, zekeringen, lekken. Houdt de lijst van "
                    "herstellingen voor de eigenaar bij.",
                ),
            ),
            (
                "nadia",
                Role.HOST,
                T(
                    "Welcomes visitors and the public at events; opens the hall on Saturdays.",
                    "Accueille les visiteurs et le public lors des événements ; ouvre la halle le samedi.",
                    "Verwelkomt bezoekers en publiek bij evenementen; opent de hal op zaterdag.",
                ),
            ),
            (
                "lotte",
                Role.MEMBER,
                T(
                    "Represents Atelier Zeefdruk at the house meeting.",
                    "Représente l'Atelier Zeefdruk à l'assemblée de la maison.",
                    "Vertegenwoordigt Atelier Zeefdruk op de huisvergadering.",
                ),
            ),
        ],
    )


def _brussels_owner_building() -> SpaceSpec:
    since = datetime.date(2026, 9, 1)
    future_users = [
        ("Maison des Savoirs", PKind.ORGANISATION, "Adult education in French and Dutch.", "sophie", "Sophie Renard"),
        ("Kollektief Zolder", PKind.COLLECTIVE, "Young visual artists looking for studios.", "ruben", "Ruben Maes"),
        ("Repair Café Forest", PKind.ORGANISATION, "Monthly repair café with volunteers.", "luc", "Luc Gérard"),
        ("Atelier Papier Plié", PKind.FREELANCER, "Bookbinder and paper artist.", "anouk", "Anouk Janssens"),
        ("Danse Ensemble", PKind.COLLECTIVE, "Contemporary dance company.", "lea", "Léa Moreau"),
        ("Coopérative Panier Vert", PKind.ORGANISATION, "Food cooperative with a weekly market.", "paul", "Paul Simon"),
        ("Studio Klank", PKind.FREELANCER, "Sound designer for theatre and film.", "dries", "Dries Wouters"),
        ("Solidarité Logement", PKind.ORGANISATION, "Housing advice for tenants.", "aicha", "Aïcha Belkacem"),
        ("Photo Club Saint-Gilles", PKind.COLLECTIVE, "Darkroom and photo walks.", "marc", "Marc Lejeune"),
        ("Vertaalbureau Babel", PKind.FREELANCER, "Translators working in six languages.", "eva", "Eva Hermans"),
    ]
    return SpaceSpec(
        slug="maison-biloba",
        name="Maison Biloba",
        network="oasis",
        address="Avenue du Parc 77",
        postal_code="1060",
        city="Brussels",
        country="BE",
        time_zone="Europe/Brussels",
        lat="50.827330",
        lon="4.340210",
        languages=["fr", "nl", "en"],
        model=Space.Model.BOTH,
        access=Space.Access.MEMBERS,
        texts={
            "tagline": T(
                "A building kept out of speculation, and ten future users deciding how to run it",
                "Un bâtiment tenu à l'écart de la spéculation, et dix futurs usagers qui décident comment le faire "
                "vivre",
                "Een gebouw buiten de speculatie gehouden, en tien toekomstige gebruikers die beslissen hoe ze het "
                "runnen",
            ),
            "purpose": T(
                "The owner, a company whose shareholders want to keep this former school out of speculation, has "
                "asked us and about ten future users to propose how the building will be managed, used and "
                "maintained. Until the agreement is signed, we test uses together: studios, a repair café, "
                "classes and a weekly food market.",
                "Le propriétaire, une société dont les actionnaires veulent tenir cette ancienne école à l'écart de "
                "la spéculation, nous a demandé, avec une dizaine de futurs usagers, de proposer comment le "
                "bâtiment sera géré, utilisé et entretenu. En attendant la convention, nous testons ensemble des "
                "usages : ateliers, repair café, cours et marché hebdomadaire.",
                "De eigenaar, een bedrijf waarvan de aandeelhouders deze voormalige school buiten de speculatie "
                "willen houden, vroeg ons en een tiental toekomstige gebruikers voor te stellen hoe het gebouw "
                "beheerd, gebruikt en onderhouden wordt. Tot de overeenkomst getekend is, testen we samen "
                "gebruiken: ateliers, een repair café, lessen en een wekelijkse voedselmarkt.",
            ),
            "procedures": T(
                "Every second Wednesday the future users meet with the owner's representative. Proposals are "
                "written in the shared document and decided by consent. Until then, only the ground floor is in "
                "use.",
                "Un mercredi sur deux, les futurs usagers rencontrent la représentante du propriétaire. Les "
                "propositions sont écrites dans le document partagé et décidées par consentement. D'ici là, seul le "
                "rez-de-chaussée est utilisé.",
                "Om de twee woensdagen overleggen de toekomstige gebruikers met de vertegenwoordiger van de "
                "eigenaar. Voorstellen worden in het gedeelde document geschreven en bij consent beslist. Tot dan "
                "is enkel de benedenverdieping in gebruik.",
            ),
            "house_rules": T(
                "The upper floors are closed until the safety inspection. Close the windows when you leave.",
                "Les étages sont fermés jusqu'à l'inspection de sécurité. Fermez les fenêtres en partant.",
                "De verdiepingen blijven dicht tot de veiligheidsinspectie. Sluit de ramen als je vertrekt.",
            ),
            "accessibility_notes": T(
                "Three steps at the main entrance; a ramp at the side door on request. Lift out of service.",
                "Trois marches à l'entrée principale ; une rampe à la porte latérale sur demande. Ascenseur hors "
                "service.",
                "Drie treden aan de hoofdingang; een helling aan de zijdeur op aanvraag. Lift buiten dienst.",
            ),
            "member_info": T(
                "Keys: ask the owner's representative. The draft use agreement is in the shared folder.",
                "Clés : demandez à la représentante du propriétaire. Le projet de convention est dans le dossier "
                "partagé.",
                "Sleutels: vraag het aan de vertegenwoordiger van de eigenaar. Het ontwerp van de "
                "gebruiksovereenkomst staat in de gedeelde map.",
            ),
        },
        accessibility={"accessible_toilet": True, "assistance_dogs": True},
        public_transport="Tram 3, 4 (Parvis de Saint-Gilles)",
        email=f"biloba@{EMAIL_DOMAIN}",
        hours=[([2], "14:00", "21:00"), ([5], "09:00", "17:00")],
        resources=[
            {
                "name": "Former gym",
                "kind": Kind.HALL,
                "capacity": 80,
                "area": "180",
                "floor": "ground floor",
                "features": ["sprung floor", "mirrors"],
                "text": T("Dance, markets and big meetings.", "Danse, marché et grandes réunions.", "Dans en markt."),
            },
            {
                "name": "Classroom 1",
                "kind": Kind.ROOM,
                "capacity": 24,
                "area": "55",
                "floor": "ground floor",
                "features": ["tables", "blackboard"],
                "text": T("Classes and meetings.", "Cours et réunions.", "Lessen en vergaderingen."),
            },
            {
                "name": "Repair corner",
                "kind": Kind.WORKSHOP,
                "capacity": 10,
                "area": "40",
                "floor": "ground floor",
                "features": ["workbenches", "sewing machines", "soldering stations"],
                "text": T("For the repair café.", "Pour le repair café.", "Voor het repair café."),
            },
        ],
        closures=[(20, 1, "Safety inspection of the upper floors", None)],
        practices=[
            PracticeSpec(
                name,
                kind,
                text,
                [(email, person, "fr" if i % 2 == 0 else "nl")],
                membership=MKind.COMMUNITY,
                since=since,
            )
            for i, (name, kind, text, email, person) in enumerate(future_users)
        ],
        roles=[
            (
                "helene",
                Role.OWNER_REPRESENTATIVE,
                T(
                    "Speaks for the owner: the use agreement, major repairs, insurance.",
                    "Parle au nom du propriétaire : convention d'usage, grosses réparations, assurances.",
                    "Spreekt namens de eigenaar: gebruiksovereenkomst, grote herstellingen, verzekering.",
                ),
            ),
            (
                "ines",
                Role.COORDINATOR,
                T(
                    "Facilitates the future users' proposal for management, use and maintenance.",
                    "Accompagne la proposition des futurs usagers pour la gestion, l'usage et l'entretien.",
                    "Begeleidt het voorstel van de toekomstige gebruikers voor beheer, gebruik en onderhoud.",
                ),
            ),
            (
                "luc",
                Role.CARETAKER,
                T(
                    "Opens and closes the building on market days.",
                    "Ouvre et ferme les jours de marché.",
                    "Opent en sluit op marktdagen.",
                ),
            ),
        ],
    )


def _coop_coworking() -> SpaceSpec:
    freelancers = [
        ("Camille Roux — graphic design", "camille", "Camille Roux", "Graphic designer for cultural institutions."),
        ("Hugo Martin — web development", "hugo", "Hugo Martin", "Web developer for associations."),
        ("Atelier Lumen", "manon", "Manon Leroy", "Lighting design for theatre and exhibitions."),
        ("Julie Fontaine — training", "julie", "Julie Fontaine", "Trainer in facilitation and cooperation."),
        ("Nomades Traduction", "yanis", "Yanis Haddad", "Translation and interpreting, Arabic and French."),
        ("Bureau Terrains", "alice", "Alice Petit", "Urban planning consultancy working with residents."),
    ]
    return SpaceSpec(
        slug="faubourg-lille",
        name="La Coopérative du Faubourg — Lille",
        network="faubourg-coop",
        address="Rue de Wazemmes 31",
        postal_code="59000",
        city="Lille",
        country="FR",
        time_zone="Europe/Paris",
        lat="50.626030",
        lon="3.054330",
        languages=["fr", "en"],
        model=Space.Model.WORKSPACE,
        access=Space.Access.NETWORK,
        texts={
            "tagline": T(
                "A cooperative's coworking space: a place to work and people to work with",
                "L'espace de travail d'une coopérative : un lieu pour travailler, des gens avec qui travailler",
                "De coworking van een coöperatie: een plek om te werken, mensen om mee te werken",
            ),
            "purpose": T(
                "A shared workspace for the cooperative's freelancers and for members of its network when they "
                "travel: desks and meeting rooms, an end to isolation, advisors' office hours, visibility for "
                "members' projects and a programme of lunches and talks.",
                "Un espace de travail partagé pour les indépendants de la coopérative et pour les membres du réseau "
                "de passage : bureaux et salles de réunion, la fin de l'isolement, des permanences de conseillers, "
                "de la visibilité pour les projets des membres et un programme de déjeuners et de rencontres.",
                "Een gedeelde werkplek voor de freelancers van de coöperatie en voor leden van het netwerk op "
                "doorreis: bureaus en vergaderzalen, een einde aan het isolement, spreekuren van adviseurs, "
                "zichtbaarheid voor de projecten van de leden en een programma van lunches en gesprekken.",
            ),
            "procedures": T(
                "Flexible desks are booked by the day in plek; residents have a fixed desk. Advisors' office "
                "hours on Tuesday mornings. The members' council meets each month.",
                "Les postes flexibles se réservent à la journée dans plek ; les résidents ont un bureau fixe. "
                "Permanence des conseillers le mardi matin. Le conseil des membres se réunit chaque mois.",
                "Flexibele bureaus worden per dag gereserveerd in plek; residenten hebben een vast bureau. "
                "Spreekuur van de adviseurs op dinsdagochtend. De ledenraad komt elke maand samen.",
            ),
            "house_rules": T(
                "Phone calls in the booths. The last one out switches off the lights and the coffee machine.",
                "Les appels dans les cabines. Le dernier parti éteint la lumière et la machine à café.",
                "Telefoneren in de belcabines. Wie laatst vertrekt, doet het licht en de koffiemachine uit.",
            ),
            "accessibility_notes": T(
                "Step-free entrance and a lift to every floor. Accessible toilet on each floor. Quiet room.",
                "Entrée de plain-pied et ascenseur vers tous les étages. Toilette accessible à chaque étage. "
                "Salle calme.",
                "Drempelvrije ingang en een lift naar alle verdiepingen. Toegankelijk toilet op elke verdieping. "
                "Stille ruimte.",
            ),
            "member_info": T(
                "Badge at the reception. Printer: FAUBOURG-PRINT. Network members show their membership at the desk.",
                "Badge à l'accueil. Imprimante : FAUBOURG-PRINT. Les membres du réseau présentent leur adhésion à "
                "l'accueil.",
                "Badge aan het onthaal. Printer: FAUBOURG-PRINT. Leden van het netwerk tonen hun lidmaatschap aan "
                "het onthaal.",
            ),
        },
        accessibility={
            "step_free_entrance": True,
            "lift": True,
            "accessible_toilet": True,
            "quiet_room": True,
            "hearing_loop": True,
        },
        public_transport="Métro Gambetta (line 1)",
        email=f"lille@faubourg.{EMAIL_DOMAIN}",
        phone="+33 3 20 55 01 31",
        hours=[(WEEKDAYS, "08:30", "19:00")],
        resources=[
            {
                "name": "Open space desks",
                "kind": Kind.DESK,
                "capacity": 16,
                "area": "120",
                "floor": "first floor",
                "features": ["16 desks", "screens", "lockers"],
                "step_free": True,
                "wheelchair": True,
                "text": T("Flexible desks by the day.", "Postes flexibles à la journée.", "Flexibele bureaus per dag."),
            },
            {
                "name": "Meeting room Jaune",
                "kind": Kind.ROOM,
                "capacity": 8,
                "area": "22",
                "floor": "first floor",
                "features": ["screen", "video-conferencing"],
                "step_free": True,
                "wheelchair": True,
                "hearing_loop": True,
                "text": T("For client meetings.", "Pour les rendez-vous clients.", "Voor klantgesprekken."),
            },
            {
                "name": "Phone booth",
                "kind": Kind.ROOM,
                "capacity": 1,
                "area": "2",
                "floor": "first floor",
                "features": ["sound insulation"],
                "text": T("Calls and video calls.", "Appels et visios.", "Bellen en videogesprekken."),
            },
            {
                "name": "Café kitchen",
                "kind": Kind.KITCHEN,
                "capacity": 30,
                "area": "45",
                "floor": "ground floor",
                "features": ["coffee machine", "tables for 30"],
                "step_free": True,
                "wheelchair": True,
                "bookable": False,
                "text": T("Lunch and talks.", "Déjeuners et rencontres.", "Lunches en gesprekken."),
            },
        ],
        closures=[(35, 10, "Christmas holidays", None)],
        practices=[
            PracticeSpec(
                name,
                PKind.FREELANCER if "—" in name else PKind.COLLECTIVE,
                text,
                [(email, person, "fr")],
                membership=MKind.RESIDENT if i < 3 else MKind.FLEXIBLE,
                area=6 if i < 3 else 0,
            )
            for i, (name, email, person, text) in enumerate(freelancers)
        ],
        roles=[
            (
                "julie",
                Role.COORDINATOR,
                T(
                    "Runs the space for the cooperative and plans the programme.",
                    "Anime le lieu pour la coopérative et prépare le programme.",
                    "Runt de ruimte voor de coöperatie en plant het programma.",
                ),
            ),
            (
                "hugo",
                Role.TREASURER,
                T("Keeps the desk accounts.", "Tient les comptes des postes de travail.", "Houdt de rekeningen bij."),
            ),
            (
                "camille",
                Role.HOST,
                T(
                    "Welcomes network members on Mondays.",
                    "Accueille les membres du réseau le lundi.",
                    "Verwelkomt netwerkleden op maandag.",
                ),
            ),
        ],
    )


def _network_space(
    slug,
    name,
    address,
    postal_code,
    city,
    country,
    tz,
    lat,
    lon,
    languages,
    model,
    tagline,
    purpose,
    practices,
    coordinator,
    resources,
    transport,
) -> SpaceSpec:
    return SpaceSpec(
        slug=slug,
        name=name,
        network="oasis",
        address=address,
        postal_code=postal_code,
        city=city,
        country=country,
        time_zone=tz,
        lat=lat,
        lon=lon,
        languages=languages,
        model=model,
        access=Space.Access.NETWORK,
        texts={
            "tagline": tagline,
            "purpose": purpose,
            "procedures": T(
                "The residents' assembly meets every month; visiting network members book through plek and are "
                "welcomed by the host.",
                "L'assemblée des résidents se réunit chaque mois ; les membres du réseau de passage réservent dans "
                "plek et sont accueillis par l'hôte.",
                "De vergadering van de bewoners komt elke maand samen; bezoekende netwerkleden reserveren via plek "
                "en worden door de gastheer of gastvrouw ontvangen.",
            ),
            "house_rules": T(
                "Respect the neighbours' quiet after 22:00. Clean up after yourself.",
                "Respectez le calme des voisins après 22 h. Rangez derrière vous.",
                "Respecteer de rust van de buren na 22 u. Ruim op na jezelf.",
            ),
            "accessibility_notes": T(
                "Ground floor is step-free; ask the host about the upper floors.",
                "Le rez-de-chaussée est de plain-pied ; renseignez-vous auprès de l'hôte pour les étages.",
                "De benedenverdieping is drempelvrij; vraag de gastheer of gastvrouw naar de verdiepingen.",
            ),
            "member_info": T(
                "Network members: send your arrival date to the host a week ahead.",
                "Membres du réseau : envoyez votre date d'arrivée à l'hôte une semaine à l'avance.",
                "Netwerkleden: stuur je aankomstdatum een week vooraf naar de gastheer of gastvrouw.",
            ),
        },
        accessibility={"step_free_entrance": True},
        public_transport=transport,
        email=f"{slug}@{EMAIL_DOMAIN}",
        hours=[(WEEKDAYS, "10:00", "20:00"), ([5], "12:00", "18:00")],
        resources=resources,
        practices=practices,
        roles=[
            (
                coordinator,
                Role.COORDINATOR,
                T(
                    "Coordinates the space and its exchanges with the network.",
                    "Coordonne le lieu et ses échanges avec le réseau.",
                    "Coördineert de ruimte en de uitwisselingen met het netwerk.",
                ),
            )
        ],
    )


def _network_spaces() -> list[SpaceSpec]:
    def res(name, kind, capacity, area, features, text, **kw):
        return dict(name=name, kind=kind, capacity=capacity, area=area, features=features, text=text, **kw)

    return [
        _network_space(
            "casa-do-largo",
            "Casa do Largo",
            "Largo do Intendente 9",
            "1100-285",
            "Lisbon",
            "PT",
            "Europe/Lisbon",
            "38.722250",
            "-9.135300",
            ["pt", "en"],
            Space.Model.THIRD_PLACE,
            T(
                "A third place on a Lisbon square",
                "Un tiers-lieu sur une place de Lisbonne",
                "Een derde plek aan een plein in Lissabon",
            ),
            T(
                "Artists, neighbours and newcomers share a former tile factory: a canteen, a gallery and "
                "studios, with a programme open to the whole square.",
                "Artistes, voisins et nouveaux arrivants partagent une ancienne fabrique d'azulejos : une cantine, "
                "une galerie et des ateliers, avec un programme ouvert à toute la place.",
                "Kunstenaars, buren en nieuwkomers delen een voormalige tegelfabriek: een kantine, een galerie en "
                "ateliers, met een programma open voor het hele plein.",
            ),
            [
                PracticeSpec(
                    "Azulejo Vivo",
                    PKind.COLLECTIVE,
                    "Tile painters reviving the factory's patterns.",
                    [("rita", "Rita Almeida", "en")],
                    area=35,
                ),
                PracticeSpec(
                    "Cantina Comum",
                    PKind.ORGANISATION,
                    "Community canteen run with newcomers.",
                    [("joao", "João Ferreira", "en")],
                    membership=MKind.COMMUNITY,
                ),
                PracticeSpec(
                    "Tiago Costa — documentary film",
                    PKind.FREELANCER,
                    "Documentary film maker.",
                    [("tiago", "Tiago Costa", "en")],
                    area=10,
                ),
            ],
            "rita",
            [
                res(
                    "Gallery",
                    Kind.HALL,
                    60,
                    "110",
                    ["track lighting", "projector"],
                    T("Exhibitions and screenings.", "Expositions et projections.", "Tentoonstellingen."),
                    step_free=True,
                    wheelchair=True,
                ),
                res(
                    "Canteen kitchen",
                    Kind.KITCHEN,
                    40,
                    "50",
                    ["professional stove"],
                    T("The canteen's kitchen.", "La cuisine de la cantine.", "De keuken van de kantine."),
                ),
                res(
                    "Guest studio",
                    Kind.STUDIO,
                    2,
                    "25",
                    ["bed", "worktable"],
                    T(
                        "For visiting network members.",
                        "Pour les membres du réseau de passage.",
                        "Voor bezoekende netwerkleden.",
                    ),
                    visibility=Resource.Visibility.NETWORK,
                ),
            ],
            "Metro Intendente (green line)",
        ),
        _network_space(
            "kolektyw-praga",
            "Kolektyw Praga",
            "ul. Ząbkowska 27",
            "03-736",
            "Warsaw",
            "PL",
            "Europe/Warsaw",
            "52.251450",
            "21.037830",
            ["pl", "en"],
            Space.Model.BOTH,
            T(
                "Workshops and a courtyard in Praga",
                "Ateliers et cour à Praga",
                "Werkplaatsen en een binnenplaats in Praga",
            ),
            T(
                "A former vodka distillery in Praga, shared by makers, a youth organisation and a cinema club "
                "that shows films in the courtyard all summer.",
                "Une ancienne distillerie de vodka à Praga, partagée par des artisans, une organisation de jeunesse "
                "et un ciné-club qui projette des films dans la cour tout l'été.",
                "Een voormalige wodkastokerij in Praga, gedeeld door makers, een jeugdorganisatie en een filmclub "
                "die de hele zomer films op de binnenplaats vertoont.",
            ),
            [
                PracticeSpec(
                    "Kino Podwórko",
                    PKind.COLLECTIVE,
                    "Courtyard cinema club.",
                    [("marta", "Marta Kowalska", "en")],
                    membership=MKind.COMMUNITY,
                ),
                PracticeSpec(
                    "Pracownia Metalu",
                    PKind.COLLECTIVE,
                    "Metalworkers and welders.",
                    [("piotr", "Piotr Nowak", "en")],
                    area=70,
                ),
                PracticeSpec(
                    "Fundacja Młodzi",
                    PKind.ORGANISATION,
                    "Youth organisation with after-school workshops.",
                    [("ania", "Anna Wiśniewska", "en")],
                    area=40,
                ),
            ],
            "marta",
            [
                res(
                    "Metal workshop",
                    Kind.WORKSHOP,
                    5,
                    "90",
                    ["welding stations", "plasma cutter"],
                    T("After the safety training.", "Après la formation sécurité.", "Na de veiligheidsopleiding."),
                    step_free=True,
                ),
                res(
                    "Courtyard cinema",
                    Kind.HALL,
                    150,
                    "300",
                    ["screen", "projector", "benches"],
                    T("Open-air screenings.", "Projections en plein air.", "Openluchtvertoningen."),
                    step_free=True,
                    wheelchair=True,
                ),
            ],
            "Tram 3, 6 (Ząbkowska)",
        ),
        _network_space(
            "sakhli-tbilisi",
            "Sakhli Tbilisi",
            "Egnate Ninoshvili St 8",
            "0102",
            "Tbilisi",
            "GE",
            "Asia/Tbilisi",
            "41.709400",
            "44.802700",
            ["ka", "en", "ru"],
            Space.Model.THIRD_PLACE,
            T(
                "A courtyard house for Tbilisi's makers",
                "Une maison à cour pour les créateurs de Tbilissi",
                "Een huis met binnenplaats voor de makers van Tbilisi",
            ),
            T(
                "Designers, educators and a neighbourhood association share an old sewing factory around a "
                "courtyard, with a programme of talks and markets.",
                "Designers, éducateurs et une association de quartier partagent une ancienne usine de couture "
                "autour d'une cour, avec un programme de rencontres et de marchés.",
                "Ontwerpers, educatoren en een buurtvereniging delen een oude naaifabriek rond een binnenplaats, "
                "met een programma van gesprekken en markten.",
            ),
            [
                PracticeSpec(
                    "Nino Beridze — fashion design",
                    PKind.FREELANCER,
                    "Fashion designer working with local weavers.",
                    [("nino", "Nino Beridze", "en")],
                    area=20,
                ),
                PracticeSpec(
                    "Ezo Neighbours",
                    PKind.ORGANISATION,
                    "Neighbourhood association of the old town.",
                    [("giorgi", "Giorgi Kapanadze", "en")],
                    membership=MKind.COMMUNITY,
                ),
            ],
            "nino",
            [
                res(
                    "Sewing room",
                    Kind.WORKSHOP,
                    8,
                    "60",
                    ["industrial sewing machines", "cutting tables"],
                    T("Shared sewing workshop.", "Atelier de couture partagé.", "Gedeelde naaiwerkplaats."),
                ),
                res(
                    "Courtyard room",
                    Kind.ROOM,
                    30,
                    "70",
                    ["chairs", "projector"],
                    T("Talks and markets.", "Rencontres et marchés.", "Gesprekken en markten."),
                    step_free=True,
                ),
            ],
            "Metro Freedom Square",
        ),
        _network_space(
            "bak-yerevan",
            "Bak Yerevan",
            "Pushkin St 40",
            "0010",
            "Yerevan",
            "AM",
            "Asia/Yerevan",
            "40.181200",
            "44.510400",
            ["hy", "en", "ru"],
            Space.Model.BOTH,
            T(
                "Studios and a reading room in central Yerevan",
                "Ateliers et salle de lecture au centre d'Erevan",
                "Ateliers en een leeszaal in het centrum van Jerevan",
            ),
            T(
                "An independent space for artists and researchers: studios, a reading room and a small hall for "
                "discussions with the neighbourhood.",
                "Un lieu indépendant pour artistes et chercheurs : ateliers, salle de lecture et petite salle pour "
                "des discussions avec le quartier.",
                "Een onafhankelijke plek voor kunstenaars en onderzoekers: ateliers, een leeszaal en een kleine "
                "zaal voor gesprekken met de buurt.",
            ),
            [
                PracticeSpec(
                    "Archive of Courtyards",
                    PKind.COLLECTIVE,
                    "Researchers documenting Yerevan's courtyards.",
                    [("anahit", "Anahit Sargsyan", "en")],
                    area=25,
                ),
                PracticeSpec(
                    "Armen Grigoryan — printmaking",
                    PKind.FREELANCER,
                    "Printmaker and teacher.",
                    [("armen", "Armen Grigoryan", "en")],
                    area=15,
                ),
            ],
            "anahit",
            [
                res(
                    "Reading room",
                    Kind.ROOM,
                    15,
                    "45",
                    ["library", "large tables"],
                    T("Quiet work and reading.", "Travail calme et lecture.", "Rustig werken en lezen."),
                ),
                res(
                    "Print studio",
                    Kind.STUDIO,
                    4,
                    "35",
                    ["etching press"],
                    T("Etching and relief printing.", "Gravure et impression en relief.", "Etsen en hoogdruk."),
                ),
            ],
            "Metro Republic Square",
        ),
    ]


def space_specs() -> list[SpaceSpec]:
    return [_brussels_workshop(), _brussels_owner_building(), _coop_coworking(), *_network_spaces()]


class _Seeder:
    def __init__(self) -> None:
        self.created = 0
        self.password = make_password(DEMO_PASSWORD)  # hashed once: fifty accounts would take seconds otherwise

    def get(self, model, defaults: dict | None = None, **lookup):
        obj, created = model.objects.get_or_create(defaults=defaults or {}, **lookup)
        self.created += int(created)
        return obj

    def member(self, local: str, name: str, language: str = "en", **extra) -> Member:
        email = local if "@" in local else f"{local}@{EMAIL_DOMAIN}"
        member = Member.objects.filter(email__iexact=email).first()
        if member is None:
            member = Member(email=email, name=name, language=language, password=self.password, **extra)
            member.save()
            self.created += 1
        return member

    def space(self, spec: SpaceSpec, networks: dict[str, Network], today: datetime.date) -> Space:
        defaults = {
            "network": networks.get(spec.network) if spec.network else None,
            "name": spec.name,
            "address": spec.address,
            "postal_code": spec.postal_code,
            "city": spec.city,
            "country": spec.country,
            "time_zone": spec.time_zone,
            "latitude": Decimal(spec.lat),
            "longitude": Decimal(spec.lon),
            "languages": spec.languages,
            "model": spec.model,
            "access_policy": spec.access,
            "public_transport": spec.public_transport,
            "email": spec.email,
            "phone": spec.phone,
            "website": spec.website,
            **spec.accessibility,
        }
        for base, texts in spec.texts.items():
            for code, text in texts.items():
                defaults[f"{base}_{code}"] = text
        space = self.get(Space, defaults=defaults, slug=spec.slug)

        for days, opens, closes in spec.hours:
            for day in days:
                self.get(
                    OpeningHours,
                    space=space,
                    weekday=day,
                    opens=datetime.time.fromisoformat(opens),
                    closes=datetime.time.fromisoformat(closes),
                )

        resources = {}
        for r in spec.resources:
            text = r.get("text", {})
            resources[r["name"]] = self.get(
                Resource,
                space=space,
                name=r["name"],
                defaults={
                    "kind": r["kind"],
                    "capacity": r["capacity"],
                    "area_m2": Decimal(r["area"]) if r.get("area") else None,
                    "floor": r.get("floor", ""),
                    "features": r.get("features", []),
                    "step_free": r.get("step_free", False),
                    "wheelchair_accessible": r.get("wheelchair", False),
                    "hearing_loop": r.get("hearing_loop", False),
                    "bookable": r.get("bookable", True),
                    "visibility": r.get("visibility", Resource.Visibility.PUBLIC),
                    **{f"description_{code}": value for code, value in text.items()},
                },
            )

        # Closures are only added the first time a space is seeded: their dates move with "today".
        if not space.closures.exists():
            tz = space.tz
            for in_days, length, reason, resource_name in spec.closures:
                start_day = today + datetime.timedelta(days=in_days)
                start = datetime.datetime.combine(start_day, datetime.time(0, 0), tzinfo=tz)
                end = datetime.datetime.combine(
                    start_day + datetime.timedelta(days=length), datetime.time(0, 0), tzinfo=tz
                )
                Closure.objects.create(
                    space=space,
                    resource=resources.get(resource_name) if resource_name else None,
                    start=start,
                    end=end,
                    reason=reason,
                )
                self.created += 1

        default_since = today.replace(year=today.year - 8, month=9, day=1) if spec.slug == "werkhuis-kuregem" else None
        for i, p in enumerate(spec.practices):
            practice = self.get(
                Practice,
                name=p.name,
                defaults={
                    "kind": p.kind,
                    "description": p.description,
                    "website": p.website,
                    "email": f"{p.people[0][0]}@{EMAIL_DOMAIN}",
                    "language": p.people[0][2],
                    "public_profile": p.public,
                },
            )
            since = p.since or default_since or datetime.date(2023, 1, 1) + datetime.timedelta(days=40 * i)
            self.get(
                SpaceMembership,
                space=space,
                practice=practice,
                defaults={"kind": p.membership, "start_date": since, "area_m2": Decimal(p.area)},
            )
            for j, (local, name, language) in enumerate(p.people):
                person = self.member(local, name, language)
                self.get(PracticeMember, practice=practice, member=person, defaults={"is_contact": j == 0})

        for local, role, texts in spec.roles:
            person = Member.objects.get(email=f"{local}@{EMAIL_DOMAIN}")
            self.get(
                RoleAssignment,
                space=space,
                member=person,
                role=role,
                defaults={f"responsibility_{code}": value for code, value in texts.items()},
            )
        return space


@transaction.atomic
def seed(stdout=None) -> None:
    """Create the demo network (networks, spaces, resources, hours, closures, practices, people, roles, the
    demo accounts). Side effects: only inserts; an object that already exists (by its natural key) is left as
    it is, so a second run creates nothing."""
    seeder = _Seeder()
    today = timezone.localdate()
    networks = {}
    for n in NETWORKS:
        networks[n["slug"]] = seeder.get(
            Network,
            slug=n["slug"],
            defaults={
                "name": n["name"],
                "website": n["website"],
                **{f"description_{code}": text for code, text in n["texts"].items()},
            },
        )
    # Accounts that have no practice of their own (the superuser, the owner's representative) come first.
    for account in ACCOUNTS:
        extra = {"is_superuser": True, "is_staff": True} if account.email.startswith("admin@") else {}
        seeder.member(account.email, account.name, account.language, **extra)
    for spec in space_specs():
        seeder.space(spec, networks, today)
    if stdout is not None:
        if seeder.created:
            stdout.write(f"Demo network: created {seeder.created} objects.")
        else:
            stdout.write("Demo network: already seeded, nothing new created.")
