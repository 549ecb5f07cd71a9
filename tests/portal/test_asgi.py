"""Websockets through portal.application: Origin checks, unknown paths, malformed frames."""

import pytest

from portal.consumers import CLOSE_UNKNOWN_PATH
from tests.sockets import open_socket

# Channels' consumer dispatch closes stale database connections before each handler
# (as Django does around a request): socket tests need database access, though these
# sockets read and write nothing.
pytestmark = pytest.mark.django_db


async def test_health_socket_answers_ping():
    communicator = await open_socket("/ws/health/")
    assert await communicator.receive_json_from() == {"type": "hello"}
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from() == {"type": "pong"}
    await communicator.disconnect()


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("not json", "malformed"),
        ("[1, 2]", "malformed"),
        ("[" * 5000, "malformed"),  # nested past the JSON parser's depth
        ('{"a":' * 5000, "malformed"),
        ('{"type": "nope"}', "unknown_type"),
    ],
)
async def test_bad_frames_get_an_error_frame_and_the_socket_stays_open(frame, code):
    communicator = await open_socket("/ws/health/")
    await communicator.receive_json_from()

    await communicator.send_to(text_data=frame)
    error = await communicator.receive_json_from()
    assert error["type"] == "error"
    assert error["code"] == code

    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from() == {"type": "pong"}
    await communicator.disconnect()


async def test_foreign_origin_is_refused():
    communicator = await open_socket(
        "/ws/health/", headers=[(b"origin", b"https://evil.example")], expect_connected=False
    )
    assert not communicator.accepted


async def test_missing_origin_is_refused():
    communicator = await open_socket("/ws/health/", headers=[], expect_connected=False)
    assert not communicator.accepted


async def test_unknown_path_is_refused_cleanly():
    communicator = await open_socket("/ws/nothing-here/", expect_connected=False)
    assert not communicator.accepted
    assert communicator.close_code == CLOSE_UNKNOWN_PATH
