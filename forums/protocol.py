"""The websocket frames, in one place: what a client may send and what the server sends.

Every frame is a JSON object with a ``type``. Client frames are pydantic models joined
in a discriminated union per endpoint (live Q&A, peer rooms); ``parse_client_frame``
turns raw text into one of them or raises :class:`ProtocolError` with a stable code,
which the consumer answers with an ``error`` frame while the connection stays open.

Server frames are built by the ``*_frame`` functions below and by each feature's own
section, and serialised once per broadcast with :func:`encode` (a broadcast to a
thousand sockets is one ``json.dumps``, not a thousand).

Error codes are part of the protocol: clients and tests rely on them.
"""

import json
from typing import Annotated, Any, Literal, Union, get_args

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter, ValidationError

# --- Stable error codes -----------------------------------------------------------------
MALFORMED = "malformed"  # not JSON, or not a JSON object
TOO_LARGE = "too_large"  # the frame itself is larger than MAX_FRAME_BYTES
UNKNOWN_TYPE = "unknown_type"  # no such frame type on this endpoint
INVALID = "invalid"  # a field is missing, of the wrong type or out of range
FORBIDDEN = "forbidden"  # the account may not do this (e.g. not a moderator)
LOGIN_REQUIRED = "login_required"  # visitors can watch; acting needs an account
RATE_LIMITED = "rate_limited"  # too many actions; ``retry_after`` seconds says when
NOT_FOUND = "not_found"  # the question / message / member does not exist here
CONFLICT = "conflict"  # the action does not fit the current state (e.g. session closed)
BLOCKED = "blocked"  # refused by word screening; ``message`` gives the reason
SERVER_ERROR = "server_error"  # our fault; nothing was changed

# A question is at most a few thousand characters; anything far larger is abuse.
MAX_FRAME_BYTES = 16 * 1024

ClientRef = Annotated[str, StringConstraints(min_length=1, max_length=64, strip_whitespace=True)]


class ProtocolError(Exception):
    """A client frame the server refuses; becomes an ``error`` frame."""

    def __init__(self, code, message, *, client_ref=None, fields=None, retry_after=None):
        super().__init__(message)
        self.code = code
        self.message = str(message)
        self.client_ref = client_ref
        self.fields = fields
        self.retry_after = retry_after

    def frame(self):
        return error_frame(
            self.code,
            self.message,
            client_ref=self.client_ref,
            fields=self.fields,
            retry_after=self.retry_after,
        )


