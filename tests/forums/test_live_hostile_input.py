"""Hostile input on the live sockets: whatever a client sends, it gets a stable error code
(never a server error), and the socket stays open unless the frame is larger than any
page of ours could send.

One rule per behaviour, for every client frame of every feature (the rules live in the
base ``ClientFrame`` and ``parse_client_frame``, not in each feature).
"""

import json
import logging
import re
import typing
from pathlib import Path
from typing import Annotated, Literal

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client
from pydantic import StringConstraints

from forums import live
from forums.live import protocol
from forums.live.consumer import CLOSE_TOO_LARGE
from forums.models import Message, Question
from forums.qa.protocol import QA_FRAMES
from forums.rooms.protocol import QUEUE_FRAMES, ROOM_FRAMES
from tests.forums.qa_support import make_member, make_session
from tests.forums.rooms_support import join, make_room

NUL = "\u0000"


# --- a bare endpoint: the consumer base and the protocol alone ------------------------------
class SayFrame(protocol.ClientFrame):
    type: Literal["say"]
    text: Annotated[str, StringConstraints(min_length=1, max_length=100_000)]


class EchoConsumer(live.LiveConsumer):
    frames = protocol.FrameSet(protocol.PingFrame, SayFrame)

    async def open(self):
        self.topic = "test.hostile"

    async def snapshot(self):
        return {"type": "snapshot"}

    async def on_say(self, frame):
        await self.send_frame(protocol.AckFrame(client_ref=frame.client_ref, id=1))


# The consumer base closes stale database connections around its database calls; on
# PostgreSQL that needs database access, though these sockets read and write nothing.
echo_needs_db = pytest.mark.django_db


async def echo_socket():
    communicator = WebsocketCommunicator(EchoConsumer.as_asgi(), "/ws/hostile/")
    connected, _ = await communicator.connect()
    assert connected
    assert (await communicator.receive_json_from())["type"] == "snapshot"
    return communicator


async def assert_still_open(communicator):
    await communicator.send_json_to({"type": "ping"})
    assert (await communicator.receive_json_from())["type"] == "pong"


@echo_needs_db
@pytest.mark.parametrize(
    "raw",
    [
        "[" * 5000,
        '{"a":' * 3000,
        '{"a":' * 2000 + "1" + "}" * 2000,
        '{"type": "say", "text": ' + "[" * 3000 + "]" * 3000 + "}",
        '{"type": "say", "client_ref": "r1", "text": ' + '{"b":' * 3000 + "}",
    ],
    ids=["arrays", "objects", "closed-objects", "nested-field", "unclosed-field"],
)
async def test_deeply_nested_json_is_malformed_not_a_server_error(raw, caplog):
    caplog.set_level(logging.ERROR)
    communicator = await echo_socket()
    await communicator.send_to(text_data=raw)
    error = await communicator.receive_json_from()
    assert error["type"] == "error" and error["code"] == protocol.MALFORMED
    await assert_still_open(communicator)
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
    await communicator.disconnect()


@echo_needs_db
@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
async def test_non_json_number_constants_are_malformed(constant):
    communicator = await echo_socket()
    await communicator.send_to(text_data=f'{{"type": "say", "text": {constant}}}')
    assert (await communicator.receive_json_from())["code"] == protocol.MALFORMED
    await communicator.disconnect()


