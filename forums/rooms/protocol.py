"""The peer-room frames (/ws/rooms/<slug>/, /ws/moderation/): what a client may send and
what the server sends.

Server frames are built by the services (``forums.rooms.services``), the signals and the
consumers, and serialised with the fields they were built with
(``forums.live.protocol.encode``): an optional field left out is absent from the JSON.
``ROOM_SERVER_FRAMES`` and ``QUEUE_SERVER_FRAMES`` list what each endpoint sends; the
tests check every broadcast against them and rooms.js / queue.js against both.
"""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from forums.live.protocol import (
    SHARED_SERVER_FRAMES,
    AckFrame,
    ClientFrame,
    ErrorFrame,
    FrameSet,
    PingFrame,
    PongFrame,
    ServerFrame,
    ServerFrames,
)

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


# ======================================================================================
# Server frames of /ws/rooms/<slug>/ and /ws/moderation/.
# ======================================================================================
class FrameData(BaseModel):
    """Data nested in a frame: every field is always sent."""

    model_config = ConfigDict(extra="forbid")


class RepliedTo(FrameData):
    """The message a reply answers: its author's pseudonym and the start of its text
    (empty once it is no longer visible)."""

    id: int
    author: str
    excerpt: str


class MessageData(FrameData):
    """A message as every permitted viewer sees it: a pseudonym and a per-room member id
    (the membership's id), never an account id. ``body`` is empty once removed;
    ``hold_kinds`` says why a held message waits (empty otherwise), ``urgent`` that it
    is held for crisis language."""

    id: int
    author: str
    member_id: int | None
    moderator: bool
    body: str
    reply_to: RepliedTo | None
    created: str
    edited: str | None
    state: Literal["visible", "held", "removed"]
    urgent: bool
    hold_kinds: list[str]
    checkin: bool
    pinned: bool


class RoomData(FrameData):
    """A room's state: open means members may post now (state and open hours)."""

    slug: str
    name: str
    state: Literal["open", "closed", "archived"]
    open: bool
    closed_reason: str
    opens_next: str | None
    slow_mode: int
    guidelines_changed: str | None


class MembershipData(FrameData):
    """The socket's own membership: the members it hid are listed by member id."""

    member_id: int | None
    name: str
    moderator: bool
    guidelines_accepted: bool
    muted_until: str | None
    hidden: list[int]


class RoomSnapshotFrame(ServerFrame):
    """Sent on connecting: the room, my membership and the messages I may see (none
    before the guidelines are accepted). Resuming (``?after=<id>``): ``messages`` after
    that id, ``changed`` recent ones to replace, ``gone`` ids to drop, ``gap`` when
    more arrived than one snapshot holds."""

    type: Literal["snapshot"] = "snapshot"
    room: RoomData
    membership: MembershipData
    messages: list[MessageData]
    pinned: list[MessageData]
    gap: bool
    has_more: bool
    changed: list[MessageData]
    gone: list[int]


class RoomAckFrame(AckFrame):
    """A committed room action. A message sent or edited says its ``state`` and, when
    held, whether for a crisis (``crisis``) and why (``explanation``); a crisis report
    says ``crisis`` and ``explanation``; hiding a member lists who I hide."""

    state: Literal["visible", "held", "removed"] | None = None
    crisis: bool | None = None
    explanation: str | None = None
    hidden: list[int] | None = None


class MessageAddedFrame(ServerFrame):
    """A message to show (new, or released from review)."""

    type: Literal["message.added"] = "message.added"
    message: MessageData


class MessageUpdatedFrame(ServerFrame):
    """A message to show again in place (edited, pinned or unpinned)."""

    type: Literal["message.updated"] = "message.updated"
    message: MessageData


class MessageRemovedFrame(ServerFrame):
    """A message to drop (removed, deleted by its author, or held after an edit)."""

    type: Literal["message.removed"] = "message.removed"
    id: int


class MessagesPageFrame(ServerFrame):
    """The answer to ``messages.before``: older messages, oldest first."""

    type: Literal["messages.page"] = "messages.page"
    before_id: int
    messages: list[MessageData]
    has_more: bool
    client_ref: str | None = None


class RoomUpdatedFrame(ServerFrame):
    """The room's state changed (slow mode, opened, closed, edited in admin)."""

    type: Literal["room.updated"] = "room.updated"
    room: RoomData


class MembershipUpdatedFrame(ServerFrame):
    """My membership changed: a moderator muted me (or lifted the mute), I hid or showed
    a member, I joined by posting."""

    type: Literal["membership.updated"] = "membership.updated"
    membership: MembershipData


class MemberMutedFrame(ServerFrame):
    """For moderators: a member was muted for ``minutes`` (0: the mute was lifted)."""

    type: Literal["member.muted"] = "member.muted"
    member_id: int
    minutes: int


class MemberBannedFrame(ServerFrame):
    """For moderators: a member was banned (their sockets close)."""

    type: Literal["member.banned"] = "member.banned"
    member_id: int


class FlagAddedFrame(ServerFrame):
    """For moderators: a member reported a message."""

    type: Literal["flag.added"] = "flag.added"
    message_id: int
    reason: str


class CrisisAlertFrame(ServerFrame):
    """For moderators: a crisis hold (or a crisis report) waits in this room."""

    type: Literal["alert"] = "alert"
    kind: Literal["crisis"] = "crisis"
    message_id: int
    room: str


class MemberIdentityFrame(ServerFrame):
    """For the moderator who asked (logged): the account behind a pseudonym."""

    type: Literal["member.identity"] = "member.identity"
    member_id: int
    name: str
    account_id: int
    email: str
    joined: str
    muted_until: str | None
    banned: bool
    client_ref: str | None = None


class QueueSnapshotFrame(ServerFrame):
    """Sent on connecting to /ws/moderation/: the page fetches the queue over HTTP."""

    type: Literal["snapshot"] = "snapshot"


class QueueChangedFrame(ServerFrame):
    """The review queue changed (``urgent``: a crisis hold arrived); no names, no text."""

    type: Literal["queue.changed"] = "queue.changed"
    urgent: bool


ROOM_SERVER_FRAMES = ServerFrames(
    *SHARED_SERVER_FRAMES,
    RoomSnapshotFrame,
    RoomAckFrame,
    MessageAddedFrame,
    MessageUpdatedFrame,
    MessageRemovedFrame,
    MessagesPageFrame,
    RoomUpdatedFrame,
    MembershipUpdatedFrame,
    MemberMutedFrame,
    MemberBannedFrame,
    FlagAddedFrame,
    CrisisAlertFrame,
    MemberIdentityFrame,
)

# Queue pages say nothing about who is here: the consumer drops presence frames.
QUEUE_SERVER_FRAMES = ServerFrames(ErrorFrame, PongFrame, QueueSnapshotFrame, QueueChangedFrame)
