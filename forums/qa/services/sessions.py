"""A session's life (scheduled, open, closed) and the lists pages show."""

from django.db import transaction
from django.utils.translation import gettext as _

from forums import live
from forums.live import errors
from forums.live.errors import ServiceError
from forums.live.moderation import moderator_action
from forums.models import QASession, Question
from forums.qa.protocol import SessionUpdatedFrame
from forums.qa.services.access import get_session, locked_session
from forums.qa.services.moderation import authorise_moderator
from forums.qa.services.snapshot import broadcast_question, session_view

State = Question.State

SESSION_STATE_ACTIONS = {
    QASession.State.SCHEDULED: "schedule",
    QASession.State.OPEN: "open",
    QASession.State.CLOSED: "close",
}


def set_session_state(session_id, user, state):
    """Open or close a session (a closed session can be reopened by a moderator), or put
    it back to scheduled. The only way a session's state changes, from the console or
    Wagtail admin: a moderator action (checked, locked, logged with its actor); connected
    clients get the new state, and a question pinned when the session closes is unpinned
    (with its frames). Setting the state it already has changes and logs nothing."""
    if state not in SESSION_STATE_ACTIONS:
        raise ServiceError(errors.INVALID, _("That is not a session state."))
    session = get_session(session_id)
    with moderator_action(
        user,
        SESSION_STATE_ACTIONS[state],
        context=session.context,
        authorise=authorise_moderator(session),
    ) as record:
        session = locked_session(session_id)
        if session.state == state:
            record.nothing_to_change()
            return session
        if state == QASession.State.CLOSED:
            # Clients only learn of an unpin from a question frame: send one per
            # question, or they keep showing "now answering" on the closed archive.
            pinned = Question.objects.select_for_update().filter(session=session, pinned=True)
            for question in pinned:
                question.pinned = False
                question.save(update_fields=["pinned", "updated_at"])
                broadcast_question(session, question, was_public=True)
        session.state = state
        session.save(update_fields=["state", "updated_at"])
        record.target("qa_session", session.pk)
        live.broadcast_on_commit(session.topic, SessionUpdatedFrame(session=session_view(session)))
        if session.lecture_id is not None:
            from lectures.services import purge_published_pages

            transaction.on_commit(purge_published_pages)
    return session


def session_edited(session, before):
    """A moderator saved ``session`` in Wagtail admin (``before``: its
    :func:`session_view` as it was): when what sockets see of it changed (title, start,
    limits, anonymity, pre-moderation), connected clients get it after the commit. A new
    state goes through :func:`set_session_state` instead."""
    # As a fresh snapshot reads it (a form's times are in the editor's time zone).
    after = session_view(QASession.objects.get(pk=session.pk))
    if after != before:
        live.broadcast_on_commit(session.topic, SessionUpdatedFrame(session=after))


def public_questions(session, *, order="votes"):
    """The session's published questions, the pinned one first, then by votes (or the
    newest first): the participant page without JavaScript and the presenter view."""
    queryset = Question.objects.filter(session=session, state__in=[State.VISIBLE, State.ANSWERED])
    if order == "newest":
        return queryset.order_by("-pinned", "-created_at", "-id")
    return queryset.order_by("-pinned", "-vote_count", "created_at", "id")


def listed_sessions():
    """``(open, upcoming, archives)`` for the /qa/ index and the home page."""
    sessions = QASession.objects.select_related("lecture").order_by("starts_at", "id")
    return (
        [s for s in sessions if s.state == QASession.State.OPEN],
        [s for s in sessions if s.state == QASession.State.SCHEDULED],
        sorted(
            (s for s in sessions if s.state == QASession.State.CLOSED),
            key=lambda s: s.starts_at,
            reverse=True,
        ),
    )
