"""What moderators do to questions: approve, reject, edit, pin, answer, hide.

Every action is a :func:`forums.live.moderation.moderator_action`: the moderator is
checked with fresh data (and the moderator rate limit), then one transaction locks the
session and the question, changes and saves the question, writes the audit record with
its actor, and queues the question's new state for each audience, sent after the commit.
A closed session is not moderated (reopen it first). A refusal changes and logs nothing.
"""

from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from forums.live import errors
from forums.live.errors import ServiceError
from forums.live.moderation import moderator_action
from forums.models import Question
from forums.qa.services.access import (
    get_session,
    locked_question,
    locked_session,
    require_moderator,
)
from forums.qa.services.snapshot import broadcast_question
from portal import notifications

State = Question.State


def authorise_moderator(session):
    """The ``authorise`` step of a moderator action in ``session``."""

    def authorise(actor):
        require_moderator(actor, session)

    return authorise


@dataclass
class QuestionAction:
    """What the body of a :func:`question_action` works on."""

    record: object  # the audit record (forums.live.moderation.ActionRecord)
    session: object
    question: Question


@contextmanager
def question_action(session_id, user, question_id, action, *, reason=""):
    """A moderator action on one question of an open session.

    Yields a :class:`QuestionAction` with the session and the question locked; the
    ``with`` body checks the question's state and changes it (raising a
    :class:`ServiceError` refuses, and nothing is saved or logged). Then the question is
    saved, the audit record names it (and its author), its new state is queued for each
    audience, and cached lecture pages are purged when an answer appears or goes.
    """
    session = get_session(session_id)
    with moderator_action(
        user, action, context=session.context, reason=reason, authorise=authorise_moderator(session)
    ) as record:
        session = locked_session(session_id)
        if session.is_closed:
            raise ServiceError(errors.CONFLICT, _("This session is closed; reopen it first."))
        question = locked_question(session, question_id)
        was_public = question.is_public
        was_answered = question.state == State.ANSWERED
        yield QuestionAction(record, session, question)
        question.save()
        record.target("question", question.pk, subject=question.author)
        broadcast_question(session, question, was_public=was_public)
        if session.lecture_id is not None and (question.state == State.ANSWERED or was_answered):
            # Learn pages are cached; answered questions appear on the lecture page.
            from lectures.services import purge_published_pages

            transaction.on_commit(purge_published_pages)


def _require_state(question, *states):
    if question.state not in states:
        raise ServiceError(
            errors.CONFLICT,
            _("That question is %(state)s; reload to see its current state.")
            % {"state": question.get_state_display().lower()},
        )


def approve_question(session_id, user, question_id):
    """Publish a pending question: it joins every participant's list."""
    with question_action(session_id, user, question_id, "approve") as act:
        _require_state(act.question, State.PENDING)
        act.question.state = State.VISIBLE
    return act.question


def reject_question(session_id, user, question_id, reason=""):
    """Refuse a pending question; only its author sees it, with the reason."""
    with question_action(session_id, user, question_id, "reject", reason=reason) as act:
        _require_state(act.question, State.PENDING)
        act.question.state = State.REJECTED
        act.question.rejection_reason = (reason or "").strip()[:300]
    return act.question


def edit_question(session_id, user, question_id, text, *, approve=False):
    """Correct a pending or visible question's text (typos, identifying details), and
    publish it at once when ``approve``; the edit is logged with lengths only (the log
    never holds what families typed)."""
    text = (text or "").strip()
    if not text:
        raise ServiceError(
            errors.INVALID, _("The question cannot be empty."), fields={"text": _("Required.")}
        )
    with question_action(session_id, user, question_id, "edit") as act:
        _require_state(act.question, State.PENDING, State.VISIBLE)
        if len(text) > act.session.max_question_length:
            raise ServiceError(
                errors.INVALID,
                _("Keep it under %(limit)s characters.")
                % {"limit": act.session.max_question_length},
                fields={"text": _("Too long.")},
            )
        before = len(act.question.text)
        act.question.text = text
        if approve and act.question.state == State.PENDING:
            act.question.state = State.VISIBLE
        act.record.details.update(length_before=before, length_after=len(text), approved=approve)
    return act.question


def pin_question(session_id, user, question_id, pinned=True):
    """Mark a visible question "now answering" (unpinning any other, whose frames go
    out too: at most one question is pinned), or unpin it."""
    action = "pin" if pinned else "unpin"
    with question_action(session_id, user, question_id, action) as act:
        if pinned:
            _require_state(act.question, State.VISIBLE)
            others = Question.objects.filter(session=act.session, pinned=True).exclude(
                pk=act.question.pk
            )
            for other in others.select_for_update():
                other.pinned = False
                other.save(update_fields=["pinned", "updated_at"])
                broadcast_question(act.session, other, was_public=True)
        act.question.pinned = pinned
    return act.question


def answer_question(session_id, user, question_id, answer=""):
    """Mark a visible question answered (and unpinned), with the moderator's optional
    typed answer, or correct the answer of an answered one; the author is emailed the
    answer once, in the same transaction, if they chose to be."""
    with question_action(session_id, user, question_id, "answer") as act:
        _require_state(act.question, State.VISIBLE, State.ANSWERED)
        act.question.state = State.ANSWERED
        act.question.pinned = False
        act.question.answer = (answer or "").strip()
        act.question.answered_at = timezone.now()
        _email_the_answer(act.session, act.question)
        act.record.details["typed_answer"] = bool(act.question.answer)
    return act.question


def _email_the_answer(session, question):
    """ "Your question was answered", with the answer and a link to log in — never the
    question or the session's title (mail leaves our systems; a title can say what a
    family is living through). Once per question (a corrected answer is not mailed
    again)."""
    author = question.author
    if author is None or not notifications.wants(author, "email_answers"):
        return
    profile = author.profile
    with translation.override((profile.preferred_language or settings.LANGUAGE_CODE)[:2]):
        answer = question.answer or _(
            "It was answered live in the session; the recording or notes will have it."
        )
        body = _(
            "A clinician answered a question you asked in a live Q&A:\n\n%(answer)s\n\n"
            "See it with the other questions after logging in: %(url)s"
        ) % {
            "answer": answer,
            "url": settings.PUBLIC_BASE_URL + reverse("forums:qa-index"),
        }
        notifications.send(
            author,
            notifications.ANSWERS,
            subject=_("Your question was answered"),
            body=body,
            key=f"qa-answer:{question.pk}",
        )


def hide_question(session_id, user, question_id, reason=""):
    """Take a published question off the list (it becomes "not published"); its author
    still sees it, with the reason."""
    with question_action(session_id, user, question_id, "hide", reason=reason) as act:
        _require_state(act.question, State.VISIBLE, State.ANSWERED)
        act.question.state = State.REJECTED
        act.question.pinned = False
        act.question.rejection_reason = (reason or "").strip()[:300]
    return act.question
