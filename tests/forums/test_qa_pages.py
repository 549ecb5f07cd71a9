"""Live Q&A over HTTP: pages, no-JavaScript forms, permissions, the lecture page, the
home page, the admin (sessions, FAQ conversion), privacy, demo content, invariants."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from wagtail.models import WorkflowState

from forums.models import ModerationAction, QASession, Question, QuestionVote, WatchedWord
from forums.qa import demo as demo_qa
from forums.qa import services as qa
from portal import privacy, roles
from tests.forums.qa_support import make_member, make_moderator, make_question, make_session
from tests.lectures.conftest import (  # noqa: F401 (fixtures)
    guide_index,
    learn_index,
    make_guide,
    make_lecture,
    make_series,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def lecture(request):
    """A published lecture (the Learn fixtures, imported above, build the page tree)."""
    series = request.getfixturevalue("make_series")()
    return request.getfixturevalue("make_lecture")(series)


@pytest.fixture
def guide(request):
    return request.getfixturevalue("make_guide")("Paying for care")


@pytest.fixture
def session():
    return make_session()


@pytest.fixture
def family():
    return make_member("Hopeful Aunt")


@pytest.fixture
def moderator():
    return make_moderator("Clinician Dana")


def test_the_participant_page_lists_visible_questions_without_javascript(client, session, family):
    make_question(session, family, "Shown question", state="visible")
    make_question(session, family, "Pending question")
    html = client.get(reverse("forums:qa-session", args=[session.slug])).content.decode()
    assert "Shown question" in html and "Pending question" not in html
    assert "Log in to ask or upvote" in html


def test_user_text_is_escaped_on_the_page(client, session, family):
    make_question(session, family, "<script>alert(1)</script>", state="visible")
    html = client.get(reverse("forums:qa-session", args=[session.slug])).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_my_pending_question_is_marked_waiting_for_the_moderator(client, session, family):
    make_question(session, family, "Mine waits")
    client.force_login(family)
    html = client.get(reverse("forums:qa-session", args=[session.slug])).content.decode()
    assert "Mine waits" in html and "Waiting for the moderator" in html


def test_the_pinned_question_is_highlighted_as_now_answering(client, session, family):
    make_question(session, family, "Being answered", state="visible", pinned=True)
    html = client.get(reverse("forums:qa-session", args=[session.slug])).content.decode()
    assert html.count("Being answered") == 2 and "Now answering" in html


def test_asking_through_the_plain_form_stores_a_pending_question(client, session, family):
    client.force_login(family)
    response = client.post(
        reverse("forums:qa-ask", args=[session.slug]), {"text": "No-JS question", "anonymous": "on"}
    )
    assert response.status_code == 302
    question = Question.objects.get()
    assert (question.state, question.shown_name, question.author) == (
        "pending",
        "Anonymous",
        family,
    )


def test_a_refused_plain_form_keeps_what_was_typed_and_says_why(client, session, family):
    WatchedWord.objects.create(phrase="miracle cure", action="block", explanation="Not here.")
    client.force_login(family)
    response = client.post(
        reverse("forums:qa-ask", args=[session.slug]), {"text": "Keep me, miracle cure"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Keep me, miracle cure" in html and "Not here." in html


def test_asking_in_a_closed_session_through_the_form_says_it_is_closed(client, session, family):
    session.state = QASession.State.CLOSED
    session.save()
    client.force_login(family)
    response = client.post(
        reverse("forums:qa-ask", args=[session.slug]), {"text": "Late"}, follow=True
    )
    assert "closed to new questions" in response.content.decode()
    assert not Question.objects.exists()


def test_a_visitor_posting_a_question_is_sent_to_log_in(client, session):
    response = client.post(reverse("forums:qa-ask", args=[session.slug]), {"text": "Hi"})
    assert response.status_code == 302 and "login" in response["Location"]
    assert not Question.objects.exists()


def test_voting_through_the_plain_form_toggles(client, session, family):
    question = make_question(session, family, "Q", state="visible")
    client.force_login(family)
    url = reverse("forums:qa-vote", args=[session.slug, question.pk])
    client.post(url, {"up": "1"})
    question.refresh_from_db()
    assert question.vote_count == 1
    client.post(url, {"up": "0"})
    question.refresh_from_db()
    assert question.vote_count == 0


def test_a_closed_session_is_a_read_only_archive(client, session, family):
    session.state = QASession.State.CLOSED
    session.save()
    make_question(session, family, "Archived", state="visible")
    client.force_login(family)
    html = client.get(reverse("forums:qa-session", args=[session.slug])).content.decode()
    assert "Archived" in html and 'id="qa-ask-form"' not in html
    assert "qa-vote__button" not in html  # no vote button (its words are in the script data)


def test_the_moderator_console_is_refused_to_families_and_visitors(client, session, family):
    url = reverse("forums:qa-moderate", args=[session.slug])
    assert client.get(url).status_code == 302
    client.force_login(family)
    assert client.get(url).status_code == 403


def test_the_moderator_console_opens_for_a_moderator(client, session, moderator):
    client.force_login(moderator)
    assert client.get(reverse("forums:qa-moderate", args=[session.slug])).status_code == 200


def test_no_cache_keeps_the_participant_page_with_my_own_questions(client, session, family):
    make_question(session, family, "Mine, waiting")
    client.force_login(family)
    response = client.get(reverse("forums:qa-session", args=[session.slug]))
    assert "Mine, waiting" in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_no_cache_keeps_a_refused_question_shown_again(client, session, family):
    client.force_login(family)
    response = client.post(reverse("forums:qa-ask", args=[session.slug]), {"text": "x" * 501})
    assert response.status_code == 400
    assert "no-store" in response["Cache-Control"]


def test_no_cache_keeps_the_moderator_console(client, session, moderator):
    client.force_login(moderator)
    response = client.get(reverse("forums:qa-moderate", args=[session.slug]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_the_presenter_view_shows_the_pinned_and_top_questions(client, session, family):
    make_question(session, family, "Pinned now", state="visible", pinned=True)
    make_question(session, family, "Waiting", state="visible")
    make_question(session, family, "Not yet approved")
    html = client.get(reverse("forums:qa-present", args=[session.slug])).content.decode()
    assert "Pinned now" in html and "Waiting" in html and "Not yet approved" not in html


def test_the_index_lists_open_upcoming_and_archived_sessions(client):
    make_session("now", title="Open now")
    make_session("soon", title="Coming soon", state="scheduled")
    make_session("past", title="Last month", state="closed")
    html = client.get(reverse("forums:qa-index")).content.decode()
    assert html.index("Open now") < html.index("Coming soon") < html.index("Last month")


def test_the_home_page_shows_live_sessions_and_the_navigation_has_live_qa(client):
    make_session("now", title="Tonight's live Q&A")
    html = client.get("/").content.decode()
    assert "Tonight&#x27;s live Q&amp;A" in html or "Tonight's live Q&amp;A" in html
    assert reverse("forums:qa-index") in html


def test_only_one_question_per_session_can_be_pinned_in_the_database(session, family):
    make_question(session, family, "One", state="visible", pinned=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_question(session, family, "Two", state="visible", pinned=True)


def test_one_vote_per_account_and_question_in_the_database(session, family):
    question = make_question(session, family, "Q", state="visible")
    QuestionVote.objects.create(question=question, voter=family)
    with pytest.raises(IntegrityError), transaction.atomic():
        QuestionVote.objects.create(question=question, voter=family)


def test_answered_questions_appear_on_the_lecture_page(client, lecture, family):
    session = make_session("after-lecture", lecture=lecture)
    make_question(session, family, "How long is IOP?", state="answered", answer="About 8 weeks.")
    make_question(session, family, "Not answered", state="visible")
    html = client.get(lecture.url).content.decode()
    assert "Questions from families" in html
    assert "How long is IOP?" in html and "About 8 weeks." in html
    assert "Not answered" not in html


def test_the_lecture_page_lists_the_answers_of_all_its_sessions_most_voted_first(
    client, lecture, family
):
    first = make_session("after-lecture", lecture=lecture)
    second = make_session("after-lecture-again", lecture=lecture)
    elsewhere = make_session("another-night")
    make_question(first, family, "Fewer votes", state="answered", answer="A.", vote_count=1)
    make_question(second, family, "More votes", state="answered", answer="B.", vote_count=5)
    make_question(first, family, "Answered aloud", state="answered", vote_count=0)
    make_question(first, family, "Hidden after answering", state="rejected", answer="C.")
    make_question(elsewhere, family, "Another session's", state="answered", answer="D.")
    html = client.get(lecture.url).content.decode()
    assert html.index("More votes") < html.index("Fewer votes") < html.index("Answered aloud")
    assert "Answered live in the session." in html
    assert "Hidden after answering" not in html and "Another session&#x27;s" not in html


@pytest.mark.parametrize("app", ["lectures", "events"])
def test_lectures_and_events_import_nothing_from_forums(app):
    """A lecture page reaches its Q&A through the reverse relation only, and events write
    to the staff audit trail through the core's ``portal.audit`` (DESIGN.md)."""
    import ast
    from pathlib import Path

    imported = set()
    for path in (Path(__file__).resolve().parents[2] / app).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                imported.add(node.module.split(".")[0])
    assert "forums" not in imported


