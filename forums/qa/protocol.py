"""The live Q&A frames (/ws/qa/<slug>/): what a client may send, what the server sends."""

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from forums.live.protocol import ClientFrame, ClientRef, FrameSet, PingFrame

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
