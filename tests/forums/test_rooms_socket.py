"""The peer-room socket end to end: gates, frames, moderator actions, broadcasts."""

import asyncio
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from forums import live
from forums.live import protocol
from forums.models import Flag, Message, ModerationAction, Room
from forums.rooms import services as service
from portal import roles
from portal.application import application
from tests.forums.rooms_support import ORIGIN, join, make_room, session_cookie

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def room(db):
    return make_room()


@pytest.fixture
def member(make_family_member, room):
    user = make_family_member(display_name="Hopeful Mom")
    join(room, user)
    return user


@pytest.fixture
def other(make_family_member, room):
    user = make_family_member(display_name="Steady Partner")
    join(room, user)
    return user


@pytest.fixture
def moderator(make_staff, room):
    """A moderator of ``room``: the Moderators role, and one of the room's leads."""
    lead = make_staff(roles.MODERATORS)
    room.moderators.add(lead)
    return lead


async def connect(user, slug="parents", query=""):
    cookie = await database_sync_to_async(session_cookie)(user)
    communicator = WebsocketCommunicator(
        application,
        f"/ws/rooms/{slug}/{query}",
        headers=[ORIGIN, (b"cookie", cookie.encode())],
    )
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def opened(user, **kwargs):
    communicator = await connect(user, **kwargs)
    snapshot = await communicator.receive_json_from(timeout=5)
    assert snapshot["type"] == "snapshot", snapshot
    return communicator, snapshot


async def until(communicator, frame_type, timeout=5):
    seen = getattr(communicator, "seen", [])
    for index, frame in enumerate(seen):
        if frame["type"] == frame_type:
            del seen[: index + 1]
            return frame
    seen.clear()
    while True:
        frame = await communicator.receive_json_from(timeout=timeout)
        if frame["type"] == frame_type:
            return frame


async def send(communicator, frame_type, ref="r1", **fields):
    await communicator.send_json_to({"type": frame_type, "client_ref": ref, **fields})
    while True:
        frame = await communicator.receive_json_from(timeout=5)
        if frame.get("client_ref") == ref and frame["type"] in ("ack", "error"):
            return frame
        # Kept for until(): a broadcast may arrive before the ack.
        communicator.seen = [*getattr(communicator, "seen", []), frame]


async def closed_with(communicator, timeout=5):
    while True:
        output = await communicator.receive_output(timeout=timeout)
        if output["type"] == "websocket.close":
            return output.get("code")


async def test_a_message_reaches_the_other_member_and_is_acknowledged(member, other):
    first, _ = await opened(member)
    second, _ = await opened(other)
    ack = await send(first, "message.send", body="Hello everyone")
    assert ack["type"] == "ack" and ack["state"] == "visible"
    added = await until(second, "message.added")
    assert added["message"]["body"] == "Hello everyone"
    assert added["message"]["author"] == "Hopeful Mom"
    assert "email" not in str(added)
    await first.disconnect()
    await second.disconnect()


async def test_the_same_client_ref_twice_stores_one_message(member):
    first, _ = await opened(member)
    one = await send(first, "message.send", ref="same", body="Only once")
    two = await send(first, "message.send", ref="same", body="Only once")
    assert one["id"] == two["id"]
    assert await database_sync_to_async(Message.objects.count)() == 1
    await first.disconnect()


async def test_without_accepting_the_guidelines_a_member_cannot_post(make_family_member, room):
    newcomer = await database_sync_to_async(make_family_member)(display_name="New Here")
    socket, snapshot = await opened(newcomer)
    assert snapshot["membership"]["guidelines_accepted"] is False
    assert snapshot["messages"] == []
    error = await send(socket, "message.send", body="hi")
    assert error["code"] == service.GUIDELINES_REQUIRED
    await socket.disconnect()


