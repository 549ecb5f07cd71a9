"""Every peer-room action, verified end to end (Zulip's ``verify_action``).

For each action, every socket that can be in a room — the author of the message the
action is about, another member, a member who has not accepted the guidelines yet and a
moderator, each with the tags the rooms consumer gives it — takes its snapshot, receives
the frames the action broadcasts, applies them by rooms.js's rules (behind the
consumer's guidelines gate), and must end up equal to a fresh snapshot. The review
queue the same way: queue.js fetches the queue again on ``queue.changed``, so a change
to the queue without that frame leaves a moderator's page stale, and fails here.

Rooms need an account (no visitor sockets). The registry tests below make a new frame
type fail the suite until a case here expects it (or it is listed as carrying no state),
and check that rooms.js and queue.js handle exactly the types their endpoint sends.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.test import TestCase

from forums.live import protocol
from forums.live.protocol import ServerFrames
from forums.models import Message, Room, RoomMembership, WatchedWord
from forums.rooms import consumers
from forums.rooms import services as service
from forums.rooms.protocol import QUEUE_SERVER_FRAMES, ROOM_SERVER_FRAMES, QueueChangedFrame
from portal import roles
from tests.forums.rooms_support import join, make_room
from tests.forums.verify import Audience, captured_broadcasts, verify_action

pytestmark = pytest.mark.django_db

CRISIS = "I can't do this anymore. I have the pills counted out for tonight."
PHONE = "Call me on 555-201-3344"
STATIC = Path(settings.BASE_DIR) / "forums" / "static" / "forums"


# verify_action checks every broadcast of an action against the registry it is given,
# whatever its topic: a room action also tells the queue pages, a queue change is a room
# action. Each frame is still checked against its own model; which types reach which
# topic is what each test's expect_types states.
BROADCAST_FRAMES = ServerFrames(*ROOM_SERVER_FRAMES.models.values(), QueueChangedFrame)


# --- the scene: one room, its people and two messages -----------------------------------
@dataclass
class Scene:
    room: Room
    author: object  # wrote ``message``, the one most actions are about
    member: object  # another member, who wrote ``earlier``
    newcomer: object  # verified, has not accepted the guidelines
    moderator: object
    message: Message
    earlier: Message

    def fresh_room(self):
        # A socket reads the room when it connects: a fresh snapshot reads it afresh.
        return Room.objects.get(pk=self.room.pk)

    def member_id(self, user):
        return RoomMembership.objects.get(room=self.room, account=user).pk

    def audiences(self):
        return [
            Audience("author", self.author, consumers.socket_tags(self.author.pk, False)),
            Audience("member", self.member, consumers.socket_tags(self.member.pk, False)),
            Audience("newcomer", self.newcomer, consumers.socket_tags(self.newcomer.pk, False)),
            Audience("moderator", self.moderator, consumers.socket_tags(self.moderator.pk, True)),
        ]


def as_socket_holds_it(user):
    """The account as a socket holds it (profile loaded when the socket opened)."""
    return type(user).objects.select_related("profile").get(pk=user.pk)


@pytest.fixture
def scene(make_family_member, make_staff):
    room = make_room()
    author = make_family_member(display_name="Hopeful Mom")
    member = make_family_member(display_name="Steady Partner")
    newcomer = make_family_member(display_name="New Here")
    moderator = make_staff(roles.MODERATORS)
    room.moderators.add(moderator)  # a moderator of this room: one of its leads
    for user in (author, member):
        join(room, user)
    earlier, _ = service.send_message(room, member, body="Welcome, everyone")
    message, _ = service.send_message(room, author, body="Thank you for having me")
    return Scene(
        room=room,
        author=as_socket_holds_it(author),
        member=as_socket_holds_it(member),
        newcomer=as_socket_holds_it(newcomer),
        moderator=as_socket_holds_it(moderator),
        message=message,
        earlier=earlier,
    )


# --- rooms.js's rules, in Python ----------------------------------------------------------
def apply_room_frame(state, frame):
    """What rooms.js's ``handleFrame`` does to its state with ``frame``, after the
    consumer's gate (before the guidelines are accepted only the room and presence pass).
    Frames that only show a notice (alert, member.identity, ...) change nothing."""
    text = protocol.encode(ROOM_SERVER_FRAMES.validate(frame))
    if not state["membership"]["guidelines_accepted"] and not consumers.shown_before_guidelines(
        text
    ):
        return state
    kind = frame["type"]
    if kind in ("message.added", "message.updated"):
        listed = {message["id"]: message for message in state["messages"]}
        listed[frame["message"]["id"]] = frame["message"]
        state["messages"] = [listed[key] for key in sorted(listed)]  # place(): ids ascending
        _render_pinned(state, frame["message"])
    elif kind == "message.removed":
        # drop(): gone from the list and from the pinned messages.
        state["messages"] = [m for m in state["messages"] if m["id"] != frame["id"]]
        state["pinned"] = [m for m in state["pinned"] if m["id"] != frame["id"]]
    elif kind == "room.updated":
        state["room"] = frame["room"]  # applyRoom()
    elif kind == "membership.updated":
        state["membership"] = {**state["membership"], **frame["membership"]}  # applyMembership()
    return state


def _render_pinned(state, changed):
    """renderPinned(): every message the page knows that is pinned and visible (the
    snapshot lists the newest five)."""
    known = {message["id"]: message for message in state["pinned"]}
    known.update({message["id"]: message for message in state["messages"]})
    known[changed["id"]] = changed
    pinned = [m for m in known.values() if m["pinned"] and m["state"] == "visible"]
    state["pinned"] = sorted(pinned, key=lambda message: -message["id"])[:5]


def room_snapshot(scene):
    return lambda audience: service.snapshot(scene.fresh_room(), audience.user)


# --- queue.js's rules -------------------------------------------------------------------------
def queue_page(moderator):
    """What the review-queue page shows (templates/forums/rooms/queue.html)."""

    def item(message, flags=()):
        profile = getattr(message.author, "profile", None)
        return {
            "id": message.pk,
            "room": message.room.name,
            "author": profile.display_name if profile else None,
            "body": message.body,
            "urgent": message.urgent,
            "hold_kinds": message.hold_kinds,
            "hold_reasons": message.hold_reasons,
            "flags": [[flag.reason, flag.automatic, flag.note] for flag in flags],
        }

    queue = service.review_queue(moderator)
    return {
        "crisis": [item(message) for message in queue["crisis"]],
        "flags": [item(entry["message"], entry["flags"]) for entry in queue["flags"]],
        "held": [item(message) for message in queue["held"]],
    }


def apply_queue_frame_for(moderator):
    def apply(state, frame):
        QUEUE_SERVER_FRAMES.validate(frame)
        if frame["type"] == "queue.changed":
            return queue_page(moderator)  # queue.js fetches the page again
        return state

    return apply


# --- the actions ------------------------------------------------------------------------------
@dataclass
class Case:
    name: str
    action: object  # action(scene)
    room_frames: set  # the frame types it broadcasts to the room's sockets
    queue_frames: set  # ... and to the review-queue pages
    setup: object = None  # setup(scene), before the snapshots
    urgent: bool = False  # the queue learns of it as urgent
    not_verified: frozenset = frozenset()  # audiences whose change is not a broadcast


def _send(user, body, **options):
    return lambda scene: service.send_message(
        scene.room, getattr(scene, user), body=body, **options
    )


def _held_by(user, body):
    def setup(scene):
        scene.held, _ = service.send_message(scene.room, getattr(scene, user), body=body)

    return setup


def _reported(scene):
    service.flag_message(scene.room, scene.member, scene.message.pk, reason="harassment")


def _first_messages_held(scene):
    scene.room.hold_first_messages = 3
    scene.room.save(update_fields=["hold_first_messages"])


def _watched_word_flags(scene):
    WatchedWord.objects.create(phrase="casino", action=WatchedWord.Action.FLAG)


def _hidden(scene):
    service.hide_member(scene.room, scene.author, scene.member_id(scene.member))


def _muted(scene):
    service.mute_member(scene.room, scene.moderator, scene.member_id(scene.author), minutes=30)


def _closed(scene):
    service.set_room_state(scene.room, scene.moderator, state=Room.State.CLOSED)


def _pinned(scene):
    service.pin_message(scene.room, scene.moderator, scene.message.pk)


def _edited_in_admin(scene):
    room = scene.fresh_room()
    room.name = "Parents and carers"
    room.save()


def _guidelines_changed_in_admin(scene):
    room = scene.fresh_room()
    room.guidelines = "<p>Be kind. Keep what others share here.</p>"
    room.save()


CASES = [
    # --- sending
    Case("send", _send("author", "Hello again"), {"message.added"}, set()),
    Case(
        "send a reply",
        lambda s: service.send_message(s.room, s.author, body="Same here", reply_to=s.earlier.pk),
        {"message.added"},
        set(),
    ),
    Case(
        "send a check-in (a moderator joins the room by posting)",
        _send("moderator", "How is everyone tonight?", checkin=True),
        {"membership.updated", "message.added"},
        set(),
    ),
    Case(
        "send as a moderator already in the room",
        _send("moderator", "Good to see you all"),
        {"message.added"},
        set(),
        setup=lambda s: service.send_message(s.room, s.moderator, body="Hello"),
    ),
    Case(
        "send, held: first messages",
        _send("author", "Is this thing on?"),
        {"message.added"},
        {"queue.changed"},
        setup=_first_messages_held,
    ),
    Case("send, held: screening", _send("author", PHONE), {"message.added"}, {"queue.changed"}),
    Case(
        "send, held: crisis",
        _send("author", CRISIS),
        {"message.added", "alert"},
        {"queue.changed"},
        urgent=True,
    ),
    Case(
        "send, flagged by a watched word",
        _send("author", "Anyone tried the casino nearby?"),
        {"message.added"},
        {"queue.changed"},
        setup=_watched_word_flags,
    ),
    # --- editing and deleting my own
    Case(
        "edit",
        lambda s: service.edit_message(s.room, s.author, s.message.pk, body="Thank you all"),
        {"message.updated"},
        set(),
    ),
    Case(
        "edit into a hold",
        lambda s: service.edit_message(s.room, s.author, s.message.pk, body=PHONE),
        {"message.removed", "message.updated"},
        {"queue.changed"},
    ),
    Case(
        "edit a held message",
        lambda s: service.edit_message(s.room, s.author, s.held.pk, body="See you Thursday"),
        {"message.updated"},
        {"queue.changed"},
        setup=_held_by("author", PHONE),
    ),
    Case(
        "edit a reported message",
        lambda s: service.edit_message(s.room, s.author, s.message.pk, body="Sorry, all"),
        {"message.updated"},
        {"queue.changed"},
        setup=_reported,
    ),
    Case(
        "delete my message",
        lambda s: service.delete_own_message(s.room, s.author, s.message.pk),
        {"message.removed"},
        {"queue.changed"},
    ),
    Case(
        "delete my held message",
        lambda s: service.delete_own_message(s.room, s.author, s.held.pk),
        {"message.removed"},
        {"queue.changed"},
        setup=_held_by("author", PHONE),
    ),
    Case(
        "delete my reported message",
        lambda s: service.delete_own_message(s.room, s.author, s.message.pk),
        {"message.removed"},
        {"queue.changed"},
        setup=_reported,
    ),
    # --- reporting, hiding, joining
    Case(
        "report",
        lambda s: service.flag_message(s.room, s.member, s.message.pk, reason="harassment"),
        {"flag.added"},
        {"queue.changed"},
    ),
    Case(
        "report with crisis words",
        lambda s: service.flag_message(
            s.room, s.member, s.message.pk, reason="other", note="this makes me want to die"
        ),
        {"flag.added", "alert"},
        {"queue.changed"},
        urgent=True,
    ),
    Case(
        "hide a member",
        lambda s: service.hide_member(s.room, s.author, s.member_id(s.member)),
        {"membership.updated"},
        set(),
    ),
    Case(
        "show a hidden member again",
        lambda s: service.hide_member(s.room, s.author, s.member_id(s.member), hidden=False),
        {"membership.updated"},
        set(),
        setup=_hidden,
    ),
    Case(
        "accept the guidelines",
        lambda s: service.accept_guidelines(s.room, s.newcomer),
        set(),
        set(),
        # Its socket is sent a fresh snapshot by the consumer, not a broadcast
        # (test_accepting_the_guidelines_sends_a_snapshot_with_the_messages).
        not_verified=frozenset({"newcomer"}),
    ),
    # --- moderators
    Case(
        "remove",
        lambda s: service.remove_message(s.room, s.moderator, s.message.pk, reason="Unkind"),
        {"message.removed"},
        {"queue.changed"},
    ),
    Case(
        "remove a held message",
        lambda s: service.remove_message(s.room, s.moderator, s.held.pk, reason="Private"),
        {"message.removed"},
        {"queue.changed"},
        setup=_held_by("author", PHONE),
    ),
    Case(
        "remove a reported message",
        lambda s: service.remove_message(s.room, s.moderator, s.message.pk, reason="Unkind"),
        {"message.removed"},
        {"queue.changed"},
        setup=_reported,
    ),
    Case(
        "remove a pinned message",
        lambda s: service.remove_message(s.room, s.moderator, s.message.pk, reason="Outdated"),
        {"message.removed"},
        {"queue.changed"},
        setup=_pinned,
    ),
    Case(
        "release",
        lambda s: service.release_message(s.room, s.moderator, s.held.pk),
        {"message.added"},
        {"queue.changed"},
        setup=_held_by("author", PHONE),
    ),
    Case(
        "release a crisis hold",
        lambda s: service.release_message(s.room, s.moderator, s.held.pk),
        {"message.added"},
        {"queue.changed"},
        setup=_held_by("author", CRISIS),
    ),
    Case(
        "dismiss reports",
        lambda s: service.dismiss_flags(s.room, s.moderator, s.message.pk),
        set(),
        {"queue.changed"},
        setup=_reported,
    ),
    Case(
        "mute",
        lambda s: service.mute_member(s.room, s.moderator, s.member_id(s.author), minutes=30),
        {"membership.updated", "member.muted"},
        set(),
    ),
    Case(
        "unmute",
        lambda s: service.mute_member(s.room, s.moderator, s.member_id(s.author), minutes=0),
        {"membership.updated", "member.muted"},
        set(),
        setup=_muted,
    ),
    Case(
        "ban",
        lambda s: service.ban_member(s.room, s.moderator, s.member_id(s.author), reason="Abuse"),
        {"member.banned"},
        set(),
    ),
    Case(
        "slow mode",
        lambda s: service.set_slow_mode(s.room, s.moderator, seconds=30),
        {"room.updated"},
        set(),
    ),
    Case(
        "close the room",
        lambda s: service.set_room_state(s.room, s.moderator, state=Room.State.CLOSED),
        {"room.updated"},
        set(),
    ),
    Case(
        "open the room",
        lambda s: service.set_room_state(s.room, s.moderator, state=Room.State.OPEN),
        {"room.updated"},
        set(),
        setup=_closed,
    ),
    Case(
        "pin",
        lambda s: service.pin_message(s.room, s.moderator, s.message.pk),
        {"message.updated"},
        set(),
    ),
    Case(
        "unpin",
        lambda s: service.pin_message(s.room, s.moderator, s.message.pk, pinned=False),
        {"message.updated"},
        set(),
        setup=_pinned,
    ),
    Case(
        "identify a member",
        lambda s: service.identify_member(s.room, s.moderator, s.member_id(s.author)),
        set(),  # the answer goes to the asking socket only (member.identity)
        set(),
    ),
    Case("room edited in admin", _edited_in_admin, {"room.updated"}, set()),
    Case(
        "guidelines changed in admin",
        _guidelines_changed_in_admin,
        {"room.updated"},
        set(),
        # Their acceptance is now out of date: their sockets reconnect (a control
        # message, test_new_guidelines_have_members_sockets_reconnect) to a snapshot
        # that asks for the new guidelines.
        not_verified=frozenset({"author", "member"}),
    ),
]

# Server frames that carry no state a snapshot holds, and why.
ROOM_FRAMES_WITHOUT_STATE = {
    "snapshot": "the state itself",
    "ack": "answers the acting socket; its effect reaches every socket as a broadcast",
    "error": "a refusal: nothing changed",
    "pong": "answers ping",
    "presence": "who is here now, not part of the room's state",
    "messages.page": "older history, on request",
    "member.identity": "answers the one moderator who asked",
}
QUEUE_FRAMES_WITHOUT_STATE = {
    "snapshot": "the page fetches the queue itself",
    "error": "a refusal, or the role lost",
    "pong": "answers ping",
}


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_a_room_socket_that_stays_connected_sees_what_a_fresh_one_sees(scene, case):
    if case.setup:
        case.setup(scene)
    audiences = [a for a in scene.audiences() if a.name not in case.not_verified]
    verify_action(
        lambda: case.action(scene),
        topic=scene.room.topic,
        registry=BROADCAST_FRAMES,
        audiences=audiences,
        snapshot=room_snapshot(scene),
        apply=apply_room_frame,
        expect_types=case.room_frames,
    )


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_an_open_review_queue_shows_what_a_fresh_one_shows(scene, case):
    if case.setup:
        case.setup(scene)
    verified = verify_action(
        lambda: case.action(scene),
        topic=service.QUEUE_TOPIC,
        registry=BROADCAST_FRAMES,
        audiences=[
            Audience(
                "queue",
                scene.moderator,
                service.queue_tags(service.moderation_scope(scene.moderator)),
            )
        ],
        snapshot=lambda audience: queue_page(audience.user),
        apply=apply_queue_frame_for(scene.moderator),
        expect_types=case.queue_frames,
    )
    urgent = any(frame.get("urgent") for frame in verified.frames["queue"])
    assert urgent == case.urgent


def test_the_member_who_accepts_the_guidelines_gets_the_messages_in_a_fresh_snapshot(scene):
    before = service.snapshot(scene.fresh_room(), scene.newcomer)
    assert before.messages == [] and not before.membership.guidelines_accepted
    service.accept_guidelines(scene.room, scene.newcomer)
    after = service.snapshot(scene.fresh_room(), scene.newcomer)
    assert [m.id for m in after.messages] == [scene.earlier.pk, scene.message.pk]


def test_new_guidelines_have_members_sockets_reconnect(scene):
    with captured_broadcasts() as sent, TestCase.captureOnCommitCallbacks(execute=True):
        _guidelines_changed_in_admin(scene)
    assert [m["control"] for m in sent if m["control"]] == [service.GUIDELINES_RENEWED]
    assert all(m["audience"] is None for m in sent)
    for member in (scene.author, scene.member):
        fresh = service.snapshot(scene.fresh_room(), member)
        assert not fresh.membership.guidelines_accepted and fresh.messages == []


def test_a_room_edit_that_keeps_the_guidelines_reconnects_nobody(scene):
    with captured_broadcasts() as sent, TestCase.captureOnCommitCallbacks(execute=True):
        _edited_in_admin(scene)
    assert [m["control"] for m in sent] == [None]


# --- the registries ---------------------------------------------------------------------------
def test_every_room_frame_type_is_verified_or_carries_no_state():
    verified = set().union(*(case.room_frames for case in CASES))
    assert not verified & set(ROOM_FRAMES_WITHOUT_STATE)
    assert verified | set(ROOM_FRAMES_WITHOUT_STATE) == ROOM_SERVER_FRAMES.types


def test_every_queue_frame_type_is_verified_or_carries_no_state():
    verified = set().union(*(case.queue_frames for case in CASES))
    assert not verified & set(QUEUE_FRAMES_WITHOUT_STATE)
    assert verified | set(QUEUE_FRAMES_WITHOUT_STATE) == QUEUE_SERVER_FRAMES.types


def handled_types(script):
    """The frame types a script handles: ``case "<type>":`` and ``frame.type === "<type>"``."""
    text = (STATIC / script).read_text(encoding="utf-8")
    return set(re.findall(r'case "([a-z_.]+)":', text)) | set(
        re.findall(r'frame\.type === "([a-z_.]+)"', text)
    )


# Sent to moderators' room sockets for their information; rooms.js shows nothing of them
# (yet): the room's state they describe reaches every socket by other frames.
ROOM_FRAMES_ROOMS_JS_IGNORES = {"member.muted", "member.banned", "flag.added"}


def test_rooms_js_handles_every_frame_its_socket_is_sent():
    live_js = handled_types("live.js")  # snapshot, ack, error, pong: for every page
    rooms_js = handled_types("rooms.js")
    assert live_js == {"snapshot", "ack", "error", "pong"}
    assert rooms_js <= ROOM_SERVER_FRAMES.types, rooms_js - ROOM_SERVER_FRAMES.types
    assert ROOM_FRAMES_ROOMS_JS_IGNORES <= ROOM_SERVER_FRAMES.types
    assert not ROOM_FRAMES_ROOMS_JS_IGNORES & (rooms_js | live_js)
    unhandled = ROOM_SERVER_FRAMES.types - rooms_js - live_js - ROOM_FRAMES_ROOMS_JS_IGNORES
    assert unhandled == set()


def test_queue_js_handles_every_frame_its_socket_is_sent():
    live_js = handled_types("live.js")
    queue_js = handled_types("queue.js")
    assert queue_js <= QUEUE_SERVER_FRAMES.types, queue_js - QUEUE_SERVER_FRAMES.types
    assert QUEUE_SERVER_FRAMES.types - queue_js - live_js == set()
