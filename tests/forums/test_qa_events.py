"""Every live Q&A action, for every audience: the snapshot before plus the frames equals
a fresh snapshot after (Zulip's ``verify_action``, tests/forums/verify.py).

The state compared is what the page's script holds: :func:`client_state` follows
``applySnapshot`` in forums/static/forums/qa.js and :func:`apply` follows its ``onFrame``
(with ``merge``). A client that stayed connected through an action and one that
reconnects after it must hold the same questions, votes, counts and session; if they
differ, the frames, the snapshot or the script is wrong (fix those, not these rules).

Each case states the exact frame types its action broadcasts, and every state frame type
of ``QA_SERVER_FRAMES`` must be the expected type of some case here.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from forums.live import broadcast
from forums.live.hub import coalesced_frame_builder
from forums.models import ANONYMOUS_NAME, QASession, Question, QuestionVote
from forums.qa import services as qa
from forums.qa.protocol import QA_SERVER_FRAMES
from tests.forums.qa_support import make_member, make_moderator, make_question, make_session
from tests.forums.verify import Audience, as_json, verify_action

# Frames that carry no change of state: the snapshot itself, answers to one client's
# frame, and the presence count (not part of what a snapshot is compared on).
NON_STATE_FRAMES = frozenset({"snapshot", "ack", "error", "pong", "presence"})

CRISIS = "My son says he wants to kill himself tonight"


# --- the script's rules, in Python (forums/static/forums/qa.js) ---------------------------
def merge(state, question):
    """``merge(question)``: fields are overlaid; ``mine`` sticks once set; a rejected
    question that is not the reader's own is forgotten."""
    key = str(question["id"])
    current = state["questions"].get(key, {})
    merged = {**current, **question}
    merged.pop("mine", None)
    if current.get("mine") or question.get("mine"):
        merged["mine"] = current.get("mine") or question.get("mine")
    if merged["state"] == "rejected" and not merged.get("mine"):
        state["questions"].pop(key, None)
    else:
        state["questions"][key] = merged


def client_state(snapshot):
    """``applySnapshot(frame)``: one map of questions (public, mine, the console's),
    my votes, the console's counts and the session."""
    state = {
        "session": snapshot["session"],
        "moderator": bool(snapshot.get("moderator")),
        "signed_in": bool(snapshot.get("signed_in")),
        "questions": {},
        "my_votes": sorted(set(snapshot.get("my_votes") or [])),
        "counts": snapshot.get("counts"),
    }
    for question in snapshot.get("questions") or []:
        merge(state, question)
    for question in snapshot.get("mine") or []:
        merge(state, {**question, "mine": True})
    for question in snapshot.get("moderation") or []:
        merge(state, question)
    return state


def apply(state, frame):
    """``onFrame(frame)``, for the frames that change what the script holds."""
    kind = frame["type"]
    if kind == "question.added":
        merge(state, frame["question"])
        if frame.get("counts"):
            state["counts"] = frame["counts"]
    elif kind == "question.updated":
        if frame.get("question"):
            merge(state, frame["question"])
        for partial in frame.get("questions") or []:
            if str(partial["id"]) in state["questions"]:
                merge(state, partial)
        if frame.get("counts"):
            state["counts"] = frame["counts"]
    elif kind == "question.removed":
        question = state["questions"].get(str(frame["id"]))
        if question and not question.get("mine") and not state["moderator"]:
            del state["questions"][str(frame["id"])]
    elif kind == "question.voted":
        votes = set(state["my_votes"])
        if frame["up"]:
            votes.add(frame["id"])
        else:
            votes.discard(frame["id"])
        state["my_votes"] = sorted(votes)
    elif kind == "session.updated":
        state["session"] = frame["session"]
    return state


# --- the people watching -------------------------------------------------------------------
@dataclass
class World:
    session: QASession
    author: object
    member: object
    moderator: object

    def audiences(self, names):
        """Each kind of socket, with the tags the Q&A consumer gives it."""
        people = {
            "visitor": (None, False),
            "member": (self.member, False),
            "author": (self.author, False),
            "moderator": (self.moderator, True),
        }
        return [
            Audience(name, user, qa.socket_tags(user, console=console))
            for name, (user, console) in people.items()
            if name in names
        ]

    def snapshot(self, audience):
        """The script's state after the snapshot this socket would get now (the frame is
        checked against its model first)."""
        frame = qa.snapshot(
            self.session.pk, audience.user, as_moderator=qa.MODERATORS in audience.tags
        )
        data = as_json(frame)
        QA_SERVER_FRAMES.validate(data)
        return client_state(data)

    def ask(self, text="How long does IOP last?", **kwargs):
        return qa.ask_question(self.session.pk, self.author, text, **kwargs)

    def question(self, text="How do we talk about relapse?", **fields):
        return make_question(self.session, self.author, text, **fields)


@pytest.fixture
def world(db):
    return World(
        session=make_session(),
        author=make_member("Hopeful Aunt"),
        member=make_member("Other Family"),
        moderator=make_moderator("Clinician Dana"),
    )


# --- the cases -----------------------------------------------------------------------------
EVERYONE = ("visitor", "member", "author", "moderator")


