"""Reminder emails, each sent once: the worker looks for due ones every minute
(``portal.worker``; ``send_event_reminders`` does the same by hand)."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from events import notifications
from events.models import (
    EventStatus,
    Registration,
    RegistrationStatus,
    ReminderKind,
    ReminderSent,
    ReminderSettings,
)

# (reminder, how long before the start it is due, the family's switch for it)
PLANS = (
    (ReminderKind.DAY_BEFORE, timedelta(hours=24), "reminder_day_before"),
    (ReminderKind.TWO_HOURS_BEFORE, timedelta(hours=2), "reminder_two_hours_before"),
)
_SWITCH = {kind: switch for kind, _ahead, switch in PLANS}


def send_due_reminders(now=None):
    """Email the reminders that are due and not yet sent; safe to run every minute.

    Guarantees: each (registration, kind) is recorded once by a unique constraint, and
    the email is queued only by the run that recorded it, in the same transaction. A
    reminder goes to confirmed parties of scheduled events whose kind sends it
    (``ReminderSettings``) and whose family wants it (their account's email choices).
    The two-hour reminder carries the join link of an online session. Inside the last
    two hours only the two-hour reminder goes out, when it will. Returns the count sent.
    """
    now = now or timezone.now()
    reminder_settings = ReminderSettings.load()
    late_kinds = set(reminder_settings.kinds_sending(ReminderKind.TWO_HOURS_BEFORE))
    sent = 0
    for kind, ahead, switch in PLANS:
        due = (
            Registration.objects.filter(
                status=RegistrationStatus.CONFIRMED,
                event__status=EventStatus.SCHEDULED,
                event__kind__in=reminder_settings.kinds_sending(kind),
                event__starts_at__gt=now,
                event__starts_at__lte=now + ahead,
            )
            # The family's choice (an account without a profile keeps the default: on).
            .filter(Q(**{f"user__profile__{switch}": True}) | Q(user__profile__isnull=True))
            .exclude(reminders__kind=kind)
            .select_related("event", "user__profile")
        )
        for registration in due:
            if kind == ReminderKind.DAY_BEFORE and _two_hour_reminder_comes(
                registration, now, late_kinds
            ):
                continue
            if _send(registration, kind):
                sent += 1
    return sent


def _two_hour_reminder_comes(registration, now, late_kinds):
    """Inside the last two hours, the two-hour reminder (with the link) is enough."""
    return (
        registration.event.starts_at <= now + timedelta(hours=2)
        and registration.event.kind in late_kinds
        and getattr(
            getattr(registration.user, "profile", None),
            _SWITCH[ReminderKind.TWO_HOURS_BEFORE],
            True,
        )
    )


def _send(registration, kind):
    with transaction.atomic():
        # The list was read without locks: a family that cancelled (or a session
        # cancelled) since then gets no reminder.
        still_due = (
            Registration.objects.select_for_update()
            .filter(
                pk=registration.pk,
                status=RegistrationStatus.CONFIRMED,
                event__status=EventStatus.SCHEDULED,
            )
            .exists()
        )
        if not still_due:
            return False
        reminder, created = ReminderSent.objects.get_or_create(registration=registration, kind=kind)
        if not created:
            return False
        event = registration.event
        join_url = event.join_url if kind == ReminderKind.TWO_HOURS_BEFORE else ""
        notifications.notify(
            registration,
            "reminder",
            join_url=join_url,
            key=f"reminder:{reminder.pk}",  # a moved session's new reminder is a new row
            unsubscribe="reminders",
        )
    return True
