"""Every change to events and registrations. Views, admin and commands call these.

Each function runs in one transaction and locks the event rows it decides on
(``select_for_update``; several events always in primary-key order, so two operations
never wait on each other in a cycle). Seat counts are computed from the registration
rows inside that lock, never read from a stored counter. On SQLite, whose
``select_for_update`` is a no-op, the portal's ``BEGIN IMMEDIATE`` transactions give the
same guarantee: writers run one at a time.

Waitlist fairness policy (also on every event page and in docs/events.md): when seats
free up, waiting parties are confirmed in the order they joined the waitlist. A party
too large for the seats left is passed over for a later, smaller party that fits, and
keeps its place for the next opening. Automatic promotion stops
``Event.auto_promote_until`` (default 2 hours) before the start; coordinators can still
promote by hand.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events import notifications
from events.models import (
    ACTIVE,
    SEAT_HOLDING,
    CalendarFeed,
    Event,
    EventSeries,
    EventStatus,
    Registration,
    RegistrationStatus,
    ReminderKind,
    ReminderSent,
    SeriesMode,
)

FEW_SEATS = 3


class SignupError(Exception):
    """A request the rules refuse. ``str(error)`` is a message for the family."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self):
        return str(self.message)


class RegistrationClosed(SignupError):
    pass


class PartyTooLarge(SignupError):
    pass


class NotEnoughSeats(SignupError):
    pass


class AlreadyRegistered(SignupError):
    pass


class CohortFull(SignupError):
    pass


@dataclass(frozen=True)
class Needs:
    attendee_names: str = ""
    interpreter: str = ""
    accessibility_needs: str = ""
    other_needs: str = ""

    def as_fields(self):
        return {
            "attendee_names": self.attendee_names,
            "interpreter": self.interpreter,
            "accessibility_needs": self.accessibility_needs,
            "other_needs": self.other_needs,
        }


@dataclass(frozen=True)
class Occupancy:
    people: int
    families: int
    waiting_parties: int

    def people_left(self, event):
        return max(event.capacity_people - self.people, 0)

    def families_left(self, event):
        if event.capacity_families is None:
            return None
        return max(event.capacity_families - self.families, 0)

    def fits(self, event, party_size):
        if self.people + party_size > event.capacity_people:
            return False
        return event.capacity_families is None or self.families + 1 <= event.capacity_families


def occupancy(event, *, exclude=None):
    """Confirmed people and families, counted from the rows (optionally without one)."""
    rows = Registration.objects.filter(event=event)
    if exclude is not None:
        rows = rows.exclude(pk=exclude.pk)
    totals = rows.aggregate(
        people=Sum("party_size", filter=Q(status__in=SEAT_HOLDING), default=0),
        families=Count("pk", filter=Q(status__in=SEAT_HOLDING)),
        waiting=Count("pk", filter=Q(status=RegistrationStatus.WAITLISTED)),
    )
    return Occupancy(totals["people"], totals["families"], totals["waiting"])


def waitlist_position(registration):
    """1 for the first waiting party, or None when the registration is not waiting."""
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    ahead = Registration.objects.filter(
        event_id=registration.event_id, status=RegistrationStatus.WAITLISTED
    ).filter(
        Q(queued_at__lt=registration.queued_at)
        | Q(queued_at=registration.queued_at, pk__lt=registration.pk)
    )
    return ahead.count() + 1


def _lock_events(event_ids):
    """Lock the events (primary-key order, the one order every service uses)."""
    events = list(Event.objects.select_for_update().filter(pk__in=event_ids).order_by("pk"))
    return {event.pk: event for event in events}


def _lock_event(event_id):
    return Event.objects.select_for_update().get(pk=event_id)


def _check_party(event, party_size):
    if party_size < 1:
        raise PartyTooLarge(_("Please tell us how many people are coming."))
    if party_size > event.max_party_size:
        raise PartyTooLarge(
            _("Parties of up to %(max)s people can sign up for this session.")
            % {"max": event.max_party_size}
        )


