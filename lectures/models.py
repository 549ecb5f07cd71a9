"""Learning content: lecture series, lectures, recovery guides, speakers and topics.

The page tree (created by migration 0002): HomePage → LearnIndexPage (/learn/) →
LectureSeriesPage → LecturePage, and HomePage → GuideIndexPage (/guides/) → GuidePage.
Both sections go through the "Clinical review" workflow before anything is published.
"""

from django import forms
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
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from lectures.blocks import GuideBodyBlock, faq_entries, plain_text
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

    class Meta:
        abstract = True

    @property
    def meta_description(self):
        return self.search_description or self.summary

    def readability_text(self):
        """The words a reader meets on this page, for the readability panel."""
        return "\n".join([self.title, self.summary])


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


class LecturePage(LearningPage):
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
            )
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


class GuidePage(LearningPage):
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
    reviewed_by_name = models.CharField(_("medically reviewed by"), max_length=120, blank=True)
    reviewed_by_credentials = models.CharField(
        _("reviewer's credentials"), max_length=80, blank=True, help_text=_("e.g. MD, LCSW")
    )
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)
    next_review_due = models.DateField(_("next review due"), null=True, blank=True)
    reading_minutes = models.PositiveSmallIntegerField(
        _("reading time in minutes"), default=1, editable=False
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldRowPanel([FieldPanel("audience"), FieldPanel("start_here")]),
        FieldPanel("topics", widget=forms.CheckboxSelectMultiple),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("reviewed_by_name"), FieldPanel("reviewed_by_credentials")]
                ),
                FieldRowPanel([FieldPanel("reviewed_on"), FieldPanel("next_review_due")]),
            ],
            heading=_("Clinical review"),
        ),
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
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reviewed_on__isnull=True)
                | models.Q(next_review_due__isnull=True)
                | models.Q(next_review_due__gt=models.F("reviewed_on")),
                name="lectures_guide_review_due_after_review",
                violation_error_message=_("The next review must be after the last one."),
            )
        ]

    def clean(self):
        super().clean()
        reviewed = [self.reviewed_by_name, self.reviewed_on]
        if any(reviewed) and not all(reviewed):
            raise ValidationError(
                {"reviewed_on": _("Give both the reviewer's name and the review date.")}
            )

    def save(self, *args, **kwargs):
        self.reading_minutes = max(1, round(len(plain_text(self.body).split()) / WORDS_PER_MINUTE))
        return super().save(*args, **kwargs)

    @property
    def review_overdue(self):
        return bool(self.next_review_due and self.next_review_due < timezone.localdate())

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
