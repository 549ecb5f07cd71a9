"""The forums app's models, defined by feature (Django finds them here).

``forums.live.models`` holds what both features share (watched words, the audit trail),
``forums.qa.models`` live Q&A, ``forums.rooms.models`` peer-support rooms. One app, one
migration history.
"""

from forums.live.models import WATCHED_TERMS_CACHE_KEY, ModerationAction, WatchedWord
from forums.qa.models import (
    ANONYMOUS_NAME,
    FORMER_MEMBER_NAME,
    QUESTION_LENGTH_MAX,
    QUESTION_LENGTH_MIN,
    QASession,
    Question,
    QuestionVote,
)
from forums.rooms.models import (
    MESSAGE_MAX_LENGTH,
    Flag,
    Message,
    Room,
    RoomMembership,
    RoomOpenHours,
)

__all__ = [
    "ANONYMOUS_NAME",
    "FORMER_MEMBER_NAME",
    "MESSAGE_MAX_LENGTH",
    "QUESTION_LENGTH_MAX",
    "QUESTION_LENGTH_MIN",
    "WATCHED_TERMS_CACHE_KEY",
    "Flag",
    "Message",
    "ModerationAction",
    "QASession",
    "Question",
    "QuestionVote",
    "Room",
    "RoomMembership",
    "RoomOpenHours",
    "WatchedWord",
]