def _check_open(event, now):
    if event.status == EventStatus.CANCELLED:
        raise RegistrationClosed(_("This session is cancelled."))
    if now >= event.starts_at:
        raise RegistrationClosed(_("This session has already started."))
    if not event.registration_window_open(now):
        if event.registration_opens_at and now < event.registration_opens_at:
            raise RegistrationClosed(_("Sign-up for this session has not opened yet."))
        raise RegistrationClosed(_("Sign-up for this session has closed."))


def _active_registration(event, user):
    return (
        Registration.objects.select_for_update()
        .filter(event=event, user=user, status__in=ACTIVE)
        .first()
    )


def _newcomer_fits(event, party_size):
    """A new party is confirmed only if it fits and no waiting party that fits is ahead
    of it (close to the start, waiting parties are promoted by hand, not overtaken)."""
    used = occupancy(event)
    if not used.fits(event, party_size):
        return False
    return not Registration.objects.filter(
        event=event,
        status=RegistrationStatus.WAITLISTED,
        party_size__lte=used.people_left(event),
    ).exists()


def _place(event, user, party_size, needs, now):
    """Confirm or waitlist a new party on a locked event. Returns the registration."""
    if _newcomer_fits(event, party_size):
        status, queued_at = RegistrationStatus.CONFIRMED, None
    else:
        status, queued_at = RegistrationStatus.WAITLISTED, now
    return Registration.objects.create(
        event=event,
        user=user,
        party_size=party_size,
        status=status,
        queued_at=queued_at,
        **needs.as_fields(),
    )


def _notify_placed(registration):
    if registration.status == RegistrationStatus.CONFIRMED:
        notifications.notify(registration, "confirmed")
    else:
        notifications.notify(registration, "waitlisted", position=waitlist_position(registration))


def register(event, user, *, party_size, needs=Needs(), now=None):
    """Sign ``user``'s party up for ``event``: confirmed if the whole party fits, else
    waitlisted.

    Guarantees: confirmed people never exceed the capacity (nor confirmed parties the
    family capacity), whatever the concurrency; a second submission returns the same
    active registration unchanged; the window, the start and the party limit are
    enforced (``SignupError``); events of a cohort series are refused here (enrol with
    ``enrol_in_cohort``). The family is emailed after commit.
    """
    now = now or timezone.now()
    with transaction.atomic():
        event = _lock_event(event.pk)
        existing = _active_registration(event, user)
        if existing is not None:
            return existing
        if event.is_cohort:
            raise RegistrationClosed(
                _("This group is a series: families join every date together.")
            )
        _check_open(event, now)
        _check_party(event, party_size)
        registration = _place(event, user, party_size, needs, now)
        _notify_placed(registration)
    return registration


def _promote(event, now, *, by_hand=False):
    """Confirm waiting parties that fit, in arrival order (first fit). Locked event."""
    if event.status != EventStatus.SCHEDULED or now >= event.starts_at:
        return []
    if not by_hand and now >= event.starts_at - event.auto_promote_until:
        return []
    used = occupancy(event)
    people, families = used.people, used.families
    promoted = []
    waiting = Registration.objects.select_for_update().filter(
        event=event, status=RegistrationStatus.WAITLISTED
    )
    for registration in waiting.order_by("queued_at", "pk"):
        if people + registration.party_size > event.capacity_people:
            continue
        if event.capacity_families is not None and families + 1 > event.capacity_families:
            break
        registration.status = RegistrationStatus.CONFIRMED
        registration.queued_at = None
        registration.save(update_fields=["status", "queued_at", "updated_at"])
        people += registration.party_size
        families += 1
        promoted.append(registration)
        notifications.notify(registration, "promoted")
    return promoted


def promote_waitlist(event, *, by_hand=False, now=None):
    """Confirm the waiting parties that now fit, by the fairness policy.

    Guarantees: arrival order, first fit (a party too large is passed over and keeps its
    place); never above capacity; nothing automatic within ``auto_promote_until`` of the
    start unless ``by_hand``. Returns the promoted registrations.
    """
    with transaction.atomic():
        locked = _lock_event(event.pk)
        return _promote(locked, now or timezone.now(), by_hand=by_hand)


