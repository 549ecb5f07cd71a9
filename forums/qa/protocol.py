"""The live Q&A frames (/ws/qa/<slug>/): what a client may send, what the server sends.

The server's frames are listed in ``QA_SERVER_FRAMES``; ``forums/static/forums/qa.js``
applies them (tests/forums/test_qa_events.py proves that a connected client and a fresh
snapshot agree after every action, for every audience).
"""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    model_validator,
)

from forums.live.protocol import (
    SHARED_SERVER_FRAMES,
    AckFrame,
    ClientFrame,
    ClientRef,
    FrameSet,
    PingFrame,
    ServerFrame,
    ServerFrames,
)

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


# --- Server frames ------------------------------------------------------------------------
# Times are sent as Python's ISO 8601 text (``2026-05-01T18:00:00+00:00``), as before.
IsoDateTime = Annotated[datetime, PlainSerializer(datetime.isoformat, return_type=str)]
SessionState = Literal["scheduled", "open", "closed"]
QuestionState = Literal["pending", "visible", "answered", "rejected"]


class _View(BaseModel):
    """A part of a frame: unknown fields are refused; every field is sent."""

    model_config = ConfigDict(extra="forbid")


class SessionView(_View):
    """A session as every socket sees it."""

    id: int
    slug: str
    title: str
    state: SessionState
    starts_at: IsoDateTime
    premoderation: bool
    anonymous_allowed: bool
    max_length: int


class _QuestionFields(_View):
    id: int
    name: str  # the shown name ("Anonymous" or a display name), never the account
    text: str
    state: QuestionState
    pinned: bool
    votes: int
    answer: str
    created: IsoDateTime


class PublicQuestion(_QuestionFields):
    """A published question as everyone sees it: never the author."""


class OwnQuestion(_QuestionFields):
    """A question as its author sees it, in any state; ``reason`` only once rejected."""

    mine: Literal[True]
    reason: str | None = None


class ModeratorQuestion(_QuestionFields):
    """A question as the moderators see it: the account behind the shown name, the
    urgent flag and the screening's findings."""

    urgent: bool
    screening: list[str]
    reasons: list[str]
    reason: str
    author: str  # the author's display name, also behind "Anonymous"
    anonymous: bool


# Sibling models (not subclasses of one another), so each is serialised as itself.
QuestionView = PublicQuestion | OwnQuestion | ModeratorQuestion


class QuestionCounts(_View):
    """The console's tallies: questions per state, and the urgent ones waiting."""

    pending: int
    visible: int
    answered: int
    rejected: int
    urgent: int


class VoteTally(_View):
    id: int
    votes: int


class SnapshotFrame(ServerFrame):
    """What a socket starts from (and a reconnecting one starts again from): the session,
    the published questions, the reader's own questions and votes; for the moderator
    console also every question not rejected, and the counts."""

    type: Literal["snapshot"] = "snapshot"
    session: SessionView
    questions: list[PublicQuestion]
    mine: list[OwnQuestion]
    my_votes: list[int]
    signed_in: bool
    moderator: bool
    moderation: list[ModeratorQuestion] | None = None
    counts: QuestionCounts | None = None
    presence: int | None = None


class QAAckFrame(AckFrame):
    """The answer to a client frame with a ``client_ref``, once its change is committed:
    an asked question's ``state`` (``crisis`` and the screening's ``notice`` when held
    for crisis language); a vote's ``up`` and the question's new ``votes``."""

    state: QuestionState | None = None
    crisis: bool | None = None
    notice: str | None = None
    up: bool | None = None
    votes: int | None = None


class QuestionAddedFrame(ServerFrame):
    """A question new to this audience: asked (moderators, its author), or published
    (everyone). Moderators' frames carry the new ``counts``."""

    type: Literal["question.added"] = "question.added"
    question: QuestionView
    counts: QuestionCounts | None = None


class QuestionUpdatedFrame(ServerFrame):
    """A known question's new state (``question``, with the ``counts`` for moderators),
    or the coalesced vote tallies of several questions (``questions``)."""

    type: Literal["question.updated"] = "question.updated"
    question: QuestionView | None = None
    questions: list[VoteTally] | None = None
    counts: QuestionCounts | None = None

    @model_validator(mode="after")
    def one_question_or_tallies(self):
        if (self.question is None) == (self.questions is None):
            raise ValueError("send either a question or vote tallies")
        return self


class QuestionRemovedFrame(ServerFrame):
    """A question left the public list (hidden): participants forget it."""

    type: Literal["question.removed"] = "question.removed"
    id: int


class QuestionVotedFrame(ServerFrame):
    """This account's vote on a question changed (``up``: it now votes for it): every
    socket of the account, e.g. another tab, shows the same "Upvoted"."""

    type: Literal["question.voted"] = "question.voted"
    id: int
    up: bool


class SessionUpdatedFrame(ServerFrame):
    """The session opened, closed or was put back to scheduled, or a moderator edited
    its details (title, start, limits) in Wagtail admin."""

    type: Literal["session.updated"] = "session.updated"
    session: SessionView


QA_SERVER_FRAMES = ServerFrames(
    *SHARED_SERVER_FRAMES,
    SnapshotFrame,
    QAAckFrame,
    QuestionAddedFrame,
    QuestionUpdatedFrame,
    QuestionRemovedFrame,
    QuestionVotedFrame,
    SessionUpdatedFrame,
)
