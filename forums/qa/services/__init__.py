"""Live Q&A: every state change of a session, its questions and votes.

Each function runs in one transaction, locks the rows that concurrency matters for,
checks the actor's permission with fresh data, logs moderator actions, and queues the
broadcast with ``live.broadcast_on_commit`` so a frame only ever describes something
already committed. Refusals raise :class:`forums.live.errors.ServiceError` with a stable
code; the consumer, the no-JS views and the admin turn it into an error frame or a
message.

One module per use case; views, consumers, admin, tests and benchmarks call them through
this package (``from forums.qa import services as qa``):

- ``access``: who may do what, the audiences' tags, the rows an action starts from;
- ``snapshot``: what each audience sees (question views, the snapshot, the frames);
- ``asking``: asking a question, voting, the coalesced vote tallies;
- ``moderation``: approve, reject, edit, pin, answer, hide;
- ``sessions``: staff creating, editing and deleting a session (logged), opening and
  closing it, the lists pages show;
- ``faq``: an answered question becomes an FAQ entry in a guide, through review;
- ``privacy``: a member's questions and votes, exported and erased.
"""

from forums.models import Question
from forums.qa.services.access import (
    MODERATOR_LIMIT,
    MODERATORS,
    PUBLIC,
    can_curate_answers,
    can_moderate,
    socket_tags,
    user_tag,
)
from forums.qa.services.asking import (
    ASK_LIMIT,
    VOTE_LIMIT,
    VOTE_TALLIES,
    ask_question,
    vote,
    vote_tallies,
)
from forums.qa.services.faq import (
    FAQ_ALREADY_IN_REVIEW,
    FAQ_NO_WORKFLOW,
    FAQ_RESUBMITTED,
    FAQ_SUBMITTED,
    FAQ_TITLE,
    FAQConversion,
    add_question_to_faq,
)
from forums.qa.services.moderation import (
    answer_question,
    approve_question,
    edit_question,
    hide_question,
    pin_question,
    reject_question,
)
from forums.qa.services.privacy import erase_questions, export_questions
from forums.qa.services.sessions import (
    SESSION_CREATE,
    SESSION_DELETE,
    SESSION_DETAILS,
    SESSION_EDIT,
    SESSION_MODERATORS,
    SESSION_STATE_ACTIONS,
    create_session,
    delete_session,
    edit_session,
    listed_sessions,
    moderator_candidates,
    public_questions,
    session_edited,
    set_session_state,
)
from forums.qa.services.snapshot import (
    counts,
    moderator_question,
    moderator_view,
    own_view,
    public_question,
    public_view,
    session_view,
    snapshot,
)

State = Question.State

__all__ = [
    "ASK_LIMIT",
    "FAQ_ALREADY_IN_REVIEW",
    "FAQ_NO_WORKFLOW",
    "FAQ_RESUBMITTED",
    "FAQ_SUBMITTED",
    "FAQ_TITLE",
    "MODERATORS",
    "MODERATOR_LIMIT",
    "PUBLIC",
    "SESSION_CREATE",
    "SESSION_DELETE",
    "SESSION_DETAILS",
    "SESSION_EDIT",
    "SESSION_MODERATORS",
    "SESSION_STATE_ACTIONS",
    "VOTE_LIMIT",
    "VOTE_TALLIES",
    "FAQConversion",
    "State",
    "add_question_to_faq",
    "answer_question",
    "approve_question",
    "ask_question",
    "can_curate_answers",
    "can_moderate",
    "counts",
    "create_session",
    "delete_session",
    "edit_session",
    "edit_question",
    "erase_questions",
    "export_questions",
    "hide_question",
    "listed_sessions",
    "moderator_candidates",
    "moderator_question",
    "moderator_view",
    "own_view",
    "pin_question",
    "public_question",
    "public_questions",
    "public_view",
    "reject_question",
    "session_edited",
    "session_view",
    "set_session_state",
    "snapshot",
    "socket_tags",
    "user_tag",
    "vote",
    "vote_tallies",
]
