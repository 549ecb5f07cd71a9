"""The home page's Learn sections."""

import datetime

import pytest

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
