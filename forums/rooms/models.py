"""Peer-support room data: rooms, open hours, memberships, messages and flags."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.fields import RichTextField

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
        # Members connected now accepted the old guidelines: the post_save signal has
        # their sockets reconnect, to be asked again (forums.rooms.signals).
        self.guidelines_renewed = previous is not None and previous != self.guidelines
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
            # The client's idempotency key: a repeat of a frame (after a reconnect) is
            # the same message; the same client_ref in another room is another one.
            models.UniqueConstraint(
                fields=["author", "room", "client_ref"],
                condition=models.Q(client_ref__isnull=False),
                name="forums_message_client_ref_per_room",
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
