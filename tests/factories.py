"""factory_boy factories for the whole project. Add your app's factories here, in a section of their own."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from community.models import Member, Practice, PracticeMember
from spaces.models import Closure, Network, OpeningHours, Resource, RoleAssignment, Space, SpaceMembership

PASSWORD = "correct horse battery staple"


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Faker("name")
    language = "en"
    password = factory.django.Password(PASSWORD)


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network

    name = factory.Sequence(lambda n: f"Network {n}")
    slug = factory.Sequence(lambda n: f"network-{n}")
    description_en = "A network of shared spaces."


class SpaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Space

    network = factory.SubFactory(NetworkFactory)
    name = factory.Sequence(lambda n: f"Space {n}")
    slug = factory.Sequence(lambda n: f"space-{n}")
    city = "Brussels"
    country = "BE"
    time_zone = "Europe/Brussels"
    languages = ["nl", "fr", "en"]
    purpose_en = "A building shared by practices."
    purpose_fr = "Un bâtiment partagé par des pratiques."
    purpose_nl = "Een gebouw gedeeld door praktijken."


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    space = factory.SubFactory(SpaceFactory)
    name = factory.Sequence(lambda n: f"Room {n}")
    kind = Resource.Kind.ROOM
    capacity = 10


class OpeningHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpeningHours

    space = factory.SubFactory(SpaceFactory)
    weekday = 0
    opens = datetime.time(9, 0)
    closes = datetime.time(18, 0)


class ClosureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Closure

    space = factory.SubFactory(SpaceFactory)
    start = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=10))
    end = factory.LazyAttribute(lambda o: o.start + datetime.timedelta(days=2))
    reason = "Holidays"


class PracticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Practice

    name = factory.Sequence(lambda n: f"Practice {n}")
    kind = Practice.Kind.COLLECTIVE


class PracticeMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PracticeMember

    practice = factory.SubFactory(PracticeFactory)
    member = factory.SubFactory(MemberFactory)


class SpaceMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SpaceMembership

    space = factory.SubFactory(SpaceFactory)
    practice = factory.SubFactory(PracticeFactory)
    kind = SpaceMembership.Kind.RESIDENT
    start_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    area_m2 = 20


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    space = factory.SubFactory(SpaceFactory)
    member = factory.SubFactory(MemberFactory)
    role = RoleAssignment.Role.COORDINATOR
    responsibility_en = "Facilitates the space."


def make_member_of(space: Space, *, practice: Practice | None = None, member: Member | None = None, **kw) -> Member:
    """A person acting for a practice with an active membership of ``space``."""
    member = member or MemberFactory(**kw)
    practice = practice or PracticeFactory()
    if not SpaceMembership.objects.filter(space=space, practice=practice).exists():
        SpaceMembershipFactory(space=space, practice=practice)
    PracticeMember.objects.get_or_create(practice=practice, member=member)
    return member
