"""Clinical review: who may approve a Learn or Guides page, the review stamp an approval
writes, and which revisions may go live.

Guides and lectures carry clinical content and a review stamp (``ClinicalReviewStamp``);
series and the two section pages go through the same workflow without one.

Guarantees:

- Nobody approves their own work: a reviewer who wrote any revision of the page that is
  not yet published may not approve it (``approval_refusal``); another reviewer does.
- Approving a guide or lecture writes the stamp (the reviewer's name and credentials,
  today's date, the next review date) into the revision that goes live, in the same
  transaction as the approval and the publication, logged with the reviewer's account.
- The admin publishes a guide or lecture only from a revision that carries a current stamp
  given to that very revision (``publication_refusal``): a new draft copies the stamp's
  fields but is not reviewed until it is approved.
"""

import datetime

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from modelcluster.models import get_serializable_data_for_fields
from wagtail.log_actions import log
from wagtail.models import Page, Revision, TaskState

from lectures.models import ClinicalReviewer, ClinicalReviewStamp, LearningPage

REVIEW_INTERVAL = relativedelta(months=12)
LONGEST_REVIEW_INTERVAL = relativedelta(years=3)
STAMP_LOG_ACTION = "lectures.review_stamp"
STAMP_FIELDS = (
    "reviewed_by_name",
    "reviewed_by_credentials",
    "reviewed_on",
    "next_review_due",
    "reviewed_revision",
)


class ClinicalReviewRefused(PermissionDenied):
    """An approval the clinical-review rules do not allow; the message says why."""


def _page_class(page):
    if isinstance(page, type):
        return page
    return getattr(page, "specific_class", None) or type(page)


def carries_review_stamp(page):
    """Whether ``page`` (a page object of any class, or a page class) is of a type that
    carries a review stamp: guides and lectures."""
    return issubclass(_page_class(page), ClinicalReviewStamp)


def goes_live_by_review_only(page):
    """Whether ``page`` (a page object or class) goes live only by an approval in
    Clinical review: every page type of Learn and Guides (stamped or not)."""
    return issubclass(_page_class(page), LearningPage)


def stamp_defaults(user, today=None):
    """The approval form's starting values for ``user``: their name and credentials as on
    their last approval (else their account's full name) and the next review in 12 months."""
    today = today or timezone.localdate()
    defaults = {"next_review_due": today + REVIEW_INTERVAL}
    if user is None or not user.pk:
        return defaults
    reviewer = ClinicalReviewer.objects.filter(user=user).first()
    if reviewer is not None:
        defaults.update(reviewer_name=reviewer.name, reviewer_credentials=reviewer.credentials)
    elif user.get_full_name():
        defaults["reviewer_name"] = user.get_full_name()
    return defaults


def unpublished_revisions(page):
    """The page's revisions written since its live revision (all of them if never live)."""
    revisions = Revision.objects.for_instance(page)
    live_revision_id = (
        Page.objects.filter(pk=page.pk).values_list("live_revision", flat=True).first()
    )
    if live_revision_id is not None:
        revisions = revisions.filter(pk__gt=live_revision_id)
    return revisions


# What a revision holds besides what the page says: Wagtail's bookkeeping, inline comments
# (saving one makes a revision), the review stamp and derived values. A revision that
# differs from the one before only in these was not *written* by its author.
NOT_WRITING = frozenset(
    {
        "pk",
        "path",
        "depth",
        "numchild",
        "url_path",
        "draft_title",
        "live",
        "has_unpublished_changes",
        "first_published_at",
        "last_published_at",
        "live_revision",
        "latest_revision",
        "latest_revision_created_at",
        "expired",
        "locked",
        "locked_at",
        "locked_by",
        "owner",
        "content_type",
        "locale",
        "translation_key",
        "alias_of",
        "comments",
        "wagtail_admin_comments",
        "reading_minutes",
        *STAMP_FIELDS,
    }
)


def _what_it_says(revision):
    return {key: value for key, value in revision.content.items() if key not in NOT_WRITING}


def wrote_unpublished_changes(page, user):
    """Whether ``user`` wrote a revision of ``page`` that is not published yet and that
    changed what the page says (saving only a comment or nothing new does not count)."""
    mine = list(unpublished_revisions(page).filter(user=user).order_by("pk"))
    for revision in mine:
        previous = (
            Revision.objects.for_instance(page).filter(pk__lt=revision.pk).order_by("-pk").first()
        )
        if previous is None or _what_it_says(previous) != _what_it_says(revision):
            return True
    return False


def approval_refusal(page, user):
    """Why ``user`` may not approve ``page`` in Clinical review, or None.

    Nobody approves their own work: not the latest revision, nor any other revision that
    would go live with this approval."""
    if user is None or not user.pk:
        return None
    if wrote_unpublished_changes(page, user):
        return _(
            "You wrote changes to this page that are not published yet, so another "
            "clinical reviewer must approve it. Nobody approves their own work."
        )
    return None


