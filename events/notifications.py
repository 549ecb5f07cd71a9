"""Emails to families about their registrations, queued with the change that causes them
(``portal.outbox``) and sent by the worker.

Wording is generic on purpose (42 CFR Part 2): "Family group session at <organisation>,
Tue Dec 1, 6:00 PM". No email names the event's title or description, a diagnosis,
substance use or treatment. Every email carries a signed one-click cancel link.
"""

from django.conf import settings
from django.core import signing
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from events.calendars import organisation_name, public_location, public_summary, site_url
from portal import notifications as portal_notifications
from portal.outbox import queue_mail

CANCEL_SALT = "events.registration.cancel"


def cancel_token(registration):
    return signing.dumps(registration.pk, salt=CANCEL_SALT)


def registration_from_cancel_token(token):
    """The registration id in a cancel link, or None when the link was altered."""
    try:
        return signing.loads(token, salt=CANCEL_SALT)
    except signing.BadSignature:
        return None


def cancel_url(registration):
    return site_url(reverse("events:cancel_by_link", args=[cancel_token(registration)]))


def when(event):
    return date_format(timezone.localtime(event.starts_at), "D N j, g:i A")


def _language(registration):
    profile = getattr(registration.user, "profile", None)
    return (getattr(profile, "preferred_language", "") or settings.LANGUAGE_CODE)[:2]


def notify(registration, template, *, key=None, unsubscribe=None, **extra):
    """Queue one email about ``registration`` in the current transaction (``key``: once
    only, see :func:`portal.outbox.queue_mail`). Mail the family chose to receive names
    its ``unsubscribe`` kind (:mod:`portal.notifications`): it carries the link that
    turns that kind off."""
    if registration.user is None or not registration.user.email:
        return
    event = registration.event
    with translation.override(_language(registration)):
        organisation = organisation_name()
        context = {
            "registration": registration,
            "summary": public_summary(event, organisation),
            "organisation": organisation,
            "when": when(event),
            "where": public_location(event),
            "cancel_url": cancel_url(registration),
            "mine_url": site_url(reverse("events:mine")),
            **extra,
        }
        subject = " ".join(
            render_to_string(f"events/email/{template}_subject.txt", context).split()
        )
        body = render_to_string(f"events/email/{template}.txt", context)
        if unsubscribe:  # the footer in the family's language too
            portal_notifications.send(
                registration.user, unsubscribe, subject=subject, body=body, key=key
            )
            return
    queue_mail(
        kind=f"registration_{template}",
        subject=subject,
        body=body,
        to=[registration.user.email],
        key=key,
    )
