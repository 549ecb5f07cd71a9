"""Clinical review: nothing in Learn or Guides goes live without a reviewer's approval."""

import pytest
from django.urls import reverse
from wagtail.models import WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from portal import roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(make_staff):
    return make_staff(roles.CONTENT_EDITORS)


@pytest.fixture
def reviewer(make_staff):
    return make_staff(roles.CLINICAL_REVIEWERS)


@pytest.fixture
def draft_guide(make_guide, editor):
    guide = make_guide("Paying for care", live=False)
    guide.save_revision(user=editor)
    return guide


def _submit(page, user):
    page.get_workflow().start(page, user)
    return WorkflowState.objects.for_instance(page).get(status=WorkflowState.STATUS_IN_PROGRESS)


def test_learn_and_guides_use_the_clinical_review_workflow(learn_index, guide_index):
    assert learn_index.get_workflow().name == "Clinical review"
    assert guide_index.get_workflow().name == "Clinical review"


def test_pages_inside_the_sections_inherit_the_workflow(make_series, make_lecture, make_guide):
    assert make_lecture(make_series()).get_workflow().name == "Clinical review"
    assert make_guide().get_workflow().name == "Clinical review"


def test_the_workflow_task_is_approval_by_clinical_reviewers(guide_index):
    task = guide_index.get_workflow().tasks.get().specific
    assert [group.name for group in task.groups.all()] == [roles.CLINICAL_REVIEWERS]


def test_an_editor_has_no_publish_permission_in_guides(draft_guide, editor):
    assert not draft_guide.permissions_for_user(editor).can_publish()


def test_an_editor_has_no_publish_permission_in_learn(make_series, editor):
    assert not make_series().permissions_for_user(editor).can_publish()


def test_the_editor_sees_submit_for_review_but_no_publish_button(client, draft_guide, editor):
    client.force_login(editor)
    html = client.get(reverse("wagtailadmin_pages:edit", args=[draft_guide.pk])).content.decode()
    assert 'name="action-submit"' in html
    assert 'name="action-publish"' not in html


def test_an_editor_asking_to_publish_does_not_make_the_page_live(client, draft_guide, editor):
    client.force_login(editor)
    url = reverse("wagtailadmin_pages:edit", args=[draft_guide.pk])
    data = nested_form_data(
        {
            "title": "Paying for care, edited",
            "slug": draft_guide.slug,
            "audience": "all",
            "body": streamfield([("heading", "Costs")]),
            "comments": inline_formset([]),
            "action-publish": "publish",
        }
    )
    response = client.post(url, data)
    assert response.status_code in (200, 302)
    draft_guide.refresh_from_db()
    assert draft_guide.draft_title == "Paying for care, edited"  # the edit was saved...
    assert not draft_guide.live  # ...as a draft


def test_an_editor_cannot_approve_their_own_submission(draft_guide, editor):
    state = _submit(draft_guide, editor)
    assert state.current_task_state.task.specific.get_actions(draft_guide, editor) == []


def test_a_reviewers_approval_publishes_the_page(client, draft_guide, editor, reviewer):
    import datetime

    from django.utils import timezone

    state = _submit(draft_guide, editor)
    client.force_login(reviewer)
    url = reverse(
        "wagtailadmin_pages:workflow_action",
        args=[draft_guide.pk, "approve", state.current_task_state.pk],
    )
    next_review = timezone.localdate() + datetime.timedelta(days=365)
    response = client.post(
        url,
        {
            "reviewer_name": "Dr. Elena Ortiz",
            "reviewer_credentials": "MD",
            "next_review_due": next_review.isoformat(),
        },
    )
    assert response.status_code in (200, 302)
    draft_guide.refresh_from_db()
    assert draft_guide.live
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED


def test_a_reviewer_can_request_changes_with_a_comment(client, draft_guide, editor, reviewer):
    state = _submit(draft_guide, editor)
    client.force_login(reviewer)
    url = reverse(
        "wagtailadmin_pages:workflow_action",
        args=[draft_guide.pk, "reject", state.current_task_state.pk],
    )
    client.post(url, {"comment": "Please cite the parity law."})
    draft_guide.refresh_from_db()
    state.refresh_from_db()
    assert not draft_guide.live
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert state.current_task_state.comment == "Please cite the parity law."


def test_an_approved_page_with_a_go_live_date_waits_for_it(draft_guide):
    import datetime

    from django.utils import timezone

    draft_guide.go_live_at = timezone.now() + datetime.timedelta(days=1)
    draft_guide.save_revision().publish()
    draft_guide.refresh_from_db()
    assert not draft_guide.live
    assert draft_guide.get_latest_revision().approved_go_live_at is not None
