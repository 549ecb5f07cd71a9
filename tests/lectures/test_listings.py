"""Learn and Guides listings: filters, pagination, bounded query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lectures.models import Audience, LecturePage

pytestmark = pytest.mark.django_db


def _html(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_learn_lists_series_and_guides(client, make_series, make_guide):
    make_series("Understanding IOP")
    make_guide("Paying for care")
    html = _html(client, "/learn/")
    assert "Understanding IOP" in html
    assert "Paying for care" in html


def test_learn_filters_by_topic(client, make_series, make_guide, topic, other_topic):
    make_series("Relapse talks", topics=[other_topic])
    make_guide("Paying for care", topics=[topic])
    html = _html(client, f"/learn/?topic={topic.slug}")
    assert "Paying for care" in html
    assert "Relapse talks" not in html


def test_learn_filters_by_audience_keeping_content_for_all_families(client, make_guide):
    make_guide("For parents", audience=Audience.PARENTS)
    make_guide("For partners", audience=Audience.PARTNERS)
    make_guide("For everyone", audience=Audience.ALL)
    html = _html(client, "/learn/?audience=parents")
    assert "For parents" in html
    assert "For everyone" in html
    assert "For partners" not in html


def test_guides_filters_by_topic(client, make_guide, topic):
    make_guide("Paying for care", topics=[topic])
    make_guide("Sleep")
    html = _html(client, f"/guides/?topic={topic.slug}")
    assert "Paying for care" in html
    assert "Sleep" not in html


def test_listings_leave_out_draft_pages(client, make_guide):
    make_guide("Unpublished draft", live=False)
    assert "Unpublished draft" not in _html(client, "/guides/")


def test_guides_paginate_twelve_to_a_page(client, make_guide):
    for n in range(13):
        make_guide(f"Guide {n:02d}")
    first = _html(client, "/guides/")
    second = _html(client, "/guides/?page=2")
    assert "Guide 11" in first and "Guide 12" not in first
    assert "Guide 12" in second
    assert 'rel="next"' in first


@pytest.mark.parametrize(
    "query",
    ["?page=abc", "?page=999", "?topic=nonsense", "?audience=%00", "?page=-1&topic=%00"],
)
def test_listings_answer_any_query_string(client, learn_index, query):
    assert client.get(f"/learn/{query}").status_code == 200
    assert client.get(f"/guides/{query}").status_code == 200


def test_the_filter_form_keeps_the_chosen_topic(client, learn_index, topic):
    html = _html(client, f"/learn/?topic={topic.slug}")
    assert f'<option value="{topic.slug}" selected>' in html


# --- query counts do not grow with the number of items ----------------------------


def _queries(client, url):
    from django.core.cache import cache

    cache.clear()  # measure a full render, not the page cache
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.fixture
def many_guides(guide_index, topic, other_topic):
    """Live guides in two topics, created without revisions (faster than publishing)."""
    from itertools import count

    from lectures.models import GuidePage
    from tests.lectures.conftest import paragraph

    numbers = count(1)
    through = GuidePage.topics.through

    def make(how_many):
        links = []
        for _n in range(how_many):
            n = next(numbers)
            guide = guide_index.add_child(
                instance=GuidePage(
                    title=f"Listed guide {n}",
                    slug=f"listed-guide-{n}",
                    summary="A guide.",
                    body=[paragraph("Plain words.")],
                )
            )
            links += [through(guidepage=guide, topic=t) for t in (topic, other_topic)]
        through.objects.bulk_create(links)

    return make


@pytest.mark.parametrize("url", ["/learn/", "/guides/", "/search/?q=guide"])
def test_listing_queries_are_the_same_for_5_and_50_guides(
    client, many_guides, url, django_assert_max_num_queries
):
    many_guides(5)
    with_five = _queries(client, url)
    many_guides(45)
    with django_assert_max_num_queries(with_five):
        from django.core.cache import cache

        cache.clear()
        assert client.get(url).status_code == 200


def test_series_queries_are_the_same_for_5_and_50_lectures(
    client, make_series, make_lecture, speaker, django_assert_max_num_queries
):
    series = make_series()

    def add_lectures(how_many):
        for _n in range(how_many):
            lecture = series.add_child(
                instance=LecturePage(title="Talk", slug=f"talk-{_n}-{how_many}")
            )
            LecturePage.speakers.through.objects.create(lecturepage=lecture, speaker=speaker)

    add_lectures(5)
    with_five = _queries(client, series.url)
    add_lectures(45)
    with django_assert_max_num_queries(with_five):
        from django.core.cache import cache

        cache.clear()
        assert client.get(series.url).status_code == 200
