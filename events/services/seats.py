"""Seats and the waitlist rule: counting, locking, placing and promoting parties.

Shared by every service; see the package docstring for the guarantees."""

from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from events import notifications
from events.models import (
    ACTIVE,
    SEAT_HOLDING,
    Event,
    EventStatus,
    Registration,
    RegistrationStatus,
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


NO_NEEDS = Needs()


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


def lock_events(event_ids):
    """Lock the events (primary-key order, the one order every service uses)."""
    events = list(Event.objects.select_for_update().filter(pk__in=event_ids).order_by("pk"))
    return {event.pk: event for event in events}


def lock_event(event_id):
    """Lock one event row until the transaction ends and return it fresh."""
    return Event.objects.select_for_update().get(pk=event_id)


def check_party(event, party_size):
    """Raise ``PartyTooLarge`` unless 1 <= party_size <= the event's largest party."""
    if party_size < 1:
        raise PartyTooLarge(_("Please tell us how many people are coming."))
    if party_size > event.max_party_size:
        raise PartyTooLarge(
            _("Parties of up to %(max)s people can sign up for this session.")
            % {"max": event.max_party_size}
        )


def check_open(event, now):
    """Raise ``RegistrationClosed`` unless sign-up is open: scheduled, before the start,
    inside the registration window."""
    if event.status == EventStatus.CANCELLED:
        raise RegistrationClosed(_("This session is cancelled."))
    if now >= event.starts_at:
        raise RegistrationClosed(_("This session has already started."))
    if not event.registration_window_open(now):
        if event.registration_opens_at and now < event.registration_opens_at:
            raise RegistrationClosed(_("Sign-up for this session has not opened yet."))
        raise RegistrationClosed(_("Sign-up for this session has closed."))


def active_registration(event, user):
    """The account's one active registration for the event (locked), or None."""
    return (
        Registration.objects.select_for_update()
        .filter(event=event, user=user, status__in=ACTIVE)
        .first()
    )


def newcomer_fits(event, party_size):
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


def place_party(event, user, party_size, needs, now):
    """Confirm or waitlist a new party on a locked event. Returns the registration."""
    if newcomer_fits(event, party_size):
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


def notify_placed(registration):
    """Queue the confirmed or waitlisted (with position) email for after commit."""
    if registration.status == RegistrationStatus.CONFIRMED:
        notifications.notify(registration, "confirmed")
    else:
        notifications.notify(registration, "waitlisted", position=waitlist_position(registration))


def promote_fitting(event, now, *, by_hand=False):
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