@dataclass(frozen=True)
class Case:
    name: str
    arrange: Callable  # (world) -> the action, a callable
    expect_types: frozenset
    audiences: tuple = EVERYONE

    def __post_init__(self):
        object.__setattr__(self, "expect_types", frozenset(self.expect_types))


def _premoderation_off(world):
    world.session.premoderation = False
    world.session.save()


def ask_premoderated(world):
    return world.ask


def ask_published_at_once(world):
    _premoderation_off(world)
    return world.ask


def ask_anonymously(world):
    _premoderation_off(world)
    return lambda: world.ask("Shown without my name", anonymous=True)


def ask_in_crisis(world):
    _premoderation_off(world)
    return lambda: world.ask(CRISIS)


def ask_in_crisis_after_the_session_closed(world):
    world.session.state = QASession.State.CLOSED
    world.session.save()
    return lambda: world.ask(CRISIS)


def ask_again_with_the_same_client_ref(world):
    world.ask(client_ref="once")
    return lambda: world.ask(client_ref="once")


def _vote(world, question, up):
    """Vote as the member, then send the coalesced tally the hub would send after the
    commit (the build function registered for the consumer's coalescing)."""
    build_frame = coalesced_frame_builder(qa.VOTE_TALLIES)
    topic = world.session.topic

    def send_tallies():
        frame = build_frame(topic, [question.pk])
        broadcast.send_relay(broadcast.relay_message(topic, frame=frame))

    def action():
        tally = qa.vote(world.session.pk, world.member, question.pk, up)
        transaction.on_commit(send_tallies)
        return tally

    return action


def vote_up(world):
    return _vote(world, world.question(state="visible"), True)


def take_a_vote_back(world):
    question = world.question(state="visible")
    qa.vote(world.session.pk, world.member, question.pk, True)
    return _vote(world, question, False)


def _moderate(function, *args, question=None, **kwargs):
    """A moderator's ``function`` on a question of the author's (pending unless the
    ``question`` fields say otherwise)."""

    def arrange(world):
        target = world.question(**(question or {}))
        return lambda: function(world.session.pk, world.moderator, target.pk, *args, **kwargs)

    return arrange


def pin_while_another_is_pinned(world):
    world.question("Pinned first", state="visible", pinned=True)
    question = world.question("Pinned next", state="visible")
    return lambda: qa.pin_question(world.session.pk, world.moderator, question.pk)


def _set_state(state, *, before=QASession.State.OPEN, pinned=False):
    def arrange(world):
        world.session.state = before
        world.session.save()
        world.question("Answered before", state="answered", answer="Yes.")
        if pinned:
            world.question("Now answering", state="visible", pinned=True)
        return lambda: qa.set_session_state(world.session.pk, world.moderator, state)

    return arrange


def _admin_form_data(session, **changes):
    data = {
        "title": session.title,
        "slug": session.slug,
        "description": session.description,
        "starts_at": timezone.localtime(session.starts_at).strftime("%Y-%m-%d %H:%M"),
        "state": session.state,
        "premoderation": "on" if session.premoderation else "",
        "anonymous_allowed": "on" if session.anonymous_allowed else "",
        "max_question_length": session.max_question_length,
    }
    return {key: value for key, value in (data | changes).items() if value != ""}


def _edit_in_admin(**changes):
    def arrange(world):
        from django.test import Client

        world.question("Now answering", state="visible", pinned=True)
        client = Client()
        client.force_login(world.moderator)
        url = reverse("forums_qasession:edit", args=[world.session.pk])
        data = _admin_form_data(world.session, **changes)

        def action():
            response = client.post(url, data)
            assert response.status_code == 302, response.content.decode()[:2000]

        return action

    return arrange


def erase_the_authors_data(world):
    world.question("Published", state="visible")
    world.question("Still waiting")
    anonymous = world.question("Asked anonymously", state="answered", answer="Yes.")
    Question.objects.filter(pk=anonymous.pk).update(shown_name=ANONYMOUS_NAME)
    return lambda: qa.erase_questions(world.author)


ADDED, UPDATED, REMOVED = "question.added", "question.updated", "question.removed"
VOTED, SESSION = "question.voted", "session.updated"
PINNED = {"state": "visible", "pinned": True}

