"""Editor panels for Learn pages."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import Panel


class ReadabilityPanel(Panel):
    """The Flesch–Kincaid grade of the saved page text, with the grade 6–8 target, and
    for guides a warning when the clinical review is overdue."""

    def __init__(self, **kwargs):
        kwargs.setdefault("heading", _("Readability"))
        super().__init__(**kwargs)

    class BoundPanel(Panel.BoundPanel):
        template_name = "lectures/admin/readability_panel.html"

        def get_context_data(self, parent_context=None):
            from lectures import readability

            context = super().get_context_data(parent_context)
            context["readability"] = readability.measure(self.instance.readability_text())
            context["target_low"] = readability.TARGET_LOW
            context["target_high"] = readability.TARGET_HIGH
            context["review_overdue"] = getattr(self.instance, "review_overdue", False)
            context["next_review_due"] = getattr(self.instance, "next_review_due", None)
            return context
