"""The portal core's data: accounts, profiles, site-wide settings and the home page."""

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from portal.display_names import DISPLAY_NAME_MAX_LENGTH, display_name_key


class UserManager(BaseUserManager):
    """Accounts are identified by email address; there is no username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person with an account. Others never see the email; they see the display name."""

    username = None
    email = models.EmailField(_("email address"), unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="portal_user_email_ci_unique"),
        ]

    def __str__(self):
        return self.email


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    SPANISH = "es", _("Spanish")


class Relationship(models.TextChoices):
    PARENT = "parent", _("Parent")
    PARTNER = "partner", _("Partner or spouse")
    CHILD = "child", _("Child")
    SIBLING = "sibling", _("Sibling")
    OTHER_RELATIVE = "other_relative", _("Other relative")
    FRIEND = "friend", _("Friend")


class Profile(models.Model):
    """What a family member chooses to show (the display name) and keeps private."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField(
        _("display name"),
        max_length=DISPLAY_NAME_MAX_LENGTH,
        help_text=_(
            "The name other families see in live Q&A and peer rooms. "
            "Use a nickname, not your real name."
        ),
    )
    # The case-folded form uniqueness is decided on (filled in by save()).
    display_name_key = models.CharField(
        max_length=DISPLAY_NAME_MAX_LENGTH * 3, editable=False, default=""
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=5, choices=Language.choices, blank=True
    )
    relationship = models.CharField(
        _("relationship to the person in treatment"),
        max_length=20,
        choices=Relationship.choices,
        blank=True,
        help_text=_("Private: only program staff can see this."),
    )
    # Email the family chose to receive (each email carries a link that turns its kind
    # off without logging in: portal.notifications).
    reminder_day_before = models.BooleanField(
        _("a reminder the day before a group or event I signed up for"), default=True
    )
    reminder_two_hours_before = models.BooleanField(
        _("a reminder two hours before it starts"), default=True
    )
    email_answers = models.BooleanField(
        _("the answer when a clinician answers my question in a live Q&A"), default=True
    )
    email_room_replies = models.BooleanField(
        _("a note, at most once a day, when someone replies to me in a peer room"),
        default=False,
        help_text=_("The note never includes what anyone wrote."),
    )
    # Replies up to this moment have been counted in a note (or predate the opt-in), and
    # when the last note went (one a day at most).
    room_replies_noted_until = models.DateTimeField(null=True, blank=True, editable=False)
    room_replies_last_note_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                Lower("display_name"),
                name="portal_profile_display_name_ci_unique",
                violation_error_message=_("That display name is already taken."),
            ),
            models.UniqueConstraint(
                fields=["display_name_key"],
                name="portal_profile_display_name_key_unique",
                violation_error_message=_("That display name is already taken."),
            ),
            models.CheckConstraint(
                condition=~models.Q(display_name=""), name="portal_profile_display_name_set"
            ),
        ]

    def __str__(self):
        return self.display_name

    def save(self, *args, **kwargs):
        self.display_name_key = display_name_key(self.display_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "display_name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "display_name_key"}
        super().save(*args, **kwargs)


class EmergencyContact(models.Model):
    """Someone staff may call in an emergency. Private to the account and program staff."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="emergency_contact"
    )
    name = models.CharField(_("name"), max_length=120)
    phone = models.CharField(_("phone number"), max_length=40)
    relationship = models.CharField(_("relationship to you"), max_length=80, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return self.name


class CrisisResourceBlock(blocks.StructBlock):
    name = blocks.CharBlock(label=_("Name"), max_length=120)
    description = blocks.CharBlock(label=_("What it is"), max_length=300, required=False)
    call = blocks.CharBlock(
        label=_("Number to call"), max_length=40, required=False, help_text=_("e.g. 988")
    )
    text_number = blocks.CharBlock(label=_("Number to text"), max_length=40, required=False)
    text_keyword = blocks.CharBlock(
        label=_("Word to text"), max_length=40, required=False, help_text=_("e.g. HOME")
    )
    note = blocks.CharBlock(
        label=_("Note"), max_length=200, required=False, help_text=_("e.g. Spanish: press 2")
    )

    class Meta:
        icon = "warning"
        label = _("Crisis resource")


DEFAULT_CRISIS_RESOURCES = [
    (
        "resource",
        {
            "name": "988 Suicide & Crisis Lifeline",
            "description": "Call or text 988, any time.",
            "call": "988",
            "text_number": "988",
            "text_keyword": "",
            "note": "En español: press 2, or text AYUDA to 988.",
        },
    ),
    (
        "resource",
        {
            "name": "Crisis Text Line",
            "description": "Text with a trained crisis counselor.",
            "call": "",
            "text_number": "741741",
            "text_keyword": "HOME",
            "note": "",
        },
    ),
    (
        "resource",
        {
            "name": "SAMHSA National Helpline",
            "description": "Free, confidential treatment referral and information, 24/7.",
            "call": "1-800-662-4357",
            "text_number": "",
            "text_keyword": "",
            "note": "",
        },
    ),
    (
        "resource",
        {
            "name": "Emergency services",
            "description": "If someone is in immediate danger.",
            "call": "911",
            "text_number": "",
            "text_keyword": "",
            "note": "",
        },
    ),
]


@register_setting(icon="warning")
class CrisisResources(BaseGenericSetting):
    """The crisis lines shown in every page's footer. Editable in Settings → Crisis resources."""

    heading = models.CharField(
        _("heading"), max_length=120, default="If you or your family member are in crisis"
    )
    disclaimer = models.CharField(
        _("disclaimer"),
        max_length=200,
        default="This site is not a crisis service.",
        help_text=_("Always shown with the resources."),
    )
    resources = StreamField(
        [("resource", CrisisResourceBlock())],
        default=DEFAULT_CRISIS_RESOURCES,
        verbose_name=_("resources"),
    )

    panels = [FieldPanel("heading"), FieldPanel("disclaimer"), FieldPanel("resources")]

    class Meta:
        verbose_name = _("crisis resources")


@register_setting(icon="site")
class OrganisationSettings(BaseGenericSetting):
    """Who runs this portal: shown in the header, footer and emails."""

    name = models.CharField(_("organisation name"), max_length=120, default="Family Program")
    program_name = models.CharField(
        _("program name"), max_length=120, default="Intensive Outpatient Family Program"
    )
    address = models.TextField(_("address"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    hours = models.CharField(
        _("office hours"), max_length=120, blank=True, help_text=_("e.g. Mon–Fri 9am–5pm")
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("program_name"),
        MultiFieldPanel(
            [FieldPanel("address"), FieldPanel("phone"), FieldPanel("email"), FieldPanel("hours")],
            heading=_("Contact"),
        ),
    ]

    class Meta:
        verbose_name = _("organisation")


class StartHereLinkBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=120)
    description = blocks.CharBlock(label=_("Description"), max_length=240, required=False)
    page = blocks.PageChooserBlock(label=_("Page"), required=False)
    url = blocks.RegexBlock(
        regex=r"^(/|https://)[^\s<>\"']*$",
        error_messages={"invalid": _("Enter a path on this site (/guides/) or an https:// link.")},
        label=_("Or a link"),
        max_length=300,
        required=False,
        help_text=_("A path on this site such as /guides/, used when no page is chosen."),
    )

    class Meta:
        icon = "link"
        label = _("Start-here link")


class HomePage(Page):
    """The site root. Feature apps add their own sections through template tags."""

    hero_heading = models.CharField(
        _("hero heading"), max_length=160, default="Support for families in recovery"
    )
    hero_text = models.TextField(_("hero text"), blank=True)
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link", "ul"])
    start_here_heading = models.CharField(
        _("start-here heading"), max_length=120, default="New to IOP? Start here"
    )
    start_here = StreamField(
        [("link", StartHereLinkBlock())], blank=True, verbose_name=_("start-here links")
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel([FieldPanel("hero_heading"), FieldPanel("hero_text")], heading=_("Hero")),
        FieldPanel("intro"),
        MultiFieldPanel(
            [FieldPanel("start_here_heading"), FieldPanel("start_here")],
            heading=_("Start here"),
        ),
    ]

    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    template = "portal/home_page.html"

    class Meta:
        verbose_name = _("home page")


class OutgoingMailStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class UnicodeJSONEncoder(DjangoJSONEncoder):
    """JSON with non-ASCII characters kept as they are (an address ``maria@bücher.de``
    stays findable by a text match on every database)."""

    def __init__(self, *args, **kwargs):
        kwargs["ensure_ascii"] = False
        super().__init__(*args, **kwargs)


class OutgoingMail(models.Model):
    """One email, written in the same transaction as the change that causes it and sent
    by the worker (``portal.outbox``); retried with backoff when the mail server fails.

    The message text is kept only until it is sent (account mail carries one-time links);
    what stays is who it went to, what kind it was and when."""

    kind = models.CharField(_("kind"), max_length=40)
    # Set for mail that must go out once per cause ("reminder:42:day_before"); a second
    # attempt to queue the same key is ignored.
    key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    to = models.JSONField(_("to"), default=list, encoder=UnicodeJSONEncoder)
    from_email = models.CharField(max_length=254)
    subject = models.CharField(_("subject"), max_length=998)
    body = models.TextField(blank=True)
    html_body = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)  # List-Unsubscribe, for instance
    # The Message-ID of every attempt (a mail program shows a rare repeat once); random,
    # so a restored or reinstalled database never reuses one.
    message_id = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    # The delivery task last scheduled (the sweep gives a new one only when it is gone).
    task_id = models.CharField(max_length=64, blank=True, editable=False)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=OutgoingMailStatus.choices,
        default=OutgoingMailStatus.QUEUED,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    attempted_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mail")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    status__in=[choice for choice, _label in OutgoingMailStatus.choices]
                ),
                name="outgoing_mail_status_known",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {', '.join(self.to)}"

    def get_kind_display(self):
        return self.kind.replace("_", " ")
