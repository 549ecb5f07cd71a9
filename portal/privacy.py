"""The privacy hub: every app declares what it holds about a person.

Each app registers one *holder* from its ``AppConfig.ready()``:

    privacy.register(
        "events",
        models=[Registration],
        export=export_registrations,   # (user) -> JSON-serialisable data
        erase=erase_registrations,     # (user) -> None; delete, or anonymise what others rely on
    )

``export_user_data`` gathers every holder's export into one document (My account →
Download my data); ``erase_account`` runs every holder's erase and then deletes the
account (My account → Delete my account). ``unregistered_personal_models`` lists the
models of the portal's own apps that point at a user but belong to no holder: the test
suite requires it to be empty, so an app that forgets to register fails a test.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone

# The apps whose models must be covered by a holder. Third-party apps (Wagtail,
# allauth) are covered by the core's own holder where they store personal data.
PORTAL_APPS = ("portal", "lectures", "forums", "events")


@dataclass(frozen=True)
class DataHolder:
    app_label: str
    models: tuple = field(default_factory=tuple)
    export: Callable[[Any], Any] = None
    erase: Callable[[Any], None] = None
    order: int = 100


_holders: dict[str, DataHolder] = {}


def register(app_label, *, models, export, erase, order=100):
    """Declare what ``app_label`` holds about a user. Registering twice replaces."""
    if not callable(export) or not callable(erase):
        raise TypeError("A privacy holder needs callable export and erase functions.")
    _holders[app_label] = DataHolder(app_label, tuple(models), export, erase, order)


def unregister(app_label):
    """Remove a holder (used by tests that prove a missing holder is caught)."""
    return _holders.pop(app_label, None)


def holders():
    """Holders in erase order: feature apps first (lower order), the core last."""
    return sorted(_holders.values(), key=lambda holder: (holder.order, holder.app_label))


def export_user_data(user):
    """Everything the portal holds about ``user``, as one JSON-serialisable dict."""
    return {
        "format": "family-portal-export/1",
        "generated_at": timezone.now().isoformat(),
        "account_id": user.pk,
        "apps": {holder.app_label: holder.export(user) for holder in holders()},
    }


def erase_account(user):
    """Erase or anonymise every app's data about ``user``, then delete the account.

    One transaction: either everything is erased and the account is gone, or nothing
    changed.
    """
    with transaction.atomic():
        for holder in holders():
            holder.erase(user)
        user.delete()


def _points_at_user(model):
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    for model_field in model._meta.get_fields():
        # Fields a page inherits from Wagtail's Page (owner, locked_by) belong to
        # Wagtail's editorial history, not to the app that subclasses Page.
        if (
            model_field.is_relation
            and model_field.concrete
            and model_field.related_model is user_model
            and model_field.model is model
        ):
            return True
    return False


def unregistered_personal_models():
    """Models of the portal's apps that reference a user but belong to no holder."""
    covered = {model for holder in _holders.values() for model in holder.models}
    missing = []
    for app_label in PORTAL_APPS:
        for model in apps.get_app_config(app_label).get_models():
            if model._meta.abstract or model._meta.proxy:
                continue
            if _points_at_user(model) and model not in covered:
                missing.append(model)
    return missing