@echo_needs_db
async def test_the_frame_limit_counts_bytes_not_characters():
    text = "é" * (protocol.MAX_FRAME_BYTES // 2 + 10)  # two bytes each in UTF-8
    raw = f'{{"type": "say", "text": "{text}"}}'
    assert len(raw) < protocol.MAX_FRAME_BYTES < len(raw.encode())
    communicator = await echo_socket()
    await communicator.send_to(text_data=raw)
    assert (await communicator.receive_json_from())["code"] == protocol.TOO_LARGE
    await assert_still_open(communicator)
    await communicator.disconnect()


@echo_needs_db
async def test_a_frame_up_to_the_maximum_is_refused_and_the_socket_stays_open():
    communicator = await echo_socket()
    await communicator.send_to(text_data="x" * protocol.MAX_MESSAGE_BYTES)
    assert (await communicator.receive_json_from())["code"] == protocol.TOO_LARGE
    await assert_still_open(communicator)
    await communicator.disconnect()


@echo_needs_db
@pytest.mark.parametrize("kind", ["text", "bytes"])
async def test_a_frame_over_the_maximum_is_refused_and_the_socket_closed_cleanly(kind):
    communicator = await echo_socket()
    payload = "x" * (protocol.MAX_MESSAGE_BYTES + 1)
    if kind == "text":
        await communicator.send_to(text_data=payload)
    else:
        await communicator.send_to(bytes_data=payload.encode())
    error = await communicator.receive_json_from()
    assert error["type"] == "error" and error["code"] == protocol.TOO_LARGE
    closed = await communicator.receive_output()
    assert closed["type"] == "websocket.close" and closed["code"] == CLOSE_TOO_LARGE
    await communicator.wait()


def test_the_documented_limits_hold_together():
    assert protocol.MAX_FRAME_BYTES < protocol.MAX_MESSAGE_BYTES
    deploy = (Path(settings.BASE_DIR) / "docs" / "deploy.md").read_text()
    assert f"{protocol.MAX_FRAME_BYTES:,} bytes" in deploy
    assert f"{protocol.MAX_MESSAGE_BYTES:,} bytes" in deploy
    daphne_limits = {
        int(size) for size in re.findall(r"--websocket-max-(?:message|frame)-size[= ](\d+)", deploy)
    }
    assert daphne_limits and min(daphne_limits) > protocol.MAX_MESSAGE_BYTES


def test_live_js_refuses_frames_over_the_same_limit():
    script = (Path(settings.BASE_DIR) / "forums" / "static" / "forums" / "live.js").read_text()
    found = re.search(r"export const MAX_FRAME_BYTES = ([\d_ *]+);", script)
    assert found, "live.js must declare MAX_FRAME_BYTES"
    assert eval(found.group(1).replace("_", "")) == protocol.MAX_FRAME_BYTES  # noqa: S307


# --- every client frame of every feature ---------------------------------------------------
# One valid frame per type, with every optional text field filled in.
VALID = {
    "ping": {},
    "question.ask": {"text": "How do we help?", "anonymous": False},
    "question.vote": {"question_id": 7, "up": True},
    "question.approve": {"question_id": 7},
    "question.reject": {"question_id": 7, "reason": "Off topic"},
    "question.edit": {"question_id": 7, "text": "How do we help?", "approve": True},
    "question.pin": {"question_id": 7, "pinned": False},
    "question.answer": {"question_id": 7, "answer": "Together."},
    "question.hide": {"question_id": 7, "reason": "Duplicate"},
    "session.open": {},
    "session.close": {},
    "message.send": {"body": "Hello", "reply_to": 3, "checkin": False},
    "message.edit": {"message_id": 3, "body": "Hello again"},
    "message.delete": {"message_id": 3},
    "message.flag": {"message_id": 3, "reason": "spam", "note": "Looks like an ad"},
    "messages.before": {"before_id": 3},
    "guidelines.accept": {},
    "member.hide": {"member_id": 4, "hidden": True},
    "message.remove": {"message_id": 3, "reason": "Unkind"},
    "message.release": {"message_id": 3},
    "member.mute": {"member_id": 4, "minutes": 30, "reason": "Cooling off"},
    "member.ban": {"member_id": 4, "reason": "Harassment"},
    "member.identify": {"member_id": 4},
    "room.slow_mode": {"seconds": 30},
    "room.open": {},
    "room.close": {"reason": "Back tomorrow"},
    "message.pin": {"message_id": 3, "pinned": True},
}
FRAME_SETS = {"qa": QA_FRAMES, "rooms": ROOM_FRAMES, "queue": QUEUE_FRAMES}
EVERY_FRAME = [
    (endpoint, frame_type)
    for endpoint, frames in FRAME_SETS.items()
    for frame_type in sorted(frames.types)
]


def full_frame(frame_type, **changes):
    return {"type": frame_type, "client_ref": "ref-1", **VALID[frame_type], **changes}


def takes_text(annotation):
    if annotation is str:
        return True
    if typing.get_origin(annotation) is Literal:
        return any(isinstance(value, str) for value in typing.get_args(annotation))
    return any(takes_text(argument) for argument in typing.get_args(annotation))


def text_fields(frames, frame_type):
    model = frames.models[frame_type]
    return sorted(
        name
        for name, field in model.model_fields.items()
        if name != "type" and takes_text(field.annotation)
    )


def refusal(frames, data):
    with pytest.raises(protocol.ProtocolError) as refused:
        protocol.parse_client_frame(json.dumps(data), frames)
    return refused.value


@pytest.mark.parametrize(("endpoint", "frame_type"), EVERY_FRAME)
def test_every_valid_frame_is_accepted_with_its_proper_json_types(endpoint, frame_type):
    frames = FRAME_SETS[endpoint]
    frame = protocol.parse_client_frame(json.dumps(full_frame(frame_type)), frames)
    assert frame.type == frame_type
    # Every text field of the frame is filled in above, so the next test covers it.
    assert set(text_fields(frames, frame_type)) <= set(full_frame(frame_type))


@pytest.mark.parametrize(("endpoint", "frame_type"), EVERY_FRAME)
def test_a_nul_character_in_any_text_field_is_invalid_and_names_the_field(endpoint, frame_type):
    frames = FRAME_SETS[endpoint]
    for field in text_fields(frames, frame_type):
        value = full_frame(frame_type)[field]
        refused = refusal(frames, full_frame(frame_type, **{field: value[:1] + NUL + value[1:]}))
        assert refused.code == protocol.INVALID, field
        assert list(refused.fields) == [field]


@pytest.mark.parametrize("field", ["text", "client_ref"])
def test_an_unpaired_surrogate_in_a_text_field_is_invalid(field):
    refused = refusal(QA_FRAMES, full_frame("question.ask", **{field: "ab\ud800c"}))
    assert refused.code == protocol.INVALID and list(refused.fields) == [field]


@pytest.mark.parametrize(
    ("frames", "frame_type", "field", "value"),
    [
        (QA_FRAMES, "question.vote", "question_id", True),
        (QA_FRAMES, "question.vote", "question_id", "7"),
        (QA_FRAMES, "question.vote", "question_id", 7.0),
        (QA_FRAMES, "question.vote", "up", "false"),
        (QA_FRAMES, "question.vote", "up", 1),
        (QA_FRAMES, "question.ask", "anonymous", "yes"),
        (QA_FRAMES, "question.ask", "text", 42),
        (QA_FRAMES, "question.edit", "approve", "true"),
        (ROOM_FRAMES, "member.mute", "minutes", "5"),
        (ROOM_FRAMES, "member.mute", "member_id", False),
        (ROOM_FRAMES, "room.slow_mode", "seconds", "30"),
        (ROOM_FRAMES, "message.send", "reply_to", "3"),
        (ROOM_FRAMES, "member.hide", "hidden", "no"),
        (ROOM_FRAMES, "message.send", "body", ["Hello"]),
    ],
)
def test_a_field_of_the_wrong_json_type_is_invalid_not_coerced(frames, frame_type, field, value):
    refused = refusal(frames, full_frame(frame_type, **{field: value}))
    assert refused.code == protocol.INVALID
    assert list(refused.fields) == [field]


# --- the real sockets, on SQLite and PostgreSQL alike ---------------------------------------
def cookie_headers(user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    return [
        (b"origin", b"http://localhost"),
        (b"host", b"localhost"),
        (b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()),
    ]


async def portal_socket(path, user):
    from portal.application import application

    headers = await sync_to_async(cookie_headers)(user)
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await communicator.connect()
    assert connected
    snapshot = await communicator.receive_json_from(timeout=5)
    assert snapshot["type"] == "snapshot", snapshot
    return communicator


async def answer_to(communicator, ref):
    while True:
        frame = await communicator.receive_json_from(timeout=5)
        if frame["type"] in ("ack", "error") and frame.get("client_ref") == ref:
            return frame


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
async def test_a_question_with_a_nul_character_is_invalid_and_nothing_is_stored():
    session = await sync_to_async(make_session)()
    family = await sync_to_async(make_member)("Hopeful Aunt")
    communicator = await portal_socket(f"/ws/qa/{session.slug}/", family)
    await communicator.send_json_to(
        {"type": "question.ask", "text": f"How do we{NUL} help?", "client_ref": "r1"}
    )
    error = await answer_to(communicator, "r1")
    assert error["type"] == "error" and error["code"] == protocol.INVALID
    assert list(error["fields"]) == ["text"]
    assert not await sync_to_async(Question.objects.exists)()
    await communicator.send_json_to(
        {"type": "question.vote", "question_id": True, "up": True, "client_ref": "r2"}
    )
    error = await answer_to(communicator, "r2")
    assert error["code"] == protocol.INVALID and list(error["fields"]) == ["question_id"]
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
async def test_a_room_message_with_a_nul_character_is_invalid_and_nothing_is_stored():
    def member_of_a_room():
        room = make_room()
        user = make_member("Hopeful Mom")
        join(room, user)
        return room, user

    room, user = await sync_to_async(member_of_a_room)()
    communicator = await portal_socket(f"/ws/rooms/{room.slug}/", user)
    await communicator.send_json_to(
        {"type": "message.send", "body": f"Hello{NUL}", "client_ref": "r1"}
    )
    error = await answer_to(communicator, "r1")
    assert error["type"] == "error" and error["code"] == protocol.INVALID
    assert list(error["fields"]) == ["body"]
    assert not await sync_to_async(Message.objects.exists)()
    await communicator.send_json_to({"type": "ping"})
    while (await communicator.receive_json_from(timeout=5))["type"] != "pong":
        pass
    await communicator.disconnect()
