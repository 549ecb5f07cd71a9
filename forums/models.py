"""Forums data: shared moderation records, live Q&A and peer-support rooms.

Shared by both features: :class:`WatchedWord` (the moderators' screening list) and
:class:`ModerationAction` (every moderator action, who/what/target/reason/when; never
the text a family typed).
"""

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from forums import screening

WATCHED_TERMS_CACHE_KEY = "forums:watched-terms"


class WatchedWord(models.Model):
    """A word or phrase moderators watch for, with what happens when it appears."""

    class Action(models.TextChoices):
        BLOCK = screening.BLOCK, _("Block: refuse it and tell the author why")
        HOLD = screening.HOLD, _("Hold for review")
        FLAG = screening.FLAG, _("Show it, and flag it for a moderator")
        CRISIS = screening.CRISIS, _("Crisis language: hold, alert moderators, show crisis help")

    phrase = models.CharField(
        _("word or phrase"),
        max_length=100,
        help_text=_("Matched on whole words, ignoring case, accents and punctuation."),
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    explanation = models.CharField(
        _("explanation shown to the author"),
        max_length=300,
        blank=True,
        help_text=_("Leave empty for the standard wording of the action."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("watched word")
        verbose_name_plural = _("watched words")
        ordering = ["phrase"]
        constraints = [
            models.UniqueConstraint(Lower("phrase"), name="forums_watchedword_phrase_unique"),
            models.CheckConstraint(
                condition=models.Q(
                    action__in=[screening.BLOCK, screening.HOLD, screening.FLAG, screening.CRISIS]
                ),
                name="forums_watchedword_action_valid",
            ),
        ]

    def __str__(self):
        return self.phrase

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        cache.delete(WATCHED_TERMS_CACHE_KEY)

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        cache.delete(WATCHED_TERMS_CACHE_KEY)
        return result

    @classmethod
    def terms(cls):
        """Every watched word as :class:`screening.WatchedTerm`, cached until one changes."""
        terms = cache.get(WATCHED_TERMS_CACHE_KEY)
        if terms is None:
            terms = tuple(
                screening.WatchedTerm(word.phrase, word.action, word.explanation)
                for word in cls.objects.all()
            )
            cache.set(WATCHED_TERMS_CACHE_KEY, terms, timeout=300)
        return terms


class ModerationAction(models.Model):
    """One moderator action in Q&A or a room. Carries ids and the moderator's reason,
    never the text a family typed (the log is read by many staff)."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="forum_moderation_actions",
    )
    action = models.CharField(_("action"), max_length=40, db_index=True)
    # Where it happened: "qa:<slug>" or "room:<slug>", so the log filters by place.
    context = models.CharField(_("where"), max_length=120, db_index=True)
    target_type = models.CharField(_("target type"), max_length=20)
    target_id = models.BigIntegerField(_("target id"), null=True, blank=True)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member concerned"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="forum_moderation_subject_of",
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("moderation action")
        verbose_name_plural = _("moderation log")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["context", "-created_at"], name="forums_modlog_context"),
            models.Index(fields=["actor", "-created_at"], name="forums_modlog_actor"),
        ]

    def __str__(self):
        return f"{self.action} {self.target_type}:{self.target_id} ({self.context})"


# ======================================================================================
# Live Q&A (issue 5): sessions after a lecture or event, questions, votes.
# ======================================================================================
QUESTION_LENGTH_MIN = 40
QUESTION_LENGTH_MAX = 2000
ANONYMOUS_NAME = "Anonymous"
FORMER_MEMBER_NAME = "former member"


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


# ======================================================================================
# Peer-support rooms (issue 6): rooms, open hours, memberships, messages, flags.
# ======================================================================================
from modelcluster.fields import ParentalKey  # noqa: E402
from modelcluster.models import ClusterableModel  # noqa: E402
from wagtail.fields import RichTextField  # noqa: E402

MESSAGE_MAX_LENGTH = 2000


class Room(ClusterableModel):
    """A small moderated room. Members post under their display name (a pseudonym)."""

    class Access(models.TextChoices):
        VERIFIED = "verified", _("Any verified member")
        INVITED = "invited", _("Invited members only")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed (read-only)")
        ARCHIVED = "archived", _("Archived (hidden)")

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    audience = models.CharField(_("who it is for"), max_length=200, blank=True)
    guidelines = RichTextField(
        _("guidelines"),
        features=["bold", "italic", "ol", "ul", "link"],
        help_text=_("Members accept these before posting, and again whenever they change."),
    )
    guidelines_changed_at = models.DateTimeField(editable=False, null=True)
    access = models.CharField(
        _("access"), max_length=10, choices=Access.choices, default=Access.VERIFIED
    )
    slow_mode_seconds = models.PositiveIntegerField(
        _("slow mode (seconds between messages per member)"), default=0
    )
    hold_first_messages = models.PositiveSmallIntegerField(
        _("hold a new member's first messages"),
        default=0,
        help_text=_("How many of a new member's first messages wait for review (0: none)."),
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    moderators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderators"),
        blank=True,
        related_name="moderated_rooms",
        help_text=_("The room's leads: shown to members and alerted by email on crisis holds."),
    )
    sort_order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("peer room")
        verbose_name_plural = _("peer rooms")
        ordering = ["sort_order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(slow_mode_seconds__lte=3600), name="forums_room_slow_mode_max"
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        previous = None
        if self.pk:
            previous = Room.objects.filter(pk=self.pk).values_list("guidelines", flat=True).first()
        if previous is None or previous != self.guidelines or self.guidelines_changed_at is None:
            from django.utils import timezone

            self.guidelines_changed_at = timezone.now()
        super().save(*args, **kwargs)

    @property
    def topic(self):
        return f"room.{self.pk}"


class RoomOpenHours(models.Model):
    """One weekly opening (weekday, start, end) in the site's time zone."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    room = ParentalKey(Room, on_delete=models.CASCADE, related_name="open_hours")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    starts_at = models.TimeField(_("opens at"))
    ends_at = models.TimeField(_("closes at"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["weekday", "starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="forums_roomopenhours_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(weekday__lte=6), name="forums_roomopenhours_weekday"
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M}-{self.ends_at:%H:%M}"


class RoomMembership(models.Model):
    """A member's place in a room: invitation, guidelines accepted, mute and ban."""

    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="room_memberships"
    )
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="memberships")
    invited = models.BooleanField(
        _("invited"), default=False, help_text=_("Needed to join an invite-only room.")
    )
    guidelines_accepted_at = models.DateTimeField(
        _("guidelines accepted at"), null=True, blank=True
    )
    muted_until = models.DateTimeField(_("muted until"), null=True, blank=True)
    banned = models.BooleanField(_("banned"), default=False)
    ban_reason = models.CharField(_("ban reason"), max_length=500, blank=True)
    banned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("banned by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    banned_at = models.DateTimeField(null=True, blank=True)
    hidden_members = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="hidden_by"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("room membership")
        verbose_name_plural = _("room memberships")
        constraints = [
            models.UniqueConstraint(fields=["account", "room"], name="forums_membership_unique")
        ]

    def __str__(self):
        return f"{self.account_id} in {self.room_id}"


class Message(models.Model):
    """A message in a room. Held messages are seen only by their author and moderators."""

    class State(models.TextChoices):
        VISIBLE = "visible", _("Visible")
        HELD = "held", _("Held for review")
        REMOVED = "removed", _("Removed")

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="room_messages",
    )
    membership = models.ForeignKey(
        RoomMembership, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    body = models.TextField(_("message"), max_length=MESSAGE_MAX_LENGTH)
    reply_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.VISIBLE)
    removal_reason = models.CharField(max_length=500, blank=True)
    deleted_by_author = models.BooleanField(default=False)
    # Why it was held (screening finding kinds); urgent = crisis language.
    hold_kinds = models.JSONField(default=list, blank=True)
    # What the screening matched, in a moderator's words (shown in the review queue).
    hold_reasons = models.JSONField(default=list, blank=True)
    urgent = models.BooleanField(default=False)
    is_checkin = models.BooleanField(default=False)
    pinned = models.BooleanField(default=False)
    client_ref = models.CharField(max_length=64, null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("room message")
        verbose_name_plural = _("room messages")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["room", "state", "id"], name="forums_message_room_state"),
            models.Index(fields=["room", "author", "-created_at"], name="forums_message_author"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "client_ref"],
                condition=models.Q(client_ref__isnull=False),
                name="forums_message_client_ref_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=["visible", "held", "removed"]),
                name="forums_message_state_valid",
            ),
        ]

    def __str__(self):
        return f"message {self.pk} in {self.room_id}"


class Flag(models.Model):
    """A member's report of a message (or the screening's automatic flag)."""

    class Reason(models.TextChoices):
        HARASSMENT = "harassment", _("Harassment or unkindness")
        IDENTIFYING = "identifying", _("Identifying details")
        MEDICAL = "medical", _("Medical advice")
        CRISIS = "crisis", _("Someone may be in crisis")
        SPAM = "spam", _("Spam")
        OTHER = "other", _("Something else")

    class Resolution(models.TextChoices):
        REMOVED = "removed", _("Message removed")
        DISMISSED = "dismissed", _("No action needed")

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="flags")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="room_flags",
    )
    automatic = models.BooleanField(default=False)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=20, choices=Resolution.choices, blank=True)

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["message", "reporter"],
                condition=models.Q(reporter__isnull=False),
                name="forums_flag_one_per_reporter",
            )
        ]

    def __str__(self):
        return f"flag {self.pk} on {self.message_id}"