def promote_by_hand(registration, *, now=None):
    """A coordinator confirms one waiting party, even close to the start.

    Guarantees: only when the party fits (no overbooking, ever; raise the capacity
    first to make room); ``NotEnoughSeats`` otherwise.
    """
    now = now or timezone.now()
    with transaction.atomic():
        event = _lock_event(registration.event_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status != RegistrationStatus.WAITLISTED:
            return registration
        if not occupancy(event).fits(event, registration.party_size):
            raise NotEnoughSeats(_("There are not enough seats left for this party."))
        registration.status = RegistrationStatus.CONFIRMED
        registration.queued_at = None
        registration.save(update_fields=["status", "queued_at", "updated_at"])
        notifications.notify(registration, "promoted")
    return registration


def cancel_registration(registration, *, by_family=True, now=None, notify=True):
    """Cancel a party's sign-up and give its seats to waiting parties.

    Guarantees: families may cancel up to the start (``RegistrationClosed`` after);
    cancelling twice is harmless; freed seats are offered by the fairness policy in the
    same transaction.
    """
    now = now or timezone.now()
    with transaction.atomic():
        event = _lock_event(registration.event_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status == RegistrationStatus.CANCELLED:
            return registration
        if by_family and now >= event.starts_at:
            raise RegistrationClosed(
                _("This session has started; please call us if you cannot come.")
            )
        was_holding_seats = registration.status in SEAT_HOLDING
        registration.status = RegistrationStatus.CANCELLED
        registration.queued_at = None
        registration.save(update_fields=["status", "queued_at", "updated_at"])
        if notify:
            notifications.notify(registration, "cancelled")
        if was_holding_seats:
            _promote(event, now)
    return registration


def change_party_size(registration, party_size, *, now=None):
    """Change how many people come.

    Guarantees: a confirmed party grows only into seats that are free (waiting parties
    are not overtaken: ``NotEnoughSeats``); a shrinking party frees seats for the
    waitlist at once; a waiting party keeps its place in the queue. Only before the
    start.
    """
    now = now or timezone.now()
    with transaction.atomic():
        event = _lock_event(registration.event_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status not in (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED):
            raise RegistrationClosed(_("This sign-up can no longer be changed."))
        if now >= event.starts_at:
            raise RegistrationClosed(_("This session has already started."))
        _check_party(event, party_size)
        if party_size == registration.party_size:
            return registration
        if (
            registration.status == RegistrationStatus.CONFIRMED
            and party_size > registration.party_size
        ):
            others = occupancy(event, exclude=registration)
            if others.people + party_size > event.capacity_people:
                raise NotEnoughSeats(
                    _("Only %(left)s more seats are free; your party stays at %(size)s.")
                    % {
                        "left": max(
                            event.capacity_people - others.people - registration.party_size, 0
                        ),
                        "size": registration.party_size,
                    }
                )
        registration.party_size = party_size
        registration.save(update_fields=["party_size", "updated_at"])
        _promote(event, now)
        registration.refresh_from_db()
    return registration


# --- coordinators ---------------------------------------------------------------------


def change_capacity(event, *, people, families=None, now=None):
    """Set the capacity. Raising it promotes waiting parties (as a coordinator's hand
    promotion, so also close to the start); lowering it never cancels a confirmed family,
    it only stops new confirmations until enough seats are free.
    """
    if people < 1 or (families is not None and families < 1):
        raise SignupError(_("Capacity must be at least 1."))
    now = now or timezone.now()
    with transaction.atomic():
        event = _lock_event(event.pk)
        event.capacity_people = people
        event.capacity_families = families
        event.save(update_fields=["capacity_people", "capacity_families", "updated_at"])
        _promote(event, now, by_hand=True)
    return event


def cancel_event(event, *, notice=""):
    """Cancel the session: every active registration is cancelled and every family is
    emailed (with the coordinator's ``notice``). Cancelling twice is harmless."""
    with transaction.atomic():
        event = _lock_event(event.pk)
        if event.status == EventStatus.CANCELLED:
            return event
        event.status = EventStatus.CANCELLED
        event.save(update_fields=["status", "updated_at"])
        registrations = list(
            Registration.objects.select_for_update(of=("self",))
            .filter(event=event, status__in=ACTIVE)
            .select_related("user__profile", "event")
        )
        for registration in registrations:
            registration.status = RegistrationStatus.CANCELLED
            registration.queued_at = None
            registration.save(update_fields=["status", "queued_at", "updated_at"])
            notifications.notify(
                registration,
                "event_cancelled",
                notice=notice,
                events_url=notifications.site_url("/events/"),
            )
    return event


def event_details_changed(event, previous):
    """Tell the families when a coordinator's edit moved the time or the place.

    Call inside the transaction that saved ``event`` (``previous`` is the row before).
    Guarantees: every active party is emailed once; reminders are re-armed for the new
    time. Nothing happens when neither time nor place changed.
    """
    watched = ("starts_at", "ends_at", "location_kind", "site", "room")
    if all(getattr(event, name) == getattr(previous, name) for name in watched):
        return 0
    registrations = list(
        Registration.objects.filter(event=event, status__in=ACTIVE).select_related(
            "user__profile", "event"
        )
    )
    if event.starts_at != previous.starts_at:
        ReminderSent.objects.filter(registration__in=registrations).delete()
    for registration in registrations:
        notifications.notify(registration, "changed", previous_when=notifications.when(previous))
    return len(registrations)


def mark_attendance(registration, *, attended_people):
    """Record how many of the party came (0 marks a no-show).

    Guarantees: only confirmed (or already marked) registrations; never more than the
    party (also a database check).
    """
    with transaction.atomic():
        _lock_event(registration.event_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status not in SEAT_HOLDING:
            raise SignupError(_("Only confirmed families can be marked as attended."))
        if attended_people < 0 or attended_people > registration.party_size:
            raise SignupError(
                _("Between 0 and %(size)s people.") % {"size": registration.party_size}
            )
        registration.attended_people = attended_people
        registration.status = (
            RegistrationStatus.ATTENDED if attended_people else RegistrationStatus.NO_SHOW
        )
        registration.save(update_fields=["attended_people", "status", "updated_at"])
    return registration


def move_registration(registration, to_event, *, now=None):
    """Move a family to another date: confirmed there if the party fits, else waitlisted
    (behind those already waiting); the old seat goes to the old date's waitlist.

    Guarantees: both events locked in primary-key order; no overbooking on either; the
    family is emailed; ``AlreadyRegistered`` when the family already has that date.
    """
    now = now or timezone.now()
    with transaction.atomic():
        events = _lock_events([registration.event_id, to_event.pk])
        source, target = events[registration.event_id], events[to_event.pk]
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status not in (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED):
            raise SignupError(_("Only active sign-ups can be moved."))
        if source.pk == target.pk:
            return registration
        if target.status != EventStatus.SCHEDULED or now >= target.starts_at:
            raise RegistrationClosed(_("That date is not open."))
        if _active_registration(target, registration.user) is not None:
            raise AlreadyRegistered(_("This family is already signed up for that date."))
        was_holding_seats = registration.status in SEAT_HOLDING
        registration.status = RegistrationStatus.CANCELLED
        registration.queued_at = None
        registration.save(update_fields=["status", "queued_at", "updated_at"])
        needs = Needs(
            registration.attendee_names,
            registration.interpreter,
            registration.accessibility_needs,
            registration.other_needs,
        )
        moved = _place(target, registration.user, registration.party_size, needs, now)
        notifications.notify(
            moved,
            "moved",
            previous_when=notifications.when(source),
            position=waitlist_position(moved),
        )
        if was_holding_seats:
            _promote(source, now)
    return moved


# --- series ---------------------------------------------------------------------------


def series_occurrences(series):
    """The series' start times, aware, from its rule and skipped dates.

    Computed in local wall-clock time and then placed in the zone, so "Tuesday 18:00"
    stays 18:00 across daylight-saving changes.
    """
    zone = ZoneInfo(settings.TIME_ZONE)
    text = series.rrule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    start = datetime.combine(series.first_date, series.start_time)
    skipped = series.skipped_dates
    return [
        local.replace(tzinfo=zone)
        for local in rrulestr(text, dtstart=start)[:100]
        if local.date() not in skipped
    ]


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


def sync_series(series, *, now=None):
    """Make the series' future dates match its rule.

    Guarantees: past dates are never touched; a future date without active
    registrations that the rule no longer has is deleted; a future date with
    registrations is kept, or moved to the nearest new date of the rule with an email
    to its families, or, when the rule has fewer dates, cancelled with notice; new dates
    are created with the series' capacity. Returns ``(created, moved, removed)`` counts.
    """
    now = now or timezone.now()
    with transaction.atomic():
        series = EventSeries.objects.select_for_update().get(pk=series.pk)
        wanted = [start for start in series_occurrences(series) if start > now]
        duration = timedelta(minutes=series.duration_minutes)
        future_ids = list(
            Event.objects.filter(series=series, starts_at__gt=now).values_list("pk", flat=True)
        )
        events = sorted(_lock_events(future_ids).values(), key=lambda e: (e.starts_at, e.pk))
        scheduled = [e for e in events if e.status == EventStatus.SCHEDULED]
        booked = {
            event_id
            for event_id in Registration.objects.filter(
                event_id__in=[e.pk for e in scheduled], status__in=ACTIVE
            ).values_list("event_id", flat=True)
        }
        created = moved = removed = 0
        free_slots = list(wanted)
        keep = []
        for event in scheduled:
            if event.starts_at in free_slots:
                free_slots.remove(event.starts_at)
                keep.append(event)
        for event in scheduled:
            if event in keep:
                continue
            if event.pk not in booked:
                event.delete()
                removed += 1
            elif free_slots:
                previous_when = notifications.when(event)
                nearest = min(free_slots, key=lambda slot, e=event: abs(slot - e.starts_at))
                free_slots.remove(nearest)
                event.starts_at = nearest
                event.ends_at = event.starts_at + duration
                event.save()
                for registration in Registration.objects.filter(
                    event=event, status__in=ACTIVE
                ).select_related("user__profile", "event"):
                    notifications.notify(registration, "changed", previous_when=previous_when)
                keep.append(event)
                moved += 1
            else:
                cancel_event(event, notice="")
                removed += 1
        for event in keep:
            _copy_details(series, event)
            event.ends_at = event.starts_at + duration
            event.save()
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
    events = _lock_events(list(ids))
    return sorted(events.values(), key=lambda event: (event.starts_at, event.pk))


def enrol_in_cohort(series, user, *, party_size, needs=Needs(), now=None):
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
        _check_open(dates[0], now)
        for event in dates:
            _check_party(event, party_size)
            if event.pk not in existing and not _newcomer_fits(event, party_size):
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


def register_for_remaining_dates(series, user, *, party_size, needs=Needs(), now=None):
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
            existing = _active_registration(event, user)
            if existing is not None:
                report.append((event, existing, _("Already signed up")))
                continue
            try:
                _check_open(event, now)
                _check_party(event, party_size)
            except SignupError as error:
                report.append((event, None, error.message))
                continue
            registration = _place(event, user, party_size, needs, now)
            _notify_placed(registration)
            report.append((event, registration, registration.get_status_display()))
    return report


# --- reminders, calendar feeds, privacy -------------------------------------------------


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
                _reminder, created = ReminderSent.objects.get_or_create(
                    registration=registration, kind=kind
                )
                if not created:
                    continue
                join_url = registration.event.join_url if kind == ReminderKind.HOUR_BEFORE else ""
                notifications.notify(registration, "reminder", join_url=join_url)
            sent += 1
    return sent


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
