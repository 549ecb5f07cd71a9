"""The portal's one audit trail of staff actions, as the core offers it to every app.

The trail's rows live with moderation (``forums.live.models.ModerationAction``), where it
began; forums registers how to write and read it when it is ready, so other apps
(events: coordinators' actions) write to the same trail without importing forums, as
``display_names.register_crisis_detector`` does for screening. An entry carries ids,
counts and the staff member's own words at most, never what a family typed.
"""

from django.core.exceptions import ImproperlyConfigured

_trail = {}


def register(*, record, entries):
    """``record(actor, action, *, context, target_type, target_id, subject, reason,
    details)`` writes one entry (inside the caller's transaction); ``entries()`` is the
    queryset of every entry."""
    _trail["record"] = record
    _trail["entries"] = entries


def _registered(name):
    try:
        return _trail[name]
    except KeyError:
        raise ImproperlyConfigured(
            "No audit trail is registered (forums registers it in its AppConfig.ready)."
        ) from None


def record(
    actor, action, *, context, target_type, target_id=None, subject=None, reason="", details=None
):
    """Log one staff action; call inside the action's transaction (both or neither)."""
    return _registered("record")(
        actor,
        action,
        context=context,
        target_type=target_type,
        target_id=target_id,
        subject=subject,
        reason=reason,
        details=details,
    )


def entries():
    """Every entry of the trail (a queryset, newest first)."""
    return _registered("entries")()
