"""What moderators do to questions: approve, reject, edit, pin, answer, hide.

Each action checks the moderator with fresh data, locks the session and the question,
changes the question, logs the action with its actor in the moderation log, and sends
the question's new state to each audience after the commit. A closed session is not
moderated (reopen it first). Refusals change nothing.
"""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from forums.live import errors, moderation
from forums.live.errors import ServiceError
from forums.models import Question
from forums.qa.services.access import locked_question, locked_session, require_moderator
from forums.qa.services.snapshot import broadcast_question
from portal import notifications

State = Question.State


def _purge_lecture_on_commit(session, question, was_public_answer):
    """Learn pages are cached; answered questions appear on the lecture page."""
    if session.lecture_id is None:
        return
    if question.state != State.ANSWERED and not was_public_answer:
        return
    from lectures.services import purge_published_pages

    transaction.on_commit(purge_published_pages)


def _moderate(session_id, user, question_id, action, change, *, reason="", details=None):
    """Lock, check, apply ``change(session, question)``, log, broadcast; return question."""
    with transaction.atomic():
        session = locked_session(session_id)
        require_moderator(user, session)
        if session.is_closed:
            raise ServiceError(errors.CONFLICT, _("This session is closed; reopen it first."))
        question = locked_question(session, question_id)
        was_public = question.is_public
        was_answered = question.state == State.ANSWERED
        extra = change(session, question) or {}
        question.save()
        moderation.record_action(
            user,
            action,
            context=session.context,
            target_type="question",
            target_id=question.pk,
            subject=question.author,
            reason=reason,
            details={**(details or {}), **extra},
        )
        broadcast_question(session, question, "question.updated", was_public=was_public)
        _purge_lecture_on_commit(session, question, was_answered)
    return question


def _require_state(question, *states):
    if question.state not in states:
        raise ServiceError(
            errors.CONFLICT,
            _("That question is %(state)s; reload to see its current state.")
            % {"state": question.get_state_display().lower()},
        )


def approve_question(session_id, user, question_id):
    """Publish a pending question."""

    def change(session, question):
        _require_state(question, State.PENDING)
        question.state = State.VISIBLE

    return _moderate(session_id, user, question_id, "approve", change)


def reject_question(session_id, user, question_id, reason=""):
    """Refuse a pending question; its author sees the reason."""

    def change(session, question):
        _require_state(question, State.PENDING)
        question.state = State.REJECTED
        question.rejection_reason = (reason or "").strip()[:300]

    return _moderate(session_id, user, question_id, "reject", change, reason=reason)


def edit_question(session_id, user, question_id, text, *, approve=False):
    """Correct a question's text (typos, identifying details) before or after approving;
    the edit is logged (lengths only: the log never holds what families typed)."""
    text = (text or "").strip()
    if not text:
        raise ServiceError(
            errors.INVALID, _("The question cannot be empty."), fields={"text": _("Required.")}
        )

    def change(session, question):
        _require_state(question, State.PENDING, State.VISIBLE)
        if len(text) > session.max_question_length:
            raise ServiceError(
                errors.INVALID,
                _("Keep it under %(limit)s characters.") % {"limit": session.max_question_length},
                fields={"text": _("Too long.")},
            )
        before = len(question.text)
        question.text = text
        if approve and question.state == State.PENDING:
            question.state = State.VISIBLE
        return {"length_before": before, "length_after": len(text), "approved": approve}

    return _moderate(session_id, user, question_id, "edit", change)


def pin_question(session_id, user, question_id, pinned=True):
    """Mark a visible question "now answering" (unpinning any other), or unpin it."""

    def change(session, question):
        if pinned:
            _require_state(question, State.VISIBLE)
            others = Question.objects.filter(session=session, pinned=True).exclude(pk=question.pk)
            for other in others.select_for_update():
                other.pinned = False
                other.save(update_fields=["pinned", "updated_at"])
                broadcast_question(session, other, "question.updated", was_public=True)
        question.pinned = pinned

    return _moderate(session_id, user, question_id, "pin" if pinned else "unpin", change)


def answer_question(session_id, user, question_id, answer=""):
    """Mark a visible question answered, with the moderator's optional typed answer; the
    author is emailed the answer once, in the same transaction, if they chose to be."""

    def change(session, question):
        _require_state(question, State.VISIBLE, State.ANSWERED)
        question.state = State.ANSWERED
        question.pinned = False
        question.answer = (answer or "").strip()
        question.answered_at = timezone.now()
        _email_the_answer(session, question)
        return {"typed_answer": bool(question.answer)}

    return _moderate(session_id, user, question_id, "answer", change)


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
    """Take a published question off the list (it becomes "not published")."""

    def change(session, question):
        _require_state(question, State.VISIBLE, State.ANSWERED)
        question.state = State.REJECTED
        question.pinned = False
        question.rejection_reason = (reason or "").strip()[:300]

    return _moderate(session_id, user, question_id, "hide", change, reason=reason)
