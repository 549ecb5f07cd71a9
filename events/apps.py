from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    """Multi-family therapy groups and family education events, with sign-ups."""

    name = "events"
    verbose_name = _("Groups & events")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from events import demo, services
        from events.models import CalendarFeed, Event, Registration
        from portal import demo as portal_demo
        from portal import navigation, privacy, worker

        privacy.register(
            "events",
            models=[Registration, CalendarFeed, Event],
            export=services.export_registrations,
            erase=services.erase_registrations,
        )
        portal_demo.register("events", demo.seed_events, order=40)
        worker.register("event reminders", services.send_due_reminders)
        navigation.register("events", _("Groups & events"), url="events:index", order=40)
