"""Live Q&A: every state change of a session, its questions and votes.

Each function runs in one transaction, locks the rows that concurrency matters for,
checks the actor's permission with fresh data, logs moderator actions, and queues the
broadcast with ``live.broadcast_on_commit`` so a frame only ever describes something
already committed. Refusals raise :class:`forums.live.errors.ServiceError` with a stable
code; the consumer, the no-JS views and the admin turn it into an error frame or a
message.

Who sees what: visible and answered questions are public (shown name only, never the
author). A pending or rejected question reaches only its author and the moderators.
Moderators also see the author's display name behind "Anonymous", the urgent flag and
the screening findings.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from forums import live, screening
from forums.live import errors, moderation, ratelimit
from forums.live.errors import ServiceError
from forums.models import (
    ANONYMOUS_NAME,
    FORMER_MEMBER_NAME,
    QASession,
    Question,
    QuestionVote,
)
from portal import notifications, roles

logger = logging.getLogger("forums.qa")

ASK_LIMIT = (3, 60)  # questions per account per minute
VOTE_LIMIT = (60, 60)  # votes per account per minute
MODERATOR_LIMIT = (240, 60)  # moderator actions per account per minute (a runaway script)

PUBLIC = "public"
MODERATORS = "moderators"

State = Question.State


def user_tag(user_id):
    return f"user:{user_id}"


# --- permissions ------------------------------------------------------------------------
def can_moderate(user, session):
    """Fresh from the database: superusers, the Moderators group, named moderators."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or roles.has_role(user, roles.MODERATORS):
        return True
    return session.moderators.filter(pk=user.pk).exists()


def _require_account(user):
    if user is None or not user.is_authenticated:
        raise ServiceError(
            errors.LOGIN_REQUIRED, _("Please log in to ask or vote. Anyone can watch.")
        )
    if not user.is_active:
        raise ServiceError(errors.FORBIDDEN, _("This account is not active."))


def _require_moderator(user, session):
    _require_account(user)
    if not can_moderate(user, session):
        raise ServiceError(errors.FORBIDDEN, _("Only this session's moderators can do that."))
    ratelimit.take("qa.moderate", user.pk, limit=MODERATOR_LIMIT[0], period=MODERATOR_LIMIT[1])


def _locked_session(session_id):
    try:
        return QASession.objects.select_for_update().get(pk=session_id)
    except QASession.DoesNotExist:
        raise ServiceError(errors.NOT_FOUND, _("This session no longer exists.")) from None


def _question_not_found():
    return ServiceError(errors.NOT_FOUND, _("That question is not in this session."))


def _locked_question(session, question_id):
    try:
        return Question.objects.select_for_update().get(pk=question_id, session=session)
    except Question.DoesNotExist:
        raise _question_not_found() from None


def _display_name(user):
    profile = getattr(user, "profile", None)
    name = getattr(profile, "display_name", "") if profile is not None else ""
    return name or _("Member")


# --- serialisation ----------------------------------------------------------------------
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
    data["author"] = _display_name(author) if author is not None else FORMER_MEMBER_NAME
    data["anonymous"] = question.shown_name == ANONYMOUS_NAME
    return data


def counts(session):
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


# --- broadcasting ------------------------------------------------------------------------
def _broadcast_question(session, question, frame_type, *, was_public):
    """Queue the frames that describe ``question``'s new state for each audience."""
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


def _purge_lecture_on_commit(session, question, was_public_answer):
    """Learn pages are cached; answered questions appear on the lecture page."""
    if session.lecture_id is None:
        return
    if question.state != State.ANSWERED and not was_public_answer:
        return
    from lectures.services import purge_published_pages

    transaction.on_commit(purge_published_pages)


# --- asking ------------------------------------------------------------------------------
def ask_question(session_id, user, text, *, anonymous=False, client_ref=None):
    """Store a family's question; return ``(question, verdict or None, created)``.

    Idempotent per ``(author, client_ref)``: the same frame re-sent after a reconnect
    returns the first row. Screened first: crisis language is never refused — it is
    stored as urgent (held for a moderator, who is alerted) even when the session is
    closed, the text is long or the rate limit is reached; blocked words are refused
    with the reason; held findings wait for a moderator; with pre-moderation on, every
    question waits. Bidi controls and invisible characters are removed from what is
    stored; a question that shows nothing is refused.
    """
    _require_account(user)
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
        session = QASession.objects.filter(pk=session_id).first()
        if session is None:
            raise ServiceError(errors.NOT_FOUND, _("This session no longer exists."))
        anonymous = anonymous and session.anonymous_allowed
    else:
        session = _open_session(
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
                shown_name=ANONYMOUS_NAME if anonymous else _display_name(user),
                text=text,
                state=State.PENDING if held else State.VISIBLE,
                urgent=verdict.crisis,
                screening=list(verdict.kinds),
                screening_reasons=list(verdict.reasons),
                client_ref=client_ref,
            )
            _broadcast_question(session, question, "question.added", was_public=False)
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


