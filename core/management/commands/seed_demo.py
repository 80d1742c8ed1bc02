"""Load the demo network, then every installed app's own demo data (``<app>/demo.py``: ``seed(stdout=None)``)."""

from __future__ import annotations

import importlib
import traceback
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from core import demo


def app_demo_modules():
    """(label, module) for each local app with a ``demo`` module, in INSTALLED_APPS order, after the foundation."""
    base = Path(settings.BASE_DIR).resolve()
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if config.name == "core" or base not in path.parents or ".venv" in path.parts:
            continue
        name = f"{config.name}.demo"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name == name:
                continue
            raise
        if hasattr(module, "seed"):
            yield config.label, module


class Command(BaseCommand):
    help = "Load the demo network and every app's demo data. Idempotent: a second run creates nothing new."

    def add_arguments(self, parser):
        parser.add_argument("--only-foundation", action="store_true", help="skip the apps' own demo data")
        parser.add_argument(
            "--send-emails", action="store_true", help="really send the emails the demo data causes (default: none)"
        )

    def handle(self, *args, only_foundation=False, send_emails=False, **options):
        if send_emails:
            return self.seed(only_foundation)
        # The demo people have made-up addresses: the notifications that seeding causes go nowhere.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            return self.seed(only_foundation)

    def seed(self, only_foundation: bool) -> None:
        demo.seed(stdout=self.stdout)
        if only_foundation:
            return
        failures = []
        try:
            modules = list(app_demo_modules())
        except Exception as error:  # an app's demo module that does not even import
            raise CommandError(f"Could not import an app's demo module: {error!r}") from error
        for label, module in modules:
            self.stdout.write(f"Demo data for {label}…")
            try:
                with transaction.atomic():
                    module.seed(stdout=self.stdout)
            except Exception:
                failures.append(label)
                self.stderr.write(self.style.ERROR(f"Demo data for {label} FAILED:"))
                self.stderr.write(traceback.format_exc())
        if failures:
            raise CommandError(f"Demo data failed for: {', '.join(failures)} (see the errors above).")
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
