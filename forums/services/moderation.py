"""What live Q&A and peer rooms share: the moderation log and word screening."""

from forums import screening
from forums.models import ModerationAction, WatchedWord


def record_action(
    actor, action, *, context, target_type, target_id=None, subject=None, reason="", details=None
):
    """Log one moderator action (call inside the action's transaction, so both or neither
    are saved). ``reason`` is the moderator's words; never pass the family's text."""
    return ModerationAction.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        context=context,
        target_type=target_type,
        target_id=target_id,
        subject=subject,
        reason=(reason or "")[:500],
        details=details or {},
    )


def screen_text(text, *, new_member=False, check_identifying=True):
    """Screen ``text`` with the built-in detectors and the moderators' watched words."""
    return screening.screen(
        text,
        watched=WatchedWord.terms(),
        new_member=new_member,
        check_identifying=check_identifying,
    )


def export_moderation(user):
    """A member's part of the moderation log: actions concerning them (not who acted)."""
    return [
        {
            "when": action.created_at.isoformat(),
            "action": action.action,
            "where": action.context,
            "reason": action.reason,
        }
        for action in ModerationAction.objects.filter(subject=user).order_by("created_at")
    ]


def erase_moderation(user):
    """Keep the log (other members' safety depends on it) without the erased person."""
    ModerationAction.objects.filter(subject=user).update(subject=None)
    ModerationAction.objects.filter(actor=user).update(actor=None)
