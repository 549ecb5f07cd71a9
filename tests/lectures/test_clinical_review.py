"""Clinical review that means something (#20): approving stamps the revision that goes live,
nobody approves their own work, nothing in Learn or Guides goes live around the review.

Every behaviour is driven through Wagtail admin's own views (the workflow action URLs, the
edit and create views, bulk actions) with real accounts in the portal's groups."""

import datetime
import json

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from wagtail.models import PageLogEntry, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from lectures.models import ClinicalReviewer, ClinicalReviewTask, GuidePage, LecturePage
from lectures.services import clinical_review
from portal import roles

pytestmark = pytest.mark.django_db

XHR = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}


@pytest.fixture
def editor(make_staff):
    return make_staff(roles.CONTENT_EDITORS)


@pytest.fixture
def reviewer(make_staff):
    return make_staff(roles.CLINICAL_REVIEWERS)


@pytest.fixture
def second_reviewer(make_staff):
    return make_staff(roles.CLINICAL_REVIEWERS)


@pytest.fixture
def draft_guide(make_guide, editor):
    # A heading only: the edit view tests post it back unchanged (same block id).
    guide = make_guide("Paying for care", live=False, body=[("heading", "Costs")])
    guide.save_revision(user=editor)
    return guide


def submit(page, user):
    """What "Submit to Clinical review" does: start the page's workflow as ``user``."""
    page.get_workflow().start(page, user)
    return WorkflowState.objects.for_instance(page).get(status=WorkflowState.STATUS_IN_PROGRESS)


def action_url(page, action, state):
    return reverse(
        "wagtailadmin_pages:workflow_action",
        args=[page.pk, action, state.current_task_state.pk],
    )


def stamp_data(today, **overrides):
    data = {
        "reviewer_name": "Dr. Ana Ruiz",
        "reviewer_credentials": "LCSW",
        "next_review_due": (today + relativedelta(months=12)).isoformat(),
        "comment": "",
    }
    data.update(overrides)
    return data


def edit_form_data(page, **extra):
    """The edit form as the browser posts it for ``page`` (a guide whose body holds only
    headings), with ``extra`` fields and actions."""
    data = nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "summary": page.summary,
            "audience": "all",
            "body": streamfield([(block.block_type, block.value) for block in page.body]),
            "comments": inline_formset([]),
        }
    )
    for index, block in enumerate(page.body):
        data[f"body-{index}-id"] = block.id
    data.update(extra)
    return data


def test_the_clinical_review_workflow_uses_the_clinical_review_task(guide_index):
    task = guide_index.get_workflow().tasks.get().specific
    assert isinstance(task, ClinicalReviewTask)
    assert [group.name for group in task.groups.all()] == [roles.CLINICAL_REVIEWERS]


# --- the review stamp on approval ---------------------------------------------------------


def test_approval_stamps_the_reviewer_today_and_the_next_review_on_the_published_revision(
    client, draft_guide, editor, reviewer, today
):
    state = submit(draft_guide, editor)
    client.force_login(reviewer)
    next_review = today + datetime.timedelta(days=200)
    response = client.post(
        action_url(draft_guide, "approve", state),
        stamp_data(today, next_review_due=next_review.isoformat(), comment="Accurate."),
        **XHR,
    )
    assert response.status_code == 200
    assert response.json()["step"] == "success"

    draft_guide.refresh_from_db()
    assert draft_guide.live
    assert (
        draft_guide.reviewed_by_name,
        draft_guide.reviewed_by_credentials,
        draft_guide.reviewed_on,
        draft_guide.next_review_due,
    ) == ("Dr. Ana Ruiz", "LCSW", today, next_review)
    # The stamp is on the revision that went live, and names it.
    live = draft_guide.live_revision
    assert draft_guide.reviewed_revision_id == live.pk
    assert live.content["reviewed_by_name"] == "Dr. Ana Ruiz"
    assert clinical_review.publication_refusal(live) is None
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED
    assert state.current_task_state.comment == "Accurate."


def test_the_stamp_is_logged_with_the_reviewer(client, draft_guide, editor, reviewer, today):
    state = submit(draft_guide, editor)
    client.force_login(reviewer)
    client.post(action_url(draft_guide, "approve", state), stamp_data(today), **XHR)
    entry = PageLogEntry.objects.get(page=draft_guide, action=clinical_review.STAMP_LOG_ACTION)
    assert entry.user == reviewer
    assert entry.data["reviewed_by_credentials"] == "LCSW"


