"""Email a family chose to receive, each kind with its own switch (the profile's "Email
from the portal" page) and an unsubscribe link that works without logging in.

Kinds: ``reminders`` (the day before and two hours before a group or event),
``answers`` (a clinician answered my question) and ``room_replies`` (a daily note that
someone replied to me in a peer room — never what they wrote).

The unsubscribe link is signed (``django.core.signing``) with the account and the kind,
so it turns off exactly that kind for exactly that account. Opening it shows a button
(link checkers in mail systems open links; only the button changes anything); mail
programs that offer "Unsubscribe" post to the same address (RFC 8058 one-click).
"""

from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.outbox import queue_mail

UNSUBSCRIBE_SALT = "portal.notifications.unsubscribe"

REMINDERS = "reminders"
ANSWERS = "answers"
ROOM_REPLIES = "room_replies"

KINDS = {
    REMINDERS: _("reminders before groups and events you signed up for"),
    ANSWERS: _("answers to your questions in live Q&A"),
    ROOM_REPLIES: _("notes about replies to you in peer rooms"),
}
# The profile switches each kind's link turns off.
SWITCHES = {
    REMINDERS: ("reminder_day_before", "reminder_two_hours_before"),
    ANSWERS: ("email_answers",),
    ROOM_REPLIES: ("email_room_replies",),
}


def unsubscribe_token(user, kind):
    return signing.dumps({"u": user.pk, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token):
    """``(user id, kind)`` from a link, or None when it was altered or names no kind."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if (
        not isinstance(data, dict)
        or data.get("k") not in KINDS
        or not isinstance(data.get("u"), int)
    ):
        return None
    return data["u"], data["k"]


def unsubscribe_url(user, kind):
    from django.conf import settings

    path = reverse("portal:unsubscribe", args=[unsubscribe_token(user, kind)])
    return settings.PUBLIC_BASE_URL + path


def wants(user, field):
    """True when ``user`` is active, has an address and has ``field`` switched on."""
    profile = getattr(user, "profile", None)
    return bool(user.email and user.is_active and profile and getattr(profile, field))


def send(user, kind, *, subject, body, key=None):
    """Queue ``body`` (plain text) to ``user`` with the unsubscribe line and headers."""
    url = unsubscribe_url(user, kind)
    footer = _(
        "You receive this because you chose to in your account. To stop %(what)s, open: %(url)s"
    ) % {"what": KINDS[kind], "url": url}
    return queue_mail(
        kind=f"notification_{kind}",
        subject=subject,
        body=f"{body.rstrip()}\n\n--\n{footer}\n",
        to=[user.email],
        key=key,
        headers={
            "List-Unsubscribe": f"<{url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
