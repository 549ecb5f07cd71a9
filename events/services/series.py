"""Recurring series: dates from the rule, cohort enrolment, drop-in sign-up for all."""

import copy
from datetime import datetime, time, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

from dateutil.rrule import WEEKLY, rrule
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events import notifications
from events.models import (
    ACTIVE,
    MAX_SERIES_DATES,
    Event,
    EventSeries,
    EventStatus,
    Registration,
    RegistrationStatus,
    SeriesMode,
)
from events.services.coordinators import cancel_event, event_details_changed
from events.services.seats import (
    NO_NEEDS,
    CohortFull,
    RegistrationClosed,
    SignupError,
    active_registration,
    check_open,
    check_party,
    lock_events,
    newcomer_fits,
    notify_placed,
    place_party,
)


def series_rule(series):
    """The series' dateutil rule, in local wall-clock time: weekly on its weekdays, every
    ``every_weeks`` weeks, ``occurrences`` times or until ``repeat_until``. Built here
    from the structured fields, never parsed from text a coordinator typed."""
    start = datetime.combine(series.first_date, series.start_time)
    ending = (
        {"count": series.occurrences}
        if series.occurrences
        else {"until": datetime.combine(series.repeat_until, time.max)}
    )
    return rrule(
        WEEKLY,
        dtstart=start,
        interval=series.every_weeks,
        byweekday=series.weekday_list or None,
        **ending,
    )


def series_occurrences(series):
    """The series' start times, aware, from its rule without the skipped dates: at most
    ``MAX_SERIES_DATES``.

    Computed in local wall-clock time and then placed in the zone, so "Tuesday 18:00"
    stays 18:00 across daylight-saving changes. The rule always ends (a count of at most
    100, or a last date before 2101), so walking it is bounded.
    """
    zone = ZoneInfo(settings.TIME_ZONE)
    skipped = series.skipped_dates
    kept = (local for local in series_rule(series) if local.date() not in skipped)
    return [local.replace(tzinfo=zone) for local in islice(kept, MAX_SERIES_DATES)]


def _copy_details(series, event):
    for name in (
        "title",
        "kind",
        "description",
        "location_kind",
        "site",
        "room",
        "join_url",
        "max_party_size",
        "lecture_id",
    ):
        setattr(event, name, getattr(series, name))


def sync_series(series, *, actor=None, now=None):
    """Make the series' future dates match its rule.

    Guarantees: past dates are never touched; a future date without active
    registrations that the rule no longer has is deleted; a future date with
    registrations is kept, or moved to the nearest new date of the rule, or, when the
    rule has fewer dates, cancelled with notice; families of a kept or moved date whose
    time or place changed are emailed once; new dates are created with the series'
    capacity; a date cancelled here is logged with ``actor``. Returns ``(created, moved,
    removed)`` counts.
    """
    now = now or timezone.now()
    with transaction.atomic():
        series = EventSeries.objects.select_for_update().get(pk=series.pk)
        wanted = [start for start in series_occurrences(series) if start > now]
        duration = timedelta(minutes=series.duration_minutes)
        future_ids = list(
            Event.objects.filter(series=series, starts_at__gt=now).values_list("pk", flat=True)
        )
        events = sorted(lock_events(future_ids).values(), key=lambda e: (e.starts_at, e.pk))
        scheduled = [e for e in events if e.status == EventStatus.SCHEDULED]
        booked = {
            event_id
            for event_id in Registration.objects.filter(
                event_id__in=[e.pk for e in scheduled], status__in=ACTIVE
            ).values_list("event_id", flat=True)
        }
        created = moved = removed = 0
        free_slots = list(wanted)
        # Each kept or moved date: (event, its row before this sync).
        keep = []
        for event in scheduled:
            if event.starts_at in free_slots:
                free_slots.remove(event.starts_at)
                keep.append((event, copy.copy(event)))
        # A date a coordinator cancelled keeps its slot: re-syncing (any edit of the
        # series) must not quietly schedule it again. Skipping is for exception dates.
        for event in events:
            if event.status == EventStatus.CANCELLED and event.starts_at in free_slots:
                free_slots.remove(event.starts_at)
        kept_ids = {event.pk for event, _previous in keep}
        for event in scheduled:
            if event.pk in kept_ids:
                continue
            if event.pk not in booked:
                event.delete()
                removed += 1
            elif free_slots:
                previous = copy.copy(event)
                event.starts_at = min(free_slots, key=lambda slot, e=event: abs(slot - e.starts_at))
                free_slots.remove(event.starts_at)
                keep.append((event, previous))
                moved += 1
            else:
                cancel_event(event, notice="", actor=actor)
                removed += 1
        for event, previous in keep:
            _copy_details(series, event)
            event.ends_at = event.starts_at + duration
            event.save()
            # Emails the families once if the time or place changed; re-arms reminders.
            event_details_changed(event, previous)
        for start in free_slots:
            event = Event(series=series, starts_at=start, ends_at=start + duration)
            _copy_details(series, event)
            event.capacity_people = series.capacity_people
            event.capacity_families = series.capacity_families
            event.save()
            created += 1
    return created, moved, removed


