"""Live Q&A pages: the index, the participant page (a readable list without JavaScript,
with plain POST forms to ask and vote), the moderator console and the presenter view."""

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from forums import protocol
from forums.models import QASession, QuestionVote
from forums.services import qa


class AskForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Your question"),
        widget=forms.Textarea(attrs={"rows": 3}),
        strip=True,
    )
    anonymous = forms.BooleanField(label=gettext_lazy("Ask anonymously"), required=False)

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        limit = session.max_question_length
        self.fields["text"].max_length = limit
        self.fields["text"].widget.attrs["maxlength"] = limit
        self.fields["text"].help_text = _(
            "Up to %(limit)s characters. A moderator reads every question before it is shown. "
            "Please leave out names and other details that could identify your family."
        ) % {"limit": limit}
        if session.anonymous_allowed:
            self.fields["anonymous"].help_text = _(
                'Others see "Anonymous" instead of your display name.'
            )
        else:
            del self.fields["anonymous"]


def index(request):
    open_sessions, upcoming, archives = qa.listed_sessions()
    return render(
        request,
        "forums/qa/index.html",
        {"open_sessions": open_sessions, "upcoming": upcoming, "archives": archives},
    )


def _session(slug):
    return get_object_or_404(QASession.objects.select_related("lecture", "event"), slug=slug)


def _page_context(request, session, *, order="votes", form=None):
    questions = list(qa.public_questions(session, order=order))
    mine, my_votes = [], set()
    if request.user.is_authenticated:
        mine = list(
            session.questions.filter(
                author=request.user, state__in=[qa.State.PENDING, qa.State.REJECTED]
            ).order_by("id")
        )
        my_votes = set(
            QuestionVote.objects.filter(question__session=session, voter=request.user).values_list(
                "question_id", flat=True
            )
        )
    return {
        "session": session,
        "questions": questions,
        "pinned": next((question for question in questions if question.pinned), None),
        "mine": mine,
        "my_votes": my_votes,
        "order": order,
        "form": form or AskForm(session=session),
        "is_moderator": qa.can_moderate(request.user, session),
    }


def session_page(request, slug):
    session = _session(slug)
    order = "newest" if request.GET.get("order") == "newest" else "votes"
    return render(request, "forums/qa/session.html", _page_context(request, session, order=order))


@require_POST
def ask(request, slug):
    session = _session(slug)
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("forums:qa-session", args=[slug]))
    form = AskForm(request.POST, session=session)
    if form.is_valid():
        try:
            question, verdict, _created = qa.ask_question(
                session.pk,
                request.user,
                form.cleaned_data["text"],
                anonymous=form.cleaned_data.get("anonymous", False),
            )
        except protocol.ProtocolError as error:
            if error.code == protocol.CONFLICT:  # e.g. the session closed meanwhile
                messages.error(request, error.message)
                return redirect("forums:qa-session", slug=slug)
            form.add_error("text", error.message)
        else:
            if question.urgent:
                messages.warning(request, verdict.explanation)
            elif question.state == qa.State.PENDING:
                messages.success(
                    request, _("Thank you. Your question is waiting for the moderator.")
                )
            else:
                messages.success(request, _("Thank you. Your question is on the list."))
            return redirect("forums:qa-session", slug=slug)
    # Show the form again with its errors: nothing typed is lost.
    return render(
        request, "forums/qa/session.html", _page_context(request, session, form=form), status=400
    )


@require_POST
def vote(request, slug, question_id):
    session = _session(slug)
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("forums:qa-session", args=[slug]))
    up = request.POST.get("up") == "1"
    try:
        qa.vote(session.pk, request.user, question_id, up)
    except protocol.ProtocolError as error:
        messages.error(request, error.message)
    return redirect(reverse("forums:qa-session", args=[slug]) + f"#question-{question_id}")


def moderate(request, slug):
    session = _session(slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not qa.can_moderate(request.user, session):
        raise PermissionDenied
    return render(request, "forums/qa/moderate.html", {"session": session})


def present(request, slug):
    session = _session(slug)
    questions = list(qa.public_questions(session).filter(state=qa.State.VISIBLE)[:6])
    pinned = next((question for question in questions if question.pinned), None)
    return render(
        request,
        "forums/qa/present.html",
        {
            "session": session,
            "pinned": pinned,
            "questions": [question for question in questions if not question.pinned][:5],
        },
    )


urlpatterns = [
    path("qa/", index, name="qa-index"),
    path("qa/<slug:slug>/", session_page, name="qa-session"),
    path("qa/<slug:slug>/ask/", ask, name="qa-ask"),
    path("qa/<slug:slug>/questions/<int:question_id>/vote/", vote, name="qa-vote"),
    path("qa/<slug:slug>/moderate/", moderate, name="qa-moderate"),
    path("qa/<slug:slug>/present/", present, name="qa-present"),
]
