from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    """Multi-family therapy groups and family education events, with sign-ups."""

    name = "events"
    verbose_name = _("Groups & events")
    default_auto_field = "django.db.models.BigAutoField"
