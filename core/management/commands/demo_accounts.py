"""Print where the demo runs and the accounts to sign in with."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from community.models import Member
from core import demo


class Command(BaseCommand):
    help = "Print the demo's URL and the demo accounts (all with the same demo password)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args, port=8000, host="127.0.0.1", **options):
        existing = set(
            Member.objects.filter(email__in=[a.email for a in demo.ACCOUNTS]).values_list("email", flat=True)
        )
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"plek demo: http://{host}:{port}/"))
        self.stdout.write(f"Sign in at http://{host}:{port}/en/accounts/login/ with one of these accounts,")
        self.stdout.write(f"all with the password: {demo.DEMO_PASSWORD}")
        self.stdout.write("")
        width = max(len(a.email) for a in demo.ACCOUNTS)
        for account in demo.ACCOUNTS:
            missing = "" if account.email in existing else "  (not in this database: run seed_demo)"
            self.stdout.write(f"  {account.email:<{width}}  {account.description}{missing}")
        self.stdout.write("")
        self.stdout.write(f"API docs: http://{host}:{port}/api/v1/docs")
        self.stdout.write("")
