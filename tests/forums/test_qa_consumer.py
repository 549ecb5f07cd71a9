"""The live Q&A websocket (/ws/qa/<slug>/) end to end on portal.application."""

import asyncio

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from forums import live
from forums.live import protocol
from forums.models import ModerationAction, QASession, Question, QuestionVote, WatchedWord
from forums.qa import services as qa
from tests.forums.qa_support import (
    connect,
    make_member,
    make_moderator,
    make_question,
    make_session,
    nothing_of,
    receive_until,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

db = sync_to_async


async def setup(**session_fields):
    session = await db(make_session)(**session_fields)
    family = await db(make_member)("Hopeful Aunt")
    moderator = await db(make_moderator)("Clinician Dana")
    return session, family, moderator


async def ask(communicator, text="How do we talk about relapse?", ref="r1", anonymous=False):
    await communicator.send_json_to(
        {"type": "question.ask", "text": text, "anonymous": anonymous, "client_ref": ref}
    )
    return await receive_until(communicator, "ack", where=None) if True else None


async def reply_to(communicator, ref):
    """The ack or error answering ``client_ref`` ``ref``."""
    while True:
        frame = await communicator.receive_json_from(timeout=5)
        if frame["type"] in ("ack", "error") and frame.get("client_ref") == ref:
            return frame


# --- connecting ---------------------------------------------------------------------------
async def test_a_visitor_can_watch_and_gets_a_snapshot_of_visible_questions_only():
    session, family, _moderator = await setup()
    await db(make_question)(session, family, "Visible one", state=Question.State.VISIBLE)
    await db(make_question)(session, family, "Still pending")
    visitor = await connect(session.slug)
    texts = [question["text"] for question in visitor.snapshot["questions"]]
    assert texts == ["Visible one"]
    assert visitor.snapshot["session"]["state"] == "open"
    assert "author" not in visitor.snapshot["questions"][0]
    await visitor.disconnect()


async def test_the_snapshot_holds_my_pending_questions_and_my_votes():
    session, family, _moderator = await setup()
    mine = await db(make_question)(session, family, "Mine, pending")
    visible = await db(make_question)(session, family, "Visible", state=Question.State.VISIBLE)
    await db(QuestionVote.objects.create)(question=visible, voter=family)
    socket = await connect(session.slug, family)
    assert [question["id"] for question in socket.snapshot["mine"]] == [mine.pk, visible.pk]
    assert socket.snapshot["my_votes"] == [visible.pk]
    await socket.disconnect()


async def test_an_unknown_session_is_refused_with_not_found():
    from portal.application import application

    communicator = WebsocketCommunicator(
        application, "/ws/qa/nope/", headers=[(b"origin", b"http://localhost")]
    )
    await communicator.connect()
    error = await communicator.receive_json_from()
    assert error["code"] == protocol.NOT_FOUND
    closed = await communicator.receive_output()
    assert closed["code"] == live.CLOSE_NOT_FOUND


async def test_a_foreign_origin_is_refused():
    session, _family, _moderator = await setup()
    from portal.application import application

    communicator = WebsocketCommunicator(
        application, f"/ws/qa/{session.slug}/", headers=[(b"origin", b"http://evil.example")]
    )
    connected, _ = await communicator.connect()
    assert not connected


async def test_the_console_socket_is_refused_to_a_family_member():
    session, family, _moderator = await setup()
    socket = await connect(session.slug, family, console=True, expect_snapshot=False)
    error = await socket.receive_json_from()
    assert error["code"] == protocol.FORBIDDEN
    closed = await socket.receive_output()
    assert closed["code"] == live.CLOSE_FORBIDDEN


async def test_a_named_session_moderator_gets_the_console_snapshot_with_the_queue():
    session, family, _moderator = await setup()
    named = await db(make_member)("Peer Facilitator")
    await db(session.moderators.add)(named)
    await db(make_question)(session, family, "Pending", urgent=True)
    console = await connect(session.slug, named, console=True)
    assert console.snapshot["moderator"] is True
    [queued] = console.snapshot["moderation"]
    assert queued["urgent"] is True and queued["author"] == "Hopeful Aunt"
    await console.disconnect()


# --- asking --------------------------------------------------------------------------------
async def test_asking_is_acknowledged_after_the_row_is_committed_and_waits_for_the_moderator():
    session, family, moderator = await setup()
    console = await connect(session.slug, moderator, console=True)
    socket = await connect(session.slug, family)
    await socket.send_json_to(
        {"type": "question.ask", "text": "How long is IOP?", "client_ref": "a1"}
    )
    ack = await reply_to(socket, "a1")
    assert ack["type"] == "ack" and ack["state"] == "pending"
    # The acknowledged row exists, committed, when the ack arrives.
    assert await db(Question.objects.filter(pk=ack["id"], state="pending").exists)()
    added = await receive_until(console, "question.added")
    assert added["question"]["id"] == ack["id"] and added["question"]["author"] == "Hopeful Aunt"
    await socket.disconnect()
    await console.disconnect()


async def test_a_pending_question_never_reaches_other_families():
    session, family, _moderator = await setup()
    other = await db(make_member)("Other Family")
    watcher = await connect(session.slug, other)
    socket = await connect(session.slug, family)
    await socket.send_json_to(
        {"type": "question.ask", "text": "Private until approved", "client_ref": "p"}
    )
    assert (await reply_to(socket, "p"))["type"] == "ack"
    assert await nothing_of(watcher, "question.added")
    await socket.disconnect()
    await watcher.disconnect()


async def test_a_resent_ask_with_the_same_client_ref_creates_no_second_question():
    session, family, _moderator = await setup()
    socket = await connect(session.slug, family)
    frame = {"type": "question.ask", "text": "Sent twice?", "client_ref": "same"}
    await socket.send_json_to(frame)
    first = await reply_to(socket, "same")
    await socket.send_json_to(frame)
    second = await reply_to(socket, "same")
    assert first["id"] == second["id"]
    assert await db(Question.objects.count)() == 1
    await socket.disconnect()


async def test_an_anonymous_question_shows_anonymous_to_everyone():
    session, family, moderator = await setup(premoderation=False)
    watcher = await connect(session.slug)
    socket = await connect(session.slug, family)
    await socket.send_json_to(
        {
            "type": "question.ask",
            "text": "Shown without my name",
            "anonymous": True,
            "client_ref": "n",
        }
    )
    await reply_to(socket, "n")
    added = await receive_until(watcher, "question.added")
    assert added["question"]["name"] == "Anonymous"
    assert "Hopeful Aunt" not in str(added)
    await socket.disconnect()
    await watcher.disconnect()


async def test_without_premoderation_a_clean_question_is_visible_at_once():
    session, family, _moderator = await setup(premoderation=False)
    socket = await connect(session.slug, family)
    await socket.send_json_to({"type": "question.ask", "text": "What is MFT?", "client_ref": "v"})
    assert (await reply_to(socket, "v"))["state"] == "visible"
    await socket.disconnect()


async def test_crisis_language_marks_the_question_urgent_and_tells_the_asker_at_once():
    session, family, moderator = await setup(premoderation=False)
    console = await connect(session.slug, moderator, console=True)
    socket = await connect(session.slug, family)
    await socket.send_json_to(
        {"type": "question.ask", "text": "My son says he wants to kill himself", "client_ref": "c"}
    )
    ack = await reply_to(socket, "c")
    assert ack["crisis"] is True and ack["state"] == "pending" and "988" in ack["notice"]
    added = await receive_until(console, "question.added")
    assert added["question"]["urgent"] is True
    await socket.disconnect()
    await console.disconnect()


async def test_a_crisis_phrase_added_by_moderators_in_admin_marks_urgent():
    session, family, _moderator = await setup()
    await db(WatchedWord.objects.create)(phrase="no way out", action="crisis")
    socket = await connect(session.slug, family)
    await socket.send_json_to(
        {"type": "question.ask", "text": "We see no way out", "client_ref": "w"}
    )
    assert (await reply_to(socket, "w"))["crisis"] is True
    await socket.disconnect()


async def test_blocked_words_are_refused_with_the_reason_and_nothing_is_stored():
    session, family, _moderator = await setup()
    await db(WatchedWord.objects.create)(
        phrase="miracle cure", action="block", explanation="No treatment advertising here."
    )
    socket = await connect(session.slug, family)
    await socket.send_json_to(
        {"type": "question.ask", "text": "Buy the miracle cure", "client_ref": "b"}
    )
    error = await reply_to(socket, "b")
    assert (
        error["code"] == protocol.BLOCKED and error["message"] == "No treatment advertising here."
    )
    assert await db(Question.objects.count)() == 0
    await socket.disconnect()


async def test_a_question_over_the_session_length_limit_is_invalid():
    session, family, _moderator = await setup(max_question_length=40)
    socket = await connect(session.slug, family)
    await socket.send_json_to({"type": "question.ask", "text": "x" * 41, "client_ref": "l"})
    error = await reply_to(socket, "l")
    assert error["code"] == protocol.INVALID and "text" in error["fields"]
    await socket.disconnect()


async def test_anonymous_asking_is_refused_where_the_session_does_not_allow_it():
    session, family, _moderator = await setup(anonymous_allowed=False)
    socket = await connect(session.slug, family)
    await socket.send_json_to(
        {"type": "question.ask", "text": "Hidden?", "anonymous": True, "client_ref": "x"}
    )
    assert (await reply_to(socket, "x"))["fields"].keys() == {"anonymous"}
    await socket.disconnect()


async def test_a_visitor_must_log_in_to_ask():
    session, _family, _moderator = await setup()
    visitor = await connect(session.slug)
    await visitor.send_json_to({"type": "question.ask", "text": "Hi?", "client_ref": "v"})
    assert (await reply_to(visitor, "v"))["code"] == protocol.LOGIN_REQUIRED
    await visitor.disconnect()


@pytest.mark.parametrize("state", ["scheduled", "closed"])
async def test_asking_outside_an_open_session_is_a_conflict(state):
    session, family, _moderator = await setup(state=state)
    socket = await connect(session.slug, family)
    await socket.send_json_to({"type": "question.ask", "text": "Now?", "client_ref": "s"})
    assert (await reply_to(socket, "s"))["code"] == protocol.CONFLICT
    await socket.disconnect()


async def test_the_fourth_question_in_a_minute_is_rate_limited_with_retry_after():
    session, family, _moderator = await setup()
    socket = await connect(session.slug, family)
    for n in range(3):
        await socket.send_json_to({"type": "question.ask", "text": f"Q{n}", "client_ref": f"q{n}"})
        assert (await reply_to(socket, f"q{n}"))["type"] == "ack"
    await socket.send_json_to({"type": "question.ask", "text": "Q3", "client_ref": "q3"})
    error = await reply_to(socket, "q3")
    assert error["code"] == protocol.RATE_LIMITED and error["retry_after"] >= 1
    await socket.send_json_to({"type": "ping"})
    assert (await receive_until(socket, "pong"))["type"] == "pong"
    await socket.disconnect()


# --- frame validation --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("not json", protocol.MALFORMED),
        ('{"type": "question.shout"}', protocol.UNKNOWN_TYPE),
        ('{"type": "question.ask", "text": "no ref"}', protocol.INVALID),
        ('{"type": "question.ask", "client_ref": "r"}', protocol.INVALID),
        ('{"type": "question.vote", "question_id": "abc", "up": true}', protocol.INVALID),
        ('{"type": "question.vote", "question_id": 1}', protocol.INVALID),
        ('{"type": "question.approve"}', protocol.INVALID),
        ('{"type": "question.pin", "question_id": -3}', protocol.INVALID),
        ('{"type": "question.reject", "question_id": 1, "reason": 5}', protocol.INVALID),
        ('{"type": "session.open", "surprise": 1}', protocol.INVALID),
    ],
)
async def test_a_bad_frame_gets_a_stable_error_code_and_the_socket_stays_open(frame, code):
    session, family, _moderator = await setup()
    socket = await connect(session.slug, family)
    await socket.send_to(text_data=frame)
    error = await receive_until(socket, "error")
    assert error["code"] == code
    await socket.send_json_to({"type": "ping"})
    assert (await receive_until(socket, "pong"))["type"] == "pong"
    await socket.disconnect()


