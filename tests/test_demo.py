"""The demo network (core/demo.py, ``manage.py seed_demo``): what the foundation issue demands, and idempotence."""

from __future__ import annotations

import io
import types
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from community.models import Member, Practice
from core import demo
from core.management.commands import seed_demo
from spaces.models import Network, Resource, RoleAssignment, Space, SpaceMembership

pytestmark = pytest.mark.django_db


def local_model_counts() -> dict[str, int]:
    base = Path(settings.BASE_DIR).resolve()
    tables = set(connection.introspection.table_names())
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if base in Path(model._meta.app_config.path).resolve().parents and model._meta.db_table in tables
    }


def run(*args) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_seed_demo_builds_the_network_the_issue_describes():
    run("--only-foundation")

    spaces = Space.objects.all()
    assert spaces.count() >= 6
    assert len(set(spaces.values_list("country", flat=True))) >= 4
    assert {"Brussels", "Lisbon", "Warsaw", "Tbilisi", "Yerevan"} <= set(spaces.values_list("city", flat=True))
    assert Network.objects.count() >= 1
    workshop = Space.objects.get(slug="werkhuis-kuregem")
    assert workshop.memberships.active().values("practice").distinct().count() == 14
    owner_building = Space.objects.get(slug="maison-biloba")
    assert owner_building.roles.filter(role=RoleAssignment.Role.OWNER_REPRESENTATIVE).count() == 1
    assert owner_building.memberships.count() == 10
    coop = Space.objects.get(slug="faubourg-lille")
    assert coop.country in {"FR", "BE"}
    assert coop.model == Space.Model.WORKSPACE


def test_seed_demo_writes_identity_texts_in_three_languages():
    run("--only-foundation")

    for space in Space.objects.all():
        for base in ("tagline", "purpose", "procedures", "house_rules", "accessibility_notes", "member_info"):
            for code in ("en", "fr", "nl"):
                assert getattr(space, f"{base}_{code}"), f"{space.slug}: {base}_{code} is empty"
    for role in RoleAssignment.objects.all():
        assert role.responsibility_en and role.responsibility_fr and role.responsibility_nl, role


def test_seed_demo_fills_resources_hours_closures_and_memberships():
    run("--only-foundation")

    for space in Space.objects.all():
        assert space.resources.exists(), space.slug
        assert space.opening_hours.exists(), space.slug
        assert space.roles.filter(role=RoleAssignment.Role.COORDINATOR).exists(), space.slug
        assert space.memberships.exists(), space.slug
    kinds = set(Resource.objects.values_list("kind", flat=True))
    assert {"room", "studio", "desk", "workshop", "machine", "hall", "kitchen"} <= kinds
    assert Space.objects.get(slug="werkhuis-kuregem").closures.count() == 3
    assert set(SpaceMembership.objects.values_list("kind", flat=True)) == {"resident", "flexible", "community"}
    assert set(Practice.objects.values_list("kind", flat=True)) == {"organisation", "collective", "freelancer"}


def test_seed_demo_creates_the_demo_accounts_with_the_demo_password():
    run("--only-foundation")

    for account in demo.ACCOUNTS:
        member = Member.objects.get(email=account.email)
        assert member.check_password(demo.DEMO_PASSWORD), account.email
    admin = Member.objects.get(email=demo.ACCOUNTS[0].email)
    assert (admin.is_superuser, admin.is_staff) == (True, True)
    roles = set(
        RoleAssignment.objects.filter(member__email__in=[a.email for a in demo.ACCOUNTS]).values_list("role", flat=True)
    )
    assert {"coordinator", "treasurer", "owner_representative"} <= roles


def test_seed_demo_twice_creates_nothing_new_and_keeps_edits(client):
    first = run()
    Space.objects.filter(slug="werkhuis-kuregem").update(purpose_en="Edited by the coordinator.")
    counts = local_model_counts()

    second = run()

    assert "created" in first
    assert "already seeded" in second
    assert local_model_counts() == counts
    assert Space.objects.get(slug="werkhuis-kuregem").purpose_en == "Edited by the coordinator."


def test_seed_demo_fails_loudly_when_an_app_demo_fails(monkeypatch):
    calls = []

    def broken(stdout=None):
        raise RuntimeError("boom")

    def fine(stdout=None):
        calls.append("fine")

    monkeypatch.setattr(
        seed_demo,
        "app_demo_modules",
        lambda: iter([("broken", types.SimpleNamespace(seed=broken)), ("fine", types.SimpleNamespace(seed=fine))]),
    )
    err = io.StringIO()

    with pytest.raises(CommandError, match="broken"):
        call_command("seed_demo", stdout=io.StringIO(), stderr=err)

    assert calls == ["fine"]
    assert "RuntimeError: boom" in err.getvalue()


def test_seed_demo_calls_app_demos_in_installed_apps_order():
    labels = [label for label, _module in seed_demo.app_demo_modules()]

    order = [app.split(".")[-1] for app in settings.INSTALLED_APPS]
    assert labels == sorted(labels, key=order.index)
    assert "core" not in labels


def test_demo_accounts_prints_the_url_and_the_accounts():
    run("--only-foundation")
    out = io.StringIO()

    call_command("demo_accounts", "--port", "8765", stdout=out)

    text = out.getvalue()
    assert "http://127.0.0.1:8765/" in text
    assert demo.DEMO_PASSWORD in text
    for account in demo.ACCOUNTS:
        assert account.email in text
    assert "not in this database" not in text


def test_seed_demo_sends_no_email_to_the_made_up_people(mailoutbox):
    run()

    assert mailoutbox == []
