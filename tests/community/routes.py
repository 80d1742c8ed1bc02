from api.models import ApiToken
from community.models import Invitation
from tests import factories as f
from tests.isolation import (
    API_COORDINATOR,
    API_MEMBER,
    API_SIGNED_IN,
    COORDINATOR,
    MEMBER,
    PUBLIC,
    SIGNED_IN,
    Case,
    expect,
)


def build(world):
    # A second practice of the same space that the member does not act for: visible to them, not theirs to manage.
    world.neighbour_practice = f.PracticeFactory(name="Neighbour Practice")
    f.SpaceMembershipFactory(space=world.space, practice=world.neighbour_practice)
    world.neighbour = f.make_member_of(
        world.space, practice=world.neighbour_practice, email="iso-neighbour@example.org"
    )
    world.coordinator_token = ApiToken.objects.create(member=world.coordinator, key_hash="0" * 64, prefix="isotoken")
    world.invitation = Invitation.objects.create(practice=world.practice, email="iso-invitee@example.org", name="Ines")


ROUTES = {
    "community:dashboard": Case(lambda w: "/en/me/", SIGNED_IN),
    "community:profile": [
        Case(lambda w: "/en/me/profile/", SIGNED_IN),
        Case(
            lambda w: "/en/me/profile/",
            SIGNED_IN,
            method="post",
            data=lambda w: {"name": ""},
            note="bad input: 200 with errors",
        ),
    ],
    "community:token-create": Case(
        lambda w: "/en/me/tokens/", SIGNED_IN, method="post", data=lambda w: {"label": "isolation"}
    ),
    # The coordinator's token: only its owner reaches it, for everyone else it does not exist.
    "community:token-revoke": Case(
        lambda w: f"/en/me/tokens/{w.coordinator_token.pk}/revoke/",
        {"anonymous": 302, "outsider": 404, "member": 404, "coordinator": 302},
        method="post",
    ),
    "community:practice": [
        Case(lambda w: f"/en/practices/{w.practice.slug}/", MEMBER),
        Case(
            lambda w: f"/en/practices/{w.other_practice.slug}/",
            expect(MEMBER, outsider=200, member=404, coordinator=404),
        ),
    ],
    "community:practice-edit": [
        Case(lambda w: f"/en/practices/{w.practice.slug}/edit/", MEMBER),
        Case(lambda w: f"/en/practices/{w.neighbour_practice.slug}/edit/", COORDINATOR),
    ],
    "community:practice-members": [
        Case(lambda w: f"/en/practices/{w.practice.slug}/members/", MEMBER),
        Case(lambda w: f"/en/practices/{w.neighbour_practice.slug}/members/", COORDINATOR),
        Case(
            lambda w: f"/en/practices/{w.neighbour_practice.slug}/members/",
            expect(COORDINATOR, coordinator=302),
            method="post",
            data=lambda w: {"email": "iso-new@example.org", "name": "New"},
        ),
    ],
    "community:practice-member-remove": [
        Case(lambda w: f"/en/practices/{w.practice.slug}/members/{w.member.pk}/remove/", MEMBER),
        Case(lambda w: f"/en/practices/{w.neighbour_practice.slug}/members/{w.neighbour.pk}/remove/", COORDINATOR),
    ],
    "community:invitation": [
        Case(lambda w: f"/en/invitations/{w.invitation.token}/", PUBLIC),
        Case(
            lambda w: "/en/invitations/no-such-token/",
            {"anonymous": 404, "outsider": 404, "member": 404, "coordinator": 404},
        ),
    ],
    "api:me": Case(lambda w: "/api/v1/me", API_SIGNED_IN),
    "api:practice-members": [
        Case(lambda w: f"/api/v1/practices/{w.practice.pk}/members", API_MEMBER),
        Case(
            lambda w: f"/api/v1/practices/{w.neighbour_practice.pk}/members",
            expect(API_COORDINATOR, coordinator=201),
            method="post",
            data=lambda w: {"email": "iso-new@example.org", "name": "New"},
        ),
        Case(
            lambda w: f"/api/v1/practices/{w.practice.pk}/members",
            expect(API_MEMBER, member=400, coordinator=400),
            method="post",
            data=lambda w: {"email": "not an address"},
        ),
    ],
    "api:practice-member": Case(
        lambda w: f"/api/v1/practices/{w.neighbour_practice.pk}/members/{w.neighbour.pk}",
        expect(API_COORDINATOR, coordinator=204),
        method="delete",
    ),
}
