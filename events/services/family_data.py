"""A family's calendar feed, and its data for the privacy hub (export, erase)."""

from django.db import transaction
from django.utils import timezone

from events.models import (
    ACTIVE,
    CalendarFeed,
    Registration,
)
from events.services.registrations import cancel_registration


def calendar_feed_for(user, *, rotate=False):
    """The account's private feed; ``rotate`` replaces the token (old URL stops working)."""
    with transaction.atomic():
        feed, created = CalendarFeed.objects.select_for_update().get_or_create(user=user)
        if rotate and not created:
            feed.token = CalendarFeed._meta.get_field("token").default()
            feed.save(update_fields=["token"])
    return feed


def revoke_calendar_feed(user):
    """Delete the feed: its URL answers 404 from now on."""
    with transaction.atomic():
        CalendarFeed.objects.filter(user=user).delete()


def export_registrations(user):
    """The account's sign-ups and calendar feed, for "Download my data"."""
    registrations = Registration.objects.filter(user=user).select_related("event")
    return {
        "registrations": [
            {
                "event": r.event.title,
                "starts_at": r.event.starts_at.isoformat(),
                "status": r.status,
                "party_size": r.party_size,
                "attendee_names": r.attendee_names,
                "interpreter": r.interpreter,
                "accessibility_needs": r.accessibility_needs,
                "other_needs": r.other_needs,
                "attended_people": r.attended_people,
                "created_at": r.created_at.isoformat(),
            }
            for r in registrations.order_by("event__starts_at", "pk")
        ],
        "calendar_feed": CalendarFeed.objects.filter(user=user).exists(),
        "facilitated_events": list(user.facilitated_events.values_list("pk", flat=True)),
    }


def erase_registrations(user, *, now=None):
    """Erase the account's sign-ups: upcoming ones are cancelled (seats go to the
    waitlist) and deleted; past ones lose the account and every name and need, so
    attendance figures stay true without naming anyone."""
    now = now or timezone.now()
    with transaction.atomic():
        for registration in Registration.objects.filter(
            user=user, status__in=ACTIVE, event__starts_at__gt=now
        ):
            cancel_registration(registration, by_family=False, now=now, notify=False)
        Registration.objects.filter(user=user, event__starts_at__gt=now).delete()
        Registration.objects.filter(user=user).update(
            user=None, attendee_names="", accessibility_needs="", other_needs="", interpreter=""
        )
        CalendarFeed.objects.filter(user=user).delete()
        user.facilitated_events.clear()
