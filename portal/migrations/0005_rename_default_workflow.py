"""Give Wagtail's default workflow names that match this portal's roles.

Wagtail's migration 0048 created a "Moderators approval" workflow (one group-approval
task for the group then called "Moderators") on the root page. Migration 0003 renamed
that group to "Clinical reviewers", so the workflow already asks clinical reviewers to
approve what content editors submit anywhere in the site (sections may set their own,
such as Learn's "Clinical review"); only the names still said "Moderators", which in this
portal are the people who run live Q&A and peer rooms.
"""

from django.db import migrations

OLD_NAME = "Moderators approval"


def rename_default_workflow(apps, schema_editor):
    Task = apps.get_model("wagtailcore", "Task")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Task.objects.filter(name=OLD_NAME).update(name="Clinical reviewers approval")
    Workflow.objects.filter(name=OLD_NAME).update(name="Review before publishing")


def restore_names(apps, schema_editor):
    Task = apps.get_model("wagtailcore", "Task")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Task.objects.filter(name="Clinical reviewers approval").update(name=OLD_NAME)
    Workflow.objects.filter(name="Review before publishing").update(name=OLD_NAME)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0004_home_page"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(rename_default_workflow, restore_names)]
