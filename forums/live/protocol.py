"""The websocket frames, in one place: what a client may send and what the server sends.

Every frame is a JSON object with a ``type``. Client frames are pydantic models joined
in a discriminated union per endpoint (live Q&A, peer rooms); ``parse_client_frame``
turns raw text into one of them or raises :class:`ProtocolError` with a stable code,
which the consumer answers with an ``error`` frame while the connection stays open.

What a client may send, whatever the endpoint (the limits are documented in
docs/deploy.md, "Websocket limits"):

- a text frame of at most ``MAX_FRAME_BYTES`` bytes of UTF-8; a larger one is answered
  ``too_large`` and the socket stays open, up to ``MAX_MESSAGE_BYTES``, beyond which the
  consumer answers ``too_large`` and closes the socket (close code 4413);
- one JSON object: invalid JSON, ``NaN``/``Infinity`` and nesting deeper than the parser
  takes are ``malformed``, never a server error;
- fields of exactly their JSON type (strict validation): ``true`` is not an id, ``"5"``
  is not a number and ``"false"`` is not a boolean; such frames are ``invalid``;
- text without NUL characters or unpaired surrogates (PostgreSQL cannot store the
  first, UTF-8 cannot encode the second): ``invalid``, naming the field.

Server frames are built by the ``*_frame`` functions below and by each feature's own
section, and serialised once per broadcast with :func:`encode` (a broadcast to a
thousand sockets is one ``json.dumps``, not a thousand).

Error codes are part of the protocol: clients and tests rely on them.
"""

import json
import re
from typing import Annotated, Literal, Union, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    field_validator,
)
from pydantic_core import PydanticCustomError

from forums.live.errors import (  # noqa: F401  (the protocol's codes, re-exported)
    BLOCKED,
    CONFLICT,
    FORBIDDEN,
    INVALID,
    LOGIN_REQUIRED,
    MALFORMED,
    NOT_FOUND,
    RATE_LIMITED,
    SERVER_ERROR,
    TOO_LARGE,
    UNAVAILABLE,
    UNKNOWN_TYPE,
    ServiceError,
)

# A question is at most a few thousand characters; anything far larger is abuse. The
# limit counts bytes of UTF-8 (what the network carries), not characters; live.js refuses
# a larger frame before sending it (its MAX_FRAME_BYTES must stay equal, a test checks).
MAX_FRAME_BYTES = 16 * 1024
# Up to this size an over-limit frame is refused and the socket stays open (a page with a
# bug); beyond it no page of ours could have sent it, and the socket is closed. daphne's
# own --websocket-max-message-size (docs/deploy.md) must stay above it.
MAX_MESSAGE_BYTES = 64 * 1024

# Characters no text field takes: NUL (PostgreSQL cannot store it) and the surrogate
# halves, which JSON's \u escapes can produce alone but UTF-8 cannot encode.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")

ClientRef = Annotated[str, StringConstraints(min_length=1, max_length=64, strip_whitespace=True)]


class ProtocolError(ServiceError):
    """A client frame the protocol refuses before any service sees it."""


