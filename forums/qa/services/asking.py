"""What families do in a session: ask a question and vote for others' questions."""

import logging

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from forums import live, screening
from forums.live import errors, moderation, ratelimit
from forums.live.errors import ServiceError
from forums.models import ANONYMOUS_NAME, Question, QuestionVote
from forums.qa.protocol import QuestionUpdatedFrame, QuestionVotedFrame, VoteTally
from forums.qa.services.access import (
    display_name,
    get_session,
    locked_question,
    open_session,
    question_not_found,
    require_account,
    user_tag,
)
from forums.qa.services.snapshot import broadcast_question

logger = logging.getLogger("forums.qa")

ASK_LIMIT = (3, 60)  # questions per account per minute
VOTE_LIMIT = (60, 60)  # votes per account per minute

State = Question.State


def ask_question(session_id, user, text, *, anonymous=False, client_ref=None):
    """Store a family's question; return ``(question, verdict or None, created)``.

    Idempotent per ``(author, client_ref)``: the same frame re-sent after a reconnect
    returns the first row. Screened first: crisis language is never refused — it is
    stored as urgent (held for a moderator, who is alerted) even when the session is
    closed, the text is long or the rate limit is reached; blocked words are refused
    with the reason; held findings wait for a moderator; with pre-moderation on, every
    question waits. Bidi controls and invisible characters are removed from what is
    stored; a question that shows nothing is refused. The new question reaches the
    moderators and its author (and everyone, when it is published at once) after the
    commit.
    """
    require_account(user)
    client_ref = (client_ref or "").strip()[:64]
    if client_ref:
        existing = Question.objects.filter(author=user, client_ref=client_ref).first()
        if existing is not None:
            if existing.session_id != session_id:
                raise ServiceError(errors.CONFLICT, _("That reference was already used elsewhere."))
            return existing, None, False
    text = screening.clean_text(text or "").strip()
    if screening.is_blank(text):
        raise ServiceError(
            errors.INVALID, _("Please type a question."), fields={"text": _("Required.")}
        )
    verdict = moderation.screen_text(text)
    if verdict.crisis:
        session = get_session(session_id)
        anonymous = anonymous and session.anonymous_allowed
    else:
        session = open_session(
            session_id,
            closed=_("This session is closed to new questions."),
            not_yet=_("Questions open when the session starts."),
        )
        if len(text) > session.max_question_length:
            raise ServiceError(
                errors.INVALID,
                _("Please keep your question under %(limit)s characters (it has %(length)s).")
                % {"limit": session.max_question_length, "length": len(text)},
                fields={"text": _("Too long.")},
            )
        if anonymous and not session.anonymous_allowed:
            raise ServiceError(
                errors.INVALID,
                _("This session does not take anonymous questions."),
                fields={"anonymous": _("Not allowed in this session.")},
            )
        if verdict.action == screening.BLOCK:
            raise ServiceError(errors.BLOCKED, verdict.explanation)
        ratelimit.take("qa.ask", user.pk, limit=ASK_LIMIT[0], period=ASK_LIMIT[1])
    held = session.premoderation or verdict.action != screening.ALLOW
    try:
        with transaction.atomic():
            question = Question.objects.create(
                session=session,
                author=user,
                shown_name=ANONYMOUS_NAME if anonymous else display_name(user),
                text=text,
                state=State.PENDING if held else State.VISIBLE,
                urgent=verdict.crisis,
                screening=list(verdict.kinds),
                screening_reasons=list(verdict.reasons),
                client_ref=client_ref,
            )
            broadcast_question(session, question, was_public=False, new=True)
            if verdict.crisis:
                _alert_session_moderators(session, question)
    except IntegrityError:
        # The same client_ref raced in twice: the other request stored it.
        existing = Question.objects.filter(author=user, client_ref=client_ref).first()
        if not client_ref or existing is None:
            raise
        return existing, None, False
    if verdict.crisis:
        logger.warning("forums.qa: urgent question %s in session %s", question.pk, session.pk)
    return question, verdict, True


def _alert_session_moderators(session, question):
    """Connected moderators see the urgent question at once (the ``question.added``
    frame); the session's named moderators are emailed too, in case nobody is watching."""
    emails = [account.email for account in session.moderators.filter(is_active=True)]
    moderation.email_crisis_alert(
        [email for email in emails if email] or moderation.moderator_emails(),
        where=session.title,
        path=reverse("forums:qa-moderate", args=[session.slug]),
    )


def vote(session_id, user, question_id, up):
    """Add (``up``) or remove the account's vote; return the question's new tally.

    One vote per account and question (a database constraint). The tally is recounted
    from the votes under the question's row lock, so it always equals the votes, however
    many accounts vote at once. The account's own sockets learn of a changed vote after
    the commit (``question.voted``); the consumer marks the question for the coalesced
    tally frame every socket receives (:func:`vote_tallies`).
    """
    require_account(user)
    ratelimit.take("qa.vote", user.pk, limit=VOTE_LIMIT[0], period=VOTE_LIMIT[1])
    with transaction.atomic():
        session = open_session(
            session_id,
            closed=_("This session is closed."),
            not_yet=_("Voting opens when the session starts."),
        )
        question = locked_question(session, question_id)
        if not question.is_public and question.author_id != user.pk:
            # Answer exactly as for an id that does not exist: a family must not learn
            # that someone else's unpublished question is there.
            raise question_not_found()
        if question.state != State.VISIBLE:
            raise ServiceError(errors.CONFLICT, _("Only open questions can be voted on."))
        if up:
            changed = QuestionVote.objects.get_or_create(question=question, voter=user)[1]
        else:
            changed = QuestionVote.objects.filter(question=question, voter=user).delete()[0] > 0
        tally = QuestionVote.objects.filter(question=question).count()
        if tally != question.vote_count:
            Question.objects.filter(pk=question.pk).update(vote_count=tally)
        if changed:
            live.broadcast_on_commit(
                session.topic,
                QuestionVotedFrame(id=question.pk, up=up),
                audience=[user_tag(user.pk)],
            )
    return tally


VOTE_TALLIES = "qa.votes"


def vote_tallies(topic, question_ids):
    """The coalesced ``question.updated`` frame with the current tallies of the public
    questions among ``question_ids`` (``None`` when there are none): votes reach every
    socket a few times a second, not once per vote."""
    rows = Question.objects.filter(
        pk__in=question_ids, state__in=[State.VISIBLE, State.ANSWERED]
    ).values_list("pk", "vote_count")
    questions = [VoteTally(id=pk, votes=votes) for pk, votes in rows]
    if not questions:
        return None
    return QuestionUpdatedFrame(questions=questions)


live.register_coalescer(VOTE_TALLIES, vote_tallies, interval=0.25)
