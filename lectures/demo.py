"""Demo content for ``manage.py seed_demo``: real plain-language guides and lectures.

Seeds only what is missing: a page is looked up by its slug under its section, and a page
that exists is left exactly as editors left it (no new revision, no publishing, no log
entry), so ``make run`` never undoes their work. A new page is written by the demo editor
and published with a review stamp from the demo clinical reviewer, as the Clinical review
workflow would.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from lectures import demo_content
from lectures.models import (
    ClinicalReviewer,
    GuideIndexPage,
    GuidePage,
    LearnIndexPage,
    LecturePage,
    LectureSeriesPage,
    Speaker,
    Topic,
)
from lectures.services import clinical_review
from portal.models import User

EDITOR_EMAIL = "editor@example.org"  # the demo accounts from portal.demo
REVIEWER_EMAIL = "reviewer@example.org"
REVIEWER_NAME = "Dr. Elena Ortiz"
REVIEWER_CREDENTIALS = "MD, Addiction Psychiatry"


def _demo_user(email):
    return User.objects.filter(email__iexact=email).first()


def _add(parent, model, slug, fields, m2m):
    """``(page, created)``: the page with ``slug`` under ``parent`` as it is, or a new
    unpublished one (published by ``_publish_reviewed`` once its links exist)."""
    page = model.objects.child_of(parent).filter(slug=slug).first()
    if page is not None:
        return page, False
    page = model(slug=slug, live=False, **fields)
    parent.add_child(instance=page)
    for name, values in m2m.items():
        getattr(page, name).set(values)
    return page, True


def _publish_reviewed(page, author, reviewer, reviewed_on):
    revision = page.save_revision(user=author)
    if clinical_review.carries_review_stamp(page):
        clinical_review.stamp_revision(
            revision,
            name=REVIEWER_NAME,
            credentials=REVIEWER_CREDENTIALS,
            reviewed_on=reviewed_on,
            next_review_due=reviewed_on + clinical_review.REVIEW_INTERVAL,
        )
    revision.publish(user=reviewer)


def _paragraphs(text):
    return "".join(f"<p>{para.strip()}</p>" for para in text.strip().split("\n\n"))


@transaction.atomic
def seed_learning_content(log):
    """Speakers, 8+ reviewed guides and 2 lecture series of 4 lectures, cross-linked: the
    ones that are missing. What exists is kept as it is."""
    learn = LearnIndexPage.objects.get()
    guides_index = GuideIndexPage.objects.get()
    topics = {topic.slug: topic for topic in Topic.objects.all()}
    reviewed_on = timezone.localdate() - datetime.timedelta(days=30)
    author = _demo_user(EDITOR_EMAIL)
    reviewer = _demo_user(REVIEWER_EMAIL)
    if reviewer is not None:
        # The approval form then starts from the reviewer's name as on the demo pages.
        ClinicalReviewer.objects.get_or_create(
            user=reviewer,
            defaults={"name": REVIEWER_NAME, "credentials": REVIEWER_CREDENTIALS},
        )

    speakers = {}
    for data in demo_content.SPEAKERS:
        speaker, _created = Speaker.objects.get_or_create(
            name=data["name"],
            defaults={k: v for k, v in data.items() if k != "key" and k != "name"},
        )
        speakers[data["key"]] = speaker

    guides = {}
    new_guides = []
    for data in demo_content.GUIDES:
        page, created = _add(
            guides_index,
            GuidePage,
            data["slug"],
            {
                "title": data["title"],
                "summary": data["summary"],
                "audience": data.get("audience", "all"),
                "start_here": data.get("start_here", False),
                "body": data["body"],
            },
            {"topics": [topics[slug] for slug in data["topics"]]},
        )
        guides[data["slug"]] = page
        if created:
            new_guides.append(data)
        log(f"{'created' if created else 'kept'} guide {page.slug}")

    # Cross-links need every guide to exist first; then each new guide is published once.
    for data in new_guides:
        page = guides[data["slug"]]
        related = [guides[slug] for slug in data.get("related", [])]
        if related:
            page.body.append(("related", {"title": "Related reading", "pages": related}))
        _publish_reviewed(page, author, reviewer, reviewed_on)

    for series_data in demo_content.SERIES:
        series, created = _add(
            learn,
            LectureSeriesPage,
            series_data["slug"],
            {
                "title": series_data["title"],
                "summary": series_data["summary"],
                "intro": _paragraphs(series_data["intro"]),
                "audience": series_data.get("audience", "all"),
            },
            {"topics": [topics[slug] for slug in series_data["topics"]]},
        )
        if created:
            _publish_reviewed(series, author, reviewer, reviewed_on)
        log(f"{'created' if created else 'kept'} series {series.slug}")
        for data in series_data["lectures"]:
            lecture, created = _add(
                series,
                LecturePage,
                data["slug"],
                {
                    "title": data["title"],
                    "summary": data["summary"],
                    "date_presented": timezone.localdate()
                    + datetime.timedelta(days=data["days_from_today"]),
                    "duration_minutes": data["minutes"],
                    "transcript": _paragraphs(data["transcript"]),
                    "body": _paragraphs(data["body"]),
                    "key_takeaways": [("takeaway", text) for text in data["takeaways"]],
                },
                {
                    "speakers": [speakers[key] for key in data["speakers"]],
                    "topics": [topics[slug] for slug in data["topics"]],
                    "related_guides": [guides[slug] for slug in data["guides"]],
                },
            )
            if created:
                _publish_reviewed(lecture, author, reviewer, reviewed_on)
            log(f"{'created' if created else 'kept'} lecture {lecture.slug}")
