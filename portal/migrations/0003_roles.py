"""Create the portal's roles as groups, with their permissions.

Wagtail's first migrations create two groups, "Moderators" (pages: add, change, publish,
lock) and "Editors" (pages: add, change). In this portal a *moderator* runs live Q&A
and peer rooms, not the page tree, so Wagtail's page-publishing group becomes
"Clinical reviewers" and its "Editors" group becomes "Content editors"; "Moderators" is
then created afresh without page permissions. Feature apps grant their own permissions
to these groups in their own migrations.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

FAMILY_MEMBERS = "Family members"
MODERATORS = "Moderators"
CARE_COORDINATORS = "Care coordinators"
CONTENT_EDITORS = "Content editors"
CLINICAL_REVIEWERS = "Clinical reviewers"
STAFF_ROLES = [MODERATORS, CARE_COORDINATORS, CONTENT_EDITORS, CLINICAL_REVIEWERS]


def _rename_or_create(Group, old_name, new_name):
    group = Group.objects.filter(name=new_name).first()
    if group is None:
        group = Group.objects.filter(name=old_name).first()
        if group is not None:
            group.name = new_name
            group.save(update_fields=["name"])
        else:
            group = Group.objects.create(name=new_name)
    return group


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Page = apps.get_model("wagtailcore", "Page")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")

    # Permissions for the portal's own models (settings) exist only after post_migrate
    # unless created here.
    portal_config = apps.get_app_config("portal")
    portal_config.models_module = True
    create_permissions(portal_config, apps=apps, verbosity=0)

    reviewers = _rename_or_create(Group, "Moderators", CLINICAL_REVIEWERS)
    editors = _rename_or_create(Group, "Editors", CONTENT_EDITORS)
    Group.objects.get_or_create(name=MODERATORS)
    Group.objects.get_or_create(name=CARE_COORDINATORS)
    Group.objects.get_or_create(name=FAMILY_MEMBERS)

    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    for group in Group.objects.filter(name__in=STAFF_ROLES):
        group.permissions.add(access_admin)

    # Clinical reviewers approve and publish; make sure they hold the page permissions
    # even on a database where Wagtail's group was removed before this migration ran.
    root = Page.objects.filter(depth=1).first()
    if root is not None:
        for codename in ("add_page", "change_page", "publish_page", "lock_page"):
            permission = Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            )
            GroupPagePermission.objects.get_or_create(
                group=reviewers, page=root, permission=permission
            )
        for codename in ("add_page", "change_page"):
            permission = Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            )
            GroupPagePermission.objects.get_or_create(
                group=editors, page=root, permission=permission
            )

    # The crisis resources are clinical content: reviewers and editors both keep them
    # right. The organisation's details belong to the editors.
    change_crisis = Permission.objects.get(
        content_type__app_label="portal", codename="change_crisisresources"
    )
    change_organisation = Permission.objects.get(
        content_type__app_label="portal", codename="change_organisationsettings"
    )
    reviewers.permissions.add(change_crisis)
    editors.permissions.add(change_crisis, change_organisation)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0002_profiles_settings_home_page"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
