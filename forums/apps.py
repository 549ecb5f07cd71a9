from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumsConfig(AppConfig):
    """Live Q&A sessions and moderated peer-support rooms over Channels."""

    name = "forums"
    verbose_name = _("Live Q&A and peer rooms")
    default_auto_field = "django.db.models.BigAutoField"
