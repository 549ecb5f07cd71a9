"""The shared live-delivery core (forums.live: hub, broadcast, consumer base, protocol)."""

import asyncio
import os
from typing import Annotated, Literal

import pytest
from channels.testing import WebsocketCommunicator
from pydantic import StringConstraints

from forums import live
from forums.live import protocol

# Channels' consumer dispatch closes stale database connections before each handler
# (as Django does around a request): socket tests need database access, though these
# sockets read and write nothing.
pytestmark = pytest.mark.django_db


class SayFrame(protocol.ClientFrame):
    type: Literal["say"]
    text: Annotated[str, StringConstraints(min_length=1, max_length=10)]


class EchoConsumer(live.LiveConsumer):
    frames = protocol.FrameSet(protocol.PingFrame, SayFrame)

    async def open(self):
        if self.scope["path"].endswith("/refuse/"):
            raise live.Refuse(live.CLOSE_FORBIDDEN, protocol.FORBIDDEN, "Not for you.")
        self.topic = "test.echo"
        self.tags = frozenset({f"user:{self.scope['path'].rsplit('/', 2)[-2]}"})

    async def snapshot(self):
        return {"type": "snapshot", "presence": self.hub.presence(self.topic)["count"]}

    async def on_say(self, frame):
        audience = ["user:b"] if frame.text == "secret" else None
        await live.publish(self.topic, {"type": "said", "text": frame.text}, audience=audience)
        await self.send_frame(protocol.AckFrame(client_ref=frame.client_ref, id=1))


async def connect(name):
    communicator = WebsocketCommunicator(EchoConsumer.as_asgi(), f"/ws/echo/{name}/")
    connected, _ = await communicator.connect()
    assert connected
    snapshot = await communicator.receive_json_from()
    assert snapshot["type"] == "snapshot"
    return communicator


async def receive_until(communicator, frame_type, timeout=3):
    while True:
        frame = await communicator.receive_json_from(timeout=timeout)
        if frame["type"] == frame_type:
            return frame


async def test_a_broadcast_reaches_every_socket_of_the_topic_once():
    first, second = await connect("a"), await connect("b")
    await first.send_json_to({"type": "say", "text": "hello", "client_ref": "r1"})
    assert (await receive_until(first, "said"))["text"] == "hello"
    assert (await receive_until(second, "said"))["text"] == "hello"
    await first.disconnect()
    await second.disconnect()


async def test_an_audience_limits_who_receives_a_broadcast():
    first, second = await connect("a"), await connect("b")
    await first.send_json_to({"type": "say", "text": "secret"})
    assert (await receive_until(second, "said"))["text"] == "secret"
    await first.send_json_to({"type": "say", "text": "public"})
    # The first socket's next "said" frame is the public one: the secret never reached it.
    assert (await receive_until(first, "said"))["text"] == "public"
    await first.disconnect()
    await second.disconnect()


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("not json", protocol.MALFORMED),
        ("[1, 2]", protocol.MALFORMED),
        ('{"type": "shout"}', protocol.UNKNOWN_TYPE),
        ('{"text": "no type"}', protocol.UNKNOWN_TYPE),
        ('{"type": "say"}', protocol.INVALID),
        ('{"type": "say", "text": "far too long for this"}', protocol.INVALID),
        ('{"type": "say", "text": "ok", "extra": 1}', protocol.INVALID),
        ("x" * (protocol.MAX_FRAME_BYTES + 1), protocol.TOO_LARGE),
    ],
)
async def test_bad_frames_get_an_error_frame_and_the_socket_stays_open(raw, code):
    communicator = await connect("a")
    await communicator.send_to(text_data=raw)
    error = await communicator.receive_json_from()
    assert error["type"] == "error" and error["code"] == code
    await communicator.send_json_to({"type": "ping"})
    assert (await communicator.receive_json_from())["type"] == "pong"
    await communicator.disconnect()


async def test_an_invalid_frame_error_names_the_field_and_echoes_the_client_ref():
    communicator = await connect("a")
    await communicator.send_json_to({"type": "say", "client_ref": "abc"})
    error = await communicator.receive_json_from()
    assert error["client_ref"] == "abc"
    assert "text" in error["fields"]
    await communicator.disconnect()


async def test_a_refused_socket_hears_why_then_is_closed_with_the_code():
    communicator = WebsocketCommunicator(EchoConsumer.as_asgi(), "/ws/echo/refuse/")
    connected, _ = await communicator.connect()
    assert connected
    error = await communicator.receive_json_from()
    assert error["code"] == protocol.FORBIDDEN
    closed = await communicator.receive_output()
    assert closed == {"type": "websocket.close", "code": live.CLOSE_FORBIDDEN, "reason": None} or (
        closed["type"] == "websocket.close" and closed["code"] == live.CLOSE_FORBIDDEN
    )


