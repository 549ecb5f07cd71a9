"""What each audience sees of a session: the views of a question, the snapshot a socket
starts from, and the frames that keep it up to date (``forums.qa.protocol``).

Who sees what: visible and answered questions are public (shown name only, never the
author). A pending or rejected question reaches only its author and the moderators.
Moderators also see the author's display name behind "Anonymous", the urgent flag and
the screening findings. The snapshot and the frames follow the same rules, so a client
that stays connected and one that reconnects see the same thing
(tests/forums/test_qa_events.py).
"""

from django.db.models import Count

from forums import live
from forums.models import ANONYMOUS_NAME, FORMER_MEMBER_NAME, QASession, Question, QuestionVote
from forums.qa.protocol import (
    ModeratorQuestion,
    OwnQuestion,
    PublicQuestion,
    QuestionAddedFrame,
    QuestionCounts,
    QuestionRemovedFrame,
    QuestionUpdatedFrame,
    SessionView,
    SnapshotFrame,
)
from forums.qa.services.access import MODERATORS, PUBLIC, display_name, user_tag

State = Question.State


def session_view(session):
    """The session as every socket sees it."""
    return SessionView(
        id=session.pk,
        slug=session.slug,
        title=session.title,
        state=session.state,
        starts_at=session.starts_at,
        premoderation=session.premoderation,
        anonymous_allowed=session.anonymous_allowed,
        max_length=session.max_question_length,
    )


def _question_fields(question):
    return {
        "id": question.pk,
        "name": question.shown_name,
        "text": question.text,
        "state": question.state,
        "pinned": question.pinned,
        "votes": question.vote_count,
        "answer": question.answer,
        "created": question.created_at,
    }


def public_view(question):
    """What everyone may see of a published question: never the author."""
    return PublicQuestion(**_question_fields(question))


def own_view(question):
    """What the author sees of their own question (also pending or rejected, then with
    the moderator's reason)."""
    if question.state == State.REJECTED:
        return OwnQuestion(
            **_question_fields(question), mine=True, reason=question.rejection_reason
        )
    return OwnQuestion(**_question_fields(question), mine=True)


def moderator_view(question):
    """What moderators see: the account behind the shown name, urgency, findings."""
    author = question.author
    return ModeratorQuestion(
        **_question_fields(question),
        urgent=question.urgent,
        screening=list(question.screening or []),
        reasons=list(question.screening_reasons or []),
        reason=question.rejection_reason,
        author=display_name(author) if author is not None else FORMER_MEMBER_NAME,
        anonymous=question.shown_name == ANONYMOUS_NAME,
    )


def public_question(question):
    """The public view as a client decodes it (plain data, e.g. for tests)."""
    return public_view(question).model_dump(mode="json", exclude_unset=True)


def moderator_question(question):
    """The moderators' view as a client decodes it (plain data, e.g. for tests)."""
    return moderator_view(question).model_dump(mode="json", exclude_unset=True)


def counts(session):
    """The session's questions per state, and the urgent ones waiting (the console's
    tallies)."""
    tallies = dict(
        Question.objects.filter(session=session)
        .values_list("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
    )
    urgent = Question.objects.filter(session=session, state=State.PENDING, urgent=True).count()
    return QuestionCounts(**{state: tallies.get(state, 0) for state in State.values}, urgent=urgent)


def snapshot(session_id, user, *, as_moderator, presence=None):
    """The ``snapshot`` frame: the session, public questions, my own questions and votes,
    and for the moderator console the pending queue and counts (``presence``: how many
    people are here, when known)."""
    session = QASession.objects.get(pk=session_id)
    public = Question.objects.filter(session=session, state__in=[State.VISIBLE, State.ANSWERED])
    mine, my_votes = [], []
    if user is not None and user.is_authenticated:
        own = Question.objects.filter(session=session, author=user).order_by("id")
        mine = [own_view(question) for question in own]
        my_votes = list(
            QuestionVote.objects.filter(question__session=session, voter=user)
            .order_by("question_id")
            .values_list("question_id", flat=True)
        )
    fields = {}
    if as_moderator:
        queue = (
            Question.objects.filter(session=session)
            .exclude(state=State.REJECTED)
            .select_related("author__profile")
            .order_by("id")
        )
        fields["moderation"] = [moderator_view(question) for question in queue]
        fields["counts"] = counts(session)
    if presence is not None:
        fields["presence"] = presence
    return SnapshotFrame(
        session=session_view(session),
        questions=[public_view(question) for question in public.order_by("id")],
        mine=mine,
        my_votes=my_votes,
        signed_in=bool(user and user.is_authenticated),
        moderator=as_moderator,
        **fields,
    )


def broadcast_question(session, question, *, was_public, new=False):
    """Queue the frames that describe ``question``'s new state for each audience: the
    moderators' view (with the counts) and the author's (``question.added`` when the
    question is ``new``), and the public list's: added, updated or removed as the
    question enters, stays on or leaves it. Each frame is serialised once."""
    topic = session.topic
    frame_for_owners = QuestionAddedFrame if new else QuestionUpdatedFrame
    live.broadcast_on_commit(
        topic,
        frame_for_owners(question=moderator_view(question), counts=counts(session)),
        audience=[MODERATORS],
    )
    if question.author_id is not None:
        live.broadcast_on_commit(
            topic,
            frame_for_owners(question=own_view(question)),
            audience=[user_tag(question.author_id)],
        )
    if question.is_public:
        public_frame = QuestionUpdatedFrame if was_public else QuestionAddedFrame
        live.broadcast_on_commit(
            topic, public_frame(question=public_view(question)), audience=[PUBLIC]
        )
    elif was_public:
        live.broadcast_on_commit(topic, QuestionRemovedFrame(id=question.pk), audience=[PUBLIC])