# --- voting --------------------------------------------------------------------------------
async def test_a_vote_toggles_and_everyone_receives_the_coalesced_tally():
    session, family, _moderator = await setup()
    question = await db(make_question)(session, family, "Vote me", state=Question.State.VISIBLE)
    watcher = await connect(session.slug)
    socket = await connect(session.slug, family)
    await socket.send_json_to(
        {"type": "question.vote", "question_id": question.pk, "up": True, "client_ref": "v1"}
    )
    assert (await reply_to(socket, "v1"))["votes"] == 1
    update = await receive_until(watcher, "question.updated", where=lambda f: "questions" in f)
    assert update["questions"] == [{"id": question.pk, "votes": 1}]
    await socket.send_json_to(
        {"type": "question.vote", "question_id": question.pk, "up": False, "client_ref": "v2"}
    )
    assert (await reply_to(socket, "v2"))["votes"] == 0
    await socket.disconnect()
    await watcher.disconnect()


async def test_voting_twice_counts_once():
    session, family, _moderator = await setup()
    question = await db(make_question)(session, family, "Once", state=Question.State.VISIBLE)
    socket = await connect(session.slug, family)
    for ref in ("a", "b"):
        await socket.send_json_to(
            {"type": "question.vote", "question_id": question.pk, "up": True, "client_ref": ref}
        )
        assert (await reply_to(socket, ref))["votes"] == 1
    await socket.disconnect()


