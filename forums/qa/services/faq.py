"""Answered questions become published knowledge: an FAQ entry in a guide, reviewed
before it is published."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from forums.live import errors
from forums.live.errors import ServiceError
from forums.live.moderation import moderator_action
from forums.models import Question
from forums.qa.services.access import can_curate_answers

State = Question.State

FAQ_TITLE = "Questions from families"

# What happened to the guide's workflow when an FAQ entry was added (FAQConversion.workflow).
FAQ_SUBMITTED = "submitted"  # no review was running: the draft was submitted
FAQ_RESUBMITTED = "resubmitted"  # the reviewer had asked for changes: review resumed
FAQ_ALREADY_IN_REVIEW = "already_in_review"  # added to the draft under review
FAQ_NO_WORKFLOW = "no_workflow"  # the page has no workflow: saved as a draft only


@dataclass(frozen=True)
class FAQConversion:
    revision: object
    workflow: str


def _submit_for_review(page, user):
    """Send ``page``'s latest revision to its workflow the way Wagtail's editor does;
    return one of the ``FAQ_*`` outcomes."""
    from wagtail.models import WorkflowState

    workflow = page.get_workflow()
    if workflow is None:
        return FAQ_NO_WORKFLOW
    current = page.current_workflow_state
    if current is None:
        workflow.start(page, user)
        return FAQ_SUBMITTED
    if current.status == WorkflowState.STATUS_NEEDS_CHANGES:
        # Left alone it stays "changes requested" forever: no reviewer sees the entry.
        current.resume(user)
        return FAQ_RESUBMITTED
    # A review is running. Restarting it would throw away the reviewers' progress;
    # approving publishes the latest revision, which now holds the entry.
    return FAQ_ALREADY_IN_REVIEW


def add_question_to_faq(question_id, page, user, *, question_text=None, answer_text=None):
    """Append an answered question to the FAQ of ``page`` (a guide) as a NEW DRAFT revision
    and submit it to the page's workflow (clinical review); the live page is unchanged until
    a reviewer approves. A review that requested changes is resumed with the new draft; a
    review already running keeps going with the entry in its latest draft. A moderator
    action (an editor, reviewer or administrator who can edit the page), logged with its
    actor. Returns a
    :class:`FAQConversion` (the revision, and what happened to the workflow)."""
    from django.template.defaultfilters import linebreaks_filter
    from wagtail.rich_text import RichText

    question = Question.objects.select_related("session").get(pk=question_id)
    if question.state != State.ANSWERED:
        raise ServiceError(errors.CONFLICT, _("Only answered questions can become FAQ entries."))
    page = page.specific

    def authorise(actor):
        if not can_curate_answers(actor):
            raise ServiceError(
                errors.FORBIDDEN, _("Only editors and reviewers add questions to an FAQ.")
            )
        if not page.permissions_for_user(actor).can_edit():
            raise ServiceError(errors.FORBIDDEN, _("You cannot edit that page."))

    with moderator_action(
        user, "faq", context=question.session.context, authorise=authorise
    ) as record:
        if not hasattr(page, "body") or "faq" not in getattr(
            page.body.stream_block, "child_blocks", {}
        ):
            raise ServiceError(errors.INVALID, _("That page has no FAQ section."))
        question_text = (question_text or question.text).strip()[:300]
        answer_text = (answer_text or question.answer).strip()
        if not question_text or not answer_text:
            raise ServiceError(
                errors.INVALID, _("An FAQ entry needs a question and a typed answer.")
            )
        draft = page.get_latest_revision_as_object()
        entry = {"question": question_text, "answer": RichText(linebreaks_filter(answer_text))}
        body = list(draft.body)
        faq_index = max(
            (i for i, block in enumerate(body) if block.block_type == "faq"), default=None
        )
        faq_block = draft.body.stream_block.child_blocks["faq"]
        list_block = faq_block.child_blocks["questions"]
        if faq_index is None:
            value = faq_block.to_python(
                {"title": FAQ_TITLE, "questions": [list_block.child_block.get_prep_value(entry)]}
            )
            draft.body.append(("faq", value))
        else:
            value = draft.body[faq_index].value
            items = [item for item in value["questions"]] + [entry]
            value["questions"] = list_block.normalize(items)
            draft.body[faq_index] = ("faq", value)
        revision = draft.save_revision(user=user, log_action=True)
        outcome = _submit_for_review(page, user)
        record.target(
            "question", question.pk, page_id=page.pk, revision_id=revision.pk, workflow=outcome
        )
    return FAQConversion(revision, outcome)