async def test_presence_counts_the_sockets_of_a_topic():
    first, second = await connect("a"), await connect("b")
    frame = await receive_until(second, "presence")
    while frame["count"] != 2:
        frame = await receive_until(second, "presence")
    await first.disconnect()
    frame = await receive_until(second, "presence")
    assert frame["count"] == 1
    await second.disconnect()


async def test_frames_broadcast_before_the_snapshot_is_sent_follow_it():
    first = await connect("a")
    communicator = WebsocketCommunicator(EchoConsumer.as_asgi(), "/ws/echo/c/")
    original = EchoConsumer.snapshot

    async def slow_snapshot(self):
        await live.publish(self.topic, {"type": "said", "text": "meanwhile"})
        await asyncio.sleep(0.1)
        return await original(self)

    EchoConsumer.snapshot = slow_snapshot
    try:
        await communicator.connect()
        assert (await communicator.receive_json_from())["type"] == "snapshot"
        assert (await receive_until(communicator, "said"))["text"] == "meanwhile"
    finally:
        EchoConsumer.snapshot = original
    await communicator.disconnect()
    await first.disconnect()


def test_presence_is_summed_across_processes_and_people_counted_once():
    live.exchange_presence(
        {"test.sum": {"anonymous": 2, "members": {"7": ["Ana", False]}}},
        ["test.sum"],
        process="process-one",
    )
    totals = live.exchange_presence(
        {"test.sum": {"anonymous": 1, "members": {"7": ["Ana", False], "9": ["Mod", True]}}},
        ["test.sum"],
        process="process-two",
    )
    assert totals["test.sum"]["count"] == 5
    assert [member["name"] for member in totals["test.sum"]["members"]] == ["Mod", "Ana"]
    live.exchange_presence({"test.sum": {"anonymous": 0, "members": {}}}, [], process="process-two")
    totals = live.exchange_presence(
        {"test.sum": {"anonymous": 0, "members": {}}}, ["test.sum"], process="process-one"
    )
    assert totals["test.sum"]["count"] == 0


# serialized_rollback: the flush afterwards must not re-run post_migrate, or the content
# types it recreates collide with the next serialized_rollback test's restore (the
# browser tests, the events concurrency tests).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
async def test_two_daphne_processes_share_the_health_socket_and_start(daphne_processes):
    """The fixture's processes serve websockets (the feature tests relay between them)."""
    import websockets

    for address in daphne_processes:
        async with websockets.connect(
            f"ws://{address}/ws/health/", origin="http://127.0.0.1"
        ) as socket:
            assert '"hello"' in await socket.recv()
            await socket.send('{"type": "ping"}')
            assert '"pong"' in await socket.recv()


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="the Redis channel layer only")
async def test_an_idle_redis_receive_waits_past_the_blocking_pop_without_an_error():
    # channels-redis blocks in BZPOPMIN for 5 s; redis-py 8's default 5 s socket timeout
    # raced it (a TimeoutError every ~5 s while a process was idle). It must just wait.
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    channel = await layer.new_channel()
    receiving = asyncio.ensure_future(layer.receive(channel))
    done, _pending = await asyncio.wait({receiving}, timeout=6.5)
    assert not done, receiving.exception() if done else None
    await layer.send(channel, {"type": "test.message", "text": "after the wait"})
    message = await asyncio.wait_for(receiving, 5)
    assert message["text"] == "after the wait"
    await layer.flush()


class FlakyLayer:
    """A channel layer that is down for the first ``failures`` group_add calls."""

    def __init__(self, failures):
        self.failures = failures
        self.groups = {}

    async def new_channel(self, prefix):
        return prefix + "one"

    async def group_add(self, group, channel):
        if self.failures:
            self.failures -= 1
            raise ConnectionError("channel layer down")
        self.groups.setdefault(group, set()).add(channel)

    async def group_discard(self, group, channel):
        self.groups.get(group, set()).discard(channel)

    async def receive(self, channel):
        await asyncio.Event().wait()  # nothing arrives


class Socket:
    topic = "test.flaky"

    def presence_entry(self):
        return None


async def test_a_topic_whose_group_join_failed_is_joined_again_by_the_next_socket():
    hub = live.Hub()
    hub.layer = FlakyLayer(failures=1)
    first, second = Socket(), Socket()

    with pytest.raises(ConnectionError):
        await hub.subscribe(first)
    assert hub.topics == {} and hub.channel_name is None  # nothing half-registered

    await hub.subscribe(second)
    assert hub.local_sockets("test.flaky") == (second,)
    assert hub.layer.groups[live.broadcast.group_name("test.flaky")] == {hub.channel_name}
    await hub.unsubscribe(second)