async def test_voting_on_a_pending_question_is_a_conflict():
    session, family, _moderator = await setup()
    question = await db(make_question)(session, family, "Pending")
    socket = await connect(session.slug, family)
    await socket.send_json_to(
        {"type": "question.vote", "question_id": question.pk, "up": True, "client_ref": "p"}
    )
    assert (await reply_to(socket, "p"))["code"] == protocol.CONFLICT
    await socket.disconnect()


async def test_voting_on_a_question_of_another_session_is_not_found():
    session, family, _moderator = await setup()
    other = await db(make_session)(slug="other-night")
    question = await db(make_question)(other, family, "Elsewhere", state=Question.State.VISIBLE)
    socket = await connect(session.slug, family)
    await socket.send_json_to(
        {"type": "question.vote", "question_id": question.pk, "up": True, "client_ref": "o"}
    )
    assert (await reply_to(socket, "o"))["code"] == protocol.NOT_FOUND
    await socket.disconnect()


async def test_a_visitor_cannot_vote():
    session, family, _moderator = await setup()
    question = await db(make_question)(session, family, "Q", state=Question.State.VISIBLE)
    visitor = await connect(session.slug)
    await visitor.send_json_to(
        {"type": "question.vote", "question_id": question.pk, "up": True, "client_ref": "v"}
    )
    assert (await reply_to(visitor, "v"))["code"] == protocol.LOGIN_REQUIRED
    await visitor.disconnect()