async def test_accepting_the_guidelines_sends_a_snapshot_with_the_messages(
    make_family_member, room, other
):
    await database_sync_to_async(service.send_message)(room, other, body="Earlier message")
    newcomer = await database_sync_to_async(make_family_member)(display_name="New Here")
    socket, _ = await opened(newcomer)
    ack = await send(socket, "guidelines.accept")
    assert ack["type"] == "ack"
    snapshot = await until(socket, "snapshot")
    assert [m["body"] for m in snapshot["messages"]] == ["Earlier message"]
    await socket.disconnect()


async def test_changed_guidelines_must_be_accepted_again(member, room):
    def change():
        room.guidelines = "<p>New rules.</p>"
        room.save()

    await database_sync_to_async(change)()
    socket, snapshot = await opened(member)
    assert snapshot["membership"]["guidelines_accepted"] is False
    error = await send(socket, "message.send", body="hi")
    assert error["code"] == service.GUIDELINES_REQUIRED
    await socket.disconnect()


async def test_a_connected_member_reconnects_when_the_guidelines_change(member, moderator, room):
    socket, _ = await opened(member)
    mod, _ = await opened(moderator)

    def change():
        room.guidelines = "<p>New rules.</p>"
        room.save()

    await database_sync_to_async(change)()
    assert await closed_with(socket) == live.CLOSE_RECONNECT
    # The moderator's socket stays: moderators need not accept guidelines.
    updated = await until(mod, "room.updated")
    assert updated["room"]["guidelines_changed"]
    await mod.disconnect()


async def test_a_banned_member_is_refused_at_connect(member, room):
    await database_sync_to_async(join)(room, member, banned=True)
    socket = await connect(member)
    error = await socket.receive_json_from()
    assert error["code"] == service.BANNED
    assert await closed_with(socket) == live.CLOSE_BANNED


async def test_a_member_banned_while_connected_is_disconnected(member, moderator, room):
    socket, snapshot = await opened(member)
    member_id = snapshot["membership"]["member_id"]
    mod, _ = await opened(moderator)
    ack = await send(mod, "member.ban", member_id=member_id, reason="Repeated harassment")
    assert ack["type"] == "ack"
    error = await until(socket, "error")
    assert error["code"] == service.BANNED
    assert await closed_with(socket) == live.CLOSE_BANNED
    assert await database_sync_to_async(
        ModerationAction.objects.filter(action="room.member.ban").exists
    )()
    await mod.disconnect()


def _remove_from_role(user):
    type(user).objects.get(pk=user.pk).groups.clear()


def _deactivate(user):
    # A fresh copy: the socket's own user object still says "active moderator".
    type(user).objects.filter(pk=user.pk).update(is_active=False)


def _remove_from_leads(user):
    # Still in the Moderators role, no longer one of this room's leads.
    for room in Room.objects.filter(moderators=user):
        room.moderators.remove(user)


@pytest.mark.parametrize(
    "demote",
    [_remove_from_role, _deactivate, _remove_from_leads],
    ids=["role", "deactivated", "no longer a lead"],
)
async def test_a_moderator_removed_from_the_role_stops_receiving_held_messages(
    member, moderator, room, monkeypatch, demote
):
    from forums.rooms import consumers as room_consumers

    monkeypatch.setattr(room_consumers, "MODERATOR_RECHECK_SECONDS", 0.05)
    mod, _ = await opened(moderator)
    await database_sync_to_async(demote)(moderator)
    error = await until(mod, "error")
    assert error["code"] == protocol.FORBIDDEN
    frames = [error]
    while True:
        output = await mod.receive_output(timeout=5)
        if output["type"] == "websocket.close":
            assert output["code"] == live.CLOSE_RECONNECT
            break
        frames.append(output)

    # Held messages go to the moderators that remain, not to this account.
    socket, _ = await opened(member)
    ack = await send(socket, "message.send", body="Call me on 555-201-3344")
    assert ack["type"] == "ack" and ack["state"] == "held"
    assert "555-201-3344" not in str(frames) + str(getattr(mod, "seen", []))
    assert await mod.receive_nothing(0.2)
    await socket.disconnect()


