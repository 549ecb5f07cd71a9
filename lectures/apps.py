from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LecturesConfig(AppConfig):
    """Wagtail pages for learning: lecture series, lectures, recovery guides."""

    name = "lectures"
    verbose_name = _("Learn")
    default_auto_field = "django.db.models.BigAutoField"
