"""The frames a change of a room sends, and who receives them: held messages reach only
their author and the moderators (audience ``["moderators", "user:<id>"]``)."""

from django.urls import reverse

from forums import live
from forums.live import moderation
from forums.models import Message
from forums.rooms.services.access import MODERATOR_AUDIENCE, author_tag
from forums.rooms.services.snapshot import message_frame_data, room_frame_data


def audience_for(message):
    if message.state == Message.State.VISIBLE:
        return None
    return [MODERATOR_AUDIENCE, author_tag(message.author_id)]


def broadcast_message(room, frame_type, message):
    live.broadcast_on_commit(
        room.topic,
        {"type": frame_type, "message": message_frame_data(message)},
        audience=audience_for(message),
    )


def alert_moderators(room, message):
    live.broadcast_on_commit(
        room.topic,
        {"type": "alert", "kind": "crisis", "message_id": message.pk, "room": room.slug},
        audience=[MODERATOR_AUDIENCE],
    )
    leads = [lead.email for lead in room.moderators.filter(is_active=True) if lead.email]
    moderation.email_crisis_alert(leads, where=room.name, path=reverse("forums:queue"))


def room_updated(room):
    live.broadcast_on_commit(room.topic, {"type": "room.updated", "room": room_frame_data(room)})
