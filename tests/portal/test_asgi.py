"""Websockets through portal.asgi: Origin checks, unknown paths, malformed frames."""

import pytest
from channels.testing import WebsocketCommunicator

from portal.asgi import application
from portal.consumers import CLOSE_UNKNOWN_PATH

LOCAL_ORIGIN = [(b"origin", b"http://localhost"), (b"host", b"localhost")]


async def test_health_socket_answers_ping():
    communicator = WebsocketCommunicator(application, "/ws/health/", headers=LOCAL_ORIGIN)
    connected, _ = await communicator.connect()
    assert connected
    assert await communicator.receive_json_from() == {"type": "hello"}
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from() == {"type": "pong"}
    await communicator.disconnect()


@pytest.mark.parametrize(
    ("frame", "code"),
    [("not json", "malformed"), ("[1, 2]", "malformed"), ('{"type": "nope"}', "unknown_type")],
)
async def test_bad_frames_get_an_error_frame_and_the_socket_stays_open(frame, code):
    communicator = WebsocketCommunicator(application, "/ws/health/", headers=LOCAL_ORIGIN)
    await communicator.connect()
    await communicator.receive_json_from()

    await communicator.send_to(text_data=frame)
    error = await communicator.receive_json_from()
    assert error["type"] == "error"
    assert error["code"] == code

    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from() == {"type": "pong"}
    await communicator.disconnect()


async def test_foreign_origin_is_refused():
    communicator = WebsocketCommunicator(
        application, "/ws/health/", headers=[(b"origin", b"https://evil.example")]
    )
    connected, _ = await communicator.connect()
    assert not connected


async def test_missing_origin_is_refused():
    communicator = WebsocketCommunicator(application, "/ws/health/")
    connected, _ = await communicator.connect()
    assert not connected


async def test_unknown_path_is_refused_cleanly():
    communicator = WebsocketCommunicator(application, "/ws/nothing-here/", headers=LOCAL_ORIGIN)
    connected, code = await communicator.connect()
    assert not connected
    assert code == CLOSE_UNKNOWN_PATH