async def test_votes_past_sixty_a_minute_are_rate_limited():
    session, family, _moderator = await setup()
    question = await db(make_question)(session, family, "Q", state=Question.State.VISIBLE)
    for _ in range(qa.VOTE_LIMIT[0]):
        await db(qa.vote)(session.pk, family, question.pk, True)
    socket = await connect(session.slug, family)
    await socket.send_json_to(
        {"type": "question.vote", "question_id": question.pk, "up": False, "client_ref": "r"}
    )
    assert (await reply_to(socket, "r"))["code"] == protocol.RATE_LIMITED
    await socket.disconnect()


async def test_concurrent_votes_from_many_accounts_give_the_right_tally():
    session, family, _moderator = await setup()
    question = await db(make_question)(session, family, "Popular", state=Question.State.VISIBLE)
    voters = [await db(make_member)() for _ in range(12)]
    sockets = [await connect(session.slug, voter) for voter in voters]
    for n, socket in enumerate(sockets):
        await socket.send_json_to(
            {"type": "question.vote", "question_id": question.pk, "up": True, "client_ref": f"c{n}"}
        )
    await asyncio.gather(*(reply_to(socket, f"c{n}") for n, socket in enumerate(sockets)))
    await db(question.refresh_from_db)()
    assert question.vote_count == 12 == await db(question.votes.count)()
    for socket in sockets:
        await socket.disconnect()


# --- moderating --------------------------------------------------------------------------
MODERATOR_FRAMES = [
    {"type": "question.approve"},
    {"type": "question.reject", "reason": "Off topic"},
    {"type": "question.edit", "text": "Edited"},
    {"type": "question.pin"},
    {"type": "question.answer", "answer": "Yes"},
    {"type": "question.hide"},
    {"type": "session.open"},
    {"type": "session.close"},
]


