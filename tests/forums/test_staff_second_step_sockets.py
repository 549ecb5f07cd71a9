"""Staff powers on the live sockets need the second sign-in step (portal.mfa): a
moderator without one is refused the console, the review queue and moderator standing
in rooms, checked without a query more per message."""

import pytest
from channels.db import database_sync_to_async

from forums import live
from forums.live import protocol
from forums.rooms import services as rooms
from portal import roles
from tests.factories import StaffFactory
from tests.forums.qa_support import connect as connect_qa
from tests.forums.qa_support import make_session
from tests.forums.rooms_support import make_room
from tests.sockets import open_socket, receive_snapshot

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

db = database_sync_to_async


async def refusal(socket):
    error = await socket.receive_json_from(timeout=5)
    closed = await socket.receive_output(timeout=5)
    return error["code"], closed["code"]


async def test_a_moderator_without_a_second_step_cannot_open_the_qa_console():
    session = await db(make_session)()
    without = await db(StaffFactory)(roles=[roles.MODERATORS], mfa=False)
    socket = await connect_qa(session.slug, without, console=True, expect_snapshot=False)
    assert await refusal(socket) == (protocol.FORBIDDEN, live.CLOSE_FORBIDDEN)

    enrolled = await db(StaffFactory)(roles=[roles.MODERATORS])
    console = await connect_qa(session.slug, enrolled, console=True)
    assert console.snapshot["moderator"] is True
    await console.disconnect()


async def test_a_moderator_without_a_second_step_gets_no_review_queue_socket():
    without = await db(StaffFactory)(roles=[roles.MODERATORS], mfa=False)
    socket = await open_socket("/ws/moderation/", without)
    assert await refusal(socket) == (protocol.FORBIDDEN, live.CLOSE_FORBIDDEN)

    enrolled = await db(StaffFactory)(roles=[roles.MODERATORS])
    queue = await open_socket("/ws/moderation/", enrolled)
    assert (await receive_snapshot(queue))["type"] == "snapshot"
    await queue.disconnect()


async def test_a_moderator_without_a_second_step_has_no_standing_in_a_room():
    room = await db(make_room)()
    without = await db(StaffFactory)(roles=[roles.MODERATORS], mfa=False)
    enrolled = await db(StaffFactory)(roles=[roles.MODERATORS])
    await db(room.moderators.add)(without, enrolled)  # both lead the room
    socket = await open_socket(f"/ws/rooms/{room.slug}/", without)
    assert await refusal(socket) == (protocol.FORBIDDEN, live.CLOSE_FORBIDDEN)

    moderating = await open_socket(f"/ws/rooms/{room.slug}/", enrolled)
    snapshot = await receive_snapshot(moderating)
    assert snapshot["type"] == "snapshot"
    await moderating.disconnect()


def test_room_standing_still_takes_one_query(django_assert_num_queries):
    room = make_room()
    enrolled = StaffFactory(roles=[roles.MODERATORS])
    without = StaffFactory(roles=[roles.MODERATORS], mfa=False)
    room.moderators.add(enrolled, without)
    with django_assert_num_queries(1):
        assert rooms.standing(enrolled, room) == (True, False)
    with django_assert_num_queries(1):
        assert rooms.standing(without, room) == (False, False)


def _passwordless_moderator():
    """As ../shared/bench/portal_qa_prep.py makes its moderator: no password (it cannot
    sign in), a session written on the server by the operator's script."""
    account = StaffFactory(roles=[roles.MODERATORS], mfa=False)
    account.set_unusable_password()
    account.save()
    return account


async def test_a_moderator_that_cannot_sign_in_keeps_its_powers_until_it_gets_a_password():
    session = await db(make_session)()
    room = await db(make_room)()
    scripted = await db(_passwordless_moderator)()
    await db(room.moderators.add)(scripted)
    console = await connect_qa(session.slug, scripted, console=True)
    assert console.snapshot["moderator"] is True
    await console.disconnect()
    assert await db(rooms.standing)(scripted, room) == (True, False)

    def reset_password():
        scripted.set_password("a-new-Long-passphrase-7")
        scripted.save()

    await db(reset_password)()
    assert await db(rooms.standing)(scripted, room) == (False, False)
    socket = await connect_qa(session.slug, scripted, console=True, expect_snapshot=False)
    assert await refusal(socket) == (protocol.FORBIDDEN, live.CLOSE_FORBIDDEN)
