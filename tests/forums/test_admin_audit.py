"""Every staff change made in Wagtail admin leaves a trace (#20): watched words, live Q&A
sessions (their moderators above all) and rooms' own settings, each done here through
the real admin URLs as the role that may, is logged with its actor and target and is
readable in *Reports → Moderation log*; a role that may not is refused and nothing is
logged."""

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from forums import screening
from forums.live import watched_words
from forums.live.errors import ServiceError
from forums.live.moderation import screen_text
from forums.models import ModerationAction, QASession, Question, Room, WatchedWord
from forums.qa import services as qa
from portal import audit
from tests.factories import (
    CoordinatorFactory,
    EditorFactory,
    FamilyMemberFactory,
    ModeratorFactory,
    ReviewerFactory,
    SuperuserFactory,
)
from tests.forums.qa_support import make_question, make_session
from tests.forums.rooms_support import make_room

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator():
    return ModeratorFactory()


@pytest.fixture
def superuser():
    return SuperuserFactory()


def logged(action=None):
    rows = ModerationAction.objects.order_by("pk")
    return list(rows.filter(action=action) if action else rows)


def refused(response):
    return response.status_code in (302, 403)


# --- watched words -------------------------------------------------------------------------
def word_form(phrase="miracle cure", action=screening.FLAG, explanation=""):
    return {"phrase": phrase, "action": action, "explanation": explanation}


def test_a_watched_word_added_in_admin_is_logged_and_screens_the_next_message(client, moderator):
    assert screen_text("They sold us a magic pill").action != screening.BLOCK
    client.force_login(moderator)
    response = client.post(reverse("watched_words:add"), word_form("magic pill", screening.BLOCK))
    assert response.status_code == 302
    word = WatchedWord.objects.get(phrase="magic pill")
    [entry] = logged()
    assert (entry.action, entry.actor, entry.target_type, entry.target_id) == (
        watched_words.ADD,
        moderator,
        "watched_word",
        word.pk,
    )
    assert entry.details["phrase"] == "magic pill"
    # Screening reads the new list at once (no wait for the cache to expire).
    assert screen_text("They sold us a magic pill").action == screening.BLOCK


def test_a_watched_word_changed_in_admin_is_logged_with_what_changed(client, moderator):
    word = WatchedWord.objects.create(phrase="magic pill", action=screening.FLAG)
    assert screen_text("a magic pill").action == screening.FLAG
    client.force_login(moderator)
    response = client.post(
        reverse("watched_words:edit", args=[word.pk]), word_form("magic pill", screening.BLOCK)
    )
    assert response.status_code == 302
    [entry] = logged()
    assert (entry.action, entry.actor) == (watched_words.CHANGE, moderator)
    assert entry.target_id == word.pk
    assert entry.details["changed"] == ["action"]
    assert entry.details["was"] == {"action": screening.FLAG}
    assert screen_text("a magic pill").action == screening.BLOCK


def test_saving_a_watched_word_unchanged_logs_nothing(client, moderator):
    word = WatchedWord.objects.create(phrase="magic pill", action=screening.FLAG)
    client.force_login(moderator)
    response = client.post(reverse("watched_words:edit", args=[word.pk]), word_form("magic pill"))
    assert response.status_code == 302
    assert logged() == []


def test_a_watched_word_removed_in_admin_is_logged_and_no_longer_screens(client, moderator):
    word = WatchedWord.objects.create(phrase="magic pill", action=screening.BLOCK)
    assert screen_text("a magic pill").action == screening.BLOCK
    client.force_login(moderator)
    response = client.post(reverse("watched_words:delete", args=[word.pk]))
    assert response.status_code == 302
    assert not WatchedWord.objects.exists()
    [entry] = logged()
    assert (entry.action, entry.actor) == (watched_words.REMOVE, moderator)
    assert entry.target_id == word.pk
    assert entry.details["phrase"] == "magic pill"
    assert screen_text("a magic pill").action != screening.BLOCK


@pytest.mark.parametrize("factory", [CoordinatorFactory, EditorFactory, FamilyMemberFactory])
def test_who_may_not_manage_watched_words_is_refused_and_nothing_is_logged(client, factory):
    word = WatchedWord.objects.create(phrase="magic pill", action=screening.FLAG)
    client.force_login(factory())
    assert refused(client.post(reverse("watched_words:add"), word_form("snake oil")))
    assert refused(
        client.post(
            reverse("watched_words:edit", args=[word.pk]), word_form("magic pill", screening.BLOCK)
        )
    )
    assert refused(client.post(reverse("watched_words:delete", args=[word.pk])))
    assert list(WatchedWord.objects.values_list("phrase", "action")) == [
        ("magic pill", screening.FLAG)
    ]
    assert logged() == []