def _open_session(session_id, *, closed, not_yet):
    """The session, if it exists and is open; else not_found, or conflict saying why."""
    session = QASession.objects.filter(pk=session_id).first()
    if session is None:
        raise ServiceError(errors.NOT_FOUND, _("This session no longer exists."))
    if not session.is_open:
        raise ServiceError(errors.CONFLICT, closed if session.is_closed else not_yet)
    return session


# --- voting ------------------------------------------------------------------------------
def vote(session_id, user, question_id, up):
    """Add (``up``) or remove the account's vote; return the question's new tally.

    One vote per account and question (a database constraint). The tally is recounted
    from the votes under the question's row lock, so it always equals the votes, however
    many accounts vote at once.
    """
    _require_account(user)
    ratelimit.take("qa.vote", user.pk, limit=VOTE_LIMIT[0], period=VOTE_LIMIT[1])
    with transaction.atomic():
        session = _open_session(
            session_id,
            closed=_("This session is closed."),
            not_yet=_("Voting opens when the session starts."),
        )
        question = _locked_question(session, question_id)
        if not question.is_public and question.author_id != user.pk:
            # Answer exactly as for an id that does not exist: a family must not learn
            # that someone else's unpublished question is there.
            raise _question_not_found()
        if question.state != State.VISIBLE:
            raise ServiceError(errors.CONFLICT, _("Only open questions can be voted on."))
        if up:
            QuestionVote.objects.get_or_create(question=question, voter=user)
        else:
            QuestionVote.objects.filter(question=question, voter=user).delete()
        tally = QuestionVote.objects.filter(question=question).count()
        if tally != question.vote_count:
            Question.objects.filter(pk=question.pk).update(vote_count=tally)
    return tally


def vote_tallies(topic, question_ids):
    """The coalesced ``question.updated`` frame with the current tallies (see live)."""
    rows = Question.objects.filter(
        pk__in=question_ids, state__in=[State.VISIBLE, State.ANSWERED]
    ).values_list("pk", "vote_count")
    questions = [{"id": pk, "votes": votes} for pk, votes in rows]
    if not questions:
        return None
    return {"type": "question.updated", "questions": questions}


live.register_coalescer("qa.votes", vote_tallies, interval=0.25)


# --- moderating --------------------------------------------------------------------------
def _moderate(session_id, user, question_id, action, change, *, reason="", details=None):
    """Lock, check, apply ``change(session, question)``, log, broadcast; return question."""
    with transaction.atomic():
        session = _locked_session(session_id)
        _require_moderator(user, session)
        if session.is_closed:
            raise ServiceError(errors.CONFLICT, _("This session is closed; reopen it first."))
        question = _locked_question(session, question_id)
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
        _broadcast_question(session, question, "question.updated", was_public=was_public)
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
                _broadcast_question(session, other, "question.updated", was_public=True)
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


SESSION_STATE_ACTIONS = {
    QASession.State.SCHEDULED: "schedule",
    QASession.State.OPEN: "open",
    QASession.State.CLOSED: "close",
}


def set_session_state(session_id, user, state):
    """Open or close a session (a closed session can be reopened by a moderator), or put
    it back to scheduled. The only way a session's state changes, from the console or
    Wagtail admin: connected clients get the new state, and it is logged."""
    if state not in SESSION_STATE_ACTIONS:
        raise ServiceError(errors.INVALID, _("That is not a session state."))
    with transaction.atomic():
        session = _locked_session(session_id)
        _require_moderator(user, session)
        if session.state == state:
            return session
        if state == QASession.State.CLOSED:
            # Clients only learn of an unpin from a question frame: send one per question,
            # or they keep showing "now answering" on the closed archive.
            pinned = Question.objects.select_for_update().filter(session=session, pinned=True)
            for question in pinned:
                question.pinned = False
                question.save(update_fields=["pinned", "updated_at"])
                _broadcast_question(session, question, "question.updated", was_public=True)
        session.state = state
        session.save(update_fields=["state", "updated_at"])
        moderation.record_action(
            user,
            SESSION_STATE_ACTIONS[state],
            context=session.context,
            target_type="qa_session",
            target_id=session.pk,
        )
        live.broadcast_on_commit(
            session.topic, {"type": "session.updated", "session": session_data(session)}
        )
        if session.lecture_id is not None:
            from lectures.services import purge_published_pages

            transaction.on_commit(purge_published_pages)
    return session


# --- reading for pages -----------------------------------------------------------------
def public_questions(session, *, order="votes"):
    queryset = Question.objects.filter(session=session, state__in=[State.VISIBLE, State.ANSWERED])
    if order == "newest":
        return queryset.order_by("-pinned", "-created_at", "-id")
    return queryset.order_by("-pinned", "-vote_count", "created_at", "id")


def answered_for_lecture(lecture):
    """``[{question, answer}]`` answered in this lecture's sessions, for its page."""
    questions = Question.objects.filter(session__lecture=lecture, state=State.ANSWERED).order_by(
        "-vote_count", "answered_at", "id"
    )
    return [
        {"question": question.text, "answer": question.answer or _("Answered live in the session.")}
        for question in questions
    ]


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


