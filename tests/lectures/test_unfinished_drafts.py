"""An abandoned "Add guide" (Wagtail 8 autosaves a new page as soon as it has a title)
leaves an unfinished draft behind: the next attempt opens or explains it (#20)."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from lectures.models import GuidePage
from portal import roles

pytestmark = pytest.mark.django_db

AUTOSAVE = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def editor(make_staff):
    return make_staff(roles.CONTENT_EDITORS)


def add_url(guide_index):
    return reverse("wagtailadmin_pages:add", args=["lectures", "guidepage", guide_index.pk])


def guide_form(title, slug, body=(), **extra):
    return nested_form_data(
        {
            "title": title,
            "slug": slug,
            "summary": "",
            "audience": "all",
            "body": streamfield(list(body)),
            "comments": inline_formset([]),
            **extra,
        }
    )


@pytest.fixture
def autosaved_draft(client, editor, guide_index):
    """What Wagtail's autosave leaves when the editor walks away after typing a title."""
    client.force_login(editor)
    response = client.post(
        add_url(guide_index), guide_form("Talking with teens", "talking-with-teens"), **AUTOSAVE
    )
    assert response.status_code == 200, response.content
    assert response.json()["success"]
    return GuidePage.objects.get(slug="talking-with-teens")


def test_autosave_leaves_an_unpublished_draft_without_a_body(autosaved_draft):
    assert not autosaved_draft.live
    assert len(autosaved_draft.get_latest_revision_as_object().body) == 0


def test_add_guide_offers_the_unfinished_draft(client, autosaved_draft, guide_index):
    response = client.get(add_url(guide_index))
    assert response.status_code == 200
    html = response.content.decode()
    assert "You already started “Talking with teens”" in html
    assert reverse("wagtailadmin_pages:edit", args=[autosaved_draft.pk]) in html


def test_add_guide_does_not_offer_another_editors_draft(
    client, autosaved_draft, guide_index, make_staff
):
    client.force_login(make_staff(roles.CONTENT_EDITORS))
    html = client.get(add_url(guide_index)).content.decode()
    assert "You already started" not in html


def test_a_second_guide_with_the_same_slug_hears_where_the_draft_is(
    client, autosaved_draft, guide_index
):
    response = client.post(
        add_url(guide_index),
        guide_form(
            "Talking with teens",
            "talking-with-teens",
            body=[("heading", "Start small")],
            **{"action-submit": "1"},
        ),
    )
    assert response.status_code == 200  # the form again, with the explanation
    html = response.content.decode()
    assert "An unpublished draft, “Talking with teens”" in html
    assert reverse("wagtailadmin_pages:edit", args=[autosaved_draft.pk]) in html
    assert GuidePage.objects.filter(slug="talking-with-teens").count() == 1


def test_the_slug_of_a_published_page_keeps_wagtails_message(
    client, make_guide, guide_index, editor
):
    make_guide("Talking with teens", slug="talking-with-teens")
    client.force_login(editor)
    response = client.post(
        add_url(guide_index),
        guide_form(
            "Talking with teens",
            "talking-with-teens",
            body=[("heading", "Start small")],
            **{"action-submit": "1"},
        ),
    )
    html = response.content.decode()
    assert "is already in use" in html
    assert "An unpublished draft" not in html


def test_the_continued_draft_can_be_submitted_once_it_has_a_body(client, autosaved_draft, editor):
    url = reverse("wagtailadmin_pages:edit", args=[autosaved_draft.pk])
    response = client.post(
        url,
        guide_form(
            "Talking with teens",
            "talking-with-teens",
            body=[("heading", "Start small")],
            **{"action-submit": "1"},
        ),
    )
    assert response.status_code == 302
    assert autosaved_draft.current_workflow_state is not None


def test_submitting_the_unfinished_draft_without_a_body_says_what_is_missing(
    client, autosaved_draft
):
    url = reverse("wagtailadmin_pages:edit", args=[autosaved_draft.pk])
    response = client.post(
        url, guide_form("Talking with teens", "talking-with-teens", **{"action-submit": "1"})
    )
    assert response.status_code == 200  # the form again, not an error page
    assert "This field is required." in response.content.decode()
    assert autosaved_draft.current_workflow_state is None
