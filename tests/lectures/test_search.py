"""Site search over lectures, series and guides."""

import pytest

from lectures import services
from tests.lectures.conftest import paragraph

pytestmark = pytest.mark.django_db


def _html(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def library(make_guide, make_series, make_lecture, topic, other_topic):
    insurance = make_guide(
        "Paying for treatment",
        topics=[topic],
        body=[paragraph("Most insurance plans cover intensive outpatient care.")],
    )
    relapse = make_guide(
        "Warning signs",
        topics=[other_topic],
        body=[paragraph("Relapse often starts before any use. Insurance is not covered here.")],
    )
    series = make_series("Family skills")
    lecture = make_lecture(
        series,
        "Talking with love",
        transcript="<p>We practice naloxone training and calm talk.</p>",
    )
    return {"insurance": insurance, "relapse": relapse, "lecture": lecture}


def test_search_finds_guides_by_their_body(client, library):
    html = _html(client, "/search/?q=outpatient")
    assert "Paying for treatment" in html
    assert "Warning signs" not in html


def test_search_finds_lectures_by_their_transcript(client, library):
    assert "Talking with love" in _html(client, "/search/?q=naloxone")


def test_search_ranks_a_title_match_first(client, library):
    library["insurance"].title = "Insurance and costs"
    library["insurance"].save_revision().publish()
    html = _html(client, "/search/?q=insurance")
    assert html.index("Insurance and costs") < html.index("Warning signs")


def test_search_filters_by_topic(client, library, other_topic):
    html = _html(client, f"/search/?q=insurance&topic={other_topic.slug}")
    assert "Warning signs" in html
    assert "Paying for treatment" not in html


def test_search_leaves_out_drafts(client, make_guide):
    make_guide("Secret draft", live=False, body=[paragraph("Unpublished insurance advice.")])
    assert "Secret draft" not in _html(client, "/search/?q=unpublished")


def test_search_highlights_the_words_found(client, library):
    assert "<mark>insurance</mark>" in _html(client, "/search/?q=insurance").lower()


def test_search_escapes_what_was_typed(client, library):
    html = _html(client, "/search/?q=%3Cscript%3Ealert(1)%3C/script%3E")
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)" in html


def test_a_highlighted_snippet_escapes_the_page_text():
    snippet = services.highlight("Costs <b>&</b> insurance <i>help</i>", "insurance")
    assert snippet == "Costs &amp; <mark>insurance</mark> help"


def test_an_empty_result_offers_next_steps(client, library):
    html = _html(client, "/search/?q=zebra")
    assert "0 results" in html
    assert "check the spelling" in html
    assert 'href="#crisis-resources"' in html


def test_a_search_without_words_asks_for_some(client, learn_index):
    assert "Type a word or question" in _html(client, "/search/")


@pytest.mark.parametrize(
    "query",
    [
        "?q=%00",
        "?q=insurance&page=abc",
        "?q=insurance&topic=nonsense",
        "?q=" + "a" * 5000,
        "?q=%22%27%28",
        "?q=AND+OR+NOT",
        "?topic=%00",
    ],
)
def test_search_answers_any_query_string(client, library, query):
    assert client.get(f"/search/{query}").status_code == 200


def test_search_refuses_post(client, learn_index):
    assert client.post("/search/", {"q": "x"}).status_code == 405


def test_a_snippet_of_rich_text_shows_an_ampersand_once_escaped():
    snippet = services.highlight("<p>Insurance &amp; costs &lt;b&gt;</p>", "insurance")
    assert snippet == "<mark>Insurance</mark> &amp; costs &lt;b&gt;"
