"""Learn fixtures: pages built under the Learn and Guides sections that migration
lectures/0002 creates under the home page."""

import datetime
import itertools

import pytest
from django.utils import timezone
from wagtail.rich_text import RichText

from lectures.models import (
    GuideIndexPage,
    GuidePage,
    LearnIndexPage,
    LecturePage,
    LectureSeriesPage,
    Speaker,
    Topic,
)

_counter = itertools.count(1)


@pytest.fixture
def learn_index(db):
    return LearnIndexPage.objects.get()


@pytest.fixture
def guide_index(db):
    return GuideIndexPage.objects.get()


@pytest.fixture
def topic(db):
    return Topic.objects.get(slug="insurance-costs")


@pytest.fixture
def other_topic(db):
    return Topic.objects.get(slug="relapse-prevention")


def paragraph(text):
    return ("paragraph", RichText(f"<p>{text}</p>"))


@pytest.fixture
def make_guide(guide_index):
    def make(title=None, *, topics=(), body=None, live=True, **fields):
        n = next(_counter)
        guide = GuidePage(
            title=title or f"Guide {n}",
            slug=fields.pop("slug", f"guide-{n}"),
            summary=fields.pop("summary", f"A short guide number {n}."),
            body=body if body is not None else [paragraph(f"Plain words for guide {n}.")],
            live=live,
            **fields,
        )
        guide_index.add_child(instance=guide)
        if topics:
            guide.topics.set(topics)
            guide.save()
        if live:
            guide.save_revision().publish()
        return guide

    return make


@pytest.fixture
def make_series(learn_index):
    def make(title=None, *, topics=(), **fields):
        n = next(_counter)
        series = LectureSeriesPage(
            title=title or f"Series {n}",
            slug=fields.pop("slug", f"series-{n}"),
            summary=fields.pop("summary", f"A lecture series number {n}."),
            **fields,
        )
        learn_index.add_child(instance=series)
        if topics:
            series.topics.set(topics)
        series.save_revision().publish()
        return series

    return make


@pytest.fixture
def make_lecture():
    def make(series, title=None, *, speakers=(), topics=(), guides=(), **fields):
        n = next(_counter)
        fields.setdefault("transcript", f"<p>Transcript of lecture {n}.</p>")
        lecture = LecturePage(
            title=title or f"Lecture {n}",
            slug=fields.pop("slug", f"lecture-{n}"),
            summary=fields.pop("summary", f"Lecture number {n}."),
            **fields,
        )
        series.add_child(instance=lecture)
        lecture.speakers.set(speakers)
        lecture.topics.set(topics)
        lecture.related_guides.set(guides)
        lecture.save_revision().publish()
        return lecture

    return make


@pytest.fixture
def speaker(db):
    return Speaker.objects.create(name="Marcus James", credentials="LCSW", role="Family therapist")


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def reviewed(today):
    """Review fields of a guide reviewed a month ago, next due in eleven months."""
    return {
        "reviewed_by_name": "Dr. Elena Ortiz",
        "reviewed_by_credentials": "MD",
        "reviewed_on": today - datetime.timedelta(days=30),
        "next_review_due": today + datetime.timedelta(days=335),
    }
