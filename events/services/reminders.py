"""Reminder emails, each recorded once (``send_event_reminders``)."""

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
)


def send_due_reminders(now=None):
    """Email the reminders that are due and not yet sent; safe to run every few minutes.

    Guarantees: each (registration, kind) is recorded once by a unique constraint, and
    the email is queued only by the run that recorded it. 24 h before every confirmed
    party; 1 h before for online sessions, with the join link. Returns the count sent.
    """
    now = now or timezone.now()
    sent = 0
    plans = [
        (ReminderKind.DAY_BEFORE, timedelta(hours=24), Q()),
        (ReminderKind.HOUR_BEFORE, timedelta(hours=1), Q(event__location_kind="virtual")),
    ]
    for kind, ahead, extra in plans:
        due = (
            Registration.objects.filter(
                extra,
                status=RegistrationStatus.CONFIRMED,
                event__status=EventStatus.SCHEDULED,
                event__starts_at__gt=now,
                event__starts_at__lte=now + ahead,
            )
            .exclude(reminders__kind=kind)
            .select_related("event", "user__profile")
        )
        for registration in due:
            if kind == ReminderKind.DAY_BEFORE and registration.event.is_virtual:
                # Inside the last hour the 1-hour reminder (with the link) is enough.
                if registration.event.starts_at <= now + timedelta(hours=1):
                    continue
            with transaction.atomic():
                # The list above was read without locks: a family that cancelled (or a
                # session cancelled) since then gets no reminder.
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
                    continue
                _reminder, created = ReminderSent.objects.get_or_create(
                    registration=registration, kind=kind
                )
                if not created:
                    continue
                join_url = registration.event.join_url if kind == ReminderKind.HOUR_BEFORE else ""
                notifications.notify(registration, "reminder", join_url=join_url)
            sent += 1
    return sent
