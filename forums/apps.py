from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumsConfig(AppConfig):
    """Live Q&A sessions and moderated peer-support rooms over Channels."""

    name = "forums"
    verbose_name = _("Live Q&A and peer rooms")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from forums import privacy as forums_privacy
        from forums.models import Flag, Message, ModerationAction, Room, RoomMembership
        from portal import privacy

        privacy.register(
            "forums",
            models=[ModerationAction, *self._qa_models(), Room, RoomMembership, Message, Flag],
            export=forums_privacy.export_member_data,
            erase=forums_privacy.erase_member_data,
        )
        self._ready_qa()
        self._ready_rooms()
        self._ready_screening()
        self._ready_notes()

    def _ready_notes(self):
        from forums.rooms import reply_notes
        from portal import worker

        worker.register("room reply notes", reply_notes.send_reply_notes)

    # --- screening ----------------------------------------------------------------------
    def _ready_screening(self):
        from forums import screening
        from forums.live import moderation
        from forums.live.models import ModerationAction
        from forums.screening.model import get_model
        from portal import audit, display_names, signals, warmup

        # Display names belong to the core, screening to forums: the core asks the
        # registered detector and announces a refused crisis name; forums alerts.
        display_names.register_crisis_detector(screening.is_crisis)
        # The staff audit trail's rows live here; the core offers it to other apps.
        audit.register(
            record=moderation.record_action,
            entries=lambda: ModerationAction.objects.all(),  # newest first (Meta.ordering)
        )
        # A server trains the crisis model before it listens, not on the first message.
        warmup.register("crisis screening model", get_model)

        def alert_moderators(sender, account, where, **kwargs):
            moderation.report_crisis_in_name(account, where=where)

        signals.crisis_in_display_name.connect(
            alert_moderators, weak=False, dispatch_uid="forums-crisis-in-display-name"
        )

    # --- live Q&A -----------------------------------------------------------------------
    def _qa_models(self):
        from forums.models import QASession, Question, QuestionVote

        return [Question, QuestionVote, QASession]

    def _ready_qa(self):
        from django.db import transaction
        from django.db.models.signals import post_delete, post_save

        from forums.models import QASession
        from forums.qa import demo as demo_qa
        from lectures import services as lectures_services
        from portal import demo as portal_demo
        from portal import navigation

        # Lectures never import forums: a lecture page lists its answered questions
        # through the reverse relation (``page.qa_sessions.answered_questions``).

        # A session edited or deleted anywhere (admin, shell, cascade) changes the lecture
        # pages that list its answered questions, possibly one it no longer points at:
        # purge the cached Learn pages after the commit, as lectures does for its snippets.
        def purge_learn_after_commit(**kwargs):
            transaction.on_commit(lectures_services.purge_published_pages)

        for signal in (post_save, post_delete):
            signal.connect(
                purge_learn_after_commit,
                sender=QASession,
                weak=False,  # a local function: nothing else keeps it alive
                dispatch_uid=f"forums-qa-purge-learn-{id(signal)}",
            )
        portal_demo.register("forums_qa", demo_qa.seed_qa, order=50)
        navigation.register("qa", _("Live Q&A"), url="forums:qa-index", order=20)

    # --- peer rooms ---------------------------------------------------------------------
    def _ready_rooms(self):
        from forums.rooms import demo as demo_rooms
        from forums.rooms import signals as rooms_signals
        from portal import demo as portal_demo
        from portal import navigation

        rooms_signals.connect()
        portal_demo.register("forums_rooms", demo_rooms.seed_rooms, order=35)
        navigation.register(
            "rooms", _("Peer rooms"), url="forums:rooms", order=30, also_current=("/moderation/",)
        )
