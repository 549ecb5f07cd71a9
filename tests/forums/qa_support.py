"""Helpers shared by the live Q&A tests: accounts, sessions and connected sockets."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from forums.models import QASession, Question
from portal import roles, services
from portal.models import User

PASSWORD = "a-Long-test-passphrase-42"
_counter = {"n": 0}


def make_member(display_name=None, *, role=None):
    _counter["n"] += 1
    n = _counter["n"]
    # A transactional test's flush removes the role groups the migrations made.
    for name in roles.ALL_ROLES:
        Group.objects.get_or_create(name=name)
    user = User.objects.create_user(email=f"qa{n}@example.test", password=PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    services.register_family_member(user, display_name=display_name or f"Asker Number {n}x")
    if role is not None:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


def make_moderator(display_name=None):
    return make_member(display_name or f"Clinician Mod {_counter['n'] + 1}x", role=roles.MODERATORS)


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
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


async def connect(slug, user=None, *, console=False, expect_snapshot=True):
    """A socket on portal.asgi (Origin and session cookie as a browser sends them)."""
    from portal.asgi import application

    headers = [(b"origin", b"http://localhost"), (b"host", b"localhost")]
    if user is not None:
        cookie = await sync_to_async(session_cookie)(user)
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()))
    path = f"/ws/qa/{slug}/" + ("?view=moderate" if console else "")
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await communicator.connect()
    assert connected
    if expect_snapshot:
        snapshot = await communicator.receive_json_from(timeout=5)
        assert snapshot["type"] == "snapshot", snapshot
        communicator.snapshot = snapshot
    return communicator


async def receive_until(communicator, frame_type, timeout=5, where=None):
    """The next frame of ``frame_type`` (matching ``where``), skipping others."""
    while True:
        frame = await communicator.receive_json_from(timeout=timeout)
        if frame["type"] == frame_type and (where is None or where(frame)):
            return frame


async def nothing_of(communicator, frame_type, timeout=0.6):
    """True when no ``frame_type`` frame arrives within ``timeout`` seconds (other frames
    are consumed; the socket stays open, unlike a timed-out ``receive_output``)."""
    import asyncio
    import json

    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while (remaining := deadline - loop.time()) > 0:
        try:
            message = await asyncio.wait_for(communicator.output_queue.get(), remaining)
        except TimeoutError:
            return True
        if message.get("type") == "websocket.send":
            if json.loads(message["text"]).get("type") == frame_type:
                return False
    return True