def stamp_revision(revision, *, name, credentials, reviewed_on, next_review_due):
    """Write the review stamp into ``revision`` of a guide or lecture, naming the revision
    itself as the one reviewed. Returns the revision."""
    page = revision.as_object()
    page.reviewed_by_name = name
    page.reviewed_by_credentials = credentials
    page.reviewed_on = reviewed_on
    page.next_review_due = next_review_due
    page.reviewed_revision_id = revision.pk
    data = get_serializable_data_for_fields(page)
    revision.content = {**revision.content, **{field: data[field] for field in STAMP_FIELDS}}
    revision.save(update_fields=["content"])
    return revision


def approval_form_data(data):
    """The approval form's data from what a workflow view passed on: the modal's cleaned
    data (dates), or the edit view's posted JSON (anything). Only text and dates are kept,
    so odd JSON is a field error, never a server error."""
    if not isinstance(data, dict):
        return {}
    return {
        key: value.isoformat() if isinstance(value, datetime.date) else value
        for key, value in data.items()
        if isinstance(value, str | datetime.date)
    }


@transaction.atomic
def approve(task_state, user, data):
    """Approve ``task_state`` of the Clinical review task as ``user`` with the approval
    form's ``data`` (name, credentials, next review date, comment).

    Refuses (``ClinicalReviewRefused``, nothing changed) a reviewer who wrote unpublished
    changes to the page, or data the approval form does not accept. For a guide or lecture,
    stamps the latest revision (the one Wagtail publishes when the workflow finishes) with
    today's date, remembers the reviewer's name and credentials for their next approval,
    and logs the stamp; then approves the task, which publishes the page (or schedules it
    for its go-live date)."""
    from lectures.forms import ClinicalApprovalForm

    page = task_state.workflow_state.content_object.specific
    refusal = approval_refusal(page, user)
    if refusal:
        raise ClinicalReviewRefused(refusal)
    form = ClinicalApprovalForm(approval_form_data(data), page=page, user=user)
    if not form.is_valid():
        raise ClinicalReviewRefused(form.error_summary())
    stamp = form.stamp()
    if stamp is not None:
        revision = page.get_latest_revision()
        stamp_revision(revision, reviewed_on=form.today, **stamp)
        ClinicalReviewer.objects.update_or_create(
            user=user, defaults={"name": stamp["name"], "credentials": stamp["credentials"]}
        )
        log(
            instance=page,
            action=STAMP_LOG_ACTION,
            user=user,
            revision=revision,
            data={
                "reviewed_by_name": stamp["name"],
                "reviewed_by_credentials": stamp["credentials"],
                "reviewed_on": form.today.isoformat(),
                "next_review_due": stamp["next_review_due"].isoformat(),
            },
        )
    return task_state.approve(user=user, comment=form.cleaned_data["comment"])


def publication_refusal(revision, today=None):
    """Why ``revision`` may not be published from the admin, or None.

    A page of Learn or Guides goes live only from a revision approved in Clinical review.
    For a guide or lecture that is a revision stamped for itself whose next review date
    has not come yet; for a series or section page, a revision with an approved task."""
    page = revision.as_object()
    if not goes_live_by_review_only(page):
        return None
    not_approved = _(
        "Pages in Learn and Guides go live only through Clinical review: this version has "
        "not been approved by a clinical reviewer. It is saved as a draft; choose "
        "“Submit to Clinical review”, and another reviewer approves it."
    )
    if not carries_review_stamp(page):
        approved = TaskState.objects.filter(
            revision=revision, status=TaskState.STATUS_APPROVED
        ).exists()
        return None if approved else not_approved
    today = today or timezone.localdate()
    if page.reviewed_revision_id != revision.pk:
        return not_approved
    if page.next_review_due is None or page.next_review_due <= today:
        return _(
            "The clinical review of this version was due on %(date)s. Submit it to "
            "Clinical review again before it goes live."
        ) % {"date": date_format(page.next_review_due or today, "DATE_FORMAT")}
    return None


def keep_refused_page_offline(page):
    """After publishing ``page`` was refused: a page the create view just made for
    publishing is live by Wagtail's default (``live=True``, no live revision); make it the
    unpublished draft it is. A page that was published before is left as it was."""
    if page.live and page.live_revision_id is None:
        Page.objects.filter(pk=page.pk).update(live=False, has_unpublished_changes=True)
        page.live = False


def export_reviewer(user):
    """The privacy export: how ``user`` is named in the review stamps they give."""
    reviewer = ClinicalReviewer.objects.filter(user=user).first()
    if reviewer is None:
        return {}
    return {"clinical_reviewer": {"name": reviewer.name, "credentials": reviewer.credentials}}


def erase_reviewer(user):
    """The privacy erase: forget how ``user`` is named. The stamps already on pages stay:
    they are the public record of who reviewed the page."""
    ClinicalReviewer.objects.filter(user=user).delete()
