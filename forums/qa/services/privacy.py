"""A member's live Q&A data, for the privacy hub: exported and erased."""

from django.db import transaction

from forums.models import ANONYMOUS_NAME, FORMER_MEMBER_NAME, Question, QuestionVote
from forums.qa.services.snapshot import broadcast_question


def export_questions(user):
    """Everything the member asked (with its state and answer) and every vote they cast."""
    return {
        "questions": [
            {
                "session": question.session.title,
                "asked": question.created_at.isoformat(),
                "shown_as": question.shown_name,
                "text": question.text,
                "state": question.state,
                "answer": question.answer,
            }
            for question in Question.objects.filter(author=user).select_related("session")
        ],
        "votes": [
            {"session": vote.question.session.title, "question_id": vote.question_id}
            for vote in QuestionVote.objects.filter(voter=user).select_related("question__session")
        ],
    }


def erase_questions(user):
    """Keep questions others voted on and answers rely on, without the person; keep
    their votes without the account, so every tally stays what families saw (and equal
    to its votes). Connected screens stop showing the person's name too: each question's
    new view reaches the moderators (and the public list, when published) after the
    commit."""
    with transaction.atomic():
        question_ids = list(Question.objects.filter(author=user).values_list("pk", flat=True))
        QuestionVote.objects.filter(voter=user).update(voter=None)
        Question.objects.filter(author=user).exclude(shown_name=ANONYMOUS_NAME).update(
            shown_name=FORMER_MEMBER_NAME
        )
        Question.objects.filter(author=user).update(author=None, client_ref="")
        erased = Question.objects.filter(pk__in=question_ids).select_related("session")
        for question in erased.order_by("id"):
            broadcast_question(question.session, question, was_public=question.is_public)