def test_hiding_an_answered_question_purges_the_cached_lecture_page(
    client, lecture, family, moderator, django_capture_on_commit_callbacks
):
    session = make_session("after-lecture", lecture=lecture)
    question = make_question(session, family, "Soon hidden", state="answered", answer="Yes.")
    assert "Soon hidden" in client.get(lecture.url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        qa.hide_question(session.pk, moderator, question.pk, "Identifying details")
    assert "Soon hidden" not in client.get(lecture.url).content.decode()


def test_answering_purges_the_cached_lecture_page(
    client, lecture, family, moderator, django_capture_on_commit_callbacks
):
    session = make_session("after-lecture", lecture=lecture)
    question = make_question(session, family, "Fresh question", state="visible")
    assert "Fresh question" not in client.get(lecture.url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        qa.answer_question(session.pk, moderator, question.pk, "Fresh answer")
    assert "Fresh answer" in client.get(lecture.url).content.decode()


def test_an_editor_adds_an_answered_question_to_a_guide_faq_as_a_draft_in_review(
    client, guide, make_staff, family
):
    editor = make_staff(roles.CONTENT_EDITORS)
    live_entries = len(guide.faq_entries)
    question = make_question(session := make_session(), family, "Who pays?", state="answered")
    question.answer = "Most insurance plans cover IOP."
    question.save()
    client.force_login(editor)
    url = reverse("forums_question_faq", args=[question.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"page": guide.pk, "question": "Who pays for IOP?", "answer": question.answer}
    )
    assert response.status_code == 302
    guide.refresh_from_db()
    assert len(guide.faq_entries) == live_entries  # the published page is unchanged
    draft = guide.get_latest_revision_as_object()
    assert draft.faq_entries[-1] == ("Who pays for IOP?", "Most insurance plans cover IOP.")
    assert WorkflowState.objects.for_instance(guide).get().status == "in_progress"
    log = ModerationAction.objects.get(action="faq")
    assert (log.actor, log.target_id, log.context) == (editor, question.pk, session.context)


def test_a_family_member_cannot_reach_the_faq_conversion(client, family, session):
    question = make_question(session, family, "Q", state="answered", answer="A")
    client.force_login(family)
    response = client.get(reverse("forums_question_faq", args=[question.pk]))
    assert response.status_code in (302, 403)


def test_a_moderator_can_create_a_session_in_wagtail_admin(client, moderator):
    client.force_login(moderator)
    assert client.get(reverse("forums_qasession:add")).status_code == 200


def test_a_content_editor_cannot_create_sessions(client, make_staff):
    client.force_login(make_staff(roles.CONTENT_EDITORS))
    assert client.get(reverse("forums_qasession:add")).status_code in (302, 403)


def test_export_holds_my_questions_and_votes(session, family):
    question = make_question(session, family, "My question", state="visible")
    QuestionVote.objects.create(question=question, voter=family)
    data = privacy.export_user_data(family)
    exported = str(data)
    assert "My question" in exported and str(question.pk) in exported


def test_erasing_an_account_anonymises_questions_and_keeps_tallies_right(session, family):
    other = make_member("Other Person")
    mine = make_question(session, family, "Mine", state="visible")
    theirs = make_question(session, other, "Theirs", state="visible")
    for voter, question in ((family, theirs), (other, theirs), (other, mine)):
        qa.vote(session.pk, voter, question.pk, True)
    family_pk = family.pk
    privacy.erase_account(family)
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.author is None and mine.shown_name == "former member"
    # The erased account's vote is kept without the account: the tally does not drop.
    assert theirs.vote_count == 2 == theirs.votes.count()
    assert not theirs.votes.filter(voter_id=family_pk).exists()


def test_seed_demo_creates_an_open_session_and_a_closed_archive(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    live = QASession.objects.get(slug=demo_qa.OPEN_SLUG)
    archive = QASession.objects.get(slug=demo_qa.ARCHIVE_SLUG)
    assert live.state == "open" and archive.state == "closed" and archive.lecture is not None
    states = set(live.questions.values_list("state", flat=True))
    assert states == {"visible", "pending", "answered"}
    assert all(q.vote_count == q.votes.count() for q in Question.objects.all())


def test_session_moderators_are_chosen_among_staff_not_families(make_staff, family):
    from forums.qa.admin import QASessionViewSet

    reviewer = make_staff(roles.CLINICAL_REVIEWERS)
    form_class = QASessionViewSet("forums_qasession_test").get_form_class()
    choices = set(form_class().fields["moderators"].queryset)
    assert reviewer in choices and family not in choices


def test_the_author_is_emailed_the_answer_once_if_they_chose_to_be(
    client, session, family, moderator, django_capture_on_commit_callbacks
):
    from django.core import mail

    question = make_question(session, family, "Is my private worry safe here?", state="visible")
    with django_capture_on_commit_callbacks(execute=True):
        qa.answer_question(session.pk, moderator, question.pk, "Yes: only staff see names.")
        qa.answer_question(session.pk, moderator, question.pk, "Yes: only staff see your name.")
    (message,) = mail.outbox  # a corrected answer is not mailed again
    assert message.to == [family.email]
    assert message.subject == "Your question was answered"
    assert "Yes: only staff see names." in message.body
    assert "Is my private worry safe here?" not in message.body  # the question stays here
    assert session.title not in message.body and session.slug not in message.body
    assert "/qa/" in message.body
    assert "List-Unsubscribe" in message.extra_headers


def test_no_answer_email_for_an_author_who_turned_it_off(
    session, family, moderator, django_capture_on_commit_callbacks
):
    from django.core import mail

    from portal import services as portal_services

    portal_services.save_email_choices(family, email_answers=False)
    question = make_question(session, family, "Quiet please", state="visible")
    with django_capture_on_commit_callbacks(execute=True):
        qa.answer_question(session.pk, moderator, question.pk, "Of course.")
    assert mail.outbox == []