# --- privacy -----------------------------------------------------------------------------
def export_questions(user):
    return {
        "questions": [
            {
                "session": question.session.title,
                "asked": question.created_at.isoformat(),
                "shown_as": question.shown_name,
                "text": question.text,
                "state": question.state,
                "answer": question.answer,
            }
            for question in Question.objects.filter(author=user).select_related("session")
        ],
        "votes": [
            {"session": vote.question.session.title, "question_id": vote.question_id}
            for vote in QuestionVote.objects.filter(voter=user).select_related("question__session")
        ],
    }


def erase_questions(user):
    """Keep questions others voted on and answers rely on, without the person; keep
    their votes without the account, so every tally stays what families saw (and equal
    to its votes)."""
    with transaction.atomic():
        QuestionVote.objects.filter(voter=user).update(voter=None)
        Question.objects.filter(author=user).exclude(shown_name=ANONYMOUS_NAME).update(
            shown_name=FORMER_MEMBER_NAME
        )
        Question.objects.filter(author=user).update(author=None, client_ref="")


# --- answered questions become published knowledge ------------------------------------------
FAQ_TITLE = "Questions from families"

# What happened to the guide's workflow when an FAQ entry was added (FAQConversion.workflow).
FAQ_SUBMITTED = "submitted"  # no review was running: the draft was submitted
FAQ_RESUBMITTED = "resubmitted"  # the reviewer had asked for changes: review resumed
FAQ_ALREADY_IN_REVIEW = "already_in_review"  # added to the draft under review
FAQ_NO_WORKFLOW = "no_workflow"  # the page has no workflow: saved as a draft only


@dataclass(frozen=True)
class FAQConversion:
    revision: object
    workflow: str


def _submit_for_review(page, user):
    """Send ``page``'s latest revision to its workflow the way Wagtail's editor does;
    return one of the ``FAQ_*`` outcomes."""
    from wagtail.models import WorkflowState

    workflow = page.get_workflow()
    if workflow is None:
        return FAQ_NO_WORKFLOW
    current = page.current_workflow_state
    if current is None:
        workflow.start(page, user)
        return FAQ_SUBMITTED
    if current.status == WorkflowState.STATUS_NEEDS_CHANGES:
        # Left alone it stays "changes requested" forever: no reviewer sees the entry.
        current.resume(user)
        return FAQ_RESUBMITTED
    # A review is running. Restarting it would throw away the reviewers' progress;
    # approving publishes the latest revision, which now holds the entry.
    return FAQ_ALREADY_IN_REVIEW


def add_question_to_faq(question_id, page, user, *, question_text=None, answer_text=None):
    """Append an answered question to the FAQ of ``page`` (a guide) as a NEW DRAFT revision
    and submit it to the page's workflow (clinical review); the live page is unchanged until
    a reviewer approves. A review that requested changes is resumed with the new draft; a
    review already running keeps going with the entry in its latest draft. Logged as a
    moderation action. Returns a :class:`FAQConversion` (the revision, and what happened
    to the workflow)."""
    from django.template.defaultfilters import linebreaks_filter
    from wagtail.rich_text import RichText

    question = Question.objects.select_related("session").get(pk=question_id)
    if question.state != State.ANSWERED:
        raise ServiceError(errors.CONFLICT, _("Only answered questions can become FAQ entries."))
    page = page.specific
    if not page.permissions_for_user(user).can_edit():
        raise ServiceError(errors.FORBIDDEN, _("You cannot edit that page."))
    if not hasattr(page, "body") or "faq" not in getattr(
        page.body.stream_block, "child_blocks", {}
    ):
        raise ServiceError(errors.INVALID, _("That page has no FAQ section."))
    question_text = (question_text or question.text).strip()[:300]
    answer_text = (answer_text or question.answer).strip()
    if not question_text or not answer_text:
        raise ServiceError(errors.INVALID, _("An FAQ entry needs a question and a typed answer."))
    with transaction.atomic():
        draft = page.get_latest_revision_as_object()
        entry = {"question": question_text, "answer": RichText(linebreaks_filter(answer_text))}
        body = list(draft.body)
        faq_index = max(
            (i for i, block in enumerate(body) if block.block_type == "faq"), default=None
        )
        faq_block = draft.body.stream_block.child_blocks["faq"]
        list_block = faq_block.child_blocks["questions"]
        if faq_index is None:
            value = faq_block.to_python(
                {"title": FAQ_TITLE, "questions": [list_block.child_block.get_prep_value(entry)]}
            )
            draft.body.append(("faq", value))
        else:
            value = draft.body[faq_index].value
            items = [item for item in value["questions"]] + [entry]
            value["questions"] = list_block.normalize(items)
            draft.body[faq_index] = ("faq", value)
        revision = draft.save_revision(user=user, log_action=True)
        outcome = _submit_for_review(page, user)
        moderation.record_action(
            user,
            "faq",
            context=question.session.context,
            target_type="question",
            target_id=question.pk,
            details={"page_id": page.pk, "revision_id": revision.pk, "workflow": outcome},
        )
    return FAQConversion(revision, outcome)
