"""Wagtail admin for live Q&A: sessions (Moderators and superusers; created, edited and
deleted through the Q&A services, each change logged with its actor, a change of the
session's moderators as a record of its own) and answered questions, which content
editors, clinical reviewers and administrators can add to a guide's FAQ (a new draft
revision submitted to the clinical review workflow).

The answered-questions list holds only answered questions: pending (crisis holds among
them), rejected and hidden questions are the moderators' business, in the console."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.forms import modelform_factory
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import CreateView, DeleteView, EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.log_actions import log
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from forums.live.errors import ServiceError
from forums.models import QASession, Question
from forums.qa import services as qa
from lectures.models import GuidePage
from portal.admin_viewsets import ListOnlyViewSet

SESSION_FIELDS = [
    "title",
    "slug",
    "description",
    "lecture",
    "event",
    "starts_at",
    "state",
    "premoderation",
    "anonymous_allowed",
    "max_question_length",
    "moderators",
]


class QASessionForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "moderators" in self.fields:
            self.fields["moderators"].widget = forms.CheckboxSelectMultiple()
            # Staff accounts only (e.g. the guest clinician, a clinical reviewer): never
            # the whole list of families. The service refuses anyone else too.
            self.fields["moderators"].queryset = qa.moderator_candidates().order_by("email")


class SessionServiceView:
    """A ``ServiceError`` from ``save_instance`` undoes the whole save (Wagtail's
    transaction) and is shown on the form, on the field it concerns."""

    error_field = None

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ServiceError as error:
            fields = [name for name in (error.fields or {}) if name in form.fields]
            for name in fields or [self.error_field]:
                form.add_error(name, error.message)
            self.produced_error_message = error.message
            return self.form_invalid(form)


def _session_details(form):
    return {
        name: form.cleaned_data[name] for name in qa.SESSION_DETAILS if name in form.cleaned_data
    }


class QASessionCreateView(SessionServiceView, CreateView):
    """A new session through ``qa.create_session``: logged with the actor and the
    moderators it names."""

    def save_instance(self):
        data = self.form.cleaned_data
        session = qa.create_session(
            self.request.user,
            moderators=data.get("moderators") or (),
            state=data.get("state") or QASession.State.SCHEDULED,
            **_session_details(self.form),
        )
        log(session, "wagtail.create", user=self.request.user)
        return session


class QASessionEditView(SessionServiceView, EditView):
    """The details and the moderators through ``qa.edit_session`` (each logged with the
    actor; connected clients get the new details); a new state through
    ``qa.set_session_state`` in the same transaction, as from the moderator console, so
    connected clients see it (and the unpin on close) and the log records it."""

    error_field = "state"

    def save_instance(self):
        data = self.form.cleaned_data
        moderators = data.get("moderators") if "moderators" in self.form.fields else None
        self.error_field = None
        session = qa.edit_session(
            self.object.pk,
            self.request.user,
            changes=_session_details(self.form),
            moderators=moderators,
        )
        new_state = data.get("state")
        if new_state is not None and new_state != session.state:
            self.error_field = "state"
            session = qa.set_session_state(session.pk, self.request.user, new_state)
        log(session, "wagtail.edit", user=self.request.user)
        return session


class QASessionDeleteView(DeleteView):
    """Only administrators delete a session (its questions go with it): through
    ``qa.delete_session``, logged with the actor."""

    def delete_action(self):
        try:
            with transaction.atomic():  # Wagtail's history entry only with the deletion
                log(self.object, "wagtail.delete", user=self.request.user, deleted=True)
                qa.delete_session(self.object.pk, self.request.user)
        except ServiceError as error:
            raise PermissionDenied(error.message) from None


def _console_link(session):
    return format_html(
        '<a href="{}">{}</a>', reverse("forums:qa-moderate", args=[session.slug]), _("Console")
    )


class QASessionViewSet(ModelViewSet):
    model = QASession
    icon = "help"
    menu_label = gettext_lazy("Sessions")
    form_fields = SESSION_FIELDS
    copy_view_enabled = False
    add_view_class = QASessionCreateView
    edit_view_class = QASessionEditView
    delete_view_class = QASessionDeleteView
    list_display = [
        "title",
        "starts_at",
        "state",
        "lecture",
        Column("console", label=gettext_lazy("Console"), accessor=_console_link),
    ]
    list_filter = ["state"]
    search_fields = ["title"]
    ordering = ["-starts_at"]

    def get_form_class(self, for_update=False):
        return modelform_factory(QASession, form=QASessionForm, fields=SESSION_FIELDS)


class AnsweredQuestionsPolicy(ModelPermissionPolicy):
    """Answered questions are looked at to become FAQ entries: by content editors,
    clinical reviewers (everything editors can, ``docs/roles-and-privacy.md``) and
    administrators (``qa.can_curate_answers``), whatever a group's rows say (Moderators
    hold ``view_question`` from an old migration: they answer in the console and need no
    list). Nobody adds, edits or deletes a question here: answers change in the console."""

    def user_has_permission(self, user, action):
        return action == "view" and qa.can_curate_answers(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


answered_questions_policy = AnsweredQuestionsPolicy(Question)
register_permission_policy(Question, answered_questions_policy)


def _faq_link(question):
    return format_html(
        '<a href="{}">{}</a>', reverse("forums_question_faq", args=[question.pk]), _("Add to FAQ")
    )


def _asked_in(question):
    return question.session.title


class AnsweredQuestionIndexView(IndexView):
    """Only what the list's name says: answered questions."""

    def get_base_queryset(self):
        return Question.objects.filter(state=Question.State.ANSWERED).select_related("session")


