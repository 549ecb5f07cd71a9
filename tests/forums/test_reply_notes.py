"""The "someone replied to you" note: opt-in, at most once a day, counts only — never a
message's words or a room's name — and leaves out members the family hid."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from forums.models import Message
from forums.rooms import reply_notes
from portal import services as portal_services
from tests.forums.qa_support import make_member
from tests.forums.rooms_support import join, make_room

pytestmark = pytest.mark.django_db


def post(room, membership, body, reply_to=None, at=None):
    message = Message.objects.create(
        room=room, author=membership.account, membership=membership, body=body, reply_to=reply_to
    )
    if at is not None:
        Message.objects.filter(pk=message.pk).update(created_at=at)
    return message


@pytest.fixture
def conversation():
    room = make_room("opioid-recovery-parents", name="Opioid recovery parents")
    asker, replier, hidden = make_member(), make_member(), make_member()
    memberships = [join(room, user) for user in (asker, replier, hidden)]
    return room, (asker, replier, hidden), memberships


def notes(now, capture):
    with capture(execute=True):
        return reply_notes.send_reply_notes(now=now)


def test_replies_are_noted_once_a_day_by_count_only(
    conversation, django_capture_on_commit_callbacks
):
    room, (asker, _replier, _hidden), (mine, theirs, _other) = conversation
    portal_services.save_email_choices(asker, email_room_replies=True)
    start = timezone.now()
    question = post(room, mine, "We are struggling with the relapse this week")
    post(
        room,
        theirs,
        "Sending strength, we went through the same",
        reply_to=question,
        at=start + timedelta(minutes=5),
    )
    post(room, mine, "my own follow-up", reply_to=question, at=start + timedelta(minutes=6))
    assert notes(start + timedelta(minutes=10), django_capture_on_commit_callbacks) == 1
    (note,) = mail.outbox
    assert note.to == [asker.email]
    assert "Someone replied to you in a peer room." in note.body
    for private in ("strength", "relapse", "Opioid", "opioid-recovery"):
        assert private not in note.subject + note.body
    assert "List-Unsubscribe" in note.extra_headers
    # Another reply an hour later waits for the next day's note.
    post(room, theirs, "How are you today?", reply_to=question, at=start + timedelta(hours=1))
    assert notes(start + timedelta(hours=2), django_capture_on_commit_callbacks) == 0
    assert notes(start + timedelta(hours=25), django_capture_on_commit_callbacks) == 1
    assert len(mail.outbox) == 2


def test_no_note_without_the_opt_in_or_from_a_hidden_member(
    conversation, django_capture_on_commit_callbacks
):
    room, (asker, _replier, hidden), (mine, theirs, other) = conversation
    start = timezone.now()
    question = post(room, mine, "Anyone else?", at=start - timedelta(minutes=2))
    post(room, theirs, "Yes", reply_to=question, at=start - timedelta(minutes=1))
    assert notes(start, django_capture_on_commit_callbacks) == 0  # not turned on

    portal_services.save_email_choices(asker, email_room_replies=True)
    mine.hidden_members.add(other)
    post(
        room,
        other,
        "a reply from someone I hid",
        reply_to=question,
        at=timezone.now() + timedelta(minutes=1),
    )
    assert notes(timezone.now() + timedelta(minutes=5), django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


def test_replies_from_before_the_opt_in_are_not_noted(
    conversation, django_capture_on_commit_callbacks
):
    room, (asker, _replier, _hidden), (mine, theirs, _other) = conversation
    question = post(room, mine, "Old question", at=timezone.now() - timedelta(days=30))
    post(room, theirs, "Old reply", reply_to=question, at=timezone.now() - timedelta(days=29))
    portal_services.save_email_choices(asker, email_room_replies=True)
    assert notes(timezone.now() + timedelta(minutes=1), django_capture_on_commit_callbacks) == 0