def test_the_published_guide_shows_the_stamp(client, draft_guide, editor, reviewer, today):
    state = submit(draft_guide, editor)
    client.force_login(reviewer)
    client.post(action_url(draft_guide, "approve", state), stamp_data(today), **XHR)
    client.logout()
    draft_guide.refresh_from_db()
    html = client.get(draft_guide.url).content.decode()
    assert "Medically reviewed by Dr. Ana Ruiz, LCSW on" in html
    assert f'datetime="{today + relativedelta(months=12):%Y-%m-%d}"' in html


def test_approving_a_lecture_stamps_it_too(client, make_series, editor, reviewer, today):
    series = make_series()
    lecture = LecturePage(title="Talking about relapse", slug="relapse", live=False)
    series.add_child(instance=lecture)
    lecture.save_revision(user=editor)
    state = submit(lecture, editor)
    client.force_login(reviewer)
    client.post(action_url(lecture, "approve", state), stamp_data(today), **XHR)
    lecture.refresh_from_db()
    assert lecture.live
    assert lecture.reviewed_on == today
    assert lecture.reviewed_revision_id == lecture.live_revision_id
    client.logout()
    assert "Medically reviewed by Dr. Ana Ruiz, LCSW" in client.get(lecture.url).content.decode()


def test_the_approval_form_starts_from_the_reviewers_last_stamp_and_twelve_months(
    client, draft_guide, editor, reviewer, today
):
    ClinicalReviewer.objects.create(user=reviewer, name="Dr. Elena Ortiz", credentials="MD")
    state = submit(draft_guide, editor)
    client.force_login(reviewer)
    response = client.get(action_url(draft_guide, "approve", state), **XHR)
    assert response.status_code == 200
    html = response.json()["html"]
    assert 'value="Dr. Elena Ortiz"' in html
    assert 'value="MD"' in html
    assert f'value="{today + relativedelta(months=12):%Y-%m-%d}"' in html


def test_the_reviewers_name_and_credentials_are_remembered_for_the_next_approval(
    client, draft_guide, editor, reviewer, today
):
    state = submit(draft_guide, editor)
    client.force_login(reviewer)
    client.post(action_url(draft_guide, "approve", state), stamp_data(today), **XHR)
    assert ClinicalReviewer.objects.get(user=reviewer).credentials == "LCSW"


def test_approval_with_empty_review_fields_gets_field_errors_and_publishes_nothing(
    client, draft_guide, editor, reviewer
):
    state = submit(draft_guide, editor)
    client.force_login(reviewer)
    response = client.post(
        action_url(draft_guide, "approve", state),
        {"reviewer_name": " ", "reviewer_credentials": "", "next_review_due": ""},
        **XHR,
    )
    assert response.status_code == 200
    assert response.json()["step"] == "action"
    assert response.json()["html"].count("This field is required.") == 3
    draft_guide.refresh_from_db()
    assert not draft_guide.live
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS


@pytest.mark.parametrize(
    ("next_review", "error"),
    [
        (datetime.timedelta(days=0), "The next review must be after today."),
        (datetime.timedelta(days=-30), "The next review must be after today."),
        (datetime.timedelta(days=365 * 4), "Review again by"),
    ],
)
def test_a_next_review_date_out_of_range_is_a_field_error(
    client, draft_guide, editor, reviewer, today, next_review, error
):
    state = submit(draft_guide, editor)
    client.force_login(reviewer)
    response = client.post(
        action_url(draft_guide, "approve", state),
        stamp_data(today, next_review_due=(today + next_review).isoformat()),
        **XHR,
    )
    assert error in response.json()["html"]
    draft_guide.refresh_from_db()
    assert not draft_guide.live


def test_a_garbled_next_review_date_is_a_field_error_not_a_server_error(
    client, draft_guide, editor, reviewer, today
):
    state = submit(draft_guide, editor)
    client.force_login(reviewer)
    response = client.post(
        action_url(draft_guide, "approve", state),
        stamp_data(today, next_review_due="31/02/20x6"),
        **XHR,
    )
    assert response.status_code == 200
    assert "Enter a valid date." in response.json()["html"]


