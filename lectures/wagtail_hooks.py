"""Editor screens for Learn: the "Review due" report, the dashboard reminder, and the
admin's side of Clinical review (no publishing around it, no approving one's own work,
unfinished drafts pointed out)."""

import datetime
import json

from django.apps import apps
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.views.reports import PageReportView
from wagtail.permission_policies.pages import PagePermissionPolicy

from lectures import services
from lectures.forms import ClinicalApprovalForm
from lectures.models import ClinicalReviewTask, LearningPage
from lectures.services import clinical_review, drafts


class ReviewDueReportView(PageReportView):
    """Guides and lectures whose next clinical review date has passed, for editors and
    reviewers."""

    page_title = _("Review due")
    header_icon = "warning"
    results_template_name = "lectures/admin/reports/review_due_results.html"
    index_url_name = "lectures_review_due"
    index_results_url_name = "lectures_review_due_results"
    list_export = PageReportView.list_export + ["reviewed_on", "next_review_due"]
    export_headings = {
        **PageReportView.export_headings,
        "reviewed_on": _("Reviewed on"),
        "next_review_due": _("Next review due"),
    }
    permission_required = "change"

    def get_filename(self):
        return f"review-due-{datetime.date.today():%Y-%m-%d}"

    def get_queryset(self):
        editable = PagePermissionPolicy().instances_user_has_permission_for(
            self.request.user, "change"
        )
        self.queryset = services.pages_due_for_review().filter(pk__in=editable.values("pk"))
        return super().get_queryset()


class ReviewDueMenuItem(MenuItem):
    def is_shown(self, request):
        return PagePermissionPolicy().user_has_any_permission(request.user, ["change", "publish"])


