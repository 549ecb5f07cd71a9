"""Care coordinators run groups and events: they create and edit events and series and
see rosters. Nobody else does (superusers hold every permission)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CARE_COORDINATORS = "Care coordinators"
CODENAMES = [
    "add_event",
    "change_event",
    "view_event",
    "view_roster",
    "add_eventseries",
    "change_eventseries",
    "view_eventseries",
    "view_registration",
]


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    config = apps.get_app_config("events")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    coordinators, _created = Group.objects.get_or_create(name=CARE_COORDINATORS)
    coordinators.permissions.add(
        *Permission.objects.filter(content_type__app_label="events", codename__in=CODENAMES)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=CARE_COORDINATORS).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="events", codename__in=CODENAMES)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0001_initial"),
        ("portal", "0003_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
