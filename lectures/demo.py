"""Demo content for ``manage.py seed_demo``: real plain-language guides and lectures.

Idempotent: pages are found by slug under their section and updated in place; a page is
published through a revision, reviewed by the demo clinical reviewer.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from lectures import demo_content
from lectures.models import (
    GuideIndexPage,
    GuidePage,
    LearnIndexPage,
    LecturePage,
    LectureSeriesPage,
    Speaker,
    Topic,
)
from portal.models import User

REVIEWER_EMAIL = "reviewer@example.org"  # the demo account from portal.demo
REVIEWER_NAME = "Dr. Elena Ortiz"
REVIEWER_CREDENTIALS = "MD, Addiction Psychiatry"


def _publish(parent, model, slug, fields, m2m, reviewer=None):
    page = model.objects.child_of(parent).filter(slug=slug).first()
    if page is None:
        page = model(slug=slug, **fields)
        parent.add_child(instance=page)
        created = True
    else:
        for name, value in fields.items():
            setattr(page, name, value)
        created = False
    for name, values in m2m.items():
        getattr(page, name).set(values)
    page.save_revision(user=reviewer).publish(user=reviewer)
    return page, created


def _paragraphs(text):
    return "".join(f"<p>{para.strip()}</p>" for para in text.strip().split("\n\n"))


@transaction.atomic
def seed_learning_content(log):
    """Speakers, 8+ reviewed guides and 2 lecture series of 4 lectures, cross-linked."""
    learn = LearnIndexPage.objects.get()
    guides_index = GuideIndexPage.objects.get()
    topics = {topic.slug: topic for topic in Topic.objects.all()}
    reviewed_on = timezone.localdate() - datetime.timedelta(days=30)
    # Published as the demo clinical reviewer, as the Clinical review workflow would.
    reviewer = User.objects.filter(email__iexact=REVIEWER_EMAIL).first()

    speakers = {}
    for data in demo_content.SPEAKERS:
        speaker, _created = Speaker.objects.update_or_create(
            name=data["name"],
            defaults={k: v for k, v in data.items() if k != "key" and k != "name"},
        )
        speakers[data["key"]] = speaker

    guides = {}
    for data in demo_content.GUIDES:
        fields = {
            "title": data["title"],
            "summary": data["summary"],
            "audience": data.get("audience", "all"),
            "start_here": data.get("start_here", False),
            "body": data["body"],
            "reviewed_by_name": REVIEWER_NAME,
            "reviewed_by_credentials": REVIEWER_CREDENTIALS,
            "reviewed_on": reviewed_on,
            "next_review_due": reviewed_on + datetime.timedelta(days=365),
        }
        page, created = _publish(
            guides_index,
            GuidePage,
            data["slug"],
            fields,
            {"topics": [topics[slug] for slug in data["topics"]]},
            reviewer,
        )
        guides[data["slug"]] = page
        log(f"{'created' if created else 'kept'} guide {page.slug}")

    # Cross-links need every guide to exist first.
    for data in demo_content.GUIDES:
        related = [guides[slug] for slug in data.get("related", [])]
        page = guides[data["slug"]]
        body = [(block.block_type, block.value) for block in page.body]
        if related and not any(block_type == "related" for block_type, _v in body):
            page.body.append(("related", {"title": "Related reading", "pages": related}))
            page.save_revision(user=reviewer).publish(user=reviewer)

    for series_data in demo_content.SERIES:
        series, created = _publish(
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
            reviewer,
        )
        log(f"{'created' if created else 'kept'} series {series.slug}")
        for data in series_data["lectures"]:
            lecture, created = _publish(
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
                reviewer,
            )
            log(f"{'created' if created else 'kept'} lecture {lecture.slug}")
