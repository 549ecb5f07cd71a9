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
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from forums.live import errors
from forums.live.errors import ServiceError
from forums.models import QASession, QuestionVote
from forums.qa import presenter
from forums.qa import services as qa
from portal.templatetags.portal_tags import crisis_resources

# Words the Q&A script shows (translated here, passed to the page with json_script).
QA_STRINGS = {
    "stateScheduled": gettext_lazy("Scheduled"),
    "stateOpen": gettext_lazy("Open"),
    "stateClosed": gettext_lazy("Closed"),
    "bannerOpen": gettext_lazy("This session is open: ask and upvote questions."),
    "bannerClosed": gettext_lazy("This session has ended. The questions stay here to read."),
    "bannerScheduled": gettext_lazy("This session has not started yet."),
    "nowScheduled": gettext_lazy("The session is now scheduled."),
    "nowOpen": gettext_lazy("The session is now open."),
    "nowClosed": gettext_lazy("The session is now closed."),
    "nowAnswering": gettext_lazy("Now answering"),
    "nowAnsweringText": gettext_lazy("Now answering: %(text)s"),
    "answered": gettext_lazy("Answered"),
    "answer": gettext_lazy("Answer"),
    "answerText": gettext_lazy("Answer: %(answer)s"),
    "upvote": gettext_lazy("Upvote"),
    "upvoted": gettext_lazy("Upvoted"),
    "upvotedRemove": gettext_lazy("Upvoted, remove my vote"),
    "voteOne": gettext_lazy("%(count)s vote"),
    "voteMany": gettext_lazy("%(count)s votes"),
    "voteNotCounted": gettext_lazy("Your vote was not counted."),
    "waiting": gettext_lazy("Waiting for the moderator"),
    "notPublished": gettext_lazy("Not published"),
    "notPublishedReason": gettext_lazy("Not published: %(reason)s"),
    "sending": gettext_lazy("Sending…"),
    "queued": gettext_lazy(
        "You are offline. Your question will be sent when the connection is back."
    ),
    "sent": gettext_lazy("Thank you. Your question was sent."),
    "pending": gettext_lazy("Thank you. Your question is waiting for the moderator."),
    "failed": gettext_lazy("That did not work. Please try again."),
    "newQuestion": gettext_lazy("New question: %(text)s"),
    "nextQuestion": gettext_lazy("The next question will appear here."),
    # The moderator console.
    "urgentBadge": gettext_lazy("Urgent: crisis language"),
    "urgentWaiting": gettext_lazy("Urgent question waiting for approval."),
    "newWaiting": gettext_lazy("New question waiting for approval."),
    "anonymousAuthor": gettext_lazy("Anonymous (%(author)s)"),
    "heldFor": gettext_lazy("held for: %(findings)s"),
    "actionsFor": gettext_lazy("Actions for question %(id)s"),
    "approve": gettext_lazy("Approve"),
    "approved": gettext_lazy("Approved."),
    "edit": gettext_lazy("Edit"),
    "editAnswer": gettext_lazy("Edit answer"),
    "reject": gettext_lazy("Reject"),
    "rejected": gettext_lazy("Rejected."),
    "hide": gettext_lazy("Hide"),
    "hidden": gettext_lazy("Hidden."),
    "pin": gettext_lazy("Pin: now answering"),
    "pinned": gettext_lazy("Pinned."),
    "unpin": gettext_lazy("Unpin"),
    "unpinned": gettext_lazy("Unpinned."),
    "markAnswered": gettext_lazy("Mark answered"),
    "markedAnswered": gettext_lazy("Marked answered."),
    "cancel": gettext_lazy("Cancel"),
    "save": gettext_lazy("Save"),
    "saveApprove": gettext_lazy("Save and approve"),
    "saved": gettext_lazy("Saved."),
    "editedQuestion": gettext_lazy("Edited question (remove names and identifying details)"),
    "reasonLabel": gettext_lazy("Reason (the asker sees it)"),
    "answerLabel": gettext_lazy("Typed answer (optional; it is published with the question)"),
    "sessionOpened": gettext_lazy("The session is open."),
    "sessionClosed": gettext_lazy("The session is closed."),
    # The connection line.
    "connecting": gettext_lazy("Connecting…"),
    "reconnecting": gettext_lazy("Reconnecting…"),
    "live": gettext_lazy("Live"),
    "offline": gettext_lazy("Connection lost — reconnecting…"),
    "refused": gettext_lazy("This page cannot connect. Please reload."),
}


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
        "strings": QA_STRINGS,
    }


# The participant page holds the reader's own questions (pending or not published) and
# votes, the console every held question and who asked it: no cache keeps a copy
# (``Cache-Control: no-store``, as /my-account/). The presenter view shows only
# published questions, like the public archive.
@never_cache
def session_page(request, slug):
    session = _session(slug)
    order = "newest" if request.GET.get("order") == "newest" else "votes"
    return render(request, "forums/qa/session.html", _page_context(request, session, order=order))


@never_cache  # a refused question is shown again, with what was typed
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
        except ServiceError as error:
            if error.code == errors.CONFLICT:  # e.g. the session closed meanwhile
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
    except ServiceError as error:
        messages.error(request, error.message)
    return redirect(reverse("forums:qa-session", args=[slug]) + f"#question-{question_id}")


@never_cache
def moderate(request, slug):
    session = _session(slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not qa.can_moderate(request.user, session):
        raise PermissionDenied
    return render(request, "forums/qa/moderate.html", {"session": session, "strings": QA_STRINGS})


# How many questions the projector lists after the one being answered (qa.js reads it
# from the page): as many as stay readable from the back of a room at 1280×720.
PRESENTER_NEXT = 3


def present(request, slug):
    """The projector's view: the question being answered in large type, the next few,
    and where to ask (the full address and its QR code). Shows only published
    questions, like the public archive, so anybody may open it (as before)."""
    session = _session(slug)
    questions = list(
        qa.public_questions(session).filter(state=qa.State.VISIBLE)[: PRESENTER_NEXT + 1]
    )
    pinned = next((question for question in questions if question.pinned), None)
    address = presenter.session_address(session)
    return render(
        request,
        "forums/qa/present.html",
        {
            "session": session,
            "pinned": pinned,
            "questions": [question for question in questions if not question.pinned][
                :PRESENTER_NEXT
            ],
            "next_count": PRESENTER_NEXT,
            "address": address,
            "address_html": presenter.breakable(address),
            "qr_svg": presenter.qr_svg(
                address, label=_("QR code of the address %(address)s") % {"address": address}
            ),
            # The same lines as every page's footer (from the database, or the built-in
            # ones when it is down), as one small line.
            "crisis": crisis_resources(),
            "strings": QA_STRINGS,
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