def test_the_watched_word_service_refuses_without_the_permission_whatever_the_screen():
    with pytest.raises(ServiceError):
        watched_words.add_watched_word(CoordinatorFactory(), phrase="snake oil", action="flag")
    assert not WatchedWord.objects.exists()
    assert logged() == []


def test_a_duplicate_watched_word_is_a_form_error_and_nothing_is_logged(client, moderator):
    WatchedWord.objects.create(phrase="Magic Pill", action=screening.FLAG)
    client.force_login(moderator)
    response = client.post(reverse("watched_words:add"), word_form("magic pill"))
    assert response.status_code == 200
    assert WatchedWord.objects.count() == 1
    assert logged() == []


# --- live Q&A sessions ---------------------------------------------------------------------
def session_form(session=None, **changes):
    starts_at = session.starts_at if session else timezone.now()
    data = {
        "title": session.title if session else "Thursday Q&A",
        "slug": session.slug if session else "thursday-qa",
        "description": session.description if session else "",
        "starts_at": timezone.localtime(starts_at).strftime("%Y-%m-%d %H:%M"),
        "state": session.state if session else "scheduled",
        "premoderation": "on",
        "anonymous_allowed": "on",
        "max_question_length": "500",
    }
    moderators = changes.pop("moderators", None)
    if moderators is None and session is not None:
        moderators = list(session.moderators.values_list("pk", flat=True))
    data = {key: value for key, value in (data | changes).items() if value != ""}
    data["moderators"] = [str(pk) for pk in moderators or []]
    return data


def test_a_session_created_in_admin_is_logged_with_its_moderators(client, moderator):
    guest = EditorFactory()  # a staff account, e.g. the guest clinician
    client.force_login(moderator)
    response = client.post(reverse("forums_qasession:add"), session_form(moderators=[guest.pk]))
    assert response.status_code == 302
    session = QASession.objects.get(slug="thursday-qa")
    assert list(session.moderators.all()) == [guest]
    [entry] = logged()
    assert (entry.action, entry.actor, entry.target_type, entry.target_id, entry.context) == (
        qa.SESSION_CREATE,
        moderator,
        "qa_session",
        session.pk,
        "qa:thursday-qa",
    )
    assert entry.details["moderators"] == [guest.pk]


def test_changing_a_sessions_moderators_in_admin_logs_who_was_added_and_removed(client, moderator):
    leaving, joining = EditorFactory(), ModeratorFactory()
    session = make_session(starts_at=timezone.now().replace(second=0, microsecond=0))
    session.moderators.set([leaving])
    client.force_login(moderator)
    response = client.post(
        reverse("forums_qasession:edit", args=[session.pk]),
        session_form(session, moderators=[joining.pk]),
    )
    assert response.status_code == 302
    assert list(session.moderators.all()) == [joining]
    [entry] = logged()
    assert (entry.action, entry.actor, entry.target_id) == (
        qa.SESSION_MODERATORS,
        moderator,
        session.pk,
    )
    assert (entry.details["added"], entry.details["removed"]) == ([joining.pk], [leaving.pk])
    # The one who left no longer moderates it (reads no pending question, no crisis hold).
    assert not qa.can_moderate(leaving, session)


def test_a_sessions_details_and_times_changed_in_admin_are_logged(client, moderator):
    session = make_session(starts_at=timezone.now().replace(second=0, microsecond=0))
    later = session.starts_at + timezone.timedelta(hours=2)
    client.force_login(moderator)
    response = client.post(
        reverse("forums_qasession:edit", args=[session.pk]),
        session_form(
            session,
            title="Thursday Q&A (moved)",
            starts_at=timezone.localtime(later).strftime("%Y-%m-%d %H:%M"),
            premoderation="",
        ),
    )
    assert response.status_code == 302
    [entry] = logged()
    assert (entry.action, entry.actor) == (qa.SESSION_EDIT, moderator)
    assert entry.details["changed"] == ["premoderation", "starts_at", "title"]
    assert entry.details["was"]["starts_at"] == session.starts_at.isoformat()
    assert entry.details["was"]["premoderation"] is True


def test_a_family_member_cannot_be_made_a_session_moderator(client, moderator):
    family = FamilyMemberFactory()
    session = make_session()
    client.force_login(moderator)
    response = client.post(
        reverse("forums_qasession:edit", args=[session.pk]),
        session_form(session, moderators=[family.pk]),
    )
    assert response.status_code == 200  # the form again, with the error
    assert not session.moderators.exists()
    assert logged() == []
    with pytest.raises(ServiceError):
        qa.edit_session(session.pk, moderator, changes={}, moderators=[family])
    assert not session.moderators.exists() and logged() == []