class AnsweredQuestionViewSet(ListOnlyViewSet):
    """Answered questions, read-only, each with "Add to FAQ"."""

    model = Question
    icon = "help"
    menu_label = gettext_lazy("Answered questions")
    index_view_class = AnsweredQuestionIndexView
    copy_view_enabled = False
    inspect_view_enabled = False
    form_fields = ["text"]
    list_display = [
        "text",
        Column("session", label=gettext_lazy("Session"), accessor=_asked_in),
        "answered_at",
        "vote_count",
        Column("faq", label=gettext_lazy("FAQ"), accessor=_faq_link),
    ]
    search_fields = ["text", "answer"]
    ordering = ["-answered_at"]


class LiveQAGroup(ModelViewSetGroup):
    menu_label = gettext_lazy("Live Q&A")
    menu_icon = "help"
    menu_order = 240
    items = (QASessionViewSet("forums_qasession"), AnsweredQuestionViewSet("forums_question"))


@hooks.register("register_admin_viewset")
def register_qa_viewsets():
    return LiveQAGroup()


class FAQForm(forms.Form):
    page = forms.ModelChoiceField(
        label=gettext_lazy("Guide"),
        queryset=GuidePage.objects.none(),
        help_text=gettext_lazy(
            "The entry is added to the guide's FAQ as a new draft and sent to clinical review."
        ),
    )
    question = forms.CharField(label=gettext_lazy("Question"), max_length=300)
    answer = forms.CharField(label=gettext_lazy("Answer"), widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        editable = [
            page.pk
            for page in GuidePage.objects.all()
            if page.permissions_for_user(user).can_edit()
        ]
        self.fields["page"].queryset = GuidePage.objects.filter(pk__in=editable).order_by("title")


FAQ_MESSAGES = {
    qa.FAQ_SUBMITTED: (
        messages.SUCCESS,
        gettext_lazy("Added to the FAQ of “%(title)s” as a draft, sent to clinical review."),
    ),
    qa.FAQ_RESUBMITTED: (
        messages.SUCCESS,
        gettext_lazy(
            "Added to the FAQ of “%(title)s” as a draft. The reviewer had asked for "
            "changes: the guide was sent back to clinical review."
        ),
    ),
    qa.FAQ_ALREADY_IN_REVIEW: (
        messages.WARNING,
        gettext_lazy(
            "Added to the FAQ of “%(title)s” in the draft that is already in clinical "
            "review. Tell the reviewer: approving the review publishes this entry too."
        ),
    ),
    qa.FAQ_NO_WORKFLOW: (
        messages.WARNING,
        gettext_lazy(
            "Added to the FAQ of “%(title)s” as a draft. This page has no review "
            "workflow: it is not published until someone publishes the draft."
        ),
    ),
}


def _report_faq_conversion(request, page, outcome):
    level, text = FAQ_MESSAGES[outcome]
    messages.add_message(request, level, text % {"title": page.title})


def add_to_faq(request, pk):
    if not answered_questions_policy.user_has_permission(request.user, "view"):
        raise PermissionDenied
    question = get_object_or_404(
        Question.objects.select_related("session"), pk=pk, state=Question.State.ANSWERED
    )
    initial = {"question": question.text[:300], "answer": question.answer}
    form = FAQForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            conversion = qa.add_question_to_faq(
                question.pk,
                form.cleaned_data["page"],
                request.user,
                question_text=form.cleaned_data["question"],
                answer_text=form.cleaned_data["answer"],
            )
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            page = form.cleaned_data["page"]
            _report_faq_conversion(request, page, conversion.workflow)
            return redirect("wagtailadmin_pages:edit", page.pk)
    return TemplateResponse(
        request,
        "forums/qa/admin/add_to_faq.html",
        {"question": question, "form": form, "page_title": _("Add to FAQ")},
    )


@hooks.register("register_admin_urls")
def register_qa_admin_urls():
    return [path("forums/questions/<int:pk>/faq/", add_to_faq, name="forums_question_faq")]
