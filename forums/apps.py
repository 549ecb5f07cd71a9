from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumsConfig(AppConfig):
    """Live Q&A sessions and moderated peer-support rooms over Channels."""

    name = "forums"
    verbose_name = _("Live Q&A and peer rooms")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from forums.models import ModerationAction
        from forums.services import privacy as forums_privacy
        from portal import privacy

        privacy.register(
            "forums",
            models=[ModerationAction],
            export=forums_privacy.export_member_data,
            erase=forums_privacy.erase_member_data,
        )
