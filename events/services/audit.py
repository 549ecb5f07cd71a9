"""Coordinators' actions in the portal's one audit trail of staff actions.

Promotions, moves, capacity changes, cancellations and attendance are written with
their actor, in the same transaction as the change, to the trail the moderators' actions
already use (``portal.audit``, which forums registers), with the context
``event:<id>``. Like every entry there, a record carries ids and counts, and the
coordinator's own words at most: never what a family typed.
"""

from portal import audit as portal_audit

EVENT_CONTEXT_PREFIX = "event:"

PROMOTE = "event.promote"
MOVE = "event.registration.move"
CANCEL_REGISTRATION = "event.registration.cancel"
CAPACITY = "event.capacity"
CANCEL_EVENT = "event.cancel"
ATTENDANCE = "event.attendance"
# Coordinators' (and administrators') edits in Wagtail admin.
EVENT_CREATE = "event.create"
EVENT_EDIT = "event.edit"
EVENT_DELETE = "event.delete"
SERIES_CREATE = "event.series.create"
SERIES_EDIT = "event.series.edit"
SERIES_DELETE = "event.series.delete"


def event_context(event_id):
    return f"{EVENT_CONTEXT_PREFIX}{event_id}"


def series_context(series_id):
    """A series' entries: in the coordinators' log (the ``event:`` prefix), no event's."""
    return f"{EVENT_CONTEXT_PREFIX}series-{series_id}"


def record_series_action(actor, action, series_id, **details):
    """Log one coordinator action on a series (inside the action's transaction)."""
    return portal_audit.record(
        actor,
        action,
        context=series_context(series_id),
        target_type="series",
        target_id=series_id,
        details=details,
    )


def record_coordinator_action(actor, action, event_id, *, registration=None, reason="", **details):
    """Log one coordinator action on an event (call inside the action's transaction, so
    both or neither are saved). ``registration`` names the family's sign-up concerned."""
    return portal_audit.record(
        actor,
        action,
        context=event_context(event_id),
        target_type="registration" if registration is not None else "event",
        target_id=registration.pk if registration is not None else event_id,
        subject=registration.user if registration is not None else None,
        reason=reason,
        details=details,
    )
