"""Who may do what in a live Q&A session, and the rows an action starts from.

Permissions are read fresh from the database on every call (a socket's user object is
as old as the socket). Sockets are tagged with the audiences they belong to; a frame
meant for an audience reaches only the sockets holding its tag (``forums.live.hub``).
"""

from django.utils.translation import gettext as _

from forums.live import errors, ratelimit
from forums.live.errors import ServiceError
from forums.models import QASession, Question
from portal import mfa, roles

MODERATOR_LIMIT = (240, 60)  # moderator actions per account per minute (a runaway script)

# Audience tags: every participant page, every moderator console, and one per account.
PUBLIC = "public"
MODERATORS = "moderators"


def user_tag(user_id):
    """The tag of every socket of one account (its own questions reach them)."""
    return f"user:{user_id}"


def socket_tags(user, *, console):
    """The tags of a socket: the moderator console or a participant page, plus the
    account's own tag when signed in. What a socket receives follows from these."""
    tags = {MODERATORS if console else PUBLIC}
    if user is not None and user.is_authenticated:
        tags.add(user_tag(user.pk))
    return frozenset(tags)


def can_moderate(user, session):
    """Fresh from the database: superusers, the Moderators group, named moderators; a
    staff account among them only with its second sign-in step (``portal.mfa``: one more
    query per moderator action, none per family question or vote)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if not (
        user.is_superuser
        or roles.has_role(user, roles.MODERATORS)
        or session.moderators.filter(pk=user.pk).exists()
    ):
        return False
    return mfa.may_use_staff_powers(user)


def can_curate_answers(user):
    """Who turns answered questions into FAQ entries (Wagtail admin's *Answered
    questions*): content editors, clinical reviewers (everything editors can) and
    administrators. Moderators answer in the console and need no list of them."""
    if user is None or not getattr(user, "is_active", False):
        return False
    return user.is_superuser or roles.has_any_role(user, roles.EDITORIAL_ROLES)


def require_account(user):
    """Refuse visitors (``login_required``) and inactive accounts (``forbidden``)."""
    if user is None or not user.is_authenticated:
        raise ServiceError(
            errors.LOGIN_REQUIRED, _("Please log in to ask or vote. Anyone can watch.")
        )
    if not user.is_active:
        raise ServiceError(errors.FORBIDDEN, _("This account is not active."))


def require_moderator(user, session):
    """Refuse anyone who cannot moderate ``session`` now, and a moderator past the
    moderator rate limit (a runaway script)."""
    require_account(user)
    if not can_moderate(user, session):
        raise ServiceError(errors.FORBIDDEN, _("Only this session's moderators can do that."))
    ratelimit.take("qa.moderate", user.pk, limit=MODERATOR_LIMIT[0], period=MODERATOR_LIMIT[1])


def session_gone():
    """The refusal for a session that does not exist (any more)."""
    return ServiceError(errors.NOT_FOUND, _("This session no longer exists."))


def get_session(session_id):
    """The session (unlocked), or ``not_found``."""
    session = QASession.objects.filter(pk=session_id).first()
    if session is None:
        raise session_gone()
    return session


def locked_session(session_id):
    """The session, locked until the transaction ends, or ``not_found``."""
    try:
        return QASession.objects.select_for_update().get(pk=session_id)
    except QASession.DoesNotExist:
        raise session_gone() from None


def question_not_found():
    """The refusal for a question that is not in this session, or that the reader may
    not know of (someone else's unpublished question): the same words either way."""
    return ServiceError(errors.NOT_FOUND, _("That question is not in this session."))


def locked_question(session, question_id):
    """The session's question, locked until the transaction ends, or ``not_found``
    (also for a question of another session)."""
    try:
        return Question.objects.select_for_update().get(pk=question_id, session=session)
    except Question.DoesNotExist:
        raise question_not_found() from None


def open_session(session_id, *, closed, not_yet):
    """The session, if it exists and is open; else not_found, or conflict saying why."""
    session = get_session(session_id)
    if not session.is_open:
        raise ServiceError(errors.CONFLICT, closed if session.is_closed else not_yet)
    return session


def display_name(user):
    """The account's display name (shown with its questions), or "Member"."""
    profile = getattr(user, "profile", None)
    name = getattr(profile, "display_name", "") if profile is not None else ""
    return name or _("Member")
