"""Clinical review that means something (#20).

- Lectures carry the review stamp guides already had, and both name the revision the stamp
  was given to (``reviewed_revision``); the database requires a stamp with a reviewed
  revision to be complete.
- ``ClinicalReviewer``: how a reviewer is named in the stamps they give.
- ``ClinicalReviewTask`` replaces the plain group approval task of the "Clinical review"
  workflow in place: the same task row (id, name, groups, history and any review in
  progress), now of the new type.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

WORKFLOW_NAME = "Clinical review"


def _retype(apps, from_model, to_model):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Task = apps.get_model("wagtailcore", "Task")
    From = apps.get_model(*from_model)
    To = apps.get_model(*to_model)
    content_type, _created = ContentType.objects.get_or_create(
        app_label=to_model[0], model=to_model[1].lower()
    )
    for old in From.objects.filter(workflow_tasks__workflow__name=WORKFLOW_NAME).distinct():
        group_ids = list(old.groups.values_list("pk", flat=True))
        new = To(
            task_ptr_id=old.pk, name=old.name, active=old.active, content_type_id=content_type.pk
        )
        # raw: insert the child row only; the Task row (and everything pointing at it) stays.
        new.save_base(raw=True)
        new.groups.set(group_ids)
        old.groups.clear()
        old.delete(keep_parents=True)
        Task.objects.filter(pk=new.pk).update(content_type=content_type)


def to_clinical_review_task(apps, schema_editor):
    _retype(apps, ("wagtailcore", "GroupApprovalTask"), ("lectures", "ClinicalReviewTask"))


def to_group_approval_task(apps, schema_editor):
    _retype(apps, ("lectures", "ClinicalReviewTask"), ("wagtailcore", "GroupApprovalTask"))


class Migration(migrations.Migration):
    dependencies = [
        ("lectures", "0002_topics_sections_clinical_review"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="guidepage",
            name="reviewed_revision",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="wagtailcore.revision",
                verbose_name="reviewed revision",
            ),
        ),
        migrations.AddField(
            model_name="lecturepage",
            name="reviewed_by_name",
            field=models.CharField(
                blank=True, max_length=120, verbose_name="medically reviewed by"
            ),
        ),
        migrations.AddField(
            model_name="lecturepage",
            name="reviewed_by_credentials",
            field=models.CharField(
                blank=True,
                help_text="e.g. MD, LCSW",
                max_length=80,
                verbose_name="reviewer's credentials",
            ),
        ),
        migrations.AddField(
            model_name="lecturepage",
            name="reviewed_on",
            field=models.DateField(blank=True, null=True, verbose_name="reviewed on"),
        ),
        migrations.AddField(
            model_name="lecturepage",
            name="next_review_due",
            field=models.DateField(blank=True, null=True, verbose_name="next review due"),
        ),
        migrations.AddField(
            model_name="lecturepage",
            name="reviewed_revision",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="wagtailcore.revision",
                verbose_name="reviewed revision",
            ),
        ),
        migrations.AddConstraint(
            model_name="guidepage",
            constraint=models.CheckConstraint(
                condition=models.Q(reviewed_revision__isnull=True)
                | (
                    ~models.Q(reviewed_by_name="")
                    & ~models.Q(reviewed_by_credentials="")
                    & models.Q(reviewed_on__isnull=False)
                    & models.Q(next_review_due__isnull=False)
                ),
                name="lectures_guide_review_stamp_complete",
                violation_error_message=(
                    "A review stamp needs the reviewer's name and credentials, the review "
                    "date and the next review date."
                ),
            ),
        ),
        migrations.AddConstraint(
            model_name="lecturepage",
            constraint=models.CheckConstraint(
                condition=models.Q(reviewed_on__isnull=True)
                | models.Q(next_review_due__isnull=True)
                | models.Q(next_review_due__gt=models.F("reviewed_on")),
                name="lectures_lecture_review_due_after_review",
                violation_error_message="The next review must be after the last one.",
            ),
        ),
        migrations.AddConstraint(
            model_name="lecturepage",
            constraint=models.CheckConstraint(
                condition=models.Q(reviewed_revision__isnull=True)
                | (
                    ~models.Q(reviewed_by_name="")
                    & ~models.Q(reviewed_by_credentials="")
                    & models.Q(reviewed_on__isnull=False)
                    & models.Q(next_review_due__isnull=False)
                ),
                name="lectures_lecture_review_stamp_complete",
                violation_error_message=(
                    "A review stamp needs the reviewer's name and credentials, the review "
                    "date and the next review date."
                ),
            ),
        ),
        migrations.CreateModel(
            name="ClinicalReviewer",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=120, verbose_name="name as shown on pages")),
                ("credentials", models.CharField(max_length=80, verbose_name="credentials")),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="clinical_reviewer",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
            ],
            options={
                "verbose_name": "clinical reviewer",
                "verbose_name_plural": "clinical reviewers",
                "constraints": [
                    models.CheckConstraint(
                        condition=~models.Q(name="") & ~models.Q(credentials=""),
                        name="lectures_clinical_reviewer_named",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="ClinicalReviewTask",
            fields=[
                (
                    "task_ptr",
                    models.OneToOneField(
                        auto_created=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        parent_link=True,
                        primary_key=True,
                        serialize=False,
                        to="wagtailcore.task",
                    ),
                ),
                (
                    "groups",
                    models.ManyToManyField(
                        help_text=(
                            "Pages/snippets at this step in a workflow will be moderated or "
                            "approved by these groups of users"
                        ),
                        to="auth.group",
                        verbose_name="groups",
                    ),
                ),
            ],
            options={
                "verbose_name": "clinical review task",
                "verbose_name_plural": "clinical review tasks",
            },
            bases=("wagtailcore.task",),
        ),
        migrations.RunPython(to_clinical_review_task, to_group_approval_task),
    ]
