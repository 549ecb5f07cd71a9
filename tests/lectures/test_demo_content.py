"""The demo content from seed_demo: real, plain, reviewed, tagged and cross-linked."""

import pytest
from django.core.management import call_command
from django.db import transaction

from lectures import demo, readability
from lectures.models import GuidePage, LecturePage, LectureSeriesPage


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The Learn demo content, seeded once for this module's read-only tests and rolled
    back afterwards (each test still runs in its own savepoint)."""
    from portal import demo as portal_demo

    with django_db_blocker.unblock(), transaction.atomic():
        # The demo accounts first, as seed_demo does: the pages name their author and
        # reviewer.
        portal_demo.seed_core_accounts(lambda line: None)
        demo.seed_learning_content(lambda line: None)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def seeded_by_command(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)


@pytest.mark.django_db
def test_demo_has_two_series_of_four_lectures_with_transcripts(seeded):
    series = LectureSeriesPage.objects.live()
    assert series.count() >= 2
    for one in series:
        lectures = LecturePage.objects.child_of(one).live()
        assert lectures.count() >= 4
        assert all(lecture.transcript.strip() for lecture in lectures)


@pytest.mark.django_db
def test_demo_has_eight_reviewed_topic_tagged_cross_linked_guides(seeded):
    guides = GuidePage.objects.live()
    assert guides.count() >= 8
    for guide in guides:
        assert guide.reviewed_by_name and guide.reviewed_on and guide.next_review_due
        assert guide.topics.exists()
        assert any(block.block_type == "related" for block in guide.body), guide.title


@pytest.mark.django_db
def test_demo_guides_and_lectures_carry_a_stamp_given_to_their_live_revision(seeded):
    from lectures.services import clinical_review

    for page in [*GuidePage.objects.live(), *LecturePage.objects.live()]:
        assert page.reviewed_revision_id == page.live_revision_id, page.title
        assert page.reviewed_by_name == demo.REVIEWER_NAME
        assert clinical_review.publication_refusal(page.live_revision) is None


@pytest.mark.django_db
def test_demo_guides_are_written_at_grade_8_or_below(seeded):
    for guide in GuidePage.objects.live():
        grade = readability.measure(guide.readability_text()).grade
        assert grade <= readability.TARGET_HIGH, f"{guide.title}: grade {grade}"


@pytest.mark.django_db
def test_demo_lectures_are_written_at_grade_8_or_below(seeded):
    for lecture in LecturePage.objects.live():
        grade = readability.measure(lecture.readability_text()).grade
        assert grade <= readability.TARGET_HIGH, f"{lecture.title}: grade {grade}"


@pytest.mark.django_db
def test_demo_has_no_placeholder_text(seeded):
    for page in [*GuidePage.objects.all(), *LecturePage.objects.all()]:
        assert "lorem" not in page.readability_text().lower()


@pytest.mark.django_db
def test_every_demo_page_renders(client, seeded):
    for page in [*GuidePage.objects.live(), *LecturePage.objects.live()]:
        assert client.get(page.url).status_code == 200, page.url


@pytest.mark.django_db
def test_seeding_twice_leaves_the_same_content(seeded_by_command):
    counts = (GuidePage.objects.count(), LecturePage.objects.count())
    related = [len(list(g.body)) for g in GuidePage.objects.order_by("pk")]
    call_command("seed_demo", verbosity=0)
    assert (GuidePage.objects.count(), LecturePage.objects.count()) == counts
    assert [len(list(g.body)) for g in GuidePage.objects.order_by("pk")] == related


@pytest.mark.django_db
def test_demo_pages_are_written_by_the_demo_editor_and_published_by_the_demo_reviewer(
    seeded_by_command,
):
    from wagtail.models import PageLogEntry

    # Nobody approves their own work, in the demo too.
    guide = GuidePage.objects.get(slug="insurance-and-costs")
    assert guide.live_revision.user.email == "editor@example.org"
    published = PageLogEntry.objects.filter(page=guide, action="wagtail.publish").get()
    assert published.user.email == "reviewer@example.org"
