from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from portal import mfa


class Command(BaseCommand):
    help = (
        "Remove an account's second sign-in step (authenticator app, security keys, "
        "recovery codes) after a staff member lost their phone or key. The reset is "
        "written to the audit trail with the administrator named by --by. A staff account "
        "is asked to set up a new second step right after its next log-in."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="The address of the account to reset.")
        parser.add_argument(
            "--by",
            required=True,
            metavar="ADMIN_EMAIL",
            help="The address of the administrator (superuser) doing the reset.",
        )
        parser.add_argument(
            "--reason", default="", help="Why, in a few words (kept in the audit trail)."
        )

    def handle(self, *args, email, by, reason, **options):
        accounts = get_user_model().objects
        account = accounts.filter(email__iexact=email).first()
        if account is None:
            raise CommandError(f"No account has the address {email}.")
        actor = accounts.filter(email__iexact=by, is_superuser=True, is_active=True).first()
        if actor is None:
            raise CommandError(f"{by} is not an active administrator (superuser) account.")
        removed = mfa.reset_mfa(account, actor=actor, reason=reason)
        if removed:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Removed {removed} authenticator(s) and the password from "
                    f"{account.email}; logged in the audit trail. They choose a new password "
                    "with 'Forgot your password?', then set up a new app."
                )
            )
        else:
            self.stdout.write(
                f"{account.email} had no second sign-in step; the password is removed "
                "and the reset logged anyway."
            )
