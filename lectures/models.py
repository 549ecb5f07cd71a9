"""Learning content: lecture series, lectures, recovery guides, speakers and topics.

The page tree (created by migration 0002): HomePage → LearnIndexPage (/learn/) →
LectureSeriesPage → LecturePage, and HomePage → GuideIndexPage (/guides/) → GuidePage.
Both sections go through the "Clinical review" workflow before anything is published.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.models.workflows import AbstractGroupApprovalTask
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from lectures.blocks import GuideBodyBlock, faq_entries, plain_text
from lectures.forms import LearningPageForm
from lectures.page_cache import CachedPageMixin
from lectures.panels import ReadabilityPanel

WORDS_PER_MINUTE = 200
RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "link", "document-link", "ol", "ul"]


class Audience(models.TextChoices):
    ALL = "all", _("All families")
    PARENTS = "parents", _("Parents")
    PARTNERS = "partners", _("Partners and spouses")
    CHILDREN_SIBLINGS = "children_siblings", _("Adult children and siblings")


class Topic(models.Model):
    """A subject shared by lectures and guides (e.g. "Relapse prevention")."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.CharField(_("description"), max_length=240, blank=True)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return self.name


class Speaker(index.Indexed, models.Model):
    """Someone who presents lectures: a clinician, a peer specialist, a family member."""

    name = models.CharField(_("name"), max_length=120)
    credentials = models.CharField(
        _("credentials"), max_length=80, blank=True, help_text=_("e.g. LCSW, MD, CADC")
    )
    role = models.CharField(
        _("role"), max_length=120, blank=True, help_text=_("e.g. Family therapist")
    )
    bio = models.TextField(_("biography"), blank=True)
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    photo_alt = models.CharField(
        _("photo alt text"),
        max_length=250,
        blank=True,
        help_text=_("Required with a photo: describe it for people who cannot see it."),
    )

    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("credentials"), FieldPanel("role")]),
        FieldPanel("bio"),
        MultiFieldPanel([FieldPanel("photo"), FieldPanel("photo_alt")], heading=_("Photo")),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(photo__isnull=True) | ~models.Q(photo_alt=""),
                name="lectures_speaker_photo_has_alt",
                violation_error_message=_("A photo needs alt text."),
            )
        ]

    def __str__(self):
        return self.name_with_credentials

    @property
    def name_with_credentials(self):
        return f"{self.name}, {self.credentials}" if self.credentials else self.name


register_snippet(Topic)
register_snippet(Speaker)


def _alt_text_required(page, image_field, alt_field):
    if getattr(page, f"{image_field}_id") and not getattr(page, alt_field).strip():
        raise ValidationError({alt_field: _("An image needs alt text.")})


class LearningPage(CachedPageMixin, Page):
    """What every page in Learn and Guides shares: a summary for listings and meta tags,
    breadcrumbs, OpenGraph data and the published-page cache."""

    summary = models.CharField(
        _("summary"),
        max_length=300,
        blank=True,
        help_text=_("One or two plain sentences, shown in listings and search results."),
    )

    search_fields = Page.search_fields + [index.SearchField("summary", boost=1.5)]
    # Explains a slug taken by an unfinished (e.g. autosaved) draft instead of only
    # refusing it.
    base_form_class = LearningPageForm

    class Meta:
        abstract = True

    @property
    def meta_description(self):
        return self.search_description or self.summary

    def readability_text(self):
        """The words a reader meets on this page, for the readability panel."""
        return "\n".join([self.title, self.summary])


class ClinicalReviewStamp(models.Model):
    """The "Medically reviewed by NAME, CREDENTIALS on DATE" stamp of a page that carries
    clinical content (guides and lectures).

    Only the approval of the Clinical review task writes it (lectures.services.
    clinical_review.approve), into the revision it approves: ``reviewed_revision`` names
    that revision. A later draft copies the fields but not the approval, so it is not
    taken for reviewed, and the admin refuses to publish it (wagtail_hooks).
    """

    reviewed_by_name = models.CharField(_("medically reviewed by"), max_length=120, blank=True)
    reviewed_by_credentials = models.CharField(
        _("reviewer's credentials"), max_length=80, blank=True, help_text=_("e.g. MD, LCSW")
    )
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)
    next_review_due = models.DateField(_("next review due"), null=True, blank=True)
    reviewed_revision = models.ForeignKey(
        "wagtailcore.Revision",
        verbose_name=_("reviewed revision"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True

    @classmethod
    def review_stamp_panel(cls):
        # Read-only: the stamp is the reviewer's approval, not something to type in.
        return MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("reviewed_by_name", read_only=True),
                        FieldPanel("reviewed_by_credentials", read_only=True),
                    ]
                ),
                FieldRowPanel(
                    [
                        FieldPanel("reviewed_on", read_only=True),
                        FieldPanel("next_review_due", read_only=True),
                    ]
                ),
            ],
            heading=_("Clinical review"),
            help_text=_("Filled in when a clinical reviewer approves the page in Clinical review."),
        )

    def clean(self):
        super().clean()
        reviewed = [self.reviewed_by_name, self.reviewed_on]
        if any(reviewed) and not all(reviewed):
            raise ValidationError(
                {"reviewed_on": _("Give both the reviewer's name and the review date.")}
            )

    @property
    def review_overdue(self):
        return bool(self.next_review_due and self.next_review_due < timezone.localdate())


