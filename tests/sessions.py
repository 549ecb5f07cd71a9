"""The one way the tests log an account in outside Django's test client: a session saved
in the session engine, as a real log-in leaves it, and its cookie for a websocket's
headers or a browser context.

Synchronous (it writes the session); from async code call it through
``database_sync_to_async`` — ``tests.sockets.open_socket`` does.
"""

from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY


def session_key(user):
    """The key of a new session in which ``user`` is logged in."""
    engine = import_module(settings.SESSION_ENGINE)
    session = engine.SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return session.session_key


def session_cookie(user):
    """``sessionid=...``: the Cookie header's value a logged-in browser sends."""
    return f"{settings.SESSION_COOKIE_NAME}={session_key(user)}"


def cookie_header(user):
    """The ``(b"cookie", ...)`` header of a logged-in browser, for a websocket scope."""
    return (b"cookie", session_cookie(user).encode())


def browser_cookie(user, url):
    """The session cookie as Playwright's ``context.add_cookies`` takes it, for the site
    at ``url`` (e.g. a live server's address)."""
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": session_key(user),
        "url": url,
        "httpOnly": True,
        "sameSite": "Lax",
    }