async def test_a_deactivated_moderator_is_refused_moderator_frames_on_an_open_socket(
    member, moderator, room
):
    mod, _ = await opened(moderator)
    socket, _ = await opened(member)
    ack = await send(socket, "message.send", body="Hello everyone")
    await database_sync_to_async(_deactivate)(moderator)
    refused = await send(mod, "message.pin", message_id=ack["id"], pinned=True)
    assert refused["type"] == "error"
    assert refused["code"] == protocol.FORBIDDEN
    await socket.disconnect()
    await mod.disconnect()


async def test_a_muted_member_gets_an_error_frame(member, room):
    from datetime import timedelta

    from django.utils import timezone

    await database_sync_to_async(join)(
        room, member, muted_until=timezone.now() + timedelta(minutes=30)
    )
    socket, _ = await opened(member)
    error = await send(socket, "message.send", body="hi")
    assert error["code"] == service.MUTED
    await socket.disconnect()


async def test_each_socket_speaks_its_readers_language(make_family_member, room):
    """A family that chose Spanish gets Spanish explanations; the next socket, an English
    reader's, is not affected (the language belongs to the socket, not the thread)."""
    from datetime import timedelta

    from django.utils import timezone, translation

    until_later = timezone.now() + timedelta(minutes=30)
    spanish = await database_sync_to_async(make_family_member)(
        display_name="Madre con Esperanza", preferred_language="es"
    )
    english = await database_sync_to_async(make_family_member)(display_name="Hopeful Dad")
    for user in (spanish, english):
        await database_sync_to_async(join)(room, user, muted_until=until_later)
    es_socket, _ = await opened(spanish)
    en_socket, _ = await opened(english)
    es_error = await send(es_socket, "message.send", body="hola")
    en_error = await send(en_socket, "message.send", body="hi")
    english_text = "A moderator has paused your posting until"
    with translation.override("es"):
        spanish_text = translation.gettext("A moderator has paused your posting until %(when)s.")
    assert spanish_text.split("%")[0].strip() in es_error["message"]
    assert english_text not in es_error["message"]
    assert english_text in en_error["message"]
    await es_socket.disconnect()
    await en_socket.disconnect()


async def test_an_invite_only_room_refuses_members_not_invited(make_family_member):
    await database_sync_to_async(make_room)("familias", access=Room.Access.INVITED)
    stranger = await database_sync_to_async(make_family_member)(display_name="Not Invited")
    socket = await connect(stranger, slug="familias")
    error = await socket.receive_json_from()
    assert error["code"] == protocol.FORBIDDEN
    assert await closed_with(socket) == live.CLOSE_FORBIDDEN


async def test_an_invited_member_may_open_an_invite_only_room(make_family_member):
    familias = await database_sync_to_async(make_room)("familias", access=Room.Access.INVITED)
    guest = await database_sync_to_async(make_family_member)(display_name="Invitada")
    await database_sync_to_async(join)(familias, guest, invited=True)
    socket, snapshot = await opened(guest, slug="familias")
    assert snapshot["room"]["slug"] == "familias"
    await socket.disconnect()


async def test_slow_mode_refuses_a_second_message_too_soon(member, room):
    await database_sync_to_async(Room.objects.filter(pk=room.pk).update)(slow_mode_seconds=60)
    socket, _ = await opened(member)
    assert (await send(socket, "message.send", ref="a", body="first"))["type"] == "ack"
    error = await send(socket, "message.send", ref="b", body="second")
    assert error["code"] == service.SLOW_MODE
    assert 0 < error["retry_after"] <= 60
    await socket.disconnect()


async def test_the_rate_limit_refuses_a_burst(member):
    socket, _ = await opened(member)
    codes = []
    for n in range(service.SEND_LIMIT[0] + 1):
        frame = await send(socket, "message.send", ref=f"b{n}", body=f"message {n}")
        codes.append(frame.get("code"))
    assert codes[-1] == protocol.RATE_LIMITED
    assert codes[:-1] == [None] * service.SEND_LIMIT[0]
    await socket.disconnect()


