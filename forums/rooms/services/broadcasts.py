"""The frames a change of a room sends, and who receives them: held messages reach only
their author and the room's moderators (audience ``["moderators", "user:<id>"]``: a
room socket holds the ``moderators`` tag only when its account moderates that room). Every
frame is a model of ``forums.rooms.protocol``, sent after the commit."""

from django.urls import reverse

from forums import live
from forums.live import moderation
from forums.models import Message
from forums.rooms.protocol import (
    CrisisAlertFrame,
    FlagAddedFrame,
    MemberBannedFrame,
    MemberMutedFrame,
    MembershipUpdatedFrame,
    MessageRemovedFrame,
    RoomUpdatedFrame,
)
from forums.rooms.services.access import (
    MODERATOR_AUDIENCE,
    author_tag,
    is_moderator,
    lead_candidates,
)
from forums.rooms.services.snapshot import (
    membership_frame_data,
    message_frame_data,
    room_frame_data,
)

BAN = {"kind": "ban"}  # the control message that closes a banned member's sockets
GUIDELINES_RENEWED = {"kind": "guidelines"}  # members' sockets reconnect to accept them


def audience_for(message):
    """Everyone for a visible message; its author and the moderators otherwise."""
    if message.state == Message.State.VISIBLE:
        return None
    return [MODERATOR_AUDIENCE, author_tag(message.author_id)]


def broadcast_message(room, frame_model, message):
    """``message.added`` or ``message.updated`` (``frame_model``) to those who may see it."""
    live.broadcast_on_commit(
        room.topic, frame_model(message=message_frame_data(message)), audience=audience_for(message)
    )


def message_removed(room, message, *, audience=None):
    live.broadcast_on_commit(room.topic, MessageRemovedFrame(id=message.pk), audience=audience)


def alert_moderators(room, message):
    """A crisis hold (or report): the room's moderators in the room now, its leads by
    email (superusers who lead no room see it in the room and the queue)."""
    live.broadcast_on_commit(
        room.topic,
        CrisisAlertFrame(kind="crisis", message_id=message.pk, room=room.slug),
        audience=[MODERATOR_AUDIENCE],
    )
    # Leads who are moderators now: an account listed before it left the role (or a
    # family member listed before the admin form refused one) is not alerted.
    leads = [lead.email for lead in lead_candidates().filter(moderated_rooms=room) if lead.email]
    moderation.email_crisis_alert(leads, where=room.name, path=reverse("forums:queue"))


def flag_added(room, flag):
    live.broadcast_on_commit(
        room.topic,
        FlagAddedFrame(message_id=flag.message_id, reason=flag.reason),
        audience=[MODERATOR_AUDIENCE],
    )


def membership_updated(room, membership):
    """The member's own membership, to the member's sockets."""
    account = membership.account
    live.broadcast_on_commit(
        room.topic,
        MembershipUpdatedFrame(
            membership=membership_frame_data(room, membership, account, is_moderator(account, room))
        ),
        audience=[author_tag(membership.account_id)],
    )


def member_muted(room, membership, minutes):
    live.broadcast_on_commit(
        room.topic,
        MemberMutedFrame(member_id=membership.pk, minutes=minutes),
        audience=[MODERATOR_AUDIENCE],
    )


def member_banned(room, membership):
    """The banned member's sockets close (a control message); moderators are told."""
    live.broadcast_on_commit(room.topic, control=BAN, audience=[author_tag(membership.account_id)])
    live.broadcast_on_commit(
        room.topic, MemberBannedFrame(member_id=membership.pk), audience=[MODERATOR_AUDIENCE]
    )


def room_updated(room):
    live.broadcast_on_commit(room.topic, RoomUpdatedFrame(room=room_frame_data(room)))
