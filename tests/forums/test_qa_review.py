"""Live Q&A: the defects an earlier review found, each pinned by a test."""

import json

import pytest
from asgiref.sync import sync_to_async
from django.urls import reverse
from django.utils import timezone
from wagtail.models import WorkflowState

from forums import live
from forums.live import protocol
from forums.live.errors import ServiceError
from forums.models import ModerationAction, QASession, Question, WatchedWord
from forums.qa import services as qa
from portal import roles
from tests.forums.qa_support import (
    connect,
    make_member,
    make_moderator,
    make_question,
    make_session,
    receive_until,
)
from tests.lectures.conftest import (  # noqa: F401 (fixtures)
    guide_index,
    learn_index,
    make_guide,
    make_lecture,
    make_series,
)

db = sync_to_async
sockets = pytest.mark.django_db(transaction=True, serialized_rollback=True)

CRISIS_AND_BLOCKED = "I want to kill myself, where do I buy the miracle cure"


@pytest.fixture
def session(db):
    return make_session()


@pytest.fixture
def family(db):
    return make_member("Hopeful Aunt")


@pytest.fixture
def moderator(db):
    return make_moderator("Clinician Dana")


@pytest.fixture
def blocked_word(db):
    return WatchedWord.objects.create(
        phrase="miracle cure", action="block", explanation="No treatment advertising here."
    )


# --- 1. crisis language outranks a blocked word ---------------------------------------------
@pytest.mark.django_db
def test_a_crisis_question_with_a_blocked_word_is_held_as_urgent_not_refused(
    session, family, blocked_word
):
    question, verdict, created = qa.ask_question(session.pk, family, CRISIS_AND_BLOCKED)
    assert created
    question.refresh_from_db()
    assert (question.state, question.urgent) == (Question.State.PENDING, True)
    assert "988" in verdict.explanation


@pytest.mark.django_db
def test_a_crisis_question_with_a_blocked_word_shows_the_crisis_resources_on_the_plain_form(
    client, session, family, blocked_word
):
    client.force_login(family)
    response = client.post(
        reverse("forums:qa-ask", args=[session.slug]), {"text": CRISIS_AND_BLOCKED}, follow=True
    )
    assert "988" in response.content.decode()
    assert Question.objects.get().urgent


@sockets
async def test_a_crisis_question_with_a_blocked_word_reaches_the_moderators_as_urgent():
    session = await db(make_session)()
    family = await db(make_member)("Hopeful Aunt")
    moderator = await db(make_moderator)("Clinician Dana")
    await db(WatchedWord.objects.create)(phrase="miracle cure", action="block")
    console = await connect(session.slug, moderator, console=True)
    socket = await connect(session.slug, family)
    await socket.send_json_to(
        {"type": "question.ask", "text": CRISIS_AND_BLOCKED, "client_ref": "c"}
    )
    ack = await receive_until(socket, "ack")
    assert ack["crisis"] is True and "988" in ack["notice"]
    added = await receive_until(console, "question.added")
    assert added["question"]["urgent"] is True
    await socket.disconnect()
    await console.disconnect()


@pytest.mark.django_db
def test_a_blocked_word_without_crisis_language_is_still_refused(session, family, blocked_word):
    with pytest.raises(ServiceError) as refused:
        qa.ask_question(session.pk, family, "Where do I buy the miracle cure?")
    assert refused.value.code == protocol.BLOCKED
    assert not Question.objects.exists()


# --- 2. no votes before the session opens ---------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("state", [QASession.State.SCHEDULED, QASession.State.CLOSED])
def test_voting_outside_an_open_session_is_refused_as_a_conflict(family, state):
    session = make_session(state=state)
    question = make_question(session, family, "Early bird", state=Question.State.VISIBLE)
    with pytest.raises(ServiceError) as refused:
        qa.vote(session.pk, family, question.pk, True)
    assert refused.value.code == protocol.CONFLICT
    question.refresh_from_db()
    assert question.vote_count == 0 and not question.votes.exists()


# --- 3. closing unpins for everyone ---------------------------------------------------------
@sockets
async def test_closing_the_session_broadcasts_the_unpin_of_the_pinned_question():
    session = await db(make_session)()
    family = await db(make_member)("Hopeful Aunt")
    moderator = await db(make_moderator)("Clinician Dana")
    question = await db(make_question)(session, family, "Now answering", state="visible")
    await db(qa.pin_question)(session.pk, moderator, question.pk)
    watcher = await connect(session.slug)
    assert [q["pinned"] for q in watcher.snapshot["questions"]] == [True]
    await db(qa.set_session_state)(session.pk, moderator, QASession.State.CLOSED)
    update = await receive_until(
        watcher,
        "question.updated",
        where=lambda frame: frame.get("question", {}).get("id") == question.pk,
    )
    assert update["question"]["pinned"] is False
    assert (await receive_until(watcher, "session.updated"))["session"]["state"] == "closed"
    await watcher.disconnect()


