"""What both live features share: the moderators' watched words and the audit trail.

:class:`WatchedWord` is the moderators' screening list; :class:`ModerationAction` records
every staff action (who, what, target, reason, when; never the text a family typed).
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
