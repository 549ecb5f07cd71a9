from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from portal import account_data, checks, demo, outbox, privacy, worker  # noqa: F401

        privacy.register(
            "portal",
            models=account_data.PERSONAL_MODELS,
            export=account_data.export_account_data,
            erase=account_data.erase_account_data,
            # The core erases last: feature apps may need the profile to anonymise.
            order=1000,
        )
        demo.register("portal", demo.seed_core_accounts, order=0)
        demo.register("portal site address", demo.seed_site_address, order=1)
        worker.register("mail recovery", outbox.sweep)
        worker.register("forget old mail and task rows", outbox.prune)