def review_stamp_constraints(prefix):
    """The database's part of a review stamp: the next review after the last one, and an
    approved revision always named with its reviewer, credentials and both dates."""
    return [
        models.CheckConstraint(
            condition=models.Q(reviewed_on__isnull=True)
            | models.Q(next_review_due__isnull=True)
            | models.Q(next_review_due__gt=models.F("reviewed_on")),
            name=f"lectures_{prefix}_review_due_after_review",
            violation_error_message=_("The next review must be after the last one."),
        ),
        models.CheckConstraint(
            condition=models.Q(reviewed_revision__isnull=True)
            | (
                ~models.Q(reviewed_by_name="")
                & ~models.Q(reviewed_by_credentials="")
                & models.Q(reviewed_on__isnull=False)
                & models.Q(next_review_due__isnull=False)
            ),
            name=f"lectures_{prefix}_review_stamp_complete",
            violation_error_message=_(
                "A review stamp needs the reviewer's name and credentials, the review date "
                "and the next review date."
            ),
        ),
    ]


class LearnIndexPage(LearningPage):
    """/learn/: every lecture series and guide, filtered by topic and audience."""

    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = Page.content_panels + [FieldPanel("summary"), FieldPanel("intro")]

    parent_page_types = ["portal.HomePage"]
    subpage_types = ["lectures.LectureSeriesPage"]
    max_count = 1
    template = "lectures/learn_index_page.html"

    class Meta:
        verbose_name = _("learn index page")

    def get_context(self, request, *args, **kwargs):
        from lectures import services

        context = super().get_context(request, *args, **kwargs)
        context.update(services.learn_listing(request.GET))
        return context


class GuideIndexPage(LearningPage):
    """/guides/: every recovery guide, filtered by topic and audience."""

    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = Page.content_panels + [FieldPanel("summary"), FieldPanel("intro")]

    parent_page_types = ["portal.HomePage"]
    subpage_types = ["lectures.GuidePage"]
    max_count = 1
    template = "lectures/guide_index_page.html"

    class Meta:
        verbose_name = _("guide index page")

    def get_context(self, request, *args, **kwargs):
        from lectures import services

        context = super().get_context(request, *args, **kwargs)
        context.update(services.guide_listing(request.GET))
        return context


class LectureSeriesPage(LearningPage):
    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)
    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.ALL
    )
    topics = ParentalManyToManyField(Topic, blank=True, related_name="series")
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    image_alt = models.CharField(
        _("image alt text"),
        max_length=250,
        blank=True,
        help_text=_("Required with an image: describe it for people who cannot see it."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("intro"),
        FieldRowPanel([FieldPanel("audience")]),
        FieldPanel("topics", widget=forms.CheckboxSelectMultiple),
        MultiFieldPanel([FieldPanel("image"), FieldPanel("image_alt")], heading=_("Image")),
    ]
    search_fields = LearningPage.search_fields + [
        index.SearchField("intro"),
        index.FilterField("audience"),
    ]

    parent_page_types = ["lectures.LearnIndexPage"]
    subpage_types = ["lectures.LecturePage"]
    template = "lectures/lecture_series_page.html"

    class Meta:
        verbose_name = _("lecture series")
        verbose_name_plural = _("lecture series")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(image__isnull=True) | ~models.Q(image_alt=""),
                name="lectures_series_image_has_alt",
                violation_error_message=_("An image needs alt text."),
            )
        ]

    def clean(self):
        super().clean()
        _alt_text_required(self, "image", "image_alt")

    def get_context(self, request, *args, **kwargs):
        from lectures import services

        context = super().get_context(request, *args, **kwargs)
        context.update(services.series_lectures(self, request.GET))
        return context

    def readability_text(self):
        return "\n".join([super().readability_text(), strip_tags(self.intro)])