class ClientFrame(BaseModel):
    """Base of every client frame: unknown fields are refused, ``client_ref`` optional."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)

    client_ref: ClientRef | None = None


class FrameSet:
    """The client frames one endpoint accepts: a discriminated union on ``type``."""

    def __init__(self, *frame_models):
        self.models = {
            get_args(model.model_fields["type"].annotation)[0]: model for model in frame_models
        }
        self.adapter = TypeAdapter(Annotated[Union[frame_models], Field(discriminator="type")])  # noqa: UP007

    @property
    def types(self):
        return frozenset(self.models)


def parse_client_frame(text, frames):
    """Validate ``text`` against the :class:`FrameSet` ``frames``; return the frame model.

    Raises :class:`ProtocolError` with a stable code for anything else.
    """
    if text is None:
        raise ProtocolError(MALFORMED, "Send text frames holding a JSON object.")
    if len(text) > MAX_FRAME_BYTES:
        raise ProtocolError(TOO_LARGE, "That frame is too large.")
    try:
        data = json.loads(text)
    except ValueError:
        raise ProtocolError(MALFORMED, "That frame is not valid JSON.") from None
    if not isinstance(data, dict):
        raise ProtocolError(MALFORMED, "Send a JSON object with a type.")
    client_ref = data.get("client_ref")
    if not isinstance(client_ref, str) or not 0 < len(client_ref) <= 64:
        client_ref = None
    frame_type = data.get("type")
    if not isinstance(frame_type, str) or frame_type not in frames.models:
        raise ProtocolError(UNKNOWN_TYPE, "Unknown frame type.", client_ref=client_ref)
    try:
        return frames.adapter.validate_python(data)
    except ValidationError as error:
        fields = {}
        for problem in error.errors(include_url=False, include_input=False):
            location = ".".join(str(part) for part in problem["loc"][1:]) or "frame"
            fields.setdefault(location, problem["msg"])
        raise ProtocolError(
            INVALID, "Some fields are missing or invalid.", client_ref=client_ref, fields=fields
        ) from None


# --- Server frames shared by every endpoint ---------------------------------------------
def encode(frame):
    """Serialise a server frame (a dict) once; the text goes to every recipient."""
    return json.dumps(frame, ensure_ascii=False, separators=(",", ":"), default=str)


def error_frame(code, message, *, client_ref=None, fields=None, retry_after=None):
    frame: dict[str, Any] = {"type": "error", "code": code, "message": str(message)}
    if client_ref is not None:
        frame["client_ref"] = client_ref
    if fields:
        frame["fields"] = fields
    if retry_after is not None:
        frame["retry_after"] = retry_after
    return frame


def ack_frame(client_ref, object_id, **extra):
    """Sent only after the row is committed: an acknowledged item is never lost."""
    return {"type": "ack", "client_ref": client_ref, "id": object_id, **extra}


def presence_frame(count, members=None):
    frame: dict[str, Any] = {"type": "presence", "count": count}
    if members is not None:
        frame["members"] = members
    return frame


Ping = Literal["ping"]


class PingFrame(ClientFrame):
    """``{"type": "ping"}`` → ``{"type": "pong"}``; lets a client check a quiet socket."""

    type: Ping


# ======================================================================================
# Live Q&A frames (/ws/qa/<slug>/)
# ======================================================================================
QuestionId = Annotated[int, Field(gt=0, lt=2**63)]
QuestionText = Annotated[str, StringConstraints(min_length=1, max_length=4000)]
Reason = Annotated[str, StringConstraints(max_length=300)]


class QuestionAskFrame(ClientFrame):
    """Ask a question; answered with ``ack {client_ref, id, state}`` once it is stored."""

    type: Literal["question.ask"]
    text: QuestionText
    anonymous: bool = False
    client_ref: ClientRef


class QuestionVoteFrame(ClientFrame):
    type: Literal["question.vote"]
    question_id: QuestionId
    up: bool


class QuestionApproveFrame(ClientFrame):
    type: Literal["question.approve"]
    question_id: QuestionId


class QuestionRejectFrame(ClientFrame):
    type: Literal["question.reject"]
    question_id: QuestionId
    reason: Reason = ""


class QuestionEditFrame(ClientFrame):
    type: Literal["question.edit"]
    question_id: QuestionId
    text: QuestionText
    approve: bool = False


class QuestionPinFrame(ClientFrame):
    type: Literal["question.pin"]
    question_id: QuestionId
    pinned: bool = True


class QuestionAnswerFrame(ClientFrame):
    type: Literal["question.answer"]
    question_id: QuestionId
    answer: Annotated[str, StringConstraints(max_length=4000)] = ""


class QuestionHideFrame(ClientFrame):
    type: Literal["question.hide"]
    question_id: QuestionId
    reason: Reason = ""


class SessionOpenFrame(ClientFrame):
    type: Literal["session.open"]


class SessionCloseFrame(ClientFrame):
    type: Literal["session.close"]


QA_FRAMES = FrameSet(
    PingFrame,
    QuestionAskFrame,
    QuestionVoteFrame,
    QuestionApproveFrame,
    QuestionRejectFrame,
    QuestionEditFrame,
    QuestionPinFrame,
    QuestionAnswerFrame,
    QuestionHideFrame,
    SessionOpenFrame,
    SessionCloseFrame,
)
QA_MODERATOR_FRAMES = frozenset(QA_FRAMES.types) - {"ping", "question.ask", "question.vote"}


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
