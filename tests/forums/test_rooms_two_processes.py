"""Two daphne processes sharing Redis: a room message sent through one process reaches a
member connected to the other (skipped without REDIS_URL, by design)."""

import asyncio
import json

import pytest
import websockets

from tests.forums.rooms_support import join, make_room, session_cookie


async def _open(address, cookie):
    socket = await websockets.connect(
        f"ws://{address}/ws/rooms/parents/",
        additional_headers={"Cookie": cookie, "Origin": f"http://{address}"},
    )
    snapshot = json.loads(await asyncio.wait_for(socket.recv(), 10))
    assert snapshot["type"] == "snapshot", snapshot
    return socket


async def _until(socket, frame_type):
    while True:
        frame = json.loads(await asyncio.wait_for(socket.recv(), 10))
        if frame["type"] == frame_type:
            return frame


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_message_sent_through_one_process_reaches_a_member_on_the_other(
    daphne_processes, make_family_member
):
    room = make_room()
    sender, reader = make_family_member(), make_family_member()
    join(room, sender)
    join(room, reader)
    cookies = [session_cookie(sender), session_cookie(reader)]

    async def scenario():
        first = await _open(daphne_processes[0], cookies[0])
        second = await _open(daphne_processes[1], cookies[1])
        await first.send(
            json.dumps({"type": "message.send", "body": "across processes", "client_ref": "x1"})
        )
        ack = await _until(first, "ack")
        added = await _until(second, "message.added")
        await first.close()
        await second.close()
        return ack, added

    ack, added = asyncio.run(scenario())
    assert added["message"]["id"] == ack["id"]
    assert added["message"]["body"] == "across processes"


@pytest.fixture(autouse=True)
def _allow_sync_orm_beside_asyncio_run(monkeypatch):
    # asyncio.run() above runs only network clients; the ORM is used before it.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