async def test_a_held_message_is_acknowledged_as_held_and_seen_only_by_author_and_moderators(
    member, other, moderator
):
    author, _ = await opened(member)
    peer, _ = await opened(other)
    mod, _ = await opened(moderator)
    ack = await send(author, "message.send", body="Call me on 555-201-3344")
    assert ack["state"] == "held" and "privacy" in ack["explanation"]
    assert (await until(author, "message.added"))["message"]["state"] == "held"
    assert (await until(mod, "message.added"))["message"]["state"] == "held"
    await author.disconnect()
    await mod.disconnect()
    # (A receive timeout ends the test application, so this check comes last.)
    with pytest.raises(asyncio.TimeoutError):
        await until(peer, "message.added", timeout=0.5)


async def test_a_crisis_message_alerts_moderators_and_tells_the_author(member, moderator):
    author, _ = await opened(member)
    mod, _ = await opened(moderator)
    ack = await send(author, "message.send", body="I want to die tonight")
    assert ack["state"] == "held" and ack["crisis"] is True
    assert "988" in ack["explanation"]
    alert = await until(mod, "alert")
    assert alert["kind"] == "crisis" and alert["message_id"] == ack["id"]
    await author.disconnect()
    await mod.disconnect()


async def test_a_blocked_word_is_refused_with_its_explanation(member):
    from forums.models import WatchedWord

    await database_sync_to_async(WatchedWord.objects.create)(
        phrase="idiot", action="block", explanation="Please keep it kind."
    )
    socket, _ = await opened(member)
    error = await send(socket, "message.send", body="what an IDIOT")
    assert error["code"] == protocol.BLOCKED and error["message"] == "Please keep it kind."
    assert await database_sync_to_async(Message.objects.count)() == 0
    await socket.disconnect()


async def test_history_pages_backwards_by_cursor(member, room):
    def fill():
        for n in range(60):
            Message.objects.create(room=room, author=member, body=f"m{n}")

    await database_sync_to_async(fill)()
    socket, snapshot = await opened(member)
    assert len(snapshot["messages"]) == 50 and snapshot["has_more"] is True
    first_id = snapshot["messages"][0]["id"]
    await socket.send_json_to({"type": "messages.before", "before_id": first_id})
    page = await until(socket, "messages.page")
    assert [m["body"] for m in page["messages"]] == [f"m{n}" for n in range(10)]
    assert page["has_more"] is False
    await socket.disconnect()


async def test_resume_after_the_last_id_seen_carries_only_newer_messages(member, room):
    def fill():
        return [Message.objects.create(room=room, author=member, body=f"m{n}").pk for n in range(5)]

    ids = await database_sync_to_async(fill)()
    socket, snapshot = await opened(member, query=f"?after={ids[2]}")
    assert [m["id"] for m in snapshot["messages"]] == ids[3:]
    assert snapshot["gap"] is False
    await socket.disconnect()


async def test_resume_sends_again_recent_messages_below_the_last_id_seen(member, other, room):
    """With more than one process a message can reach clients after a newer one: a client
    that saw only the newer one before reconnecting still gets the older one on resume."""

    def fill():
        old = Message.objects.create(room=room, author=other, body="an hour ago")
        Message.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=1))
        late = Message.objects.create(room=room, author=other, body="committed late")
        held = Message.objects.create(
            room=room, author=other, body="held for review", state=Message.State.HELD
        )
        newer = Message.objects.create(room=room, author=member, body="seen first")
        return old.pk, late.pk, held.pk, newer.pk

    old, late, held, newer = await database_sync_to_async(fill)()
    socket, snapshot = await opened(member, query=f"?after={newer}")
    assert snapshot["messages"] == []
    again = [m["id"] for m in snapshot["changed"]]
    assert again == [late, newer]  # not the hour-old one, never someone else's held one
    assert old not in again and held not in again
    await socket.disconnect()


