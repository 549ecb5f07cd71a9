"""A member's live Q&A data, for the privacy hub: exported and erased."""

from django.db import transaction

from forums.models import ANONYMOUS_NAME, FORMER_MEMBER_NAME, Question, QuestionVote


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
    to its votes)."""
    with transaction.atomic():
        QuestionVote.objects.filter(voter=user).update(voter=None)
        Question.objects.filter(author=user).exclude(shown_name=ANONYMOUS_NAME).update(
            shown_name=FORMER_MEMBER_NAME
        )
        Question.objects.filter(author=user).update(author=None, client_ref="")
