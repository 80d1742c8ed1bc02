import pytest

from spaces.forms import (
    ClosureForm,
    DirectoryFilterForm,
    MembershipEditForm,
    MembershipForm,
    ResourceForm,
    RoleForm,
    SpaceIdentityForm,
)
from spaces.models import RoleAssignment
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_directory_filter_form_keeps_valid_filters_and_drops_unknown_values():
    form = DirectoryFilterForm(
        {"model": "castle", "access": "public", "lift": "on"}, networks=[], cities=[], countries=[]
    )

    assert form.filters() == {"access": "public", "lift": True}
    assert form.errors["model"] == ["Select a valid choice. castle is not one of the available choices."]


def test_identity_form_languages_and_country(space):
    data = {
        "name": "Werkplaats",
        "model": "both",
        "access_policy": "public",
        "city": "Brussels",
        "country": "be",
        "time_zone": "Europe/Brussels",
        "languages": "NL, fr,  en, nl",
    }

    form = SpaceIdentityForm(data, instance=space)

    assert form.is_valid(), form.errors
    assert form.cleaned_data["languages"] == ["nl", "fr", "en"]
    assert form.cleaned_data["country"] == "BE"


def test_identity_form_bad_languages(space):
    form = SpaceIdentityForm({"languages": "Nederlands; Frans"}, instance=space)

    assert form.errors["languages"] == [
        "Use two- or three-letter language codes separated by commas, for example “nl, fr, en”."
    ]


def test_identity_form_has_three_language_fieldsets(space):
    form = SpaceIdentityForm(instance=space)

    sets = form.translated_fieldsets()

    assert [s["code"] for s in sets] == ["en", "fr", "nl"]
    assert [field.name for field in sets[1]["fields"]][:2] == ["tagline_fr", "purpose_fr"]


def test_resource_form_features_and_capacity(space):
    form = ResourceForm(
        {
            "name": "Print room",
            "kind": "room",
            "capacity": "0",
            "visibility": "public",
            "features": "risograph, guillotine",
        },
        space=space,
    )

    assert not form.is_valid()
    assert list(form.errors) == ["capacity"]
    assert form.cleaned_data["features"] == ["risograph", "guillotine"]


def test_closure_form_resources_are_the_space_own(space, other_space):
    mine = f.ResourceFactory(space=space)
    foreign = f.ResourceFactory(space=other_space)

    form = ClosureForm({"start": "2099-01-01T10:00", "end": "2099-01-01T12:00", "resource": foreign.pk}, space=space)

    assert list(form.fields["resource"].queryset) == [mine]
    assert list(form.errors) == ["resource"]


def test_closure_form_past_period(space):
    form = ClosureForm({"start": "2001-01-01T10:00", "end": "2001-01-01T12:00"}, space=space)

    assert form.errors == {"end": ["This period is already over."]}


def test_membership_form_refuses_both_existing_and_new(space, coordinator):
    existing = f.PracticeFactory(public_profile=True)

    form = MembershipForm(
        {
            "practice": existing.pk,
            "new_practice_name": "Also new",
            "new_practice_kind": "collective",
            "kind": "resident",
            "start_date": "2026-01-01",
            "area_m2": "0",
        },
        space=space,
        user=coordinator,
    )

    assert form.errors == {"new_practice_name": ["Choose an existing practice or type a new name, not both."]}


def test_membership_form_offers_only_practices_not_yet_in_the_space(space, coordinator, practice):
    public = f.PracticeFactory(name="Open", public_profile=True)
    f.PracticeFactory(name="Private elsewhere")

    form = MembershipForm(space=space, user=coordinator)

    assert list(form.fields["practice"].queryset) == [public]


def test_membership_edit_form_dates(space, practice):
    membership = practice.space_memberships.get()

    form = MembershipEditForm(
        {"kind": "resident", "start_date": "2026-05-01", "end_date": "2026-04-01", "area_m2": "10"}, instance=membership
    )

    assert form.errors == {"end_date": ["The end date cannot be before the start date."]}


def test_role_form_offers_the_people_of_the_space(space, coordinator, member, outsider):
    form = RoleForm(space=space)

    assert sorted(p.email for p in form.fields["person"].queryset) == ["coordinator@example.org", "member@example.org"]


def test_role_form_needs_a_person_and_a_responsibility(space, coordinator):
    form = RoleForm({"role": RoleAssignment.Role.HOST}, space=space)

    assert form.errors == {
        "person": ["Choose a person or type the email address of an existing account."],
        "responsibility_en": ["Write what this person is responsible for, in at least one language."],
    }


def test_role_form_existing_role(space, coordinator):
    form = RoleForm({"person": coordinator.pk, "role": "coordinator", "responsibility_en": "x"}, space=space)

    assert form.errors == {"role": ["This person already has this role here."]}
