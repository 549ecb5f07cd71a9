"""Crisis is never refused (issue #16): every path that would refuse a message — the rate
limit, slow mode, a mute, a ban, closed hours, a closed Q&A session, a long question, a
blocked word — holds crisis text as urgent instead, alerts the moderators and answers
the author with the crisis resources. Each refusal is first shown to refuse ordinary
text, so the test proves the path is really there."""

from datetime import timedelta

import pytest
from django.utils import timezone

from forums.live import protocol, ratelimit
from forums.live.errors import ServiceError
from forums.models import Flag, Message, ModerationAction, Question, RoomOpenHours, WatchedWord
from forums.qa import services as qa
from forums.rooms import services as service
from portal import roles
from tests.forums.qa_support import make_member, make_session
from tests.forums.rooms_support import join, make_room

CRISIS = "I can't do this anymore. I have the pills counted out for tonight."
ORDINARY = "Thanks everyone, see you Thursday."


@pytest.fixture
def room(db):
    return make_room()


@pytest.fixture
def moderator(make_staff, room):
    lead = make_staff(roles.MODERATORS)
    room.moderators.add(lead)
    return lead


@pytest.fixture
def member(make_family_member, room):
    user = make_family_member(display_name="Hopeful Mom")
    join(room, user)
    return user


def refused(function, *args, **kwargs):
    with pytest.raises(ServiceError) as error:
        function(*args, **kwargs)
    return error.value.code


def assert_held_as_crisis(message, info):
    assert message.state == Message.State.HELD and message.urgent
    assert info["crisis"] is True and "988" in info["explanation"]
    assert any("plan" in reason for reason in message.hold_reasons), message.hold_reasons


def send(room, member, body, **kwargs):
    return service.send_message(room, member, body=body, **kwargs)


# --- peer rooms ------------------------------------------------------------------------------
def test_the_rate_limit_refuses_ordinary_text_but_not_crisis(room, member):
    for n in range(service.SEND_LIMIT[0]):
        send(room, member, f"{ORDINARY} {n}")
    assert refused(send, room, member, ORDINARY) == protocol.RATE_LIMITED
    assert_held_as_crisis(*send(room, member, CRISIS))


def test_slow_mode_refuses_ordinary_text_but_not_crisis(room, member):
    room.slow_mode_seconds = 600
    room.save()
    send(room, member, ORDINARY)
    assert refused(send, room, member, ORDINARY) == service.SLOW_MODE
    assert_held_as_crisis(*send(room, member, CRISIS))


def test_a_mute_refuses_ordinary_text_but_not_crisis(room, member):
    member.room_memberships.filter(room=room).update(
        muted_until=timezone.now() + timedelta(hours=1)
    )
    assert refused(send, room, member, ORDINARY) == service.MUTED
    assert_held_as_crisis(*send(room, member, CRISIS))


def test_a_ban_refuses_ordinary_text_but_not_crisis(room, member):
    member.room_memberships.filter(room=room).update(banned=True)
    assert refused(send, room, member, ORDINARY) in (service.BANNED, protocol.FORBIDDEN)
    message, info = send(room, member, CRISIS)
    assert_held_as_crisis(message, info)
    assert message.state == Message.State.HELD  # never shown to the room


def test_closed_hours_refuse_ordinary_text_but_not_crisis(room, member):
    from datetime import time

    closed_day = (timezone.localtime().weekday() + 3) % 7  # open on another day only
    RoomOpenHours.objects.create(
        room=room, weekday=closed_day, starts_at=time(1, 0), ends_at=time(2, 0)
    )
    assert refused(send, room, member, ORDINARY) == service.ROOM_CLOSED
    assert_held_as_crisis(*send(room, member, CRISIS))


def test_a_blocked_word_refuses_ordinary_text_but_not_crisis(room, member):
    WatchedWord.objects.create(phrase="pills", action="block")
    assert refused(send, room, member, "I lost my pills") == protocol.BLOCKED
    assert_held_as_crisis(*send(room, member, CRISIS))


def test_guidelines_not_yet_accepted_refuse_ordinary_text_but_not_crisis(room, make_family_member):
    newcomer = make_family_member()
    assert refused(send, room, newcomer, ORDINARY) == service.GUIDELINES_REQUIRED
    assert_held_as_crisis(*send(room, newcomer, CRISIS))


def test_a_crisis_message_alerts_the_room_moderators_by_email(
    room, member, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send(room, member, CRISIS)
    assert [mail.to for mail in mailoutbox] == [[moderator.email]]
    assert "pills" not in mailoutbox[0].body  # the family's words stay out of mail


def test_an_edit_into_crisis_is_held_even_when_muted_and_after_the_edit_window(room, member):
    message, _ = send(room, member, ORDINARY)
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(hours=1))
    member.room_memberships.filter(room=room).update(
        muted_until=timezone.now() + timedelta(hours=1)
    )
    assert refused(service.edit_message, room, member, message.pk, body="typo") in (
        service.MUTED,
        protocol.CONFLICT,
    )
    edited, info = service.edit_message(room, member, message.pk, body=CRISIS)
    assert_held_as_crisis(edited, info)


