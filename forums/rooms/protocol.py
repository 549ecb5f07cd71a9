"""The peer-room frames (/ws/rooms/<slug>/, /ws/moderation/): what a client may send and
what the server sends."""

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from forums.live.protocol import ClientFrame, FrameSet, PingFrame

# ======================================================================================
# Peer-support rooms (issue 6): client frames of /ws/rooms/<slug>/.
# ======================================================================================
RoomBody = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
ModeratorReason = Annotated[str, StringConstraints(max_length=500)]
ObjectId = Annotated[int, Field(ge=1, le=2**62)]


class RoomMessageSend(ClientFrame):
    type: Literal["message.send"]
    body: RoomBody
    reply_to: ObjectId | None = None
    checkin: bool = False  # moderators only: a pinned check-in message


class RoomMessageEdit(ClientFrame):
    type: Literal["message.edit"]
    message_id: ObjectId
    body: RoomBody


class RoomMessageDelete(ClientFrame):
    type: Literal["message.delete"]
    message_id: ObjectId


class RoomMessageFlag(ClientFrame):
    type: Literal["message.flag"]
    message_id: ObjectId
    reason: Literal["harassment", "identifying", "medical", "crisis", "spam", "other"]
    note: Annotated[str, StringConstraints(max_length=500)] = ""


class RoomMessagesBefore(ClientFrame):
    type: Literal["messages.before"]
    before_id: ObjectId


class RoomGuidelinesAccept(ClientFrame):
    type: Literal["guidelines.accept"]


class RoomMemberHide(ClientFrame):
    type: Literal["member.hide"]
    member_id: ObjectId
    hidden: bool = True


class RoomMessageRemove(ClientFrame):
    type: Literal["message.remove"]
    message_id: ObjectId
    reason: Annotated[str, StringConstraints(min_length=1, max_length=500)]


class RoomMessageRelease(ClientFrame):
    type: Literal["message.release"]
    message_id: ObjectId


class RoomMemberMute(ClientFrame):
    type: Literal["member.mute"]
    member_id: ObjectId
    minutes: Annotated[int, Field(ge=0, le=7 * 24 * 60)]
    reason: ModeratorReason = ""


class RoomMemberBan(ClientFrame):
    type: Literal["member.ban"]
    member_id: ObjectId
    reason: Annotated[str, StringConstraints(min_length=1, max_length=500)]


class RoomMemberIdentify(ClientFrame):
    type: Literal["member.identify"]
    member_id: ObjectId


class RoomSlowMode(ClientFrame):
    type: Literal["room.slow_mode"]
    seconds: Annotated[int, Field(ge=0, le=3600)]


class RoomOpen(ClientFrame):
    type: Literal["room.open"]


class RoomClose(ClientFrame):
    type: Literal["room.close"]
    reason: ModeratorReason = ""


class RoomMessagePin(ClientFrame):
    type: Literal["message.pin"]
    message_id: ObjectId
    pinned: bool = True


QUEUE_FRAMES = FrameSet(PingFrame)  # the review queue only listens

ROOM_FRAMES = FrameSet(
    PingFrame,
    RoomMessageSend,
    RoomMessageEdit,
    RoomMessageDelete,
    RoomMessageFlag,
    RoomMessagesBefore,
    RoomGuidelinesAccept,
    RoomMemberHide,
    RoomMessageRemove,
    RoomMessageRelease,
    RoomMemberMute,
    RoomMemberBan,
    RoomMemberIdentify,
    RoomSlowMode,
    RoomOpen,
    RoomClose,
    RoomMessagePin,
)
