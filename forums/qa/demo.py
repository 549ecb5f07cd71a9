"""Demo live Q&A for ``manage.py seed_demo`` (idempotent: found by slug).

One open session with visible, pending and answered questions, and one closed archive
linked to a lecture (its answers appear on the lecture page).
"""

from datetime import timedelta

from django.utils import timezone

from forums.models import ANONYMOUS_NAME, QASession, Question, QuestionVote
from lectures.models import LecturePage
from portal.models import User

OPEN_SLUG = "family-night-live"
ARCHIVE_SLUG = "understanding-iop-qa"


def _name(user):
    profile = getattr(user, "profile", None)
    return getattr(profile, "display_name", "") or "Member"


def _question(session, author, text, state, *, anonymous=False, answer="", votes=(), **extra):
    question, created = Question.objects.get_or_create(
        session=session,
        text=text,
        defaults={
            "author": author,
            "shown_name": ANONYMOUS_NAME if anonymous else _name(author),
            "state": state,
            "answer": answer,
            "answered_at": timezone.now() if state == Question.State.ANSWERED else None,
            **extra,
        },
    )
    if created:
        for voter in votes:
            QuestionVote.objects.get_or_create(question=question, voter=voter)
        question.vote_count = question.votes.count()
        question.save(update_fields=["vote_count"])
    return question


def seed_qa(log):
    family1 = User.objects.filter(email="family1@example.org").first()
    family2 = User.objects.filter(email="family2@example.org").first()
    moderator = User.objects.filter(email="moderator@example.org").first()
    if family1 is None or family2 is None:
        log("live Q&A: demo families missing; skipped")
        return
    lecture = LecturePage.objects.live().order_by("path").first()
    now = timezone.now()
    live_session, _ = QASession.objects.get_or_create(
        slug=OPEN_SLUG,
        defaults={
            "title": "Family night: ask the clinicians",
            "description": "Ask about tonight's talk, treatment, or supporting your family member.",
            "starts_at": now - timedelta(minutes=15),
            "state": QASession.State.OPEN,
        },
    )
    if moderator is not None:
        live_session.moderators.add(moderator)
    voters = [family1, family2]
    _question(
        live_session,
        family1,
        "How can we talk about relapse without it sounding like an accusation?",
        Question.State.VISIBLE,
        votes=voters,
        pinned=True,
    )
    _question(
        live_session,
        family2,
        "Is it normal to feel relieved and guilty at the same time when treatment starts?",
        Question.State.VISIBLE,
        anonymous=True,
        votes=[family1],
    )
    _question(
        live_session,
        family2,
        "What should we do over the weekend when the program is closed?",
        Question.State.ANSWERED,
        answer="Agree on a weekend plan together with your family member and their counselor.",
    )
    _question(
        live_session,
        family1,
        "Can siblings come to the multi-family group too?",
        Question.State.PENDING,
        anonymous=True,
    )
    archive, created = QASession.objects.get_or_create(
        slug=ARCHIVE_SLUG,
        defaults={
            "title": "Understanding IOP: questions after the lecture",
            "starts_at": now - timedelta(days=7),
            "state": QASession.State.CLOSED,
            "lecture": lecture,
        },
    )
    _question(
        archive,
        family1,
        "How long does an intensive outpatient program usually last?",
        Question.State.ANSWERED,
        answer="Most families see 8 to 12 weeks, then a step down to weekly outpatient care.",
        votes=voters,
    )
    _question(
        archive,
        family2,
        "Will we be told what our family member says in group?",
        Question.State.ANSWERED,
        anonymous=True,
        answer="No: what is said in group stays private unless someone is in danger.",
        votes=[family1],
    )
    log(f"live Q&A: /qa/{OPEN_SLUG}/ (open) and /qa/{ARCHIVE_SLUG}/ (archive)")