def test_an_administrator_deleting_a_session_is_logged_with_the_questions_count(client, superuser):
    session = make_session()
    make_question(session, FamilyMemberFactory())
    client.force_login(superuser)
    response = client.post(reverse("forums_qasession:delete", args=[session.pk]))
    assert response.status_code == 302
    assert not QASession.objects.exists() and not Question.objects.exists()
    [entry] = logged()
    assert (entry.action, entry.actor, entry.target_id, entry.context) == (
        qa.SESSION_DELETE,
        superuser,
        session.pk,
        "qa:family-night",
    )
    assert entry.details == {"title": "Family night Q&A", "questions": 1}


def test_a_moderator_cannot_delete_a_session_and_nothing_is_logged(client, moderator):
    session = make_session()
    client.force_login(moderator)
    assert refused(client.post(reverse("forums_qasession:delete", args=[session.pk])))
    assert QASession.objects.filter(pk=session.pk).exists()
    assert logged() == []
    with pytest.raises(ServiceError):
        qa.delete_session(session.pk, moderator)
    assert QASession.objects.filter(pk=session.pk).exists() and logged() == []


@pytest.mark.parametrize("factory", [CoordinatorFactory, EditorFactory, FamilyMemberFactory])
def test_who_may_not_edit_sessions_is_refused_and_nothing_is_logged(client, factory):
    session = make_session()
    client.force_login(factory())
    assert refused(client.post(reverse("forums_qasession:add"), session_form()))
    assert refused(
        client.post(
            reverse("forums_qasession:edit", args=[session.pk]),
            session_form(session, title="Taken over"),
        )
    )
    assert list(QASession.objects.values_list("title", flat=True)) == ["Family night Q&A"]
    assert logged() == []


# --- rooms' own settings -------------------------------------------------------------------
def room_form(room, leads=(), **changes):
    data = {
        "name": room.name,
        "slug": room.slug,
        "description": room.description,
        "audience": room.audience,
        "guidelines": rich_text(room.guidelines, features=["bold", "italic", "ol", "ul", "link"]),
        "access": room.access,
        "state": room.state,
        "slow_mode_seconds": room.slow_mode_seconds,
        "hold_first_messages": room.hold_first_messages,
        "sort_order": room.sort_order,
        "open_hours": inline_formset(changes.pop("open_hours", [])),
    }
    form = nested_form_data(data | changes)
    form["moderators"] = [str(lead.pk) for lead in leads]
    return form


def led_by(moderator):
    """A room ``moderator`` leads: a moderator changes only the rooms it leads."""
    room = make_room()
    room.moderators.add(moderator)
    return room


def test_a_room_created_in_admin_is_logged(client, moderator, superuser):
    blank = Room(name="Siblings", slug="siblings", guidelines="<p>Be kind.</p>")
    # Administrators create rooms (naming the leads); a moderator is refused.
    client.force_login(moderator)
    assert refused(client.post(reverse("rooms:add"), room_form(blank)))
    assert not Room.objects.filter(slug="siblings").exists() and logged() == []
    client.force_login(superuser)
    response = client.post(reverse("rooms:add"), room_form(blank, leads=[moderator]))
    assert response.status_code == 302
    room = Room.objects.get(slug="siblings")
    assert list(room.moderators.all()) == [moderator]
    [entry] = logged("room.create")
    assert (entry.action, entry.actor, entry.target_type, entry.target_id, entry.context) == (
        "room.create",
        superuser,
        "room",
        room.pk,
        "room:siblings",
    )


def test_a_rooms_access_and_open_hours_changed_in_admin_are_logged(client, moderator):
    room = led_by(moderator)
    client.force_login(moderator)
    other_access = next(value for value, _label in Room.Access.choices if value != room.access)
    response = client.post(
        reverse("rooms:edit", args=[room.pk]),
        room_form(
            room,
            leads=[moderator],
            access=other_access,
            open_hours=[{"weekday": "1", "starts_at": "18:00", "ends_at": "20:00"}],
        ),
    )
    assert response.status_code == 302
    [entry] = logged()
    assert (entry.action, entry.actor, entry.target_id) == ("room.edit", moderator, room.pk)
    assert entry.details["changed"] == ["access", "open_hours"]
    assert entry.details["was"] == {"access": room.access}


def test_saving_a_room_unchanged_logs_nothing(client, moderator):
    room = led_by(moderator)
    client.force_login(moderator)
    response = client.post(
        reverse("rooms:edit", args=[room.pk]), room_form(room, leads=[moderator])
    )
    assert response.status_code == 302
    assert logged() == []


def test_an_administrator_deleting_a_room_is_logged_and_a_moderator_is_refused(
    client, moderator, superuser
):
    room = led_by(moderator)
    client.force_login(moderator)
    assert refused(client.post(reverse("rooms:delete", args=[room.pk])))
    assert Room.objects.filter(pk=room.pk).exists() and logged() == []
    client.force_login(superuser)
    response = client.post(reverse("rooms:delete", args=[room.pk]))
    assert response.status_code == 302
    assert not Room.objects.exists()
    [entry] = logged()
    assert (entry.action, entry.actor, entry.target_id, entry.context) == (
        "room.delete",
        superuser,
        room.pk,
        "room:parents",
    )
    assert entry.details == {"name": "Parents", "messages": 0}


