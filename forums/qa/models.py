"""Live Q&A data: sessions after a lecture or event, questions and votes."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

QUESTION_LENGTH_MIN = 40
QUESTION_LENGTH_MAX = 2000
ANONYMOUS_NAME = "Anonymous"
FORMER_MEMBER_NAME = "former member"


class QASessionQuerySet(models.QuerySet):
    def answered_questions(self):
        """The answered questions of these sessions (answered questions are public), the
        most voted first: what a lecture page shows through its reverse relation,
        ``lecture.qa_sessions.answered_questions``."""
        return Question.objects.filter(session__in=self, state=Question.State.ANSWERED).order_by(
            "-vote_count", "answered_at", "id"
        )


class QASession(models.Model):
    """A live Q&A session: families ask, moderators approve, pin and answer."""

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    title = models.CharField(_("title"), max_length=160)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.CharField(
        _("short description"),
        max_length=300,
        blank=True,
        help_text=_("Shown to families above the questions."),
    )
    lecture = models.ForeignKey(
        "lectures.LecturePage",
        verbose_name=_("lecture"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="qa_sessions",
    )
    event = models.ForeignKey(
        "events.Event",
        verbose_name=_("event"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="qa_sessions",
    )
    starts_at = models.DateTimeField(_("scheduled start"))
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.SCHEDULED
    )
    premoderation = models.BooleanField(
        _("moderators approve every question first"),
        default=True,
        help_text=_("Recommended. Crisis language and personal details are always held."),
    )
    anonymous_allowed = models.BooleanField(_("families may ask anonymously"), default=True)
    max_question_length = models.PositiveSmallIntegerField(
        _("question length limit (characters)"), default=500
    )
    moderators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("session moderators"),
        blank=True,
        related_name="moderated_qa_sessions",
        help_text=_("Besides the Moderators group, these accounts may run this session."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = QASessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("live Q&A session")
        verbose_name_plural = _("live Q&A sessions")
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=["scheduled", "open", "closed"]),
                name="forums_qasession_state_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(max_question_length__gte=QUESTION_LENGTH_MIN)
                & models.Q(max_question_length__lte=QUESTION_LENGTH_MAX),
                name="forums_qasession_length_limit_range",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def topic(self):
        return f"qa.{self.pk}"

    @property
    def context(self):
        """Where moderation actions happened, for the shared log."""
        return f"qa:{self.slug}"

    @property
    def is_open(self):
        return self.state == self.State.OPEN

    @property
    def is_closed(self):
        return self.state == self.State.CLOSED


class Question(models.Model):
    """A family's question. The author is private: others see ``shown_name`` only."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for the moderator")
        VISIBLE = "visible", _("Visible")
        ANSWERED = "answered", _("Answered")
        REJECTED = "rejected", _("Not published")

    session = models.ForeignKey(
        QASession, verbose_name=_("session"), on_delete=models.CASCADE, related_name="questions"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="qa_questions",
    )
    shown_name = models.CharField(_("shown name"), max_length=80)
    text = models.TextField(_("question"))
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    pinned = models.BooleanField(_("now answering"), default=False)
    urgent = models.BooleanField(
        _("urgent"), default=False, help_text=_("Crisis language was found when it was asked.")
    )
    screening = models.JSONField(_("screening findings"), default=list, blank=True)
    screening_reasons = models.JSONField(_("why it was held"), default=list, blank=True)
    answer = models.TextField(_("moderator's answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    rejection_reason = models.CharField(_("reason not published"), max_length=300, blank=True)
    vote_count = models.PositiveIntegerField(_("votes"), default=0)
    # The client's id for the ask frame: a frame re-sent after a reconnect finds its row.
    client_ref = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["session", "state"], name="forums_question_state")]
        constraints = [
            models.UniqueConstraint(
                fields=["session"],
                condition=models.Q(pinned=True),
                name="forums_question_one_pinned_per_session",
            ),
            models.UniqueConstraint(
                fields=["author", "client_ref"],
                condition=~models.Q(client_ref=""),
                name="forums_question_client_ref_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=["pending", "visible", "answered", "rejected"]),
                name="forums_question_state_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(pinned=False) | models.Q(state="visible"),
                name="forums_question_only_visible_pinned",
            ),
        ]

    def __str__(self):
        return f"Question {self.pk} ({self.state})"

    @property
    def is_public(self):
        return self.state in (self.State.VISIBLE, self.State.ANSWERED)


class QuestionVote(models.Model):
    """One upvote by one account on one question (a toggle).

    When the account is erased the vote stays, without the account (``voter`` empty):
    tallies are recounted from these rows, and an answered question's tally is final, so
    deleting the votes would lower counts others already saw and can no longer change.
    """

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="qa_votes",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("question vote")
        verbose_name_plural = _("question votes")
        constraints = [
            models.UniqueConstraint(fields=["question", "voter"], name="forums_vote_once")
        ]

    def __str__(self):
        return f"Vote {self.voter_id} on question {self.question_id}"
