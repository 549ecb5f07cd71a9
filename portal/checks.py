"""System checks of the portal's own settings (``manage.py check --deploy``)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks

_LOCAL = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}  # noqa: S104 - names, not a bind


@checks.register(checks.Tags.security, deploy=True)
def public_base_url_is_public(app_configs=None, **kwargs):
    """Every link in mail, calendar files and page URLs is built on PUBLIC_BASE_URL: a
    localhost address there sends families links that open nothing."""
    parts = urlsplit(settings.PUBLIC_BASE_URL)
    problems = []
    if parts.scheme not in ("http", "https") or not parts.hostname:
        problems.append(
            checks.Error(
                f"PUBLIC_BASE_URL {settings.PUBLIC_BASE_URL!r} is not an http(s) address.",
                hint="Set PUBLIC_BASE_URL to the address families use, e.g. "
                "https://families.example.org",
                id="portal.E001",
            )
        )
    elif not settings.DEBUG and (parts.hostname in _LOCAL or parts.hostname.endswith(".local")):
        problems.append(
            checks.Warning(
                f"PUBLIC_BASE_URL is {settings.PUBLIC_BASE_URL!r}: links in mail, calendar "
                "files and page URLs would point to this machine, not to the portal.",
                hint="Set PUBLIC_BASE_URL to the address families use, e.g. "
                "https://families.example.org",
                id="portal.W001",
            )
        )
    elif not settings.DEBUG and parts.scheme != "https":
        problems.append(
            checks.Warning(
                "PUBLIC_BASE_URL is not https: links in mail would send families to an "
                "unencrypted address.",
                hint="Use the https address of the portal.",
                id="portal.W002",
            )
        )
    return problems


@checks.register()
def mail_is_not_sent_twice_by_a_slow_server(app_configs=None, **kwargs):
    """A mail "being sent" longer than MAIL_SENDING_STALE_SECONDS is taken for one a
    killed worker left, and sent again: that must be longer than any real send."""
    if settings.MAIL_SENDING_STALE_SECONDS < 3 * settings.EMAIL_TIMEOUT:
        return [
            checks.Warning(
                f"MAIL_SENDING_STALE_SECONDS ({settings.MAIL_SENDING_STALE_SECONDS:g}) is "
                f"less than three times EMAIL_TIMEOUT ({settings.EMAIL_TIMEOUT}): a slow "
                "mail server could have a mail sent twice.",
                hint="Raise MAIL_SENDING_STALE_SECONDS (default 600).",
                id="portal.W003",
            )
        ]
    return []