async def test_resume_after_a_long_absence_starts_again_from_the_newest_messages(member, room):
    def fill():
        seen = Message.objects.create(room=room, author=member, body="last seen").pk
        newer = [
            Message.objects.create(room=room, author=member, body=f"n{n}").pk for n in range(60)
        ]
        return seen, newer

    seen, newer = await database_sync_to_async(fill)()
    socket, snapshot = await opened(member, query=f"?after={seen}")
    assert snapshot["gap"] is True
    assert [m["id"] for m in snapshot["messages"]] == newer[-50:]
    # The client starts over from these (older ones by paging back): nothing else mixed in.
    assert snapshot["changed"] == [] and snapshot["gone"] == []
    await socket.disconnect()


async def test_a_report_lands_in_the_review_queue(member, other, moderator, room):
    message, _ = await database_sync_to_async(service.send_message)(
        room, other, body="Try this pill"
    )
    socket, _ = await opened(member)
    ack = await send(socket, "message.flag", message_id=message.pk, reason="medical", note="advice")
    assert ack["type"] == "ack"
    queue = await database_sync_to_async(service.review_queue)(moderator)
    assert [item["message"].pk for item in queue["flags"]] == [message.pk]
    await socket.disconnect()


async def test_the_queue_puts_crisis_holds_before_flags_and_other_holds(member, moderator, room):
    def prepare():
        service.send_message(room, member, body="My number is 555-201-3344")
        crisis, _ = service.send_message(room, member, body="i might hurt myself")
        return crisis

    crisis = await database_sync_to_async(prepare)()
    queue = await database_sync_to_async(service.review_queue)(moderator)
    assert [m.pk for m in queue["crisis"]] == [crisis.pk]
    assert len(queue["held"]) == 1


async def test_own_message_can_be_edited_and_deleted(member, other):
    author, _ = await opened(member)
    peer, _ = await opened(other)
    ack = await send(author, "message.send", body="typo hre")
    await send(author, "message.edit", ref="e", message_id=ack["id"], body="typo here")
    updated = await until(peer, "message.updated")
    assert updated["message"]["body"] == "typo here" and updated["message"]["edited"]
    await send(author, "message.delete", ref="d", message_id=ack["id"])
    removed = await until(peer, "message.removed")
    assert removed["id"] == ack["id"]
    await author.disconnect()
    await peer.disconnect()


async def test_someone_elses_message_cannot_be_edited(member, other, room):
    message, _ = await database_sync_to_async(service.send_message)(room, other, body="mine")
    socket, _ = await opened(member)
    error = await send(socket, "message.edit", message_id=message.pk, body="hacked")
    assert error["code"] == protocol.NOT_FOUND
    await socket.disconnect()


MODERATOR_FRAMES = [
    ("message.remove", {"message_id": 1, "reason": "x"}),
    ("message.release", {"message_id": 1}),
    ("member.mute", {"member_id": 1, "minutes": 5}),
    ("member.ban", {"member_id": 1, "reason": "x"}),
    ("member.identify", {"member_id": 1}),
    ("room.slow_mode", {"seconds": 30}),
    ("room.open", {}),
    ("room.close", {}),
    ("message.pin", {"message_id": 1}),
    ("message.send", {"body": "check-in", "checkin": True}),
]


@pytest.mark.parametrize(("frame_type", "fields"), MODERATOR_FRAMES)
async def test_every_moderator_frame_is_refused_for_a_member(member, frame_type, fields):
    socket, _ = await opened(member)
    error = await send(socket, frame_type, **fields)
    assert error["code"] == protocol.FORBIDDEN
    assert await database_sync_to_async(ModerationAction.objects.count)() == 0
    await socket.disconnect()


