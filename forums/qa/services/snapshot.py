"""What each audience sees of a session: the views of a question, the snapshot a socket
starts from, and the frames that keep it up to date.

Who sees what: visible and answered questions are public (shown name only, never the
author). A pending or rejected question reaches only its author and the moderators.
Moderators also see the author's display name behind "Anonymous", the urgent flag and
the screening findings. The snapshot and the frames follow the same rules, so a client
that stays connected and one that reconnects see the same thing.
"""

from django.db.models import Count

from forums import live
from forums.models import ANONYMOUS_NAME, FORMER_MEMBER_NAME, QASession, Question, QuestionVote
from forums.qa.services.access import MODERATORS, PUBLIC, display_name, user_tag

State = Question.State


def session_data(session):
    return {
        "id": session.pk,
        "slug": session.slug,
        "title": session.title,
        "state": session.state,
        "starts_at": session.starts_at.isoformat(),
        "premoderation": session.premoderation,
        "anonymous_allowed": session.anonymous_allowed,
        "max_length": session.max_question_length,
    }


def public_question(question):
    """What everyone may see: never the author."""
    return {
        "id": question.pk,
        "name": question.shown_name,
        "text": question.text,
        "state": question.state,
        "pinned": question.pinned,
        "votes": question.vote_count,
        "answer": question.answer,
        "created": question.created_at.isoformat(),
    }


def own_question(question):
    """What the author sees of their own question (also pending or rejected)."""
    data = public_question(question)
    data["mine"] = True
    if question.state == State.REJECTED:
        data["reason"] = question.rejection_reason
    return data


def moderator_question(question):
    """What moderators see: the account behind the shown name, urgency, findings."""
    data = public_question(question)
    data["urgent"] = question.urgent
    data["screening"] = list(question.screening or [])
    data["reasons"] = list(question.screening_reasons or [])
    data["reason"] = question.rejection_reason
    author = question.author
    data["author"] = display_name(author) if author is not None else FORMER_MEMBER_NAME
    data["anonymous"] = question.shown_name == ANONYMOUS_NAME
    return data


def counts(session):
    """The session's questions per state, and the urgent ones waiting (the console's
    tallies)."""
    tallies = dict(
        Question.objects.filter(session=session)
        .values_list("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
    )
    return {state: tallies.get(state, 0) for state in State.values} | {
        "urgent": Question.objects.filter(session=session, state=State.PENDING, urgent=True).count()
    }


def snapshot(session_id, user, *, as_moderator):
    """The ``snapshot`` frame: the session, public questions, my own questions and votes,
    and for the moderator console the pending queue and counts."""
    session = QASession.objects.get(pk=session_id)
    public = Question.objects.filter(session=session, state__in=[State.VISIBLE, State.ANSWERED])
    frame = {
        "type": "snapshot",
        "session": session_data(session),
        "questions": [public_question(question) for question in public.order_by("id")],
        "mine": [],
        "my_votes": [],
        "signed_in": bool(user and user.is_authenticated),
        "moderator": as_moderator,
    }
    if user is not None and user.is_authenticated:
        own = Question.objects.filter(session=session, author=user).order_by("id")
        frame["mine"] = [own_question(question) for question in own]
        frame["my_votes"] = list(
            QuestionVote.objects.filter(question__session=session, voter=user)
            .order_by("question_id")
            .values_list("question_id", flat=True)
        )
    if as_moderator:
        queue = (
            Question.objects.filter(session=session)
            .exclude(state=State.REJECTED)
            .select_related("author__profile")
            .order_by("id")
        )
        frame["moderation"] = [moderator_question(question) for question in queue]
        frame["counts"] = counts(session)
    return frame


def broadcast_question(session, question, frame_type, *, was_public):
    """Queue the frames that describe ``question``'s new state for each audience: the
    moderators' view (with the counts), the author's, and the public list's (added,
    updated or removed as the question enters, stays on or leaves it)."""
    topic = session.topic
    live.broadcast_on_commit(
        topic,
        {"type": frame_type, "question": moderator_question(question), "counts": counts(session)},
        audience=[MODERATORS],
    )
    if question.author_id is not None:
        live.broadcast_on_commit(
            topic,
            {"type": frame_type, "question": own_question(question)},
            audience=[user_tag(question.author_id)],
        )
    if question.is_public:
        public_type = "question.updated" if was_public else "question.added"
        live.broadcast_on_commit(
            topic, {"type": public_type, "question": public_question(question)}, audience=[PUBLIC]
        )
    elif was_public:
        live.broadcast_on_commit(
            topic, {"type": "question.removed", "id": question.pk}, audience=[PUBLIC]
        )
