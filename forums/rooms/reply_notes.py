"""The "someone replied to you" note: at most once a day, to families who turned it on,
counting replies to their room messages since the last note — never what anyone wrote,
and never a room's name (mail leaves our systems; a room's name can say what a family
is living through). The worker runs :func:`send_reply_notes` every minute."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from forums.models import Message
from portal import notifications
from portal.models import Profile

NOTE_EVERY = timedelta(hours=24)


def new_replies(user, since, until):
    """Visible replies to ``user``'s (a user or its id) messages by others in
    ``(since, until]``, leaving out members ``user`` hid and rooms ``user`` was banned
    from."""
    return (
        Message.objects.filter(
            reply_to__author=user,
            reply_to__membership__banned=False,
            state=Message.State.VISIBLE,
            created_at__gt=since,
            created_at__lte=until,
        )
        .exclude(author=user)
        .exclude(membership__hidden_by__account=user)
        .count()
    )


def send_reply_notes(now=None):
    """Queue the notes that are due; returns how many."""
    now = now or timezone.now()
    opted_in = Profile.objects.filter(email_room_replies=True)
    # Turned on some other way than the email choices page: count from now.
    opted_in.filter(room_replies_noted_until__isnull=True).update(room_replies_noted_until=now)
    due = (
        opted_in.filter(user__is_active=True)
        .filter(
            Q(room_replies_last_note_at__isnull=True)
            | Q(room_replies_last_note_at__lte=now - NOTE_EVERY)
        )
        .exclude(user__email="")
    )
    sent = 0
    for profile_id, user_id, since in due.values_list("pk", "user_id", "room_replies_noted_until"):
        # Read first, lock only for a note to send: most runs find no new reply, and on
        # SQLite a lock is the database's one write lock.
        if not new_replies(user_id, since, now):
            continue
        with transaction.atomic():
            profile = Profile.objects.select_for_update().select_related("user").get(pk=profile_id)
            last = profile.room_replies_last_note_at
            if not profile.email_room_replies or (last and last > now - NOTE_EVERY):
                continue  # turned off, or another worker just sent it
            count = new_replies(profile.user, profile.room_replies_noted_until, now)
            if not count:
                continue  # nothing yet: the next reply is noted at the next run
            _queue_note(profile, count)
            profile.room_replies_noted_until = profile.room_replies_last_note_at = now
            profile.save(update_fields=["room_replies_noted_until", "room_replies_last_note_at"])
            sent += 1
    return sent


def _queue_note(profile, count):
    with translation.override((profile.preferred_language or settings.LANGUAGE_CODE)[:2]):
        body = ngettext(
            "Someone replied to you in a peer room.",
            "There are %(count)d new replies to you in peer rooms.",
            count,
        ) % {"count": count}
        url = settings.PUBLIC_BASE_URL + reverse("forums:rooms")
        notifications.send(
            profile.user,
            notifications.ROOM_REPLIES,
            subject=_("New replies to you in peer rooms"),
            body=f"{body}\n\n{_('Read them after logging in:')} {url}",
        )
