"""Wagtail's "Answered questions" (``/admin/forums_question/``): answered questions only,
for the roles that turn them into FAQ entries (content editors, clinical reviewers,
administrators), and never a server error."""

import pytest
from django.urls import reverse

from forums.qa.admin import answered_questions_policy
from tests.factories import (
    CoordinatorFactory,
    EditorFactory,
    FamilyMemberFactory,
    ModeratorFactory,
    ReviewerFactory,
    SuperuserFactory,
)
from tests.forums.qa_support import make_question, make_session

pytestmark = pytest.mark.django_db

ACCOUNTS = {
    "family member": FamilyMemberFactory,
    "moderator": ModeratorFactory,
    "coordinator": CoordinatorFactory,
    "editor": EditorFactory,
    "reviewer": ReviewerFactory,
    "superuser": SuperuserFactory,
}
MAY_LOOK = {"editor", "reviewer", "superuser"}


@pytest.fixture
def questions():
    session = make_session()
    asker = FamilyMemberFactory()
    return {
        state: make_question(session, asker, f"Question that is {state}", state=state, **extra)
        for state, extra in {
            "answered": {"answer": "An answer"},
            "pending": {"urgent": True},
            "visible": {},
            "rejected": {"rejection_reason": "Off topic"},
        }.items()
    }


@pytest.mark.parametrize("role", ACCOUNTS)
def test_the_answered_questions_list_is_for_editors_reviewers_and_administrators(
    client, role, questions
):
    client.force_login(ACCOUNTS[role]())
    response = client.get(reverse("forums_question:index"))
    if role in MAY_LOOK:
        assert response.status_code == 200
        assert "Question that is answered" in response.content.decode()
    else:
        assert response.status_code in (302, 403)
        assert "Question that is" not in response.content.decode()


@pytest.mark.parametrize("role", sorted(MAY_LOOK))
def test_the_list_holds_only_answered_questions(client, role, questions):
    client.force_login(ACCOUNTS[role]())
    for path in (reverse("forums_question:index"), reverse("forums_question:index_results")):
        page = client.get(path).content.decode()
        assert "Question that is answered" in page
        for state in ("pending", "visible", "rejected"):
            assert f"Question that is {state}" not in page


def test_an_administrator_gets_the_list_without_add_or_edit_links(client, questions):
    client.force_login(SuperuserFactory())
    response = client.get(reverse("forums_question:index"))
    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("forums_question_faq", args=[questions["answered"].pk]) in page
    assert "/admin/forums_question/new/" not in page
    assert "/admin/forums_question/edit/" not in page


def test_searching_the_list_finds_answered_questions_only(client, questions):
    client.force_login(EditorFactory())
    page = client.get(reverse("forums_question:index"), {"q": "Question"}).content.decode()
    assert "Question that is answered" in page
    assert "Question that is pending" not in page


@pytest.mark.parametrize("role", ACCOUNTS)
def test_add_to_faq_is_for_editors_reviewers_and_administrators(client, role, questions):
    client.force_login(ACCOUNTS[role]())
    response = client.get(reverse("forums_question_faq", args=[questions["answered"].pk]))
    if role in MAY_LOOK:
        assert response.status_code == 200
    else:
        assert response.status_code in (302, 403)


@pytest.mark.parametrize("state", ["pending", "visible", "rejected"])
def test_add_to_faq_finds_no_unanswered_question(client, questions, state):
    client.force_login(EditorFactory())
    response = client.get(reverse("forums_question_faq", args=[questions[state].pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("role", ACCOUNTS)
def test_the_live_qa_menu_shows_answered_questions_to_the_same_roles(client, role):
    user = ACCOUNTS[role]()
    assert answered_questions_policy.user_has_permission(user, "view") == (role in MAY_LOOK)
    for action in ("add", "change", "delete"):
        assert not answered_questions_policy.user_has_permission(user, action)


def test_the_faq_service_refuses_a_moderator_whatever_the_screen(questions):
    from wagtail.models import Page

    from forums.live import errors
    from forums.live.errors import ServiceError
    from forums.qa import services as qa

    with pytest.raises(ServiceError) as refused:
        qa.add_question_to_faq(
            questions["answered"].pk, Page.objects.get(depth=1), ModeratorFactory()
        )
    assert refused.value.code == errors.FORBIDDEN
