"""A member's room data for the privacy hub: export it, and erase it with the account."""

from forums.models import Flag, Message, RoomMembership
from forums.rooms.services.queue import queue_changed


def export_room_data(user):
    return {
        "room_messages": [
            {
                "room": message.room.name,
                "created": message.created_at.isoformat(),
                "edited": message.edited_at.isoformat() if message.edited_at else None,
                "state": message.state,
                "body": message.body,
            }
            for message in Message.objects.filter(author=user).select_related("room")
        ],
        "room_flags": [
            {
                "room": flag.message.room.name,
                "message_id": flag.message_id,
                "reason": flag.reason,
                "note": flag.note,
                "created": flag.created_at.isoformat(),
                "resolution": flag.resolution,
            }
            for flag in Flag.objects.filter(reporter=user).select_related("message__room")
        ],
        "room_memberships": [
            {
                "room": membership.room.name,
                "guidelines_accepted_at": membership.guidelines_accepted_at.isoformat()
                if membership.guidelines_accepted_at
                else None,
                "muted_until": membership.muted_until.isoformat()
                if membership.muted_until
                else None,
                "banned": membership.banned,
            }
            for membership in RoomMembership.objects.filter(account=user).select_related("room")
        ],
    }


def erase_room_data(user):
    """Messages stay (the conversation needs them) as "former member"; flags lose their
    reporter; memberships go."""
    Message.objects.filter(author=user).update(author=None, membership=None, client_ref=None)
    Flag.objects.filter(reporter=user).update(reporter=None)
    Flag.objects.filter(resolved_by=user).update(resolved_by=None)
    RoomMembership.objects.filter(banned_by=user).update(banned_by=None)
    RoomMembership.objects.filter(account=user).delete()
    queue_changed()  # held messages and flags in the queue now show "former member"
