"""The one set of websocket helpers: a ``WebsocketCommunicator`` on ``portal.application`` with
the headers a browser sends, and ways to read the frames that follow.

``portal.application`` refuses a socket without an allowed ``Origin``
(``AllowedHostsOriginValidator``), so every socket here sends ``Origin: http://localhost``
unless told not to.
"""

import asyncio
import json

from asgiref.sync import SyncToAsync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from tests.sessions import cookie_header

ORIGIN = (b"origin", b"http://localhost")
HOST = (b"host", b"localhost")
BROWSER_HEADERS = [ORIGIN, HOST]


def portal_application():
    """``portal.application.application``, imported when first needed (importing it reads
    ``ALLOWED_HOSTS`` and builds the routes)."""
    from portal.application import application

    return application


async def open_socket(
    path, user=None, *, application=None, headers=None, expect_connected=True, timeout=5
):
    """A connected socket at ``path``, logged in as ``user`` (a session cookie) when one
    is given. ``headers`` replaces the browser's Origin and Host; ``application``
    replaces ``portal.application``. With ``expect_connected=False`` the socket is returned
    whatever the handshake gave: ``communicator.accepted`` and ``communicator.close_code``
    say how it went."""
    headers = list(BROWSER_HEADERS if headers is None else headers)
    if user is not None:
        headers.append(await database_sync_to_async(cookie_header)(user))
    communicator = WebsocketCommunicator(application or portal_application(), path, headers=headers)
    accepted, close_code = await communicator.connect(timeout=timeout)
    communicator.accepted, communicator.close_code = accepted, close_code
    if expect_connected:
        assert accepted, f"{path}: socket refused ({close_code})"
    return communicator


def close_sync_thread_connections():
    """Close the database connections of asgiref's single sync thread, where
    ``sync_to_async`` from an async test runs. Unlike ``database_sync_to_async`` it never
    closes them; on PostgreSQL the pool cannot take back a connection still checked out,
    and the test database, still in use, could not be dropped at the end."""
    from django.db import connections

    SyncToAsync.single_thread_executor.submit(connections.close_all).result(timeout=30)


async def receive_snapshot(communicator, timeout=5):
    """The first frame, which must be a snapshot; also kept as ``communicator.snapshot``."""
    snapshot = await communicator.receive_json_from(timeout=timeout)
    assert snapshot["type"] == "snapshot", snapshot
    communicator.snapshot = snapshot
    return snapshot


async def receive_until(communicator, frame_type, timeout=5, where=None):
    """The next frame of ``frame_type`` (matching ``where``), skipping others."""
    while True:
        frame = await communicator.receive_json_from(timeout=timeout)
        if frame["type"] == frame_type and (where is None or where(frame)):
            return frame


async def nothing_of(communicator, frame_type, timeout=0.6):
    """True when no ``frame_type`` frame arrives within ``timeout`` seconds (other frames
    are consumed; the socket stays open, unlike a timed-out ``receive_output``)."""
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