# --- 4. saving or deleting a session purges the cached Learn pages ------------------------
@pytest.fixture
def lecture(request):
    series = request.getfixturevalue("make_series")()
    return request.getfixturevalue("make_lecture")(series)


@pytest.fixture
def answered_on_lecture(lecture, family):
    session = make_session("after-lecture", lecture=lecture)
    make_question(session, family, "How long is IOP?", state="answered", answer="Eight weeks.")
    return session


@pytest.mark.django_db
def test_moving_a_session_off_a_lecture_purges_the_cached_lecture_page(
    client, lecture, answered_on_lecture, django_capture_on_commit_callbacks
):
    assert "Eight weeks." in client.get(lecture.url).content.decode()  # now cached
    with django_capture_on_commit_callbacks(execute=True):
        answered_on_lecture.lecture = None
        answered_on_lecture.save()
    assert "Eight weeks." not in client.get(lecture.url).content.decode()


@pytest.mark.django_db
def test_deleting_a_session_purges_the_cached_lecture_page(
    client, lecture, answered_on_lecture, django_capture_on_commit_callbacks
):
    assert "Eight weeks." in client.get(lecture.url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        answered_on_lecture.delete()
    assert "Eight weeks." not in client.get(lecture.url).content.decode()


# --- 5. erasing an account keeps the tallies -----------------------------------------------
@pytest.fixture
def voted_then_answered(session, family, moderator):
    """A question two accounts upvoted, then answered live (its tally is now final)."""
    other = make_member("Other Person")
    question = make_question(session, other, "Who pays?", state="visible")
    qa.vote(session.pk, family, question.pk, True)
    qa.vote(session.pk, other, question.pk, True)
    qa.answer_question(session.pk, moderator, question.pk, "Most plans.")
    return question


@pytest.mark.django_db
def test_erasing_a_voter_keeps_the_tally_of_an_answered_question(family, voted_then_answered):
    from portal import privacy

    privacy.erase_account(family)
    voted_then_answered.refresh_from_db()
    assert voted_then_answered.vote_count == 2 == voted_then_answered.votes.count()
    # The erased account's vote is kept, without the account.
    assert voted_then_answered.votes.filter(voter__isnull=True).count() == 1


@pytest.mark.django_db
def test_deleting_a_voters_account_directly_keeps_tallies_consistent(family, voted_then_answered):
    family.delete()
    voted_then_answered.refresh_from_db()
    assert voted_then_answered.vote_count == 2 == voted_then_answered.votes.count()


@pytest.mark.django_db
def test_an_erased_voters_vote_still_counts_when_others_vote_later(session, family):
    from portal import privacy

    question = make_question(session, make_member("Asker"), "Still open", state="visible")
    qa.vote(session.pk, family, question.pk, True)
    privacy.erase_account(family)
    assert qa.vote(session.pk, make_member("Later Voter"), question.pk, True) == 2


# --- 6. FAQ conversion and the guide's clinical-review workflow ------------------------------
@pytest.fixture
def guide(request):
    return request.getfixturevalue("make_guide")("Paying for care")


@pytest.fixture
def editor(make_staff):
    return make_staff(roles.CONTENT_EDITORS)


@pytest.fixture
def reviewer(make_staff):
    return make_staff(roles.CLINICAL_REVIEWERS)


@pytest.fixture
def answered(session, family):
    return make_question(session, family, "Who pays?", state="answered", answer="Most plans.")


def _in_review(guide, editor):
    guide.save_revision(user=editor)
    guide.get_workflow().start(guide, editor)
    return WorkflowState.objects.for_instance(guide).get(status=WorkflowState.STATUS_IN_PROGRESS)


@pytest.mark.django_db
def test_faq_conversion_resubmits_a_guide_whose_review_requested_changes(
    guide, editor, reviewer, answered
):
    state = _in_review(guide, editor)
    state.current_task_state.specific.reject(user=reviewer, comment="Cite the parity law.")
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    result = qa.add_question_to_faq(answered.pk, guide, editor)
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.current_task_state.status == "in_progress"
    assert state.current_task_state.revision_id == result.revision.pk
    assert result.workflow == qa.FAQ_RESUBMITTED


@pytest.mark.django_db
def test_faq_conversion_during_an_active_review_adds_to_the_latest_draft_and_says_so(
    guide, editor, answered
):
    state = _in_review(guide, editor)
    result = qa.add_question_to_faq(answered.pk, guide, editor)
    guide.refresh_from_db()
    assert guide.get_latest_revision().pk == result.revision.pk
    draft = guide.get_latest_revision_as_object()
    assert draft.faq_entries[-1] == ("Who pays?", "Most plans.")
    assert result.workflow == qa.FAQ_ALREADY_IN_REVIEW
    assert list(WorkflowState.objects.for_instance(guide).active()) == [state]
    log = ModerationAction.objects.get(action="faq")
    assert log.details["workflow"] == qa.FAQ_ALREADY_IN_REVIEW


@pytest.mark.django_db
def test_the_admin_tells_the_editor_when_the_guide_was_already_in_review(
    client, guide, editor, answered
):
    _in_review(guide, editor)
    client.force_login(editor)
    response = client.post(
        reverse("forums_question_faq", args=[answered.pk]),
        {"page": guide.pk, "question": "Who pays?", "answer": "Most plans."},
        follow=True,
    )
    assert "already in clinical review" in response.content.decode()


# --- 9. a pending question's id is not revealed by voting --------------------------------------
def _vote_refusal(session, user, question_id):
    with pytest.raises(ServiceError) as refused:
        qa.vote(session.pk, user, question_id, True)
    return refused.value.code, refused.value.message


@pytest.mark.django_db
@pytest.mark.parametrize("state", [Question.State.PENDING, Question.State.REJECTED])
def test_voting_on_someone_elses_unpublished_question_looks_like_a_missing_id(
    session, family, state
):
    hidden = make_question(session, make_member("Other Family"), "Not public", state=state)
    missing_id = hidden.pk + 1000
    assert _vote_refusal(session, family, hidden.pk) == _vote_refusal(session, family, missing_id)
    assert _vote_refusal(session, family, hidden.pk)[0] == protocol.NOT_FOUND


# --- 7. a state change in Wagtail admin goes through the service --------------------------------
def _admin_form_data(session, **changes):
    data = {
        "title": session.title,
        "slug": session.slug,
        "description": session.description,
        "lecture": "",
        "event": "",
        "starts_at": timezone.localtime(session.starts_at).strftime("%Y-%m-%d %H:%M"),
        "state": session.state,
        "premoderation": "on" if session.premoderation else "",
        "anonymous_allowed": "on" if session.anonymous_allowed else "",
        "max_question_length": session.max_question_length,
    }
    return {key: value for key, value in (data | changes).items() if value != ""}


@pytest.mark.django_db
def test_closing_a_session_in_wagtail_admin_is_broadcast_unpins_and_is_logged(
    client, session, family, moderator, monkeypatch, django_capture_on_commit_callbacks
):
    pinned = make_question(session, family, "Now answering", state="visible", pinned=True)
    sent = []
    monkeypatch.setattr(live.broadcast, "send_relay", sent.append)
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("forums_qasession:edit", args=[session.pk]),
            _admin_form_data(session, state="closed", title="Family night (archive)"),
        )
    assert response.status_code == 302
    session.refresh_from_db()
    pinned.refresh_from_db()
    assert (session.state, session.title, pinned.pinned) == (
        "closed",
        "Family night (archive)",
        False,
    )
    log = ModerationAction.objects.get(target_type="qa_session", action="close")
    assert (log.actor, log.target_id) == (moderator, session.pk)
    edit = ModerationAction.objects.get(target_type="qa_session", action="qa.session.edit")
    assert edit.actor == moderator and "title" in edit.details["changed"]
    frames = [json.loads(message["text"]) for message in sent if message["text"]]
    assert {"type": "session.updated", "state": "closed"} in [
        {"type": frame["type"], "state": frame["session"]["state"]}
        for frame in frames
        if frame["type"] == "session.updated"
    ]
    assert any(
        frame["type"] == "question.updated"
        and frame["question"] == {**frame["question"], "id": pinned.pk, "pinned": False}
        for frame in frames
    )


@pytest.mark.django_db
def test_editing_other_fields_in_wagtail_admin_logs_the_edit_and_no_state_change(
    client, session, moderator
):
    client.force_login(moderator)
    response = client.post(
        reverse("forums_qasession:edit", args=[session.pk]),
        _admin_form_data(session, title="Renamed"),
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.title, session.state) == ("Renamed", "open")
    assert list(ModerationAction.objects.values_list("action", flat=True)) == ["qa.session.edit"]


@pytest.mark.django_db
def test_a_state_change_the_service_refuses_in_admin_saves_nothing_and_says_why(
    client, session, moderator, monkeypatch
):
    def refuse(*args, **kwargs):
        raise ServiceError(protocol.FORBIDDEN, "Only this session's moderators.")

    monkeypatch.setattr(qa, "set_session_state", refuse)
    client.force_login(moderator)
    response = client.post(
        reverse("forums_qasession:edit", args=[session.pk]),
        _admin_form_data(session, state="closed", title="Renamed"),
    )
    assert response.status_code == 200
    assert "Only this session&#x27;s moderators." in response.content.decode()
    session.refresh_from_db()
    assert (session.title, session.state) == ("Family night Q&A", "open")
