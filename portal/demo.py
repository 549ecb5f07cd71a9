"""Demo content for ``manage.py seed_demo``.

Each app registers a seeder from its ``AppConfig.ready()``; the command runs them in
order. Every seeder is idempotent: running the command twice leaves the same data.
"""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction

from portal import roles
from portal.models import Profile, Relationship, User

# Published on purpose: demo accounts exist only where DEBUG is on (see seed_demo).
DEMO_PASSWORD = "family-portal-demo"  # noqa: S105
# The demo staff accounts' authenticator-app secret (base32), published for the same
# reason: add it to any authenticator app, or run `manage.py demo_totp` for the code.
DEMO_TOTP_SECRET = "DEMOFAMILYPORTALSTAFFTOTPSECRET2"  # noqa: S105
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})


@dataclass(frozen=True)
class DemoAccount:
    email: str
    display_name: str
    role: str | None
    relationship: str = ""
    superuser: bool = False

    @property
    def staff(self):
        """Staff accounts must sign in with a second step (portal.mfa)."""
        return self.superuser or self.role in roles.STAFF_ROLES


DEMO_ACCOUNTS = [
    DemoAccount("admin@example.org", "Site Admin", None, superuser=True),
    DemoAccount("moderator@example.org", "Moderator Sam", roles.MODERATORS),
    DemoAccount("coordinator@example.org", "Coordinator Lee", roles.CARE_COORDINATORS),
    DemoAccount("editor@example.org", "Editor Kim", roles.CONTENT_EDITORS),
    DemoAccount("reviewer@example.org", "Reviewer Dr Ortiz", roles.CLINICAL_REVIEWERS),
    DemoAccount("family1@example.org", "Hopeful Mom", roles.FAMILY_MEMBERS, Relationship.PARENT),
    DemoAccount(
        "family2@example.org", "Steady Partner", roles.FAMILY_MEMBERS, Relationship.PARTNER
    ),
    # Leads one peer room only (forums.rooms.demo): a moderator moderates the rooms it leads.
    DemoAccount("moderator2@example.org", "Moderator Ana", roles.MODERATORS),
]


@dataclass(frozen=True)
class Seeder:
    app_label: str
    seed: Callable[[Callable[[str], None]], None]
    order: int


_seeders: dict[str, Seeder] = {}


def register(app_label, seed, *, order=100):
    """Register ``seed(log)`` for ``app_label``; ``log`` takes one line of progress."""
    _seeders[app_label] = Seeder(app_label, seed, order)


def seeders():
    return sorted(_seeders.values(), key=lambda seeder: (seeder.order, seeder.app_label))


@transaction.atomic
def seed_core_accounts(log):
    """One verified account per role, plus an administrator; every staff account with
    the demo authenticator-app secret (``DEMO_TOTP_SECRET``) when it has no authenticator
    app yet (one set up by hand is kept). Idempotent."""
    for account in DEMO_ACCOUNTS:
        user = User.objects.filter(email__iexact=account.email).first()
        created = user is None
        if created:
            user = User(email=account.email)
            user.set_password(DEMO_PASSWORD)
        user.is_superuser = account.superuser
        user.is_staff = account.superuser
        user.save()
        if account.role:
            user.groups.add(Group.objects.get(name=account.role))
        EmailAddress.objects.update_or_create(
            user=user, email=account.email, defaults={"verified": True, "primary": True}
        )
        Profile.objects.update_or_create(
            user=user,
            defaults={"display_name": account.display_name, "relationship": account.relationship},
        )
        log(f"{'created' if created else 'kept'} {account.email}")
        if (
            account.staff
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            TOTP.activate(user, DEMO_TOTP_SECRET)
            log(f"authenticator app for {account.email}")


def seed_site_address(log):
    """The default site answers at ``PUBLIC_BASE_URL`` (page URLs, canonical links, the
    sitemap), when it still has a local address: an address set in admin is kept."""
    from wagtail.models import Site

    parts = urlsplit(settings.PUBLIC_BASE_URL)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None or site.hostname not in _LOCAL_HOSTS or not parts.hostname:
        return
    if (site.hostname, site.port) != (parts.hostname, port):
        site.hostname, site.port = parts.hostname, port
        site.save(update_fields=["hostname", "port"])
        log(f"site address {parts.hostname}:{port}")


def run_all(log):
    for seeder in seeders():
        seeder.seed(log)


def totp_code(secret, at=None):
    """The authenticator-app code for ``secret`` at ``at`` (a Unix time; now when None),
    computed by allauth's own TOTP functions, as the app on a phone would show it."""
    import time

    from allauth.mfa import app_settings as mfa_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    now = time.time() if at is None else at
    return format_hotp_value(hotp_value(secret, int(now) // mfa_settings.TOTP_PERIOD))