@pytest.mark.parametrize("frame", MODERATOR_FRAMES, ids=lambda frame: frame["type"])
async def test_a_family_member_cannot_send_any_moderator_frame(frame):
    session, family, _moderator = await setup()
    question = await db(make_question)(session, family, "Q", state=Question.State.VISIBLE)
    socket = await connect(session.slug, family)
    body = {**frame, "client_ref": "m"}
    if frame["type"].startswith("question."):
        body["question_id"] = question.pk
    await socket.send_json_to(body)
    assert (await reply_to(socket, "m"))["code"] == protocol.FORBIDDEN
    await db(question.refresh_from_db)()
    assert question.state == "visible" and not question.pinned
    await socket.disconnect()


async def test_a_moderator_demoted_mid_session_loses_the_power_on_the_next_frame():
    session, family, moderator = await setup()
    question = await db(make_question)(session, family, "Q")
    console = await connect(session.slug, moderator, console=True)
    await db(moderator.groups.clear)()
    await console.send_json_to(
        {"type": "question.approve", "question_id": question.pk, "client_ref": "d"}
    )
    assert (await reply_to(console, "d"))["code"] == protocol.FORBIDDEN
    await db(question.refresh_from_db)()
    assert question.state == "pending"


async def test_a_demoted_moderators_console_is_closed_so_held_questions_stop_reaching_it():
    session, family, moderator = await setup()
    question = await db(make_question)(session, family, "Q")
    console = await connect(session.slug, moderator, console=True)
    await db(moderator.groups.clear)()
    await console.send_json_to(
        {"type": "question.pin", "question_id": question.pk, "client_ref": "d"}
    )
    assert (await reply_to(console, "d"))["code"] == protocol.FORBIDDEN
    while (message := await console.receive_output(timeout=5))["type"] != "websocket.close":
        pass
    assert message["code"] == live.CLOSE_FORBIDDEN


async def test_approving_reaches_participants_and_is_logged():
    session, family, moderator = await setup()
    question = await db(make_question)(session, family, "Approve me")
    watcher = await connect(session.slug)
    console = await connect(session.slug, moderator, console=True)
    await console.send_json_to(
        {"type": "question.approve", "question_id": question.pk, "client_ref": "ap"}
    )
    assert (await reply_to(console, "ap"))["type"] == "ack"
    added = await receive_until(watcher, "question.added")
    assert added["question"] == {
        "id": question.pk,
        "name": "Someone",
        "text": "Approve me",
        "state": "visible",
        "pinned": False,
        "votes": 0,
        "answer": "",
        "created": added["question"]["created"],
    }
    log = await db(ModerationAction.objects.get)()
    assert (log.action, log.target_id, log.actor_id) == ("approve", question.pk, moderator.pk)
    await watcher.disconnect()
    await console.disconnect()


async def test_rejecting_tells_only_the_author_the_reason():
    session, family, moderator = await setup()
    socket = await connect(session.slug, family)
    await socket.send_json_to({"type": "question.ask", "text": "Mine", "client_ref": "r"})
    question_id = (await reply_to(socket, "r"))["id"]
    console = await connect(session.slug, moderator, console=True)
    await console.send_json_to(
        {
            "type": "question.reject",
            "question_id": question_id,
            "reason": "Please ask your counselor",
            "client_ref": "x",
        }
    )
    await reply_to(console, "x")
    update = await receive_until(socket, "question.updated", where=lambda f: "question" in f)
    assert update["question"]["state"] == "rejected"
    assert update["question"]["reason"] == "Please ask your counselor"
    assert (await db(ModerationAction.objects.get)()).reason == "Please ask your counselor"
    await socket.disconnect()
    await console.disconnect()


async def test_editing_before_approving_publishes_the_edited_text_and_logs_no_text():
    session, family, moderator = await setup()
    question = await db(make_question)(session, family, "My son Jake Miller relapsed")
    watcher = await connect(session.slug)
    console = await connect(session.slug, moderator, console=True)
    await console.send_json_to(
        {
            "type": "question.edit",
            "question_id": question.pk,
            "text": "My son relapsed",
            "approve": True,
            "client_ref": "e",
        }
    )
    await reply_to(console, "e")
    added = await receive_until(watcher, "question.added")
    assert added["question"]["text"] == "My son relapsed"
    log = await db(ModerationAction.objects.get)()
    assert log.action == "edit" and "Jake" not in str(log.details)
    await watcher.disconnect()
    await console.disconnect()


