"""Core screens in Wagtail admin: outgoing mail (what the worker sent, what waits, what
failed — and "Try again"; administrators only: the list names recipients), and who may
edit the organisation's details (content editors and clinical reviewers)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from portal import outbox, roles
from portal.models import OrganisationSettings, OutgoingMail


class OrganisationSettingsPolicy(ModelPermissionPolicy):
    """Settings → Organisation: content editors and clinical reviewers (who can do
    everything editors can, docs/roles-and-privacy.md) change it, as does anyone a
    group grants ``portal.change_organisationsettings`` and administrators. The roles are
    read in code: the reviewers' group never received the permission row."""

    def user_has_permission(self, user, action):
        if action == "change" and roles.has_any_role(user, roles.EDITORIAL_ROLES):
            return True
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


register_permission_policy(OrganisationSettings, OrganisationSettingsPolicy(OrganisationSettings))


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Mail is written by the portal, never by hand: administrators may look (and try a
    failed mail again), nobody adds or edits. Administrators only, whatever a group is
    given: the list names recipients."""

    def user_has_permission(self, user, action):
        if action in ("add", "change", "delete") or not user.is_superuser:
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class RetryColumn(Column):
    cell_template_name = "portal/admin/retry_cell.html"


@require_POST
def retry(request, pk):
    if not ReadOnlyPolicy(OutgoingMail).user_has_permission(request.user, "view"):
        raise PermissionDenied
    mail = get_object_or_404(OutgoingMail, pk=pk)
    if outbox.retry([mail.pk]):
        messages.success(request, _("The mail is queued again."))
    else:
        messages.warning(request, _("Only failed mail can be tried again."))
    return redirect("outgoing_mail:index")


class OutgoingMailViewSet(ModelViewSet):
    model = OutgoingMail
    icon = "mail"
    menu_label = _("Outgoing mail")
    add_to_settings_menu = True
    url_prefix = "outgoing-mail"
    url_namespace = "outgoing_mail"
    list_display = [
        "get_kind_display",
        Column("to", label=_("To")),
        "status",
        "attempts",
        "created_at",
        "next_attempt_at",
        "last_error",
        RetryColumn("retry", label=""),
    ]
    list_filter = ["status", "kind"]
    inspect_view_enabled = True
    inspect_view_fields = [
        "kind",
        "to",
        "subject",
        "status",
        "attempts",
        "created_at",
        "attempted_at",
        "next_attempt_at",
        "sent_at",
        "last_error",
    ]
    form_fields = []

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/retry/", retry, name="retry"),
        ]


register_permission_policy(OutgoingMail, ReadOnlyPolicy(OutgoingMail))


@hooks.register("register_admin_viewset")
def register_outgoing_mail():
    return OutgoingMailViewSet("outgoing_mail")