def _remaining_dates(series, now):
    ids = Event.objects.filter(
        series=series, status=EventStatus.SCHEDULED, starts_at__gt=now
    ).values_list("pk", flat=True)
    events = lock_events(list(ids))
    return sorted(events.values(), key=lambda event: (event.starts_at, event.pk))


def enrol_in_cohort(series, user, *, party_size, needs=NO_NEEDS, now=None):
    """Enrol a party for every remaining date of a cohort series: all or nothing.

    Guarantees: every remaining date is locked (primary-key order) before deciding; if
    the party fits on every date, it is confirmed on all of them, otherwise nothing
    changes and ``CohortFull`` is raised; enrolling twice returns the same registrations.
    """
    now = now or timezone.now()
    with transaction.atomic():
        if series.mode != SeriesMode.COHORT:
            raise SignupError(_("This series is drop-in: sign up date by date."))
        dates = _remaining_dates(series, now)
        if not dates:
            raise RegistrationClosed(_("This series has no dates left."))
        existing = {
            r.event_id: r
            for r in Registration.objects.select_for_update().filter(
                event__in=dates, user=user, status__in=ACTIVE
            )
        }
        if len(existing) == len(dates):
            return [existing[event.pk] for event in dates]
        check_open(dates[0], now)
        for event in dates:
            check_party(event, party_size)
            if event.pk not in existing and not newcomer_fits(event, party_size):
                raise CohortFull(
                    _("The group is full on %(when)s, so we could not enrol your party.")
                    % {"when": notifications.when(event)}
                )
        registrations = []
        for event in dates:
            registration = existing.get(event.pk) or Registration.objects.create(
                event=event,
                user=user,
                party_size=party_size,
                status=RegistrationStatus.CONFIRMED,
                **needs.as_fields(),
            )
            registrations.append(registration)
        notifications.notify(registrations[0], "confirmed")
    return registrations


def register_for_remaining_dates(series, user, *, party_size, needs=NO_NEEDS, now=None):
    """Sign a party up for every remaining date of a drop-in series.

    Guarantees: one transaction, every date locked in primary-key order; on each date
    the party is confirmed where it fits and waitlisted elsewhere (existing sign-ups are
    kept); dates whose sign-up is not open are reported and skipped. Returns
    ``[(event, registration or None, message)]`` in date order.
    """
    now = now or timezone.now()
    report = []
    with transaction.atomic():
        if series.mode != SeriesMode.DROP_IN:
            raise SignupError(_("This series is a cohort: enrol for the whole series."))
        for event in _remaining_dates(series, now):
            existing = active_registration(event, user)
            if existing is not None:
                report.append((event, existing, _("Already signed up")))
                continue
            try:
                check_open(event, now)
                check_party(event, party_size)
            except SignupError as error:
                report.append((event, None, error.message))
                continue
            registration = place_party(event, user, party_size, needs, now)
            notify_placed(registration)
            report.append((event, registration, registration.get_status_display()))
    return report