def test_a_series_is_approved_without_a_stamp(client, learn_index, editor, reviewer):
    from lectures.models import LectureSeriesPage

    series = LectureSeriesPage(title="Family nights", slug="family-nights", live=False)
    learn_index.add_child(instance=series)
    series.save_revision(user=editor)
    state = submit(series, editor)
    client.force_login(reviewer)
    response = client.get(action_url(series, "approve", state), **XHR)
    assert "reviewer_credentials" not in response.json()["html"]
    client.post(action_url(series, "approve", state), {"comment": "Fine."}, **XHR)
    series.refresh_from_db()
    assert series.live


def test_approve_and_publish_in_the_edit_view_stamps_the_page(
    client, draft_guide, editor, reviewer, today
):
    submit(draft_guide, editor)
    client.force_login(reviewer)
    url = reverse("wagtailadmin_pages:edit", args=[draft_guide.pk])
    draft = draft_guide.get_latest_revision_as_object()
    response = client.post(
        url,
        edit_form_data(
            draft,
            **{
                "action-workflow-action": "true",
                "workflow-action-name": "approve",
                "workflow-action-extra-data": json.dumps(stamp_data(today)),
            },
        ),
    )
    assert response.status_code == 302
    draft_guide.refresh_from_db()
    assert draft_guide.live
    assert draft_guide.reviewed_by_name == "Dr. Ana Ruiz"


@pytest.mark.parametrize(
    "extra_data",
    [
        "{}",
        "",
        "not json",
        "[1, 2]",
        json.dumps({"next_review_due": "2001-01-01", "oops": 1}),
        json.dumps({"reviewer_name": ["Dr. X"], "reviewer_credentials": 5, "next_review_due": 7}),
    ],
)
def test_approve_in_the_edit_view_with_bad_review_data_is_refused_with_a_message(
    client, draft_guide, editor, reviewer, extra_data
):
    submit(draft_guide, editor)
    client.force_login(reviewer)
    url = reverse("wagtailadmin_pages:edit", args=[draft_guide.pk])
    draft = draft_guide.get_latest_revision_as_object()
    response = client.post(
        url,
        edit_form_data(
            draft,
            **{
                "action-workflow-action": "true",
                "workflow-action-name": "approve",
                "workflow-action-extra-data": extra_data,
            },
        ),
        follow=True,
    )
    assert response.status_code == 200
    draft_guide.refresh_from_db()
    assert not draft_guide.live


@pytest.mark.parametrize("action", ["approve", "reject"])
@pytest.mark.parametrize("key", ["user", "task_state", "action_name"])
def test_review_data_naming_wagtails_own_arguments_is_refused_not_a_server_error(
    client, draft_guide, editor, reviewer, action, key
):
    submit(draft_guide, editor)
    client.force_login(reviewer)
    url = reverse("wagtailadmin_pages:edit", args=[draft_guide.pk])
    draft = draft_guide.get_latest_revision_as_object()
    response = client.post(
        url,
        edit_form_data(
            draft,
            **{
                "action-workflow-action": "true",
                "workflow-action-name": action,
                "workflow-action-extra-data": json.dumps({key: 1}),
            },
        ),
        follow=True,
    )
    assert response.status_code == 200
    assert "did not arrive" in response.content.decode()
    draft_guide.refresh_from_db()
    assert not draft_guide.live
    assert draft_guide.current_workflow_task is not None  # still waiting for review


# --- nobody approves their own work -------------------------------------------------------


def test_a_reviewer_is_not_offered_approve_on_a_page_they_wrote(
    make_guide, reviewer, second_reviewer
):
    guide = make_guide("Naloxone at home", live=False)
    guide.save_revision(user=reviewer)
    submit(guide, reviewer)
    task = guide.current_workflow_task
    assert "approve" not in [name for name, _label, _modal in task.get_actions(guide, reviewer)]
    assert "approve" in [name for name, _label, _modal in task.get_actions(guide, second_reviewer)]


def test_a_reviewer_posting_approve_on_their_own_page_is_refused(
    client, make_guide, reviewer, today
):
    guide = make_guide("Naloxone at home", live=False)
    guide.save_revision(user=reviewer)
    state = submit(guide, reviewer)
    client.force_login(reviewer)
    response = client.post(action_url(guide, "approve", state), stamp_data(today))
    assert response.status_code in (302, 403)
    guide.refresh_from_db()
    assert not guide.live
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS


def test_another_reviewer_approves_a_reviewers_page(
    client, make_guide, reviewer, second_reviewer, today
):
    guide = make_guide("Naloxone at home", live=False)
    guide.save_revision(user=reviewer)
    state = submit(guide, reviewer)
    client.force_login(second_reviewer)
    client.post(action_url(guide, "approve", state), stamp_data(today), **XHR)
    guide.refresh_from_db()
    assert guide.live


def test_a_reviewer_who_edited_the_draft_under_review_cannot_approve_it(
    client, draft_guide, editor, reviewer, second_reviewer, today
):
    state = submit(draft_guide, editor)
    draft = draft_guide.get_latest_revision_as_object()
    draft.summary = "Edited by the reviewer."
    draft.save_revision(user=reviewer)
    # ...then the editor saves once more: the reviewer's words would still go live.
    draft_guide.get_latest_revision_as_object().save_revision(user=editor)
    client.force_login(reviewer)
    client.post(action_url(draft_guide, "approve", state), stamp_data(today), **XHR)
    draft_guide.refresh_from_db()
    assert not draft_guide.live
    client.force_login(second_reviewer)
    client.post(action_url(draft_guide, "approve", state), stamp_data(today), **XHR)
    draft_guide.refresh_from_db()
    assert draft_guide.live


def test_a_reviewer_who_saved_without_changing_the_page_can_still_approve(
    client, draft_guide, editor, reviewer, today
):
    # Saving a draft to leave an inline comment makes a revision; it writes nothing.
    state = submit(draft_guide, editor)
    draft_guide.get_latest_revision_as_object().save_revision(user=reviewer)
    client.force_login(reviewer)
    client.post(action_url(draft_guide, "approve", state), stamp_data(today), **XHR)
    draft_guide.refresh_from_db()
    assert draft_guide.live


def test_a_reviewer_who_edits_while_approving_in_the_edit_view_does_not_publish(
    client, draft_guide, editor, reviewer, today
):
    submit(draft_guide, editor)
    client.force_login(reviewer)
    url = reverse("wagtailadmin_pages:edit", args=[draft_guide.pk])
    draft = draft_guide.get_latest_revision_as_object()
    response = client.post(
        url,
        edit_form_data(
            draft,
            title="Paying for care, rewritten by the reviewer",
            **{
                "action-workflow-action": "true",
                "workflow-action-name": "approve",
                "workflow-action-extra-data": json.dumps(stamp_data(today)),
            },
        ),
        follow=True,
    )
    assert response.status_code == 200
    assert "You cannot approve your own changes" in response.content.decode()
    draft_guide.refresh_from_db()
    assert not draft_guide.live
    assert draft_guide.draft_title == "Paying for care, rewritten by the reviewer"


# --- nothing goes live around the review ----------------------------------------------------


def test_a_reviewer_has_no_publish_button_on_a_guide(client, draft_guide, reviewer):
    client.force_login(reviewer)
    html = client.get(reverse("wagtailadmin_pages:edit", args=[draft_guide.pk])).content.decode()
    assert 'name="action-publish"' not in html
    assert 'name="action-submit"' in html


def test_a_reviewer_posting_publish_on_their_own_guide_leaves_it_a_draft(
    client, draft_guide, reviewer
):
    client.force_login(reviewer)
    url = reverse("wagtailadmin_pages:edit", args=[draft_guide.pk])
    draft = draft_guide.get_latest_revision_as_object()
    response = client.post(
        url, edit_form_data(draft, title="Paying for care (reviewer)", **{"action-publish": "1"})
    )
    assert response.status_code == 302
    draft_guide.refresh_from_db()
    assert not draft_guide.live
    assert draft_guide.draft_title == "Paying for care (reviewer)"  # kept as a draft
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("go live only through Clinical review" in m for m in messages)


def test_a_superuser_cannot_publish_an_unreviewed_guide_either(client, draft_guide, superuser):
    client.force_login(superuser)
    url = reverse("wagtailadmin_pages:edit", args=[draft_guide.pk])
    draft = draft_guide.get_latest_revision_as_object()
    client.post(url, edit_form_data(draft, **{"action-publish": "1"}))
    draft_guide.refresh_from_db()
    assert not draft_guide.live