async def test_remove_is_broadcast_to_everyone_and_logged(member, other, moderator, room):
    message, _ = await database_sync_to_async(service.send_message)(room, other, body="rude")
    peer, _ = await opened(member)
    mod, _ = await opened(moderator)
    await send(mod, "message.remove", message_id=message.pk, reason="Unkind")
    assert (await until(peer, "message.removed"))["id"] == message.pk
    entry = await database_sync_to_async(ModerationAction.objects.get)()
    assert (entry.action, entry.reason, entry.target_id) == (
        "room.message.remove",
        "Unkind",
        message.pk,
    )
    assert "rude" not in str(entry.details)
    await peer.disconnect()
    await mod.disconnect()


async def test_release_is_broadcast_to_everyone_and_logged(member, other, moderator, room):
    message, _ = await database_sync_to_async(service.send_message)(
        room, other, body="email me at a@b.org"
    )
    peer, _ = await opened(member)
    mod, _ = await opened(moderator)
    await send(mod, "message.release", message_id=message.pk)
    added = await until(peer, "message.added")
    assert added["message"]["id"] == message.pk and added["message"]["state"] == "visible"
    assert await database_sync_to_async(
        ModerationAction.objects.filter(action="room.message.release").exists
    )()
    await peer.disconnect()
    await mod.disconnect()


async def test_mute_reaches_the_member_and_is_logged(member, moderator):
    socket, snapshot = await opened(member)
    mod, _ = await opened(moderator)
    await send(mod, "member.mute", member_id=snapshot["membership"]["member_id"], minutes=30)
    updated = await until(socket, "membership.updated")
    assert updated["membership"]["muted_until"]
    assert await database_sync_to_async(
        ModerationAction.objects.filter(action="room.member.mute").exists
    )()
    await socket.disconnect()
    await mod.disconnect()


@pytest.mark.parametrize(
    ("frame_type", "fields", "action"),
    [
        ("room.slow_mode", {"seconds": 30}, "room.slow_mode"),
        ("room.close", {}, "room.close"),
        ("room.open", {}, "room.open"),
    ],
)
async def test_room_settings_are_broadcast_and_logged(
    member, moderator, frame_type, fields, action
):
    socket, _ = await opened(member)
    mod, _ = await opened(moderator)
    await send(mod, frame_type, **fields)
    updated = await until(socket, "room.updated")
    if frame_type == "room.slow_mode":
        assert updated["room"]["slow_mode"] == 30
    else:
        assert updated["room"]["open"] is (frame_type == "room.open")
    assert await database_sync_to_async(ModerationAction.objects.filter(action=action).exists)()
    await socket.disconnect()
    await mod.disconnect()


async def test_a_closed_room_is_read_only_for_members(member, room):
    await database_sync_to_async(Room.objects.filter(pk=room.pk).update)(state=Room.State.CLOSED)
    socket, _ = await opened(member)
    error = await send(socket, "message.send", body="hello?")
    assert error["code"] == service.ROOM_CLOSED
    await socket.disconnect()


async def test_pin_and_checkin_are_broadcast_and_logged(member, moderator, room):
    socket, _ = await opened(member)
    mod, _ = await opened(moderator)
    ack = await send(mod, "message.send", body="Checking in: how is everyone?", checkin=True)
    added = await until(socket, "message.added")
    assert added["message"]["checkin"] and added["message"]["pinned"]
    await send(mod, "message.pin", ref="p", message_id=ack["id"], pinned=False)
    updated = await until(socket, "message.updated")
    assert updated["message"]["pinned"] is False
    actions = await database_sync_to_async(
        lambda: set(ModerationAction.objects.values_list("action", flat=True))
    )()
    assert {"room.checkin", "room.message.unpin"} <= actions
    await socket.disconnect()
    await mod.disconnect()


async def test_identify_shows_the_account_to_the_moderator_only_and_is_logged(member, moderator):
    socket, snapshot = await opened(member)
    mod, _ = await opened(moderator)
    await mod.send_json_to(
        {"type": "member.identify", "member_id": snapshot["membership"]["member_id"]}
    )
    identity = await until(mod, "member.identity")
    assert identity["email"] == member.email
    assert await database_sync_to_async(
        ModerationAction.objects.filter(action="room.member.identify").exists
    )()
    await socket.disconnect()
    await mod.disconnect()


