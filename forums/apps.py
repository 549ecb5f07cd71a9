from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumsConfig(AppConfig):
    """Live Q&A sessions and moderated peer-support rooms over Channels."""

    name = "forums"
    verbose_name = _("Live Q&A and peer rooms")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from forums import demo_rooms, rooms_signals
        from forums.models import Flag, Message, ModerationAction, Room, RoomMembership
        from forums.services import privacy as forums_privacy
        from portal import demo as portal_demo
        from portal import navigation, privacy

        privacy.register(
            "forums",
            models=[ModerationAction, Room, RoomMembership, Message, Flag],
            export=forums_privacy.export_member_data,
            erase=forums_privacy.erase_member_data,
        )
        # Peer rooms
        rooms_signals.connect()
        portal_demo.register("forums_rooms", demo_rooms.seed_rooms, order=35)
        navigation.register(
            "rooms", _("Peer rooms"), url="forums:rooms", order=30, also_current=("/moderation/",)
        )
