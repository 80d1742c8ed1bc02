from django.core.management.base import BaseCommand

from core.periodic import JOBS


class Command(BaseCommand):
    help = "Run every registered periodic job once (reminders, expiries). Schedule it every 5 minutes."

    def add_arguments(self, parser):
        parser.add_argument("--only", nargs="*", help="names of the jobs to run")

    def handle(self, *args, only=None, **options):
        for name, func in sorted(JOBS.items()):
            if only and name not in only:
                continue
            result = func()
            self.stdout.write(f"{name}: {result if result is not None else 'done'}")
