"""Editor screens for Learn: the "Review due" report and the dashboard reminder."""

import datetime

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.views.reports import PageReportView
from wagtail.permission_policies.pages import PagePermissionPolicy

from lectures import services


class ReviewDueReportView(PageReportView):
    """Guides whose next clinical review date has passed, for editors and reviewers."""

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
        self.queryset = services.guides_due_for_review().filter(pk__in=editable.values("pk"))
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
    """On the admin dashboard: how many guides are past their review date."""

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
    count = services.guides_due_for_review().count()
    if count:
        panels.append(ReviewDuePanel(count))
