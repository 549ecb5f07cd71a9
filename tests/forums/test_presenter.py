"""The presenter view (/qa/<slug>/present/), for a projector: the question being answered
in large type, the next few, the session's full address and a QR code of it drawn on
the server; no site header, navigation, footer or userbar (issue #20)."""

import re
from html.parser import HTMLParser

import pytest
import qrcode
import qrcode.constants
from django.urls import reverse

from tests.factories import ModeratorFactory, SuperuserFactory
from tests.forums.qa_support import make_member, make_question, make_session

pytestmark = pytest.mark.django_db

BASE = "https://families.example.org"


@pytest.fixture(autouse=True)
def public_base_url(settings):
    settings.PUBLIC_BASE_URL = BASE + "/"  # a trailing slash must not double


@pytest.fixture
def session():
    return make_session("family-night-live", title="Family night, live")


@pytest.fixture
def family():
    return make_member("Hopeful Aunt")


def present(client, session):
    response = client.get(reverse("forums:qa-present", args=[session.slug]))
    assert response.status_code == 200
    return response.content.decode()


class Elements(HTMLParser):
    """Every start tag of a page: (tag, attributes)."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def elements(html, tag):
    parser = Elements()
    parser.feed(html)
    return [attrs for name, attrs in parser.found if name == tag]


def dark_modules_of_the_svg(svg_path):
    """The (x, y) of every dark module the path draws: one ``Mx,yH..V..H..z`` square per
    module, in module units (qrcode's box_size 10 is one unit)."""
    squares = re.findall(r"M(\d+),(\d+)H(\d+)V(\d+)H\d+z", svg_path)
    assert squares, "no module squares in the path"
    assert all(int(h) == int(x) + 1 and int(v) == int(y) + 1 for x, y, h, v in squares)
    return {(int(x), int(y)) for x, y, _h, _v in squares}


def dark_modules_of(data):
    """The same code made here, straight from the library, with a 4-module quiet zone."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()
    return {(x, y) for y, row in enumerate(matrix) for x, dark in enumerate(row) if dark}, len(
        matrix
    )


def test_the_full_address_is_the_public_base_url_and_the_session_page(client, session):
    html = present(client, session)
    address = f"{BASE}/qa/family-night-live/"
    shown = re.search(r'<p class="qa-present__address" id="qa-address">(.*?)</p>', html)[1]
    assert shown.replace("<wbr>", "") == address
    # A narrow column wraps it after a slash, not inside a word.
    assert shown == "https://families.example.org/<wbr>qa/<wbr>family-night-live/<wbr>"
    assert "Ask at /qa/" not in html  # the bare path is gone


def test_the_qr_code_is_inline_svg_of_the_full_address(client, session):
    html = present(client, session)
    (svg,) = elements(html, "svg")
    address = f"{BASE}/qa/family-night-live/"
    assert svg["role"] == "img" and address in svg["aria-label"]
    assert "width" not in svg and "height" not in svg  # sized by the stylesheet
    (path,) = elements(html, "path")
    expected, size = dark_modules_of(address)
    assert svg["viewbox"] == f"0 0 {size} {size}"
    assert dark_modules_of_the_svg(path["d"]) == expected
    # ... and not of another address (the comparison can tell them apart).
    other, _ = dark_modules_of(f"{BASE}/qa/another-session/")
    assert dark_modules_of_the_svg(path["d"]) != other
    assert "<img" not in html  # no image request, no external QR service


def test_the_qr_code_follows_the_public_base_url(client, session, settings):
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:8731"
    html = present(client, session)
    (path,) = elements(html, "path")
    expected, _ = dark_modules_of("http://127.0.0.1:8731/qa/family-night-live/")
    assert dark_modules_of_the_svg(path["d"]) == expected
    assert "http://127.0.0.1:8731/<wbr>qa/<wbr>family-night-live/<wbr></p>" in html


@pytest.mark.parametrize("who", ["moderator", "superuser"])
def test_content_only_no_header_nav_footer_or_userbar(client, session, who):
    user = ModeratorFactory() if who == "moderator" else SuperuserFactory()
    client.force_login(user)
    html = present(client, session)
    assert 'class="site-header' not in html
    assert 'class="site-nav' not in html
    assert 'class="site-footer' not in html
    assert "skip-link" not in html
    assert "language-form" not in html
    assert "wagtailadmin" not in html and "userbar" not in html
    assert elements(html, "link")[-1]["href"].endswith("forums/qa-present.css")
    assert "portal/css/portal.css" not in html


def test_a_small_crisis_line_stays(client, session):
    html = present(client, session)
    footer = html[html.index('<footer class="qa-present__crisis">') :]
    assert "If you or your family member are in crisis" in footer
    assert "988" in footer and "text HOME to 741741" in footer and "911" in footer


def test_the_question_being_answered_and_the_next_three(client, session, family):
    make_question(session, family, "Being answered now", state="visible", pinned=True)
    for votes, text in enumerate(["Fourth", "Third", "Second", "First"]):
        make_question(session, family, text, state="visible", vote_count=votes)
    make_question(session, family, "Waiting for approval")
    make_question(session, family, "Turned down", state="rejected")
    make_question(session, family, "Already answered", state="answered")
    html = present(client, session)
    now = html[html.index('id="qa-now-text"') : html.index("</section>")]
    assert "Being answered now" in now
    assert "qa-present__pinned--long" not in now
    listed = re.findall(r'<span class="qa-present__text">([^<]*)</span>', html)
    assert listed == ["First", "Second", "Third"]
    for unpublished in ("Waiting for approval", "Turned down", "Already answered"):
        assert unpublished not in html


def test_a_long_question_gets_smaller_type(client, session, family):
    make_question(session, family, "word " * 70, state="visible", pinned=True)
    html = present(client, session)
    assert "qa-present__pinned--longer" in html


def test_without_a_pinned_question_the_page_says_what_comes(client, session):
    html = present(client, session)
    assert "The next question will appear here." in html
    assert "qa-present__pinned--none" in html


def test_question_text_is_escaped(client, session, family):
    make_question(session, family, "<script>alert(1)</script>", state="visible", pinned=True)
    html = present(client, session)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# Who may open it: as before this issue, anybody. It shows only what the public
# participant page shows (published questions) and no author; a projector laptop need
# not be logged in.
def test_anybody_may_open_it_as_before(client, session, family):
    make_question(session, family, "Published", state="visible")
    assert "Published" in present(client, session)
    client.force_login(family)
    assert "Published" in present(client, session)
    assert family.profile.display_name not in present(client, session)


def test_an_unknown_session_is_not_found(client):
    assert client.get(reverse("forums:qa-present", args=["no-such-session"])).status_code == 404


def test_the_live_update_keeps_its_socket_and_frames(client, session):
    (main,) = elements(present(client, session), "main")
    assert main["id"] == "qa-app" and main["data-view"] == "present"
    assert main["data-ws"] == "/ws/qa/family-night-live/"
    assert main["data-next"] == "3"
