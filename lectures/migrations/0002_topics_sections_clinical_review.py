"""The shared topics, the Learn (/learn/) and Guides (/guides/) sections under the home
page, and the "Clinical review" workflow on both sections: a group approval task for the
Clinical reviewers, so nothing in Learn or Guides goes live without their approval."""

from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.utils import timezone

TOPICS = [
    ("substance-use", "Substance use"),
    ("depression", "Depression"),
    ("anxiety", "Anxiety"),
    ("co-occurring-disorders", "Co-occurring disorders"),
    ("relapse-prevention", "Relapse prevention"),
    ("communication", "Communication"),
    ("self-care-families", "Self-care for families"),
    ("levels-of-care", "Levels of care"),
    ("insurance-costs", "Insurance & costs"),
    ("medication", "Medication"),
]

SECTIONS = [
    (
        "LearnIndexPage",
        "learnindexpage",
        "learn",
        "Learn",
        "Lecture series and recovery guides for families, in plain language and reviewed "
        "by our clinicians.",
    ),
    (
        "GuideIndexPage",
        "guideindexpage",
        "guides",
        "Recovery guides",
        "Short, practical guides for families, reviewed by our clinicians.",
    ),
]

WORKFLOW_NAME = "Clinical review"
CLINICAL_REVIEWERS = "Clinical reviewers"
CONTENT_EDITORS = "Content editors"
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _next_child_path(Page, parent):
    last = (
        Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
        .order_by("-path")
        .values_list("path", flat=True)
        .first()
    )
    if last is None:
        return parent.path + "0001"
    number = 0
    for char in last[-4:]:
        number = number * 36 + ALPHABET.index(char)
    number += 1
    step = ""
    for _i in range(4):
        number, rest = divmod(number, 36)
        step = ALPHABET[rest] + step
    return parent.path + step


def create_topics_sections_workflow(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Page = apps.get_model("wagtailcore", "Page")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    Topic = apps.get_model("lectures", "Topic")

    # Editors keep speakers and topics up to date; reviewers may correct them too.
    lectures_config = apps.get_app_config("lectures")
    lectures_config.models_module = True
    create_permissions(lectures_config, apps=apps, verbosity=0)
    snippet_permissions = Permission.objects.filter(
        content_type__app_label="lectures",
        content_type__model__in=["speaker", "topic"],
        codename__regex=r"^(add|change|delete|view)_",
    )
    for group_name in (CONTENT_EDITORS, CLINICAL_REVIEWERS):
        group = Group.objects.filter(name=group_name).first()
        if group is not None:
            group.permissions.add(*snippet_permissions)

    for slug, name in TOPICS:
        Topic.objects.get_or_create(slug=slug, defaults={"name": name})

    home = Page.objects.filter(depth=2, content_type__app_label="portal").first()
    if home is None:
        return  # no site yet: the sections are created by hand in the admin

    task_type, _created = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="groupapprovaltask"
    )
    task = GroupApprovalTask.objects.filter(name=WORKFLOW_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(
            name=WORKFLOW_NAME, content_type=task_type, active=True
        )
    reviewers, _created = Group.objects.get_or_create(name=CLINICAL_REVIEWERS)
    task.groups.add(reviewers)
    workflow, _created = Workflow.objects.get_or_create(
        name=WORKFLOW_NAME, defaults={"active": True}
    )
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})

    now = timezone.now()
    for model_name, content_model, slug, title, summary in SECTIONS:
        Model = apps.get_model("lectures", model_name)
        section = Model.objects.filter(depth=3, path__startswith=home.path).first()
        if section is None:
            content_type, _created = ContentType.objects.get_or_create(
                app_label="lectures", model=content_model
            )
            section = Model.objects.create(
                title=title,
                draft_title=title,
                slug=slug,
                summary=summary,
                content_type=content_type,
                path=_next_child_path(Page, home),
                depth=3,
                numchild=0,
                url_path=f"{home.url_path}{slug}/",
                locale_id=home.locale_id,
                live=True,
                has_unpublished_changes=False,
                first_published_at=now,
                last_published_at=now,
            )
            home.numchild = Page.objects.filter(depth=3, path__startswith=home.path).count()
            home.save(update_fields=["numchild"])
        WorkflowPage.objects.update_or_create(page_id=section.pk, defaults={"workflow": workflow})


class Migration(migrations.Migration):
    dependencies = [
        ("lectures", "0001_initial"),
        ("portal", "0004_home_page"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_topics_sections_workflow, migrations.RunPython.noop)]
