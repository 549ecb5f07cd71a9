import time

from allauth.mfa import app_settings as mfa_settings
from django.core.management.base import BaseCommand

from portal import demo


class Command(BaseCommand):
    help = (
        "Print the current authenticator-app code of the demo staff accounts (seed_demo "
        "gives them all the published demo secret), as a phone app would show it."
    )

    def handle(self, *args, **options):
        now = time.time()
        left = mfa_settings.TOTP_PERIOD - int(now) % mfa_settings.TOTP_PERIOD
        self.stdout.write(demo.totp_code(demo.DEMO_TOTP_SECRET, now))
        if options["verbosity"] > 1:
            self.stdout.write(
                f"valid for {left} more seconds (secret {demo.DEMO_TOTP_SECRET}); "
                "each code is accepted once"
            )