def test_a_report_with_crisis_language_alerts_and_answers_with_the_resources(
    room, member, make_family_member, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    reporter = make_family_member()
    join(room, reporter)
    message, _ = send(room, member, ORDINARY)
    for _ in range(service.ACTION_LIMIT[0]):  # the reporter's action limit is used up
        ratelimit.take("rooms.act", reporter.pk, limit=10**6, period=60)
    with django_capture_on_commit_callbacks(execute=True):
        flag, info = service.flag_message(
            room,
            reporter,
            message.pk,
            reason="other",
            note="reading this makes me want to end my life",
        )
    assert info["crisis"] is True and "988" in info["explanation"]
    assert Flag.objects.get(pk=flag.pk).message_id == message.pk
    assert Message.objects.get(pk=message.pk).urgent
    assert len(mailoutbox) == 1


def test_an_ordinary_report_is_not_urgent(room, member, make_family_member):
    reporter = make_family_member()
    join(room, reporter)
    message, _ = send(room, member, ORDINARY)
    _flag, info = service.flag_message(room, reporter, message.pk, reason="spam", note="ads")
    assert info == {}
    assert not Message.objects.get(pk=message.pk).urgent


def test_a_message_of_invisible_characters_is_refused_with_a_clear_error(room, member):
    assert refused(send, room, member, "\u200b\u200c \u3164") == protocol.INVALID
    assert not Message.objects.filter(room=room).exists()


def test_bidi_controls_are_removed_from_the_stored_message(room, member):
    message, _ = send(room, member, "see you \u202eyadsruht\u202c soon")
    assert message.body == "see you yadsruht soon"


# --- live Q&A --------------------------------------------------------------------------------
@pytest.fixture
def session(db):
    return make_session(anonymous_allowed=True)


@pytest.fixture
def asker(db):
    return make_member("Hopeful Aunt")


def ask(session, asker, text, **kwargs):
    return qa.ask_question(session.pk, asker, text, **kwargs)


def assert_urgent(question, verdict):
    assert question.urgent and question.state == Question.State.PENDING
    assert verdict.crisis and "988" in verdict.explanation
    assert question.screening_reasons


def test_the_ask_rate_limit_refuses_ordinary_questions_but_not_crisis(session, asker):
    for n in range(qa.ASK_LIMIT[0]):
        ask(session, asker, f"How do we talk about relapse? {n}")
    assert refused(ask, session, asker, "One more question?") == protocol.RATE_LIMITED
    question, verdict, _created = ask(session, asker, CRISIS)
    assert_urgent(question, verdict)


def test_a_closed_session_refuses_ordinary_questions_but_not_crisis(session, asker):
    session.state = session.State.CLOSED
    session.save()
    assert refused(ask, session, asker, "Is there a recording?") == protocol.CONFLICT
    question, verdict, _created = ask(session, asker, CRISIS)
    assert_urgent(question, verdict)


def test_a_long_question_is_refused_unless_it_is_a_crisis(session, asker):
    long_tail = " We have tried everything." * 40
    assert refused(ask, session, asker, "How do we cope?" + long_tail) == protocol.INVALID
    question, verdict, _created = ask(session, asker, CRISIS + long_tail)
    assert_urgent(question, verdict)


def test_a_blocked_word_refuses_ordinary_questions_but_not_crisis(session, asker):
    WatchedWord.objects.create(phrase="pills", action="block")
    assert refused(ask, session, asker, "Where are the pills?") == protocol.BLOCKED
    question, verdict, _created = ask(session, asker, CRISIS)
    assert_urgent(question, verdict)


def test_a_crisis_question_emails_the_moderators(
    session, asker, make_staff, mailoutbox, django_capture_on_commit_callbacks
):
    lead = make_staff(roles.MODERATORS)
    session.moderators.add(lead)
    with django_capture_on_commit_callbacks(execute=True):
        ask(session, asker, CRISIS)
    assert [mail.to for mail in mailoutbox] == [[lead.email]]
    assert "pills" not in mailoutbox[0].body


def test_an_invisible_question_is_refused(session, asker):
    assert refused(ask, session, asker, "\u200b\u2060\u00ad") == protocol.INVALID


def test_the_moderator_frame_carries_the_reasons(session, asker):
    question, _verdict, _created = ask(session, asker, CRISIS)
    frame = qa.moderator_question(question)
    assert frame["urgent"] and frame["reasons"] == list(question.screening_reasons)
    assert "reasons" not in qa.public_question(question)
    assert not ModerationAction.objects.filter(action="crisis.display_name").exists()