CASES = [
    Case("ask, pre-moderated", ask_premoderated, {ADDED}),
    Case("ask, published at once", ask_published_at_once, {ADDED}),
    Case("ask anonymously", ask_anonymously, {ADDED}),
    Case("ask in crisis (held, urgent)", ask_in_crisis, {ADDED}),
    Case("ask in crisis, session closed", ask_in_crisis_after_the_session_closed, {ADDED}),
    Case("ask again with the same client_ref", ask_again_with_the_same_client_ref, set()),
    Case("vote", vote_up, {VOTED, UPDATED}),
    Case("take a vote back", take_a_vote_back, {VOTED, UPDATED}),
    Case("approve", _moderate(qa.approve_question), {ADDED, UPDATED}),
    Case("reject", _moderate(qa.reject_question, "Please ask your counselor"), {UPDATED}),
    Case("edit a pending question", _moderate(qa.edit_question, "Edited"), {UPDATED}),
    Case(
        "edit and approve",
        _moderate(qa.edit_question, "Edited", approve=True),
        {ADDED, UPDATED},
    ),
    Case(
        "edit a published question",
        _moderate(qa.edit_question, "Edited", question={"state": "visible"}),
        {UPDATED},
    ),
    Case("pin", _moderate(qa.pin_question, question={"state": "visible"}), {UPDATED}),
    Case("pin while another is pinned", pin_while_another_is_pinned, {UPDATED}),
    Case(
        "unpin",
        _moderate(qa.pin_question, False, question=PINNED),
        {UPDATED},
    ),
    Case(
        "answer the pinned question",
        _moderate(
            qa.answer_question, "Eight weeks.", question={"state": "visible", "pinned": True}
        ),
        {UPDATED},
    ),
    Case(
        "correct an answer",
        _moderate(qa.answer_question, "Six to eight weeks.", question={"state": "answered"}),
        {UPDATED},
    ),
    Case(
        "hide a published question",
        _moderate(qa.hide_question, "Off topic", question=PINNED),
        {UPDATED, REMOVED},
    ),
    Case(
        "hide an answered question",
        _moderate(qa.hide_question, question={"state": "answered", "answer": "Yes."}),
        {UPDATED, REMOVED},
    ),
    Case("close the session", _set_state("closed"), {SESSION}),
    Case("close the session while pinned", _set_state("closed", pinned=True), {SESSION, UPDATED}),
    Case("reopen the session", _set_state("open", before="closed"), {SESSION}),
    Case("open a scheduled session", _set_state("open", before="scheduled"), {SESSION}),
    Case("back to scheduled", _set_state("scheduled"), {SESSION}),
    Case("set the state it already has", _set_state("open"), set()),
    Case("rename the session in admin", _edit_in_admin(title="Family night (renamed)"), {SESSION}),
    Case("change the question limit in admin", _edit_in_admin(max_question_length=300), {SESSION}),
    Case("close the session in admin", _edit_in_admin(state="closed"), {SESSION, UPDATED}),
    # The author's account is being erased: no socket of theirs is left to compare.
    Case(
        "erase the author's data",
        erase_the_authors_data,
        {UPDATED},
        audiences=("visitor", "member", "moderator"),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_the_frames_bring_every_audience_to_a_fresh_snapshot(world, case):
    action = case.arrange(world)
    verify_action(
        action,
        topic=world.session.topic,
        registry=QA_SERVER_FRAMES,
        audiences=world.audiences(case.audiences),
        snapshot=world.snapshot,
        apply=apply,
        expect_types=case.expect_types,
    )


def test_every_state_frame_type_has_a_verified_case():
    verified = set().union(*(case.expect_types for case in CASES))
    assert not verified & NON_STATE_FRAMES
    assert NON_STATE_FRAMES <= QA_SERVER_FRAMES.types
    assert QA_SERVER_FRAMES.types - NON_STATE_FRAMES == verified, (
        "a Q&A frame type needs a verify_action case here (or is not a state frame)"
    )


# --- what the cases show about the frames themselves --------------------------------------
def test_a_held_question_reaches_only_its_author_and_the_moderators(world):
    verified = verify_action(
        ask_premoderated(world),
        topic=world.session.topic,
        registry=QA_SERVER_FRAMES,
        audiences=world.audiences(EVERYONE),
        snapshot=world.snapshot,
        apply=apply,
        expect_types={ADDED},
    )
    assert verified.frames["visitor"] == verified.frames["member"] == []
    [own] = verified.frames["author"]
    [console] = verified.frames["moderator"]
    assert own["question"]["mine"] is True and "author" not in own["question"]
    assert console["question"]["author"] == "Hopeful Aunt" and console["counts"]["pending"] == 1


def test_only_the_voter_learns_of_the_vote_and_everyone_of_the_tally(world):
    question = world.question(state="visible")
    verified = verify_action(
        _vote(world, question, True),
        topic=world.session.topic,
        registry=QA_SERVER_FRAMES,
        audiences=world.audiences(EVERYONE),
        snapshot=world.snapshot,
        apply=apply,
        expect_types={VOTED, UPDATED},
    )
    assert [frame["type"] for frame in verified.frames["member"]] == [VOTED, UPDATED]
    for name in ("visitor", "author", "moderator"):
        assert verified.frames[name] == [
            {"type": UPDATED, "questions": [{"id": question.pk, "votes": 1}]}
        ]
    assert QuestionVote.objects.get().voter == world.member


def test_erasing_an_account_replaces_its_name_on_every_live_screen(world):
    world.session.premoderation = False
    world.session.save()
    world.ask("What helps at home?")
    verified = verify_action(
        lambda: qa.erase_questions(world.author),
        topic=world.session.topic,
        registry=QA_SERVER_FRAMES,
        audiences=world.audiences(("visitor", "moderator")),
        snapshot=world.snapshot,
        apply=apply,
        expect_types={UPDATED},
    )
    assert "Hopeful Aunt" not in str(verified.frames)
    assert Question.objects.get().shown_name == "former member"
