import logging

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal import demo


class Command(BaseCommand):
    help = "Create demo accounts and content (idempotent). Development only unless --force."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run with DEBUG off. The demo accounts share a published password: "
            "never use this on a portal real families use.",
        )

    def handle(self, *args, force=False, verbosity=1, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts with a published password. It runs only with "
                "DEBUG=true (or --force on a throw-away demo server)."
            )

        def log(line):
            if verbosity > 1:
                self.stdout.write(f"  {line}")

        # Wagtail logs each page created, edited and published at INFO: the demo's own
        # summary below says the same in one line (-v 2 shows every step).
        wagtail_logger = logging.getLogger("wagtail")
        level = wagtail_logger.level
        if verbosity <= 1:
            wagtail_logger.setLevel(logging.WARNING)
        try:
            demo.run_all(log)
        finally:
            wagtail_logger.setLevel(level)
        self.stdout.write(self.style.SUCCESS("Demo content is ready."))
        if settings.DEBUG:
            self.stdout.write(f"Demo logins (password for all: {demo.DEMO_PASSWORD}):")
            for account in demo.DEMO_ACCOUNTS:
                role = "administrator" if account.superuser else account.role
                self.stdout.write(f"  {account.email:<26} {role}")
            self.stdout.write(
                "Staff accounts sign in with a second step: a code from an authenticator app "
                f"holding the secret {demo.DEMO_TOTP_SECRET}, or from "
                "`python manage.py demo_totp`."
            )
