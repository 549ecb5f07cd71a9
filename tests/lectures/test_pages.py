"""Page types: where they may live, what they require, and what they show."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from wagtail.documents.models import Document

from lectures.models import (
    GuideIndexPage,
    GuidePage,
    LearnIndexPage,
    LecturePage,
    LectureSeriesPage,
    Speaker,
)
from portal.models import HomePage

pytestmark = pytest.mark.django_db


def _document(name, content=b"WEBVTT\n"):
    document = Document(title=name)
    document.file.save(name, ContentFile(content), save=False)
    document.save()
    return document


# --- where pages may live -----------------------------------------------------------


def test_learn_and_guide_indexes_live_only_under_the_home_page():
    assert LearnIndexPage.allowed_parent_page_models() == [HomePage]
    assert GuideIndexPage.allowed_parent_page_models() == [HomePage]


def test_a_series_lives_only_in_learn_and_holds_only_lectures():
    assert LectureSeriesPage.allowed_parent_page_models() == [LearnIndexPage]
    assert LectureSeriesPage.allowed_subpage_models() == [LecturePage]


def test_a_lecture_lives_only_in_a_series_and_has_no_children():
    assert LecturePage.allowed_parent_page_models() == [LectureSeriesPage]
    assert LecturePage.allowed_subpage_models() == []


def test_a_guide_lives_only_in_guides_and_has_no_children():
    assert GuidePage.allowed_parent_page_models() == [GuideIndexPage]
    assert GuidePage.allowed_subpage_models() == []


def test_there_is_one_learn_index_and_one_guide_index(learn_index, guide_index):
    home = HomePage.objects.get()
    assert not LearnIndexPage.can_create_at(home)
    assert not GuideIndexPage.can_create_at(home)


def test_sections_answer_at_learn_and_guides(client, learn_index, guide_index):
    assert client.get("/learn/").status_code == 200
    assert client.get("/guides/").status_code == 200


# --- lectures -----------------------------------------------------------------------


def test_a_lecture_with_an_embed_url_needs_a_transcript(make_series):
    lecture = LecturePage(title="Talk", slug="talk", embed_url="https://video.example.org/1")
    with pytest.raises(ValidationError) as raised:
        lecture.full_clean()
    assert "transcript" in raised.value.message_dict


def test_a_lecture_with_a_video_file_needs_a_transcript():
    lecture = LecturePage(title="Talk", slug="talk", video=_document("talk.mp4", b"x"))
    with pytest.raises(ValidationError) as raised:
        lecture.full_clean()
    assert "transcript" in raised.value.message_dict


def test_the_database_refuses_a_recording_without_a_transcript(make_series, make_lecture):
    lecture = make_lecture(make_series())
    with pytest.raises(IntegrityError), transaction.atomic():
        LecturePage.objects.filter(pk=lecture.pk).update(
            embed_url="https://video.example.org/1", transcript=""
        )


def test_a_lecture_takes_a_video_file_or_an_embed_url_not_both():
    lecture = LecturePage(
        title="Talk",
        slug="talk",
        video=_document("talk.mp4", b"x"),
        embed_url="https://video.example.org/1",
        transcript="<p>Words.</p>",
    )
    with pytest.raises(ValidationError) as raised:
        lecture.full_clean()
    assert "embed_url" in raised.value.message_dict


def test_captions_must_be_a_webvtt_file():
    lecture = LecturePage(
        title="Talk",
        slug="talk",
        video=_document("talk.mp4", b"x"),
        captions=_document("captions.srt", b"1"),
        transcript="<p>Words.</p>",
    )
    with pytest.raises(ValidationError) as raised:
        lecture.full_clean()
    assert "captions" in raised.value.message_dict


def test_a_lecture_without_a_recording_needs_no_transcript():
    LecturePage(title="Coming soon", slug="soon").full_clean(exclude=["path", "depth"])


def test_a_lecture_page_shows_speakers_with_credentials(client, make_series, make_lecture, speaker):
    lecture = make_lecture(make_series(), speakers=[speaker])
    assert "Marcus James, LCSW" in client.get(lecture.url).content.decode()


def test_a_lecture_page_plays_a_video_file_with_its_captions(client, make_series, make_lecture):
    lecture = make_lecture(
        make_series(),
        video=_document("talk.mp4", b"x"),
        captions=_document("talk.vtt"),
        transcript="<p>Hello families.</p>",
    )
    html = client.get(lecture.url).content.decode()
    assert '<track kind="captions"' in html
    assert "Hello families." in html


def test_a_lecture_page_shows_key_takeaways_and_related_guides(
    client, make_series, make_lecture, make_guide
):
    guide = make_guide("Paying for care")
    lecture = make_lecture(
        make_series(), guides=[guide], key_takeaways=[("takeaway", "Ask about coverage.")]
    )
    html = client.get(lecture.url).content.decode()
    assert "Ask about coverage." in html
    assert f'href="{guide.url}"' in html


def test_questions_from_families_are_hidden_when_there_are_none(client, make_series, make_lecture):
    lecture = make_lecture(make_series())
    assert "Questions from families" not in client.get(lecture.url).content.decode()


def test_a_series_lists_its_lectures_in_editor_order(client, make_series, make_lecture):
    series = make_series()
    first = make_lecture(series, "First talk")
    second = make_lecture(series, "Second talk")
    html = client.get(series.url).content.decode()
    assert html.index(first.title) < html.index(second.title)


def test_a_series_shows_the_next_upcoming_lecture(client, make_series, make_lecture, today):
    series = make_series()
    make_lecture(series, "Last month", date_presented=today - datetime.timedelta(days=30))
    make_lecture(series, "Next week", date_presented=today + datetime.timedelta(days=7))
    html = client.get(series.url).content.decode()
    next_section = html[html.index('id="next-lecture-heading"') :]
    assert "Next week" in next_section.split("</section>")[0]


def test_a_series_image_needs_alt_text(learn_index):
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    image = Image.objects.create(title="Family", file=get_test_image_file())
    series = LectureSeriesPage(title="Series", slug="s", image=image)
    with pytest.raises(ValidationError) as raised:
        series.full_clean()
    assert "image_alt" in raised.value.message_dict


def test_the_database_refuses_a_speaker_photo_without_alt_text():
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    image = Image.objects.create(title="Portrait", file=get_test_image_file())
    with pytest.raises(IntegrityError), transaction.atomic():
        Speaker.objects.create(name="No alt", photo=image, photo_alt="")


# --- guides -------------------------------------------------------------------------


def test_a_guide_shows_who_reviewed_it_and_when(client, make_guide, reviewed):
    guide = make_guide(**reviewed)
    html = client.get(guide.url).content.decode()
    assert "Medically reviewed by Dr. Elena Ortiz, MD on" in html
    assert f'datetime="{reviewed["reviewed_on"]:%Y-%m-%d}"' in html
    assert "Next review due" in html
    assert f'datetime="{reviewed["next_review_due"]:%Y-%m-%d}"' in html


def test_a_guide_review_needs_both_a_name_and_a_date(guide_index):
    guide = GuidePage(title="G", slug="g", body=[], reviewed_by_name="Dr. Ortiz")
    with pytest.raises(ValidationError):
        guide.clean()


def test_the_database_refuses_a_next_review_before_the_last_one(make_guide, today):
    guide = make_guide()
    with pytest.raises(IntegrityError), transaction.atomic():
        GuidePage.objects.filter(pk=guide.pk).update(
            reviewed_on=today, next_review_due=today - datetime.timedelta(days=1)
        )


def test_a_guide_knows_when_its_review_is_overdue(make_guide, today):
    guide = make_guide(
        reviewed_by_name="Dr. Ortiz",
        reviewed_on=today - datetime.timedelta(days=400),
        next_review_due=today - datetime.timedelta(days=35),
    )
    assert guide.review_overdue


def test_a_guide_shows_its_reading_time(client, make_guide):
    from tests.lectures.conftest import paragraph

    guide = make_guide(body=[paragraph("word " * 600)])
    assert guide.reading_minutes == 3
    assert "3 minute read" in client.get(guide.url).content.decode()


# --- every page: breadcrumbs, meta, canonical -------------------------------------


def test_a_page_has_breadcrumbs_from_home_to_itself(client, make_series, make_lecture):
    series = make_series("Understanding IOP")
    lecture = make_lecture(series, "What IOP is")
    html = client.get(lecture.url).content.decode()
    crumbs = html[html.index('aria-label="Breadcrumb"') :].split("</nav>")[0]
    assert all(label in crumbs for label in ("Home", "Learn", "Understanding IOP", "What IOP is"))
    assert crumbs.index("Home") < crumbs.index("Understanding IOP") < crumbs.index("What IOP is")
    assert 'aria-current="page"' in crumbs


def test_a_page_has_a_meta_description_from_its_summary(client, make_guide):
    guide = make_guide(summary="How to pay for treatment.")
    html = client.get(guide.url).content.decode()
    assert '<meta name="description" content="How to pay for treatment.">' in html


def test_a_page_has_a_canonical_url_and_opengraph_tags(client, make_guide):
    guide = make_guide("Paying for care")
    html = client.get(guide.url).content.decode()
    assert f'<link rel="canonical" href="{guide.full_url}">' in html
    assert '<meta property="og:title" content="Paying for care">' in html
    assert f'<meta property="og:url" content="{guide.full_url}">' in html


def test_a_guide_has_a_print_stylesheet(client, make_guide):
    from django.contrib.staticfiles import finders

    css = open(finders.find("lectures/lectures.css"), encoding="utf-8").read()
    assert "@media print" in css
    assert "/static/lectures/lectures.css" in client.get(make_guide().url).content.decode()


def test_the_learn_nav_entry_points_at_the_learn_section(client, learn_index):
    html = client.get("/").content.decode()
    assert f'href="{learn_index.url}"' in html


def test_draft_pages_are_not_served(client, make_guide):
    guide = make_guide(live=False)
    assert client.get(guide.url).status_code == 404


def test_a_series_paginates_its_lectures(client, make_series):
    series = make_series()
    for n in range(26):
        series.add_child(instance=LecturePage(title=f"Talk {n:02d}", slug=f"talk-{n}"))
    first = client.get(series.url).content.decode()
    second = client.get(f"{series.url}?page=2").content.decode()
    assert "Talk 24" in first and "Talk 25" not in first
    assert "Talk 25" in second
    assert '<ol class="lecture-list" start="26">' in second


@pytest.mark.parametrize("query", ["?page=abc", "?q=%00", "?topic=%00&page=-1"])
def test_learning_pages_answer_any_query_string(client, make_series, make_lecture, query):
    series = make_series()
    lecture = make_lecture(series)
    assert client.get(f"{series.url}{query}").status_code == 200
    assert client.get(f"{lecture.url}{query}").status_code == 200


def test_an_editor_previews_a_draft_before_review(client, make_guide, make_staff):
    from django.urls import reverse

    from portal import roles

    guide = make_guide("Published title")
    guide.title = "Draft title"
    guide.save_revision()
    client.force_login(make_staff(roles.CONTENT_EDITORS))
    client.get(guide.url)  # the published page is cached meanwhile
    html = client.get(reverse("wagtailadmin_pages:view_draft", args=[guide.pk])).content
    assert "Draft title" in html.decode()
    assert "Published title" in client.get(guide.url).content.decode()


def test_a_lecture_with_an_embed_url_links_the_recording(client, make_series, make_lecture):
    lecture = make_lecture(make_series(), embed_url="https://video.example.org/talk-1")
    html = client.get(lecture.url).content.decode()
    assert 'href="https://video.example.org/talk-1"' in html


def test_a_checklist_before_any_heading_has_a_second_level_title(client, make_guide):
    guide = make_guide(body=[("checklist", {"title": "Bring", "items": ["ID card"]})])
    assert "<h2>Bring</h2>" in client.get(guide.url).content.decode()


def test_a_checklist_under_a_heading_has_a_third_level_title(client, make_guide):
    guide = make_guide(
        body=[("heading", "Before you go"), ("checklist", {"title": "Bring", "items": ["ID"]})]
    )
    assert "<h3>Bring</h3>" in client.get(guide.url).content.decode()