class ClientFrame(BaseModel):
    """Base of every client frame: unknown fields are refused, ``client_ref`` optional.

    Validation is strict (a field takes only its own JSON type, nothing is coerced), and
    no text field, in any frame of any feature, takes a NUL character or an unpaired
    surrogate.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False, strict=True)

    client_ref: ClientRef | None = None

    # After each field's own validation (pydantic takes no earlier validator on the
    # ``type`` discriminator), so the value is already of the field's type.
    @field_validator("*")
    @classmethod
    def _storable_text(cls, value):
        if _holds_unstorable_text(value):
            raise PydanticCustomError(
                "unstorable_character",
                "Must not contain NUL characters or unpaired surrogates.",
            )
        return value


def _holds_unstorable_text(value):
    if isinstance(value, str):
        return _UNSTORABLE.search(value) is not None
    if isinstance(value, dict):
        return any(_holds_unstorable_text(item) for item in (*value, *value.values()))
    if isinstance(value, list | tuple | set | frozenset):
        return any(_holds_unstorable_text(item) for item in value)
    if isinstance(value, BaseModel):
        return any(_holds_unstorable_text(item) for item in dict(value).values())
    return False


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


def frame_size(text=None, data=None):
    """The size in bytes of a websocket message as the network carried it (UTF-8 for a
    text frame). Text longer than ``MAX_MESSAGE_BYTES`` characters is not encoded: its
    length alone says it is too large."""
    if data is not None:
        return len(data)
    if text is None:
        return 0
    if len(text) > MAX_MESSAGE_BYTES:
        return len(text)
    # surrogatepass: a test client can hand over text no network frame could carry.
    return len(text.encode("utf-8", "surrogatepass"))


def _refuse_constant(name):
    raise ValueError(f"{name} is not JSON")


def parse_client_frame(text, frames):
    """Validate ``text`` against the :class:`FrameSet` ``frames``; return the frame model.

    Raises :class:`ProtocolError` with a stable code for anything else.
    """
    if text is None:
        raise ProtocolError(MALFORMED, "Send text frames holding a JSON object.")
    if frame_size(text) > MAX_FRAME_BYTES:
        raise ProtocolError(TOO_LARGE, "That frame is too large.")
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except ValueError:
        raise ProtocolError(MALFORMED, "That frame is not valid JSON.") from None
    except RecursionError:
        # "[[[[..." nested past the parser's depth: bad input, not our failure.
        raise ProtocolError(MALFORMED, "That frame is nested too deeply.") from None
    if not isinstance(data, dict):
        raise ProtocolError(MALFORMED, "Send a JSON object with a type.")
    client_ref = data.get("client_ref")
    if not isinstance(client_ref, str) or not 0 < len(client_ref) <= 64:
        client_ref = None
    frame_type = data.get("type")
    if not isinstance(frame_type, str) or frame_type not in frames.models:
        raise ProtocolError(UNKNOWN_TYPE, "Unknown frame type.", client_ref=client_ref)
    try:
        return frames.adapter.validate_python(data, strict=True)
    except ValidationError as error:
        fields = {}
        for problem in error.errors(include_url=False, include_input=False):
            location = ".".join(str(part) for part in problem["loc"][1:]) or "frame"
            fields.setdefault(location, problem["msg"])
        raise ProtocolError(
            INVALID, "Some fields are missing or invalid.", client_ref=client_ref, fields=fields
        ) from None


# --- Server frames ------------------------------------------------------------------------
class ServerFrame(BaseModel):
    """Base of every frame the server sends: a model per ``type``, in the feature's
    protocol module, listed in that endpoint's :class:`ServerFrames`.

    A frame is serialised once per broadcast (:func:`encode`) with the fields that were
    given when it was built (plus ``type``): an optional field left out is absent from
    the JSON, as clients expect.
    """

    model_config = ConfigDict(extra="forbid")

    def model_post_init(self, context):
        self.__pydantic_fields_set__.add("type")


class ServerFrames:
    """The frames one endpoint sends, by ``type``: the registry tests and clients check."""

    def __init__(self, *frame_models):
        self.models = {}
        for model in frame_models:
            frame_type = get_args(model.model_fields["type"].annotation)[0]
            if frame_type in self.models:
                raise ValueError(f"two server frames named {frame_type!r}")
            self.models[frame_type] = model

    @property
    def types(self):
        return frozenset(self.models)

    def validate(self, data):
        """The frame model for ``data`` (a decoded frame); raises if it does not fit."""
        model = self.models.get(data.get("type"))
        if model is None:
            raise ValueError(f"no server frame named {data.get('type')!r} on this endpoint")
        return model.model_validate(data)


def encode(frame):
    """Serialise a server frame once; the text goes to every recipient."""
    if isinstance(frame, BaseModel):
        return frame.model_dump_json(exclude_unset=True)
    return json.dumps(frame, ensure_ascii=False, separators=(",", ":"), default=str)


class ErrorFrame(ServerFrame):
    """A refused frame or action; the socket stays open. ``code`` is one of the stable
    codes above, ``fields`` names invalid fields, ``retry_after`` is in seconds."""

    type: Literal["error"] = "error"
    code: str
    message: str
    client_ref: str | None = None
    fields: dict[str, str] | None = None
    retry_after: int | None = None


class AckFrame(ServerFrame):
    """Sent only after the row is committed: an acknowledged item is never lost.
    Features subclass it to add what the client needs (e.g. the item's state)."""

    type: Literal["ack"] = "ack"
    client_ref: str | None
    id: int


class PongFrame(ServerFrame):
    """The answer to ``ping``."""

    type: Literal["pong"] = "pong"


class PresenceMember(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    moderator: bool


class PresenceFrame(ServerFrame):
    """How many people are here; rooms also list members (pseudonyms) by name."""

    type: Literal["presence"] = "presence"
    count: int
    members: list[PresenceMember] | None = None


SHARED_SERVER_FRAMES = (ErrorFrame, PongFrame, PresenceFrame)


def error_frame(code, message, *, client_ref=None, fields=None, retry_after=None):
    frame = {"code": code, "message": str(message)}
    if client_ref is not None:
        frame["client_ref"] = client_ref
    if fields:
        frame["fields"] = fields
    if retry_after is not None:
        frame["retry_after"] = retry_after
    return ErrorFrame(**frame)


def error_frame_for(error, *, client_ref=None):
    """The ``error`` frame for a refused action (:class:`ServiceError`)."""
    return error_frame(
        error.code,
        error.message,
        client_ref=error.client_ref if error.client_ref is not None else client_ref,
        fields=error.fields,
        retry_after=error.retry_after,
    )


def presence_frame(count, members=None):
    if members is None:
        return PresenceFrame(count=count)
    return PresenceFrame(count=count, members=members)


Ping = Literal["ping"]


class PingFrame(ClientFrame):
    """``{"type": "ping"}`` → ``{"type": "pong"}``; lets a client check a quiet socket."""

    type: Ping