@hooks.register("register_admin_urls")
def register_review_due_urls():
    return [
        path("reports/review-due/", ReviewDueReportView.as_view(), name="lectures_review_due"),
        path(
            "reports/review-due/results/",
            ReviewDueReportView.as_view(results_only=True),
            name="lectures_review_due_results",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_review_due_menu_item():
    return ReviewDueMenuItem(
        _("Review due"),
        reverse("lectures_review_due"),
        name="review-due",
        icon_name="warning",
        order=650,
    )


class ReviewDuePanel(Component):
    """On the admin dashboard: how many guides and lectures are past their review date."""

    name = "lectures_review_due"
    template_name = "lectures/admin/review_due_panel.html"
    order = 90

    def __init__(self, count):
        self.count = count

    def get_context_data(self, parent_context):
        return {"count": self.count, "report_url": reverse("lectures_review_due")}


@hooks.register("construct_homepage_panels")
def add_review_due_panel(request, panels):
    if not PagePermissionPolicy().user_has_any_permission(request.user, ["change", "publish"]):
        return
    count = services.pages_due_for_review().count()
    if count:
        panels.append(ReviewDuePanel(count))


# --- Clinical review ----------------------------------------------------------------


@hooks.register("register_log_actions")
def register_review_stamp_log_action(actions):
    actions.register_action(
        clinical_review.STAMP_LOG_ACTION,
        _("Clinical review stamp"),
        _("Stamped as clinically reviewed"),
    )


def _refuse(request, page, message):
    messages.error(request, message)
    return redirect("wagtailadmin_pages:edit", page.pk)


@hooks.register("before_publish_page")
def refuse_publishing_without_a_current_stamp(request, page):
    """*Publish* in the create and edit views (after they saved the revision): a page in
    Learn or Guides goes live only from a revision approved in Clinical review (for a
    guide or lecture, with a current stamp), so the new draft stays a draft. A hidden
    button is not enough: this refuses the request itself."""
    if not clinical_review.goes_live_by_review_only(page):
        return None
    revision = page.get_latest_revision()
    refusal = clinical_review.publication_refusal(revision) if revision is not None else None
    if revision is None or refusal:
        clinical_review.keep_refused_page_offline(page)
        return _refuse(request, page, refusal or gettext("This page has no saved version."))
    return None


@hooks.register("before_bulk_action")
def refuse_bulk_publishing_without_a_current_stamp(request, action_type, objects, action):
    if action_type != "publish":
        return None
    pages = [obj for obj in objects if hasattr(obj, "get_descendants")]
    form = getattr(action, "cleaned_form", None)
    if form is not None and form.cleaned_data.get("include_descendants"):
        for page in list(pages):
            pages.extend(page.get_descendants().not_live())
    refused = []
    for page in pages:
        if not clinical_review.goes_live_by_review_only(page):
            continue
        revision = page.get_latest_revision()
        if revision is None or clinical_review.publication_refusal(revision):
            refused.append(page.get_admin_display_title())
    if not refused:
        return None
    messages.error(
        request,
        gettext(
            "Nothing was published. Pages in Learn and Guides go live only through "
            "Clinical review, and these have no approved version: %(titles)s."
        )
        % {"titles": ", ".join(refused)},
    )
    return redirect(action.next_url)


def _page_class_of_menu(request, context):
    page = context.get("page")
    if page is not None:
        return page.specific_class
    kwargs = request.resolver_match.kwargs if request.resolver_match else {}
    try:
        return apps.get_model(
            kwargs.get("content_type_app_name", ""), kwargs.get("content_type_model_name", "")
        )
    except (LookupError, ValueError):
        return None


@hooks.register("construct_page_action_menu")
def hide_publish_on_reviewed_pages(menu_items, request, context):
    """No *Publish* button in Learn and Guides: pages go live by approval
    (refuse_publishing_without_a_current_stamp refuses a posted one anyway)."""
    page_class = _page_class_of_menu(request, context)
    if page_class is not None and clinical_review.goes_live_by_review_only(page_class):
        menu_items[:] = [item for item in menu_items if item.name != "action-publish"]


@hooks.register("before_edit_page")
def check_a_review_action_from_the_edit_view(request, page):
    """A workflow action in the edit view ("Approve and Publish", "Request changes") posts
    the modal's data as JSON. Check it, and that the reviewer did not write the page,
    before the view saves anything: a refusal is a message on the edit view, never a
    half-done approval nor a server error on malformed JSON."""
    if request.method != "POST" or not request.POST.get("action-workflow-action"):
        return None
    if not isinstance(page.current_workflow_task, ClinicalReviewTask):
        return None
    try:
        data = json.loads(request.POST.get("workflow-action-extra-data", "{}"))
    except ValueError:
        data = None
    # Wagtail passes the data to the task as keyword arguments beside its own.
    if not isinstance(data, dict) or data.keys() & {"task_state", "user", "action_name"}:
        return _refuse(
            request, page, gettext("The review form did not arrive: nothing was changed.")
        )
    if request.POST.get("workflow-action-name") != "approve":
        return None
    refusal = clinical_review.approval_refusal(page, request.user)
    if refusal is None:
        form = ClinicalApprovalForm(
            clinical_review.approval_form_data(data), page=page, user=request.user
        )
        if not form.is_valid():
            refusal = form.error_summary()
    if refusal:
        return _refuse(request, page, refusal)
    if _edits_the_page(request, page):
        # The view saves the edit as the reviewer's revision first; the approval is then
        # refused (their own writing) and the admin only says "no permission": say why.
        messages.warning(
            request,
            gettext(
                "Your changes are saved as a draft. You cannot approve your own changes: "
                "another clinical reviewer must approve this page."
            ),
        )
    return None


def _edits_the_page(request, page):
    """Whether the edit view will save this POST as a new revision (it asks the same
    form). A fresh copy of the draft: a bound form writes into its instance."""
    form_class = page.get_edit_handler().get_form_class()
    form = form_class(
        request.POST,
        request.FILES,
        instance=page.get_latest_revision_as_object(),
        parent_page=page.get_parent(),
        for_user=request.user,
    )
    return form.has_changed()


@hooks.register("before_create_page")
def point_at_unfinished_drafts(request, parent_page, page_class):
    """ "Add guide" (or lecture, series) where this editor left an unfinished draft of the
    same kind, e.g. one Wagtail autosaved: offer to continue it."""
    if request.method != "GET" or not issubclass(page_class, LearningPage):
        return None
    unfinished = drafts.unfinished_drafts(parent_page, page_class, request.user)
    for draft in unfinished[: drafts.DRAFTS_SHOWN]:
        messages.warning(
            request,
            drafts.unfinished_draft_notice(draft),
            buttons=[messages.button(drafts.edit_url(draft), gettext("Continue this draft"))],
        )
    return None