def test_a_reviewer_cannot_publish_a_lecture_series_directly_either(
    client, learn_index, editor, reviewer
):
    from lectures.models import LectureSeriesPage

    series = LectureSeriesPage(title="Family nights", slug="family-nights", live=False)
    learn_index.add_child(instance=series)
    series.save_revision(user=editor)
    client.force_login(reviewer)
    url = reverse("wagtailadmin_pages:edit", args=[series.pk])
    html = client.get(url).content.decode()
    assert 'name="action-publish"' not in html
    data = nested_form_data(
        {
            "title": "Family nights",
            "slug": "family-nights",
            "summary": "",
            "audience": "all",
            "comments": inline_formset([]),
            "action-publish": "1",
        }
    )
    assert client.post(url, data).status_code == 302
    series.refresh_from_db()
    assert not series.live


def test_creating_a_guide_with_publish_saves_a_draft(client, guide_index, reviewer):
    client.force_login(reviewer)
    url = reverse("wagtailadmin_pages:add", args=["lectures", "guidepage", guide_index.pk])
    response = client.post(
        url,
        nested_form_data(
            {
                "title": "Sleep and recovery",
                "slug": "sleep-and-recovery",
                "summary": "",
                "audience": "all",
                "body": streamfield([("heading", "Rest matters")]),
                "comments": inline_formset([]),
                "action-publish": "1",
            }
        ),
    )
    assert response.status_code == 302
    guide = GuidePage.objects.get(slug="sleep-and-recovery")
    assert not guide.live


def test_a_new_draft_of_an_approved_guide_is_not_taken_for_reviewed(
    client, draft_guide, editor, reviewer, today
):
    state = submit(draft_guide, editor)
    client.force_login(reviewer)
    client.post(action_url(draft_guide, "approve", state), stamp_data(today), **XHR)
    draft_guide.refresh_from_db()
    new_revision = draft_guide.get_latest_revision_as_object().save_revision(user=editor)
    assert new_revision.as_object().reviewed_by_name == "Dr. Ana Ruiz"  # copied...
    assert clinical_review.publication_refusal(new_revision) is not None  # ...not approved


def test_an_approved_revision_whose_review_date_passed_may_not_be_published(
    draft_guide, editor, today
):
    revision = draft_guide.get_latest_revision()
    clinical_review.stamp_revision(
        revision,
        name="Dr. Ana Ruiz",
        credentials="LCSW",
        reviewed_on=today - datetime.timedelta(days=400),
        next_review_due=today - datetime.timedelta(days=35),
    )
    assert "was due on" in clinical_review.publication_refusal(revision)


def test_bulk_publish_refuses_guides_without_an_approved_version(
    client, draft_guide, guide_index, reviewer
):
    client.force_login(reviewer)
    url = (
        reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"])
        + f"?id={draft_guide.pk}&childOf={guide_index.pk}"
    )
    response = client.post(url, {"include_descendants": ""})
    assert response.status_code == 302
    draft_guide.refresh_from_db()
    assert not draft_guide.live


def test_a_reviewers_name_is_in_their_data_export_and_forgotten_with_the_account(reviewer):
    from portal import privacy

    ClinicalReviewer.objects.create(user=reviewer, name="Dr. Ana Ruiz", credentials="LCSW")
    exported = privacy.export_user_data(reviewer)["apps"]["lectures"]
    assert exported == {"clinical_reviewer": {"name": "Dr. Ana Ruiz", "credentials": "LCSW"}}
    privacy.erase_account(reviewer)
    assert not ClinicalReviewer.objects.exists()


def test_the_review_fields_are_read_only_in_the_editor(client, draft_guide, editor):
    client.force_login(editor)
    html = client.get(reverse("wagtailadmin_pages:edit", args=[draft_guide.pk])).content.decode()
    assert 'name="reviewed_by_name"' not in html
    assert 'name="next_review_due"' not in html


def test_the_database_refuses_an_incomplete_stamp_on_a_reviewed_revision(make_guide):
    from django.db import IntegrityError, transaction

    guide = make_guide()
    with pytest.raises(IntegrityError), transaction.atomic():
        GuidePage.objects.filter(pk=guide.pk).update(
            reviewed_revision=guide.get_latest_revision(), reviewed_by_name=""
        )
