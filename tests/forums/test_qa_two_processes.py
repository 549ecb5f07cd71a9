"""Two real daphne processes sharing Redis: an approval on one reaches the other."""

import asyncio
import json

import pytest
from asgiref.sync import sync_to_async
from django.conf import settings

from tests.forums.qa_support import (
    make_member,
    make_moderator,
    make_question,
    make_session,
    session_cookie,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


async def _next(socket, frame_type, timeout=10):
    async with asyncio.timeout(timeout):
        while True:
            frame = json.loads(await socket.recv())
            if frame["type"] == frame_type:
                return frame


async def test_a_question_approved_on_one_process_reaches_a_participant_on_the_other(
    daphne_processes,
):
    import websockets

    first, second = daphne_processes
    session = await sync_to_async(make_session)("two-processes")
    family = await sync_to_async(make_member)("Watching Parent")
    moderator = await sync_to_async(make_moderator)("Clinician Two")
    question = await sync_to_async(make_question)(session, family, "Across processes")
    cookie = await sync_to_async(session_cookie)(moderator)
    origin = "http://127.0.0.1"
    async with (
        websockets.connect(f"ws://{second}/ws/qa/{session.slug}/", origin=origin) as participant,
        websockets.connect(
            f"ws://{first}/ws/qa/{session.slug}/?view=moderate",
            origin=origin,
            additional_headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"},
        ) as console,
    ):
        assert (await _next(participant, "snapshot"))["questions"] == []
        assert (await _next(console, "snapshot"))["moderator"] is True
        await console.send(
            json.dumps({"type": "question.approve", "question_id": question.pk, "client_ref": "a"})
        )
        assert (await _next(console, "ack"))["id"] == question.pk
        added = await _next(participant, "question.added")
        assert added["question"]["text"] == "Across processes"
