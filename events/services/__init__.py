"""Every change to events and registrations. Views, admin and commands call these.

One module per actor: ``registrations`` (families), ``coordinators``, ``series``,
``reminders``, ``family_data`` (calendar feed, privacy); ``seats`` holds the shared
counting, locking and waitlist rule, ``audit`` the record of every coordinator action
(with its actor, in the action's transaction).

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

from events.services.coordinators import (
    cancel_event,
    change_capacity,
    event_details_changed,
    mark_attendance,
    move_registration,
    update_event_details,
)
from events.services.family_data import (
    calendar_feed_for,
    erase_registrations,
    export_registrations,
    revoke_calendar_feed,
)
from events.services.registrations import (
    cancel_registration,
    change_party_size,
    promote_by_hand,
    promote_waitlist,
    register,
)
from events.services.reminders import (
    send_due_reminders,
)
from events.services.seats import (
    FEW_SEATS,
    NO_NEEDS,
    AlreadyRegistered,
    CohortFull,
    Needs,
    NotEnoughSeats,
    Occupancy,
    PartyTooLarge,
    RegistrationClosed,
    SignupError,
    active_registration,
    check_open,
    check_party,
    lock_event,
    lock_events,
    newcomer_fits,
    notify_placed,
    occupancy,
    place_party,
    promote_fitting,
    waitlist_position,
)
from events.services.series import (
    enrol_in_cohort,
    register_for_remaining_dates,
    series_occurrences,
    series_rule,
    sync_series,
)

__all__ = [
    "NO_NEEDS",
    "AlreadyRegistered",
    "CohortFull",
    "FEW_SEATS",
    "Needs",
    "NotEnoughSeats",
    "Occupancy",
    "PartyTooLarge",
    "RegistrationClosed",
    "SignupError",
    "active_registration",
    "check_open",
    "check_party",
    "lock_event",
    "lock_events",
    "newcomer_fits",
    "notify_placed",
    "occupancy",
    "place_party",
    "promote_fitting",
    "waitlist_position",
    "cancel_registration",
    "change_party_size",
    "promote_by_hand",
    "promote_waitlist",
    "register",
    "cancel_event",
    "change_capacity",
    "event_details_changed",
    "update_event_details",
    "mark_attendance",
    "move_registration",
    "enrol_in_cohort",
    "register_for_remaining_dates",
    "series_occurrences",
    "series_rule",
    "sync_series",
    "send_due_reminders",
    "calendar_feed_for",
    "erase_registrations",
    "export_registrations",
    "revoke_calendar_feed",
]
