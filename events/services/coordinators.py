"""What a care coordinator does: capacity, cancelling, changes, attendance, moves."""

import copy

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events import notifications
from events.models import (
    ACTIVE,
    MAX_CAPACITY_FAMILIES,
    MAX_CAPACITY_PEOPLE,
    SEAT_HOLDING,
    EventStatus,
    Registration,
    RegistrationStatus,
    ReminderSent,
)
from events.services import audit
from events.services.seats import (
    AlreadyRegistered,
    Needs,
    RegistrationClosed,
    SignupError,
    active_registration,
    check_party,
    lock_event,
    lock_events,
    place_party,
    promote_fitting,
    waitlist_position,
)


def change_capacity(event, *, people, families=None, actor=None, now=None):
    """Set the capacity. Raising it promotes waiting parties (as a coordinator's hand
    promotion, so also close to the start); lowering it never cancels a confirmed family,
    it only stops new confirmations until enough seats are free.

    Guarantees: 1 to 1,000 people and 1 to 500 families (``SignupError`` otherwise, the
    database holds the same bounds); the change and the parties it promoted are logged
    with ``actor`` in the audit trail.
    """
    if people < 1 or (families is not None and families < 1):
        raise SignupError(_("Capacity must be at least 1."))
    if people > MAX_CAPACITY_PEOPLE or (families is not None and families > MAX_CAPACITY_FAMILIES):
        raise SignupError(
            _("At most %(people)s people and %(families)s families.")
            % {"people": MAX_CAPACITY_PEOPLE, "families": MAX_CAPACITY_FAMILIES}
        )
    now = now or timezone.now()
    with transaction.atomic():
        event = lock_event(event.pk)
        before = (event.capacity_people, event.capacity_families)
        event.capacity_people = people
        event.capacity_families = families
        event.save(update_fields=["capacity_people", "capacity_families", "updated_at"])
        promoted = promote_fitting(event, now, by_hand=True)
        audit.record_coordinator_action(
            actor,
            audit.CAPACITY,
            event.pk,
            people=[before[0], people],
            families=[before[1], families],
            promoted=[registration.pk for registration in promoted],
        )
    return event


def cancel_event(event, *, notice="", actor=None):
    """Cancel the session: every active registration is cancelled (marked
    ``cancelled_with_session``, so the family keeps seeing it as cancelled) and every
    family is emailed (with the coordinator's ``notice``). Cancelling twice is harmless.
    The cancellation is logged with ``actor`` (and the notice) in the audit trail."""
    with transaction.atomic():
        event = lock_event(event.pk)
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
            registration.cancelled_with_session = True
            registration.save(
                update_fields=["status", "queued_at", "cancelled_with_session", "updated_at"]
            )
            notifications.notify(
                registration,
                "event_cancelled",
                notice=notice,
                events_url=notifications.site_url("/events/"),
            )
        audit.record_coordinator_action(
            actor,
            audit.CANCEL_EVENT,
            event.pk,
            reason=notice,
            registrations=[registration.pk for registration in registrations],
        )
    return event


def update_event_details(event, *, changes, facilitators=None):
    """Apply a coordinator's edit of an event's details (title, time, place, rules).

    Guarantees: one transaction with the event row locked; only the edited fields are
    written, so a capacity or status change made meanwhile through the roster is never
    overwritten; families are told once when the time or place moved
    (``event_details_changed``). Returns the saved event.
    """
    with transaction.atomic():
        current = lock_event(event.pk)
        previous = copy.copy(current)
        for name, value in changes.items():
            setattr(current, name, value)
        if changes:
            current.save(update_fields=list(changes))
        if facilitators is not None:
            current.facilitators.set(facilitators)
        event_details_changed(current, previous)
    return current


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


def mark_attendance(registration, *, attended_people, actor=None, now=None):
    """Record how many of the party came (0 marks a no-show).

    Guarantees: only from the start of the session (``SignupError`` before); only
    confirmed (or already marked) registrations; never more than the party (also a
    database check); logged with ``actor`` in the audit trail.
    """
    now = now or timezone.now()
    with transaction.atomic():
        event = lock_event(registration.event_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if now < event.starts_at:
            raise SignupError(_("Attendance can be marked from the start of the session."))
        if registration.status not in SEAT_HOLDING:
            raise SignupError(_("Only confirmed families can be marked as attended."))
        if attended_people < 0 or attended_people > registration.party_size:
            raise SignupError(
                _("Between 0 and %(size)s people.") % {"size": registration.party_size}
            )
        previous = registration.attended_people
        registration.attended_people = attended_people
        registration.status = (
            RegistrationStatus.ATTENDED if attended_people else RegistrationStatus.NO_SHOW
        )
        registration.save(update_fields=["attended_people", "status", "updated_at"])
        audit.record_coordinator_action(
            actor,
            audit.ATTENDANCE,
            event.pk,
            registration=registration,
            attended_people=[previous, attended_people],
        )
    return registration


def move_registration(registration, to_event, *, actor=None, now=None):
    """Move a family to another date: confirmed there if the party fits, else waitlisted
    (behind those already waiting); the old seat goes to the old date's waitlist.

    Guarantees: both events locked in primary-key order; no overbooking on either; the
    family is emailed; ``AlreadyRegistered`` when the family already has that date;
    ``PartyTooLarge`` when the party is larger than that date allows (the family keeps
    its seat); logged with ``actor`` in the audit trail of the old date.
    """
    now = now or timezone.now()
    with transaction.atomic():
        events = lock_events([registration.event_id, to_event.pk])
        source, target = events[registration.event_id], events[to_event.pk]
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status not in (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED):
            raise SignupError(_("Only active sign-ups can be moved."))
        if source.pk == target.pk:
            return registration
        if target.status != EventStatus.SCHEDULED or now >= target.starts_at:
            raise RegistrationClosed(_("That date is not open."))
        if active_registration(target, registration.user) is not None:
            raise AlreadyRegistered(_("This family is already signed up for that date."))
        check_party(target, registration.party_size)
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
        moved = place_party(target, registration.user, registration.party_size, needs, now)
        notifications.notify(
            moved,
            "moved",
            previous_when=notifications.when(source),
            position=waitlist_position(moved),
        )
        promoted = promote_fitting(source, now) if was_holding_seats else []
        audit.record_coordinator_action(
            actor,
            audit.MOVE,
            source.pk,
            registration=moved,
            moved_from=registration.pk,
            to_event=target.pk,
            status=moved.status,
            promoted=[other.pk for other in promoted],
        )
    return moved