async def test_presence_lists_display_names_and_the_moderator(member, moderator):
    socket, _ = await opened(member)
    mod, _ = await opened(moderator)
    while True:
        presence = await until(socket, "presence")
        if len(presence["members"]) == 2:
            break
    assert {m["name"] for m in presence["members"]} >= {"Hopeful Mom"}
    assert any(m["moderator"] for m in presence["members"])
    await socket.disconnect()
    await mod.disconnect()


async def test_reports_of_one_member_are_not_flag_counts_others_can_see(member, other, room):
    message, _ = await database_sync_to_async(service.send_message)(room, other, body="hello")
    socket, _ = await opened(member)
    await send(socket, "message.flag", message_id=message.pk, reason="spam")
    await send(socket, "message.flag", ref="again", message_id=message.pk, reason="spam")
    assert await database_sync_to_async(Flag.objects.count)() == 1
    await socket.disconnect()


# --- the review queue, live ----------------------------------------------------------------
async def queue_socket(user):
    cookie = await database_sync_to_async(session_cookie)(user)
    communicator = WebsocketCommunicator(
        application, "/ws/moderation/", headers=[ORIGIN, (b"cookie", cookie.encode())]
    )
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def test_the_queue_socket_is_for_moderators_only(member):
    socket = await queue_socket(member)
    error = await socket.receive_json_from(timeout=5)
    assert error["code"] == protocol.FORBIDDEN
    assert await closed_with(socket) == live.CLOSE_FORBIDDEN


async def test_the_queue_socket_says_when_the_queue_changed_and_nothing_more(
    member, other, moderator, room
):
    queue = await queue_socket(moderator)
    assert (await queue.receive_json_from(timeout=5))["type"] == "snapshot"
    socket, _ = await opened(member)

    ack = await send(socket, "message.send", ref="plain", body="Hello everyone")
    assert ack["state"] == "visible"
    assert await queue.receive_nothing(timeout=0.3)  # a visible message is not queue work

    ack = await send(socket, "message.send", ref="phone", body="Call me on 555-201-3344")
    assert ack["state"] == "held"
    changed = await queue.receive_json_from(timeout=5)
    assert changed == {"type": "queue.changed", "urgent": False}

    ack = await send(socket, "message.send", ref="crisis", body="I want to end my life")
    changed = await queue.receive_json_from(timeout=5)
    assert changed == {"type": "queue.changed", "urgent": True}

    reporter, snapshot = await opened(other)
    visible = next(m for m in snapshot["messages"] if m["body"] == "Hello everyone")
    ack = await send(reporter, "message.flag", ref="flag", message_id=visible["id"], reason="other")
    assert ack["type"] == "ack"
    assert (await queue.receive_json_from(timeout=5))["type"] == "queue.changed"

    # Dismissing the report (an update() of the flags, no model signal) is queue work too.
    await database_sync_to_async(service.dismiss_flags)(room, moderator, visible["id"])
    assert (await queue.receive_json_from(timeout=5))["type"] == "queue.changed"
    for communicator in (queue, socket, reporter):
        await communicator.disconnect()


async def test_a_queue_page_of_a_moderator_removed_from_the_role_stops(moderator, monkeypatch):
    from forums.rooms import consumers as room_consumers

    monkeypatch.setattr(room_consumers, "MODERATOR_RECHECK_SECONDS", 0.05)
    queue = await queue_socket(moderator)
    assert (await queue.receive_json_from(timeout=5))["type"] == "snapshot"
    await database_sync_to_async(_remove_from_role)(moderator)
    error = await queue.receive_json_from(timeout=5)
    assert error["code"] == protocol.FORBIDDEN
    assert await closed_with(queue) == live.CLOSE_FORBIDDEN
