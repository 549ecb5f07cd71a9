"""The moderators' review queue across the rooms a moderator moderates, and the frame
that tells open queue pages it changed.

A moderator's queue holds the rooms it leads (a superuser's every room): a held message,
a report or a crisis hold of another room is neither listed nor announced to it.
"""

from forums import live
from forums.models import Flag, Message
from forums.rooms.protocol import QueueChangedFrame
from forums.rooms.services.access import ALL_ROOMS, moderated_rooms

QUEUE_TOPIC = "moderation.queue"  # review-queue pages listen here (moderators only)
EVERY_ROOM = "rooms:all"  # the queue socket tag of a superuser (every room's changes)


def lead_tag(room_id):
    """The queue socket tag of a room's moderators: that room's changes reach them."""
    return f"lead:{room_id}"


def queue_tags(scope):
    """The audience tags of a review-queue socket moderating ``scope``
    (``access.moderation_scope``: ``ALL_ROOMS`` or room ids)."""
    if scope == ALL_ROOMS:
        return frozenset({EVERY_ROOM})
    return frozenset(lead_tag(room_id) for room_id in scope)


def queue_changed(room_id=None, *, urgent=False):
    """Tell open review-queue pages of ``room_id``'s moderators (and superusers) to
    fetch the queue again (after the commit). Without a room (an erased account's
    words across rooms) every open queue page is told; the frame carries nothing but
    whether a crisis hold arrived."""
    audience = None if room_id is None else [EVERY_ROOM, lead_tag(room_id)]
    live.broadcast_on_commit(QUEUE_TOPIC, QueueChangedFrame(urgent=bool(urgent)), audience=audience)


def review_queue(user):
    """The queue across the rooms ``user`` moderates, urgent first: crisis holds, then
    flags, then other holds. Empty for a moderator who leads no room; nobody else may
    see it (the page and the socket refuse them first)."""
    rooms = moderated_rooms(user)
    held = list(
        Message.objects.filter(state=Message.State.HELD, room__in=rooms)
        .select_related("room", "author__profile", "membership")
        .order_by("created_at")
    )
    flagged = {}
    for flag in (
        Flag.objects.filter(
            resolved_at__isnull=True,
            message__state=Message.State.VISIBLE,
            message__room__in=rooms,
        )
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
