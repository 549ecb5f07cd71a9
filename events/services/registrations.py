"""What a family does: sign up, cancel, change its party size; promotion."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events import notifications
from events.models import (
    SEAT_HOLDING,
    Registration,
    RegistrationStatus,
)
from events.services import audit
from events.services.seats import (
    NO_NEEDS,
    NotEnoughSeats,
    RegistrationClosed,
    active_registration,
    check_open,
    check_party,
    lock_event,
    notify_placed,
    occupancy,
    place_party,
    promote_fitting,
)


def register(event, user, *, party_size, needs=NO_NEEDS, now=None):
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
        event = lock_event(event.pk)
        existing = active_registration(event, user)
        if existing is not None:
            return existing
        if event.is_cohort:
            raise RegistrationClosed(
                _("This group is a series: families join every date together.")
            )
        check_open(event, now)
        check_party(event, party_size)
        registration = place_party(event, user, party_size, needs, now)
        notify_placed(registration)
    return registration


def promote_waitlist(event, *, by_hand=False, now=None):
    """Confirm the waiting parties that now fit, by the fairness policy.

    Guarantees: arrival order, first fit (a party too large is passed over and keeps its
    place); never above capacity; nothing automatic within ``auto_promote_until`` of the
    start unless ``by_hand``. Returns the promoted registrations.
    """
    with transaction.atomic():
        locked = lock_event(event.pk)
        return promote_fitting(locked, now or timezone.now(), by_hand=by_hand)


def promote_by_hand(registration, *, actor=None, now=None):
    """A coordinator confirms one waiting party, even close to the start.

    Guarantees: only when the party fits (no overbooking, ever; raise the capacity
    first to make room); ``NotEnoughSeats`` otherwise; logged with ``actor`` in the
    audit trail.
    """
    now = now or timezone.now()
    with transaction.atomic():
        event = lock_event(registration.event_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status != RegistrationStatus.WAITLISTED:
            return registration
        if not occupancy(event).fits(event, registration.party_size):
            raise NotEnoughSeats(_("There are not enough seats left for this party."))
        registration.status = RegistrationStatus.CONFIRMED
        registration.queued_at = None
        registration.save(update_fields=["status", "queued_at", "updated_at"])
        notifications.notify(registration, "promoted")
        audit.record_coordinator_action(
            actor, audit.PROMOTE, event.pk, registration=registration, by_hand=True
        )
    return registration


def cancel_registration(registration, *, by_family=True, actor=None, now=None, notify=True):
    """Cancel a party's sign-up and give its seats to waiting parties.

    Guarantees: families may cancel up to the start (``RegistrationClosed`` after);
    cancelling twice is harmless; freed seats are offered by the fairness policy in the
    same transaction. A coordinator's cancellation (``actor`` given) is logged in the
    audit trail.
    """
    now = now or timezone.now()
    with transaction.atomic():
        event = lock_event(registration.event_id)
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
        promoted = promote_fitting(event, now) if was_holding_seats else []
        if actor is not None:
            audit.record_coordinator_action(
                actor,
                audit.CANCEL_REGISTRATION,
                event.pk,
                registration=registration,
                promoted=[other.pk for other in promoted],
            )
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
        event = lock_event(registration.event_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status not in (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED):
            raise RegistrationClosed(_("This sign-up can no longer be changed."))
        if now >= event.starts_at:
            raise RegistrationClosed(_("This session has already started."))
        check_party(event, party_size)
        if party_size == registration.party_size:
            return registration
        if (
            registration.status == RegistrationStatus.CONFIRMED
            and party_size > registration.party_size
        ):
            others = occupancy(event, exclude=registration)
            free = event.capacity_people - others.people - registration.party_size
            # A waiting party can take the free seats only if the family cap also has
            # room for it; otherwise the seats are the confirmed families' to grow into.
            family_room = (
                event.capacity_families is None or others.families + 1 < event.capacity_families
            )
            waiting_party_fits = (
                family_room
                and Registration.objects.filter(
                    event=event, status=RegistrationStatus.WAITLISTED, party_size__lte=free
                ).exists()
            )
            if others.people + party_size > event.capacity_people or waiting_party_fits:
                raise NotEnoughSeats(
                    _("Only %(left)s more seats are free; your party stays at %(size)s.")
                    % {
                        "left": 0 if waiting_party_fits else max(free, 0),
                        "size": registration.party_size,
                    }
                )
        registration.party_size = party_size
        registration.save(update_fields=["party_size", "updated_at"])
        promote_fitting(event, now)
        registration.refresh_from_db()
    return registration