async def test_pinning_a_second_question_unpins_the_first():
    session, family, moderator = await setup()
    first = await db(make_question)(session, family, "One", state="visible", pinned=True)
    second = await db(make_question)(session, family, "Two", state="visible")
    watcher = await connect(session.slug)
    console = await connect(session.slug, moderator, console=True)
    await console.send_json_to(
        {"type": "question.pin", "question_id": second.pk, "client_ref": "p"}
    )
    await reply_to(console, "p")
    seen = {}
    while len(seen) < 2:
        frame = await receive_until(watcher, "question.updated", where=lambda f: "question" in f)
        seen[frame["question"]["id"]] = frame["question"]["pinned"]
    assert seen == {first.pk: False, second.pk: True}
    await watcher.disconnect()
    await console.disconnect()


async def test_marking_answered_publishes_the_typed_answer_and_unpins():
    session, family, moderator = await setup()
    question = await db(make_question)(session, family, "Q", state="visible", pinned=True)
    watcher = await connect(session.slug)
    console = await connect(session.slug, moderator, console=True)
    await console.send_json_to(
        {
            "type": "question.answer",
            "question_id": question.pk,
            "answer": "Eight weeks.",
            "client_ref": "a",
        }
    )
    await reply_to(console, "a")
    update = await receive_until(watcher, "question.updated", where=lambda f: "question" in f)
    assert update["question"]["state"] == "answered"
    assert update["question"]["answer"] == "Eight weeks."
    assert update["question"]["pinned"] is False
    await watcher.disconnect()
    await console.disconnect()


async def test_hiding_removes_the_question_for_participants():
    session, family, moderator = await setup()
    question = await db(make_question)(session, family, "Q", state="visible")
    watcher = await connect(session.slug)
    console = await connect(session.slug, moderator, console=True)
    await console.send_json_to(
        {"type": "question.hide", "question_id": question.pk, "client_ref": "h"}
    )
    await reply_to(console, "h")
    removed = await receive_until(watcher, "question.removed")
    assert removed == {"type": "question.removed", "id": question.pk}
    await watcher.disconnect()
    await console.disconnect()


async def test_approving_a_question_twice_is_a_conflict():
    session, family, moderator = await setup()
    question = await db(make_question)(session, family, "Q", state="visible")
    console = await connect(session.slug, moderator, console=True)
    await console.send_json_to(
        {"type": "question.approve", "question_id": question.pk, "client_ref": "c"}
    )
    assert (await reply_to(console, "c"))["code"] == protocol.CONFLICT
    await console.disconnect()


async def test_closing_and_opening_the_session_is_broadcast_and_logged():
    session, family, moderator = await setup()
    watcher = await connect(session.slug)
    console = await connect(session.slug, moderator, console=True)
    await console.send_json_to({"type": "session.close", "client_ref": "c"})
    await reply_to(console, "c")
    assert (await receive_until(watcher, "session.updated"))["session"]["state"] == "closed"
    await console.send_json_to({"type": "session.open", "client_ref": "o"})
    await reply_to(console, "o")
    assert (await receive_until(watcher, "session.updated"))["session"]["state"] == "open"
    actions = await db(
        lambda: list(ModerationAction.objects.order_by("id").values_list("action", flat=True))
    )()
    assert actions == ["close", "open"]
    await watcher.disconnect()
    await console.disconnect()


async def test_moderating_in_a_closed_session_is_a_conflict():
    session, family, moderator = await setup(state=QASession.State.CLOSED)
    question = await db(make_question)(session, family, "Q", state="visible")
    console = await connect(session.slug, moderator, console=True)
    await console.send_json_to(
        {"type": "question.pin", "question_id": question.pk, "client_ref": "c"}
    )
    assert (await reply_to(console, "c"))["code"] == protocol.CONFLICT
    await console.disconnect()


async def test_a_reconnecting_participant_gets_everything_it_missed_in_the_snapshot():
    session, family, moderator = await setup()
    question = await db(make_question)(session, family, "Missed while offline")
    socket = await connect(session.slug, family)
    await socket.disconnect()
    await db(qa.approve_question)(session.pk, moderator, question.pk)
    again = await connect(session.slug, family)
    assert [q["text"] for q in again.snapshot["questions"]] == ["Missed while offline"]
    await again.disconnect()


async def test_presence_counts_participants():
    session, family, _moderator = await setup()
    first = await connect(session.slug, family)
    second = await connect(session.slug)
    frame = await receive_until(second, "presence", where=lambda f: f["count"] == 2)
    assert frame["count"] == 2
    await first.disconnect()
    await second.disconnect()
