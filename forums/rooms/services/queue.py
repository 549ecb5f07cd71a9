"""The moderators' review queue across rooms, and the frame that tells open queue pages
it changed."""

from forums import live
from forums.models import Flag, Message
from forums.rooms.protocol import QueueChangedFrame
from forums.rooms.services.access import require_moderator

QUEUE_TOPIC = "moderation.queue"  # review-queue pages listen here (moderators only)


def queue_changed(*, urgent=False):
    """Tell open review-queue pages to fetch the queue again (after the commit)."""
    live.broadcast_on_commit(QUEUE_TOPIC, QueueChangedFrame(urgent=bool(urgent)))


def review_queue(user):
    """The queue across rooms, urgent first: crisis holds, then flags, then other holds."""
    require_moderator(user)
    held = list(
        Message.objects.filter(state=Message.State.HELD)
        .select_related("room", "author__profile", "membership")
        .order_by("created_at")
    )
    flagged = {}
    for flag in (
        Flag.objects.filter(resolved_at__isnull=True, message__state=Message.State.VISIBLE)
        .select_related("message__room", "message__author__profile", "reporter__profile")
        .order_by("created_at")
    ):
        flagged.setdefault(flag.message_id, {"message": flag.message, "flags": []})["flags"].append(
            flag
        )
    return {
        "crisis": [m for m in held if m.urgent],
        "flags": list(flagged.values()),
        "held": [m for m in held if not m.urgent],
    }
