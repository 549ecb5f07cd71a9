"""A session's life: created, edited and deleted by staff in Wagtail admin (each logged
with the actor), scheduled, open, closed; and the lists pages show."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from forums import live
from forums.live import errors
from forums.live.errors import ServiceError
from forums.live.moderation import moderator_action, permission_required
from forums.models import QASession, Question
from forums.qa.protocol import SessionUpdatedFrame
from forums.qa.services.access import get_session, locked_session
from forums.qa.services.moderation import authorise_moderator
from forums.qa.services.snapshot import broadcast_question, session_view
from portal import roles

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


# --- staff edits (Wagtail admin) ------------------------------------------------------------
SESSION_CREATE = "qa.session.create"
SESSION_EDIT = "qa.session.edit"
SESSION_MODERATORS = "qa.session.moderators"
SESSION_DELETE = "qa.session.delete"
# What an edit may change besides the state (``set_session_state``) and the moderators.
SESSION_DETAILS = (
    "title",
    "slug",
    "description",
    "lecture",
    "event",
    "starts_at",
    "premoderation",
    "anonymous_allowed",
    "max_question_length",
)


def moderator_candidates():
    """Who may be named a session's moderator: active staff accounts (the staff roles,
    ``is_staff`` or administrators), never a family member's account."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_staff=True) | Q(is_superuser=True) | Q(groups__name__in=roles.STAFF_ROLES))
        .distinct()
    )


def _authorise_staff(permission):
    """The ``authorise`` step of a staff edit: the model permission Wagtail admin asks
    for (Moderators add and change sessions; only administrators delete one)."""
    return permission_required(f"forums.{permission}", _("You may not change live Q&A sessions."))


def _moderator_ids(accounts):
    """The ids of ``accounts``, refused unless every one may moderate a session."""
    wanted = {getattr(account, "pk", account) for account in accounts}
    allowed = set(moderator_candidates().filter(pk__in=wanted).values_list("pk", flat=True))
    if wanted - allowed:
        raise ServiceError(
            errors.INVALID,
            _("Only staff accounts can moderate a session."),
            fields={"moderators": []},
        )
    return wanted


def _validated(session):
    try:
        session.full_clean(exclude=["moderators"])
    except ValidationError as error:
        raise ServiceError(
            errors.INVALID, " ".join(error.messages), fields=error.message_dict
        ) from None
    return session


def _logged_value(value):
    """A detail as the log keeps it: ids for rows, ISO text for times."""
    if hasattr(value, "pk"):
        return value.pk
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def create_session(user, *, moderators=(), **fields):
    """Create a session (``forums.add_qasession``: Moderators and administrators) with
    its named moderators (staff accounts only). Logged with the actor, the moderators
    named in the record. Returns the session."""
    wanted = _moderator_ids(moderators)
    with moderator_action(
        user,
        SESSION_CREATE,
        context=f"qa:{fields.get('slug', '')}",
        authorise=_authorise_staff("add_qasession"),
    ) as record:
        unknown = set(fields) - set(SESSION_DETAILS) - {"state"}
        if unknown:
            raise ServiceError(errors.INVALID, _("That is not a session field."))
        session = _validated(QASession(**fields))
        session.save()
        session.moderators.set(sorted(wanted))
        record.context = session.context
        record.target(
            "qa_session",
            session.pk,
            title=session.title,
            state=session.state,
            moderators=sorted(wanted),
        )
    return session


def edit_session(session_id, user, *, changes, moderators=None):
    """A staff edit of a session's details (``changes``: any of ``SESSION_DETAILS``) and,
    when ``moderators`` is given, of who moderates it (``forums.change_qasession``).

    Guarantees: the session is locked; only fields whose value differs are written; the
    details are logged as one record naming the fields changed, a change of moderators as
    a record of its own naming who was added and who removed (who may read pending
    questions and crisis holds); connected clients get the new details after the commit.
    An edit that changes nothing logs nothing. The state changes through
    :func:`set_session_state`."""
    wanted = None if moderators is None else _moderator_ids(moderators)
    authorise = _authorise_staff("change_qasession")
    authorise(user)
    unknown = set(changes) - set(SESSION_DETAILS)
    if unknown:
        raise ServiceError(errors.INVALID, _("That is not a session field."))
    with transaction.atomic():
        session = locked_session(session_id)
        before = session_view(session)
        changed = {
            name: (getattr(session, name), value)
            for name, value in changes.items()
            if getattr(session, name) != value
        }
        with moderator_action(user, SESSION_EDIT, context=session.context) as record:
            if not changed:
                record.nothing_to_change()
            else:
                for name, (_old, new) in changed.items():
                    setattr(session, name, new)
                _validated(session).save(update_fields=[*changed, "updated_at"])
                record.context = session.context
                record.target(
                    "qa_session",
                    session.pk,
                    title=session.title,
                    changed=sorted(changed),
                    was={
                        name: _logged_value(old)
                        for name, (old, _new) in changed.items()
                        if name not in ("title", "description")
                    },
                )
        if wanted is not None:
            with moderator_action(user, SESSION_MODERATORS, context=session.context) as record:
                current = set(session.moderators.values_list("pk", flat=True))
                if current == wanted:
                    record.nothing_to_change()
                else:
                    session.moderators.set(sorted(wanted))
                    record.target(
                        "qa_session",
                        session.pk,
                        title=session.title,
                        added=sorted(wanted - current),
                        removed=sorted(current - wanted),
                    )
        session_edited(session, before)
    return session


def delete_session(session_id, user):
    """Delete a session with its questions and votes (``forums.delete_qasession``: only
    administrators). Logged with the actor, the session's title and how many questions
    went with it (never their text)."""
    with moderator_action(
        user,
        SESSION_DELETE,
        context="qa:",
        authorise=_authorise_staff("delete_qasession"),
    ) as record:
        session = locked_session(session_id)
        record.context = session.context
        record.target(
            "qa_session",
            session.pk,
            title=session.title,
            questions=session.questions.count(),
        )
        session.delete()


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
