"""The sockets give the verdicts ``screen()`` gives (issue #16): corpus messages sent as
room messages and as Q&A questions are held, and held as crisis, exactly when
``forums.screening.screen`` says so — whatever the verdict is."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from forums.screening import model as crisis_model
from forums.screening import screen
from portal.application import application
from tests.forums.qa_support import connect as qa_connect
from tests.forums.qa_support import make_member, make_session
from tests.forums.rooms_support import ORIGIN, join, make_room, session_cookie

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
db = sync_to_async


def sample():
    """Four messages of each kind (language x crisis/ordinary) from the held-out corpus,
    picked by a fixed stride: a spread, the same every run."""
    examples = crisis_model.read_corpus(crisis_model.HELDOUT)
    picked = []
    for language in ("en", "es"):
        for crisis in (True, False):
            group = [e for e in examples if e.language == language and e.crisis is crisis]
            stride = max(1, len(group) // 4)
            picked += group[::stride][:4]
    return picked


SAMPLE = sample()


def expected(text):
    verdict = screen(text)
    return {"held": not verdict.visible, "crisis": verdict.crisis}


async def reply(communicator, ref):
    while True:
        frame = await communicator.receive_json_from(timeout=10)
        if frame["type"] in ("ack", "error") and frame.get("client_ref") == ref:
            return frame


def room_with_members(count):
    room = make_room()
    members = [make_member() for _ in range(count)]
    for member in members:
        join(room, member)
    return room, [session_cookie(member) for member in members]


async def test_room_messages_get_the_verdicts_of_screen():
    room, cookies = await db(room_with_members)(len(SAMPLE))
    for index, (example, cookie) in enumerate(zip(SAMPLE, cookies, strict=True)):
        socket = WebsocketCommunicator(
            application, f"/ws/rooms/{room.slug}/", headers=[ORIGIN, (b"cookie", cookie.encode())]
        )
        assert (await socket.connect())[0]
        await socket.receive_json_from(timeout=10)  # snapshot
        ref = f"m{index}"
        await socket.send_json_to({"type": "message.send", "body": example.text, "client_ref": ref})
        ack = await reply(socket, ref)
        assert ack["type"] == "ack", (example.source, ack)
        got = {"held": ack["state"] == "held", "crisis": bool(ack.get("crisis"))}
        assert got == expected(example.text), example.source
        if got["crisis"]:
            assert "988" in ack["explanation"]
        await socket.disconnect()


async def test_qa_questions_get_the_verdicts_of_screen():
    session = await db(make_session)(premoderation=False, max_question_length=1000)
    for index, example in enumerate(SAMPLE):
        asker = await db(make_member)()
        socket = await qa_connect(session.slug, asker)
        ref = f"q{index}"
        await socket.send_json_to({"type": "question.ask", "text": example.text, "client_ref": ref})
        ack = await reply(socket, ref)
        assert ack["type"] == "ack", (example.source, ack)
        got = {"held": ack["state"] == "pending", "crisis": bool(ack.get("crisis"))}
        assert got == expected(example.text), example.source
        if got["crisis"]:
            assert "988" in ack["notice"]
        await socket.disconnect()