# --- the log in admin ----------------------------------------------------------------------
def test_the_moderation_log_in_admin_shows_each_action_in_words_with_actor_and_target(
    client, moderator
):
    word = watched_words.add_watched_word(moderator, phrase="magic pill", action="block")
    watched_words.remove_watched_word(moderator, word.pk)
    qa.create_session(moderator, title="Thursday Q&A", slug="thursday-qa", starts_at=timezone.now())
    audit.record(moderator, "event.capacity", context="event:1", target_type="event", target_id=1)
    client.force_login(moderator)
    response = client.get(reverse("forums_staff_log:index"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Watched word added" in page and "Watched word removed" in page
    assert "watched word “magic pill”" in page
    assert "Session created" in page and "session “Thursday Q&amp;A”" in page
    assert moderator.email in page
    # Coordinators' entries are in their own log (with the families' sign-ups).
    assert "event:1" not in page


@pytest.mark.parametrize("factory", [CoordinatorFactory, EditorFactory, FamilyMemberFactory])
def test_the_moderation_log_in_admin_is_for_moderators_and_administrators(client, factory):
    watched_words.add_watched_word(ModeratorFactory(), phrase="magic pill", action="block")
    client.force_login(factory())
    response = client.get(reverse("forums_staff_log:index"))
    assert refused(response)
    assert "magic pill" not in response.content.decode()


def test_an_administrator_reads_the_moderation_log(client, superuser):
    watched_words.add_watched_word(ModeratorFactory(), phrase="magic pill", action="block")
    client.force_login(superuser)
    response = client.get(reverse("forums_staff_log:index"))
    assert response.status_code == 200
    assert "Watched word added" in response.content.decode()
    searched = client.get(reverse("forums_staff_log:index"), {"q": "screening"})
    assert searched.status_code == 200 and "Watched word added" in searched.content.decode()
    assert (
        "Watched word added"
        not in client.get(reverse("forums_staff_log:index"), {"q": "room:"}).content.decode()
    )


@pytest.mark.parametrize("name", ["add", "edit", "delete"])
def test_nobody_adds_edits_or_deletes_a_log_entry_in_admin(name):
    args = [] if name == "add" else [1]
    with pytest.raises(NoReverseMatch):
        reverse(f"forums_staff_log:{name}", args=args)


@pytest.mark.parametrize(
    "factory",
    [
        ModeratorFactory,
        CoordinatorFactory,
        EditorFactory,
        ReviewerFactory,
        SuperuserFactory,
        FamilyMemberFactory,
    ],
)
def test_no_screen_here_answers_a_server_error_nor_shows_a_family_members_address(client, factory):
    family = FamilyMemberFactory(display_name="Hopeful Mom")
    room, session = make_room(), make_session()
    word = WatchedWord.objects.create(phrase="magic pill", action=screening.FLAG)
    audit.record(
        ModeratorFactory(),
        "room.member.ban",
        context="room:parents",
        target_type="membership",
        subject=family,
    )
    client.force_login(factory())
    for url in (
        reverse("forums_staff_log:index"),
        reverse("watched_words:add"),
        reverse("watched_words:edit", args=[word.pk]),
        reverse("watched_words:delete", args=[word.pk]),
        reverse("forums_qasession:add"),
        reverse("forums_qasession:delete", args=[session.pk]),
        reverse("rooms:delete", args=[room.pk]),
    ):
        response = client.get(url)
        assert response.status_code < 500, url
        assert family.email not in response.content.decode(), url


def test_a_moderator_reads_in_the_admin_log_only_the_rooms_it_leads(client, moderator):
    """As on /moderation/log/: another room's bans, look-ups and reasons stay with that
    room's leads; the role-wide entries (watched words, Q&A) are for every moderator."""
    from forums.rooms import services as rooms

    mine, theirs = led_by(moderator), make_room("partners")
    other_lead = ModeratorFactory()
    theirs.moderators.add(other_lead)
    rooms.set_slow_mode(mine, moderator, seconds=10)
    rooms.set_slow_mode(theirs, other_lead, seconds=20)
    watched_words.add_watched_word(other_lead, phrase="magic pill", action="block")
    assert {entry.context for entry in logged("room.slow_mode")} == {
        f"room:{mine.slug}",
        "room:partners",
    }
    client.force_login(moderator)
    page = client.get(reverse("forums_staff_log:index")).content.decode()
    assert f"room:{mine.slug}" in page and "magic pill" in page
    assert "room:partners" not in page
