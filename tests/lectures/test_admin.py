"""Editor experience: the Review due report, the readability panel, the userbar."""

import datetime

import pytest
from django.urls import reverse

from lectures import readability
from portal import roles
from tests.lectures.conftest import paragraph

pytestmark = pytest.mark.django_db

PLAIN = (
    "Your loved one goes to the program three days a week. They come home each night. "
    "You can call the team if you have a question. We will help you plan the next steps. "
    "Bring a list of medicines to the first visit. Ask about the family nights."
)
HARD = (
    "Comprehensive multidisciplinary interventions, incorporating pharmacotherapeutic "
    "optimization alongside psychoeducational programming, substantially ameliorate "
    "longitudinal rehabilitation trajectories notwithstanding considerable heterogeneity "
    "characterizing individualized biopsychosocial presentations and concomitant "
    "psychiatric comorbidities necessitating coordinated institutional collaboration. "
    "Consequently, practitioners' interdisciplinary deliberations prioritize evidence-based "
    "methodologies emphasizing individualized therapeutic formulations."
)


@pytest.fixture
def editor(make_staff):
    return make_staff(roles.CONTENT_EDITORS)


@pytest.fixture
def overdue_guide(make_guide, today):
    return make_guide(
        "Old advice",
        reviewed_by_name="Dr. Ortiz",
        reviewed_on=today - datetime.timedelta(days=400),
        next_review_due=today - datetime.timedelta(days=35),
    )


@pytest.fixture
def current_guide(make_guide, reviewed):
    return make_guide("Fresh advice", **reviewed)


def test_the_review_due_report_lists_guides_past_their_review_date(
    client, editor, overdue_guide, current_guide
):
    client.force_login(editor)
    html = client.get(reverse("lectures_review_due")).content.decode()
    assert "Old advice" in html
    assert "Fresh advice" not in html


def test_the_review_due_report_lists_lectures_past_their_review_date(
    client, editor, make_series, make_lecture, today
):
    make_lecture(
        make_series(),
        "An old talk",
        reviewed_by_name="Dr. Ortiz",
        reviewed_by_credentials="MD",
        reviewed_on=today - datetime.timedelta(days=400),
        next_review_due=today - datetime.timedelta(days=35),
    )
    client.force_login(editor)
    html = client.get(reverse("lectures_review_due")).content.decode()
    assert "An old talk" in html
    assert "Dr. Ortiz, MD" in html


def test_the_review_due_report_is_in_the_reports_menu(client, editor):
    client.force_login(editor)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("lectures_review_due") in html


def test_the_review_due_report_is_refused_to_family_members(client, family_member):
    client.force_login(family_member)
    response = client.get(reverse("lectures_review_due"))
    assert response.status_code in (302, 403)


def test_the_dashboard_flags_overdue_guides_to_editors(client, editor, overdue_guide):
    client.force_login(editor)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "1 guide or lecture is past its next review date." in html


def test_the_guide_edit_view_flags_an_overdue_review(client, editor, overdue_guide):
    client.force_login(editor)
    html = client.get(reverse("wagtailadmin_pages:edit", args=[overdue_guide.pk])).content
    assert "Clinical review overdue." in html.decode()


def test_readability_measures_plain_text_within_the_target():
    result = readability.measure(PLAIN)
    assert result.grade <= readability.TARGET_HIGH
    assert result.verdict == "on_target"


def test_readability_flags_hard_text_above_the_target():
    result = readability.measure(HARD)
    assert result.grade > readability.TARGET_HIGH
    assert result.verdict == "too_hard"


def test_readability_does_not_grade_a_few_words():
    assert readability.measure("Short text.").verdict == "too_short"


def test_the_guide_edit_view_shows_the_readability_grade(client, editor, make_guide):
    guide = make_guide(body=[paragraph(HARD)])
    client.force_login(editor)
    html = client.get(reverse("wagtailadmin_pages:edit", args=[guide.pk])).content.decode()
    assert 'data-readability-verdict="too_hard"' in html
    assert "Flesch–Kincaid grade level" in html
    assert "target: grade 6 to 8" in html


def test_the_lecture_edit_view_shows_the_readability_grade(
    client, editor, make_series, make_lecture
):
    lecture = make_lecture(make_series(), transcript=f"<p>{PLAIN}</p>")
    client.force_login(editor)
    html = client.get(reverse("wagtailadmin_pages:edit", args=[lecture.pk])).content.decode()
    assert 'data-readability-verdict="on_target"' in html


def test_the_userbar_offers_the_accessibility_checker_to_editors(client, editor, make_guide):
    guide = make_guide()
    client.force_login(editor)
    html = client.get(guide.url).content.decode()
    assert "<wagtail-userbar" in html
    assert 'id="checker-axe-configuration"' in html


def test_topics_and_speakers_are_snippets_editors_can_manage(client, editor):
    client.force_login(editor)
    assert client.get(reverse("wagtailsnippets_lectures_topic:list")).status_code == 200
    assert client.get(reverse("wagtailsnippets_lectures_speaker:list")).status_code == 200
