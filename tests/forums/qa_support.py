"""Helpers shared by the live Q&A tests: accounts, sessions and connected sockets.

Accounts come from ``tests.factories``, sockets from ``tests.sockets`` and session
cookies from ``tests.sessions``; the names here are kept for the tests that import them.
"""

from datetime import timedelta

from django.contrib.auth.models import Group
from django.utils import timezone

from forums.models import QASession, Question
from portal import roles
from tests import sessions
from tests.factories import PASSWORD, FamilyMemberFactory
from tests.sockets import nothing_of, open_socket, receive_snapshot, receive_until

__all__ = [
    "PASSWORD",
    "connect",
    "make_member",
    "make_moderator",
    "make_question",
    "make_session",
    "nothing_of",
    "receive_until",
    "session_cookie",
]


def make_member(display_name=None, *, role=None):
    """A verified family member with a profile, in ``role`` too when one is given."""
    # A transactional test's flush removes the role groups the migrations made; code
    # under test looks them up.
    for name in roles.ALL_ROLES:
        Group.objects.get_or_create(name=name)
    fields = {"display_name": display_name} if display_name else {}
    return FamilyMemberFactory(roles=[role] if role else [], **fields)


def make_moderator(display_name=None):
    """A moderator who also has a family profile (a display name), as in the demo."""
    return make_member(display_name, role=roles.MODERATORS)


def make_session(slug="family-night", **fields):
    defaults = {
        "title": "Family night Q&A",
        "starts_at": timezone.now() - timedelta(minutes=5),
        "state": QASession.State.OPEN,
    }
    return QASession.objects.create(slug=slug, **(defaults | fields))


def make_question(session, author, text="How do we help at home?", **fields):
    return Question.objects.create(
        session=session, author=author, shown_name="Someone", text=text, **fields
    )


def session_cookie(user):
    """The session cookie's value (without its name) of a logged-in ``user``."""
    return sessions.session_key(user)


async def connect(slug, user=None, *, console=False, expect_snapshot=True):
    """A socket on portal.application (Origin and session cookie as a browser sends them)."""
    path = f"/ws/qa/{slug}/" + ("?view=moderate" if console else "")
    communicator = await open_socket(path, user)
    if expect_snapshot:
        await receive_snapshot(communicator)
    return communicator