class LecturePage(ClinicalReviewStamp, LearningPage):  # noqa: DJ008 - Page.__str__
    """A lecture: clinical content (transcript, takeaways), so it carries a review stamp."""

    speakers = ParentalManyToManyField(Speaker, blank=True, related_name="lectures")
    date_presented = models.DateField(_("date presented"), null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration in minutes"), null=True, blank=True
    )
    topics = ParentalManyToManyField(Topic, blank=True, related_name="lectures")
    video = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("video file"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("An MP4 or WebM file. Or give an embed URL below, not both."),
    )
    embed_url = models.URLField(
        _("embed URL"), blank=True, help_text=_("e.g. a YouTube or Vimeo address.")
    )
    transcript = RichTextField(
        _("transcript"),
        blank=True,
        features=["h3", "bold", "italic", "link", "ol", "ul"],
        help_text=_("Required with a recording: every recording has a full transcript."),
    )
    captions = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("captions (WebVTT)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("A .vtt captions file for the video file."),
    )
    slides = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("slides"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    key_takeaways = StreamField(
        [("takeaway", blocks.CharBlock(label=_("Takeaway"), max_length=300))],
        blank=True,
        verbose_name=_("key takeaways"),
    )
    body = RichTextField(_("body"), blank=True, features=RICH_TEXT_FEATURES)
    related_guides = ParentalManyToManyField(
        "lectures.GuidePage", blank=True, related_name="related_lectures"
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldPanel("speakers"),
                FieldRowPanel([FieldPanel("date_presented"), FieldPanel("duration_minutes")]),
                FieldPanel("topics", widget=forms.CheckboxSelectMultiple),
            ],
            heading=_("About the lecture"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("video"),
                FieldPanel("embed_url"),
                FieldPanel("captions"),
                FieldPanel("transcript"),
                FieldPanel("slides"),
            ],
            heading=_("Recording"),
        ),
        FieldPanel("key_takeaways"),
        FieldPanel("body"),
        FieldPanel("related_guides"),
        ClinicalReviewStamp.review_stamp_panel(),
        ReadabilityPanel(),
    ]
    search_fields = LearningPage.search_fields + [
        index.SearchField("body"),
        index.SearchField("transcript"),
        index.SearchField("key_takeaways"),
    ]

    parent_page_types = ["lectures.LectureSeriesPage"]
    subpage_types = []
    template = "lectures/lecture_page.html"

    class Meta:
        verbose_name = _("lecture")
        verbose_name_plural = _("lectures")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(video__isnull=True) & models.Q(embed_url=""))
                | ~models.Q(transcript=""),
                name="lectures_lecture_recording_has_transcript",
                violation_error_message=_("A recording needs a transcript."),
            ),
            *review_stamp_constraints("lecture"),
        ]

    @property
    def has_recording(self):
        return bool(self.video_id or self.embed_url)

    def clean(self):
        super().clean()
        errors = {}
        if self.video_id and self.embed_url:
            errors["embed_url"] = _("Give a video file or an embed URL, not both.")
        if self.has_recording and not strip_tags(self.transcript or "").strip():
            errors["transcript"] = _("A recording needs a transcript.")
        if self.captions_id and not self.captions.filename.lower().endswith(".vtt"):
            errors["captions"] = _("Captions must be a WebVTT (.vtt) file.")
        if self.captions_id and not self.video_id:
            errors["captions"] = _("Captions go with a video file.")
        if errors:
            raise ValidationError(errors)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["speakers"] = list(self.speakers.all())
        context["topics"] = list(self.topics.all())
        context["guides"] = list(self.related_guides.live().public())
        return context

    def readability_text(self):
        return "\n".join(
            [
                super().readability_text(),
                plain_text(self.key_takeaways),
                strip_tags(self.body),
                strip_tags(self.transcript),
            ]
        )


