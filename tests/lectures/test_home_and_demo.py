"""The home page's Learn sections, and the demo content from seed_demo."""

import datetime

import pytest
from django.core.management import call_command

from lectures import readability
from lectures.models import GuidePage, LecturePage, LectureSeriesPage

pytestmark = pytest.mark.django_db


def test_home_shows_start_here_guides(client, make_guide):
    make_guide("Start with this", start_here=True)
    html = client.get("/").content.decode()
    start = html[html.index('id="start-here-guides-heading"') :].split("</section>")[0]
    assert "Start with this" in start


def test_home_shows_the_series_with_the_next_lecture(client, make_series, make_lecture, today):
    make_series("An older series")
    current = make_series("The current series")
    make_lecture(current, date_presented=today + datetime.timedelta(days=3))
    make_series("A newer series without dates")
    html = client.get("/").content.decode()
    section = html[html.index('id="current-series-heading"') :].split("</section>")[0]
    assert "The current series" in section


def test_home_shows_the_latest_guides(client, make_guide):
    make_guide("Brand new guide")
    html = client.get("/").content.decode()
    section = html[html.index('id="latest-guides-heading"') :].split("</section>")[0]
    assert "Brand new guide" in section


def test_home_has_no_learn_sections_without_content(client, learn_index):
    html = client.get("/").content.decode()
    assert 'id="latest-guides-heading"' not in html
    assert 'id="current-series-heading"' not in html


# --- demo content -------------------------------------------------------------------


@pytest.fixture
def seeded(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)


def test_demo_has_two_series_of_four_lectures_with_transcripts(seeded):
    series = LectureSeriesPage.objects.live()
    assert series.count() >= 2
    for one in series:
        lectures = LecturePage.objects.child_of(one).live()
        assert lectures.count() >= 4
        assert all(lecture.transcript.strip() for lecture in lectures)


def test_demo_has_eight_reviewed_topic_tagged_cross_linked_guides(seeded):
    guides = GuidePage.objects.live()
    assert guides.count() >= 8
    for guide in guides:
        assert guide.reviewed_by_name and guide.reviewed_on and guide.next_review_due
        assert guide.topics.exists()
        assert any(block.block_type == "related" for block in guide.body), guide.title


def test_demo_guides_are_written_at_grade_8_or_below(seeded):
    for guide in GuidePage.objects.live():
        grade = readability.measure(guide.readability_text()).grade
        assert grade <= readability.TARGET_HIGH, f"{guide.title}: grade {grade}"


def test_demo_lectures_are_written_at_grade_8_or_below(seeded):
    for lecture in LecturePage.objects.live():
        grade = readability.measure(lecture.readability_text()).grade
        assert grade <= readability.TARGET_HIGH, f"{lecture.title}: grade {grade}"


def test_demo_has_no_placeholder_text(seeded):
    for page in [*GuidePage.objects.all(), *LecturePage.objects.all()]:
        assert "lorem" not in page.readability_text().lower()


def test_seeding_twice_leaves_the_same_content(seeded):
    counts = (GuidePage.objects.count(), LecturePage.objects.count())
    related = [len(list(g.body)) for g in GuidePage.objects.order_by("pk")]
    call_command("seed_demo", verbosity=0)
    assert (GuidePage.objects.count(), LecturePage.objects.count()) == counts
    assert [len(list(g.body)) for g in GuidePage.objects.order_by("pk")] == related


def test_every_demo_page_renders(client, seeded):
    for page in [*GuidePage.objects.live(), *LecturePage.objects.live()]:
        assert client.get(page.url).status_code == 200, page.url


def test_demo_pages_are_published_by_the_demo_reviewer(seeded):
    guide = GuidePage.objects.get(slug="insurance-and-costs")
    assert guide.live_revision.user.email == "reviewer@example.org"