class GuidePage(ClinicalReviewStamp, LearningPage):  # noqa: DJ008 - Page.__str__
    """A recovery guide: plain language, clinically reviewed, dated."""

    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.ALL
    )
    topics = ParentalManyToManyField(Topic, blank=True, related_name="guides")
    start_here = models.BooleanField(
        _("start here"),
        default=False,
        help_text=_("Show this guide in the home page's start-here section."),
    )
    body = StreamField(GuideBodyBlock(), verbose_name=_("body"))
    reading_minutes = models.PositiveSmallIntegerField(
        _("reading time in minutes"), default=1, editable=False
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldRowPanel([FieldPanel("audience"), FieldPanel("start_here")]),
        FieldPanel("topics", widget=forms.CheckboxSelectMultiple),
        FieldPanel("body"),
        ClinicalReviewStamp.review_stamp_panel(),
        ReadabilityPanel(),
    ]
    search_fields = LearningPage.search_fields + [
        index.SearchField("body"),
        index.FilterField("audience"),
    ]

    parent_page_types = ["lectures.GuideIndexPage"]
    subpage_types = []
    template = "lectures/guide_page.html"

    class Meta:
        verbose_name = _("guide")
        verbose_name_plural = _("guides")
        constraints = review_stamp_constraints("guide")

    def save(self, *args, **kwargs):
        self.reading_minutes = max(1, round(len(plain_text(self.body).split()) / WORDS_PER_MINUTE))
        return super().save(*args, **kwargs)

    @cached_property
    def faq_entries(self):
        return faq_entries(self.body)

    def get_context(self, request, *args, **kwargs):
        from lectures import services

        context = super().get_context(request, *args, **kwargs)
        context["topics"] = list(self.topics.all())
        context["faq_json_ld"] = services.faq_json_ld(self.faq_entries)
        context["body_blocks"] = services.with_title_levels(self.body)
        return context

    def readability_text(self):
        return "\n".join([super().readability_text(), plain_text(self.body)])


class ClinicalReviewer(models.Model):
    """How a clinical reviewer is named in the review stamps they give ("Dr. Elena Ortiz",
    "MD, Addiction Psychiatry"). Saved from the approval form, which starts from it the
    next time; the reviewer can correct it there."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="clinical_reviewer",
    )
    name = models.CharField(_("name as shown on pages"), max_length=120)
    credentials = models.CharField(_("credentials"), max_length=80)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("clinical reviewer")
        verbose_name_plural = _("clinical reviewers")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(name="") & ~models.Q(credentials=""),
                name="lectures_clinical_reviewer_named",
            )
        ]

    def __str__(self):
        return f"{self.name}, {self.credentials}"


class ClinicalReviewTask(AbstractGroupApprovalTask):
    """Approval by the Clinical reviewers group that means something.

    - Nobody approves their own work: a reviewer who wrote any revision not yet published
      is offered no *Approve* (another reviewer approves), and the approval itself
      refuses them on the server (lectures.services.clinical_review.approve).
    - *Approve* opens a small form: the reviewer's name and credentials (from their last
      approval), the next review date (12 months ahead unless changed) and a comment.
      Approving a guide or lecture stamps the approved revision with them and today's
      date before it is published.
    """

    class Meta:
        verbose_name = _("clinical review task")
        verbose_name_plural = _("clinical review tasks")

    @classmethod
    def get_description(cls):
        return _(
            "Members of the chosen groups approve; nobody approves their own writing, and "
            "approving a guide or lecture stamps it with the reviewer and the next review date"
        )

    def get_actions(self, obj, user):
        from lectures.services import clinical_review

        if not super().get_actions(obj, user):
            return []
        # The workflow views ask for the actions before they build the approval form:
        # the form starts from this reviewer's last stamp and knows the page's type.
        self.acting_on = (obj, user)
        actions = [("reject", _("Request changes"), True)]
        if clinical_review.approval_refusal(obj, user) is None:
            actions.append(("approve", _("Approve"), True))
        return actions

    def get_template_for_action(self, action):
        # Wagtail's modal with the fields out of a <ul> (see the template).
        return "lectures/admin/clinical_review_action_modal.html"

    def get_form_for_action(self, action):
        if action == "approve":
            from lectures.forms import ClinicalApprovalForm

            return ClinicalApprovalForm.for_task(self)
        return super().get_form_for_action(action)

    def on_action(self, task_state, user, action_name, **kwargs):
        from lectures.services import clinical_review

        if action_name == "approve":
            clinical_review.approve(task_state, user, kwargs)
            return None  # the workflow views take a returned value for a redirect URL
        # Only the comment: the edit view passes whatever JSON it was posted.
        comment = kwargs.get("comment", "")
        return super().on_action(
            task_state, user, action_name, comment=comment if isinstance(comment, str) else ""
        )
