"""Groups and events: what coordinators schedule and what families sign up for.

Seat counts are never stored: they are computed from the registration rows, under the
event's row lock (see ``events.services``). The database enforces what a row alone can
say: at most one active registration per account and event, positive sizes, ordered
times.
"""

import secrets
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from portal import roles


class EventKind(models.TextChoices):
    THERAPY_GROUP = "therapy_group", _("Multi-family therapy group")
    EDUCATION_NIGHT = "education_night", _("Family education night")
    WORKSHOP = "workshop", _("Workshop")
    ORIENTATION = "orientation", _("Orientation")


# What families' emails and calendars call each kind. Deliberately generic: a calendar
# entry or an email subject may be seen by others, and must never reveal a diagnosis,
# substance use or treatment (42 CFR Part 2).
GENERIC_KIND_LABELS = {
    EventKind.THERAPY_GROUP: _("Family group session"),
    EventKind.EDUCATION_NIGHT: _("Family evening"),
    EventKind.WORKSHOP: _("Family workshop"),
    EventKind.ORIENTATION: _("Family welcome session"),
}


class LocationKind(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIRTUAL = "virtual", _("Online")


class EventStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


class SeriesMode(models.TextChoices):
    DROP_IN = "drop_in", _("Drop-in: families sign up date by date")
    COHORT = "cohort", _("Cohort: families enrol for every date")


# Bounds on what a coordinator types: a family group, not a stadium (an unbounded party
# size rendered a 41 MB page; a date in year 9999 failed on SQLite).
MAX_CAPACITY_PEOPLE = 1000
MAX_CAPACITY_FAMILIES = 500
MAX_PARTY_SIZE = 20
MAX_DURATION_MINUTES = 12 * 60
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2101, 1, 1, tzinfo=UTC)  # exclusive
RRULE_PARTS = {"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYSETPOS", "WKST"}
RRULE_FREQUENCIES = {"DAILY", "WEEKLY", "MONTHLY"}
MAX_SERIES_DATES = 100
MAX_EVERY_WEEKS = 4
MAX_DESCRIPTION = 10_000
MAX_AUTO_PROMOTE_UNTIL = timedelta(days=7)
# Weekdays as dateutil numbers them (Monday 0), stored as a bit mask (Monday 1, ... Sunday 64).
WEEKDAY_CHOICES = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]
ALL_WEEKDAYS = 0b1111111


def weekday_mask(days):
    """The bit mask stored for weekday numbers (Monday 0)."""
    return sum(1 << int(day) for day in set(days))


def weekdays_of(mask):
    """Weekday numbers (Monday 0) in a stored bit mask."""
    return [day for day in range(7) if mask & (1 << day)]


def validate_date_in_range(value):
    """A date (or date and time) between the year 2000 and the end of 2100."""
    moment = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=UTC)
    if not EARLIEST <= moment < LATEST:
        raise ValidationError(_("Choose a date between 2000 and 2100."), code="date_range")


def validate_rrule(value):
    """(Migration 0001 to 0005 only: series now repeat from structured fields.)

    An RFC 5545 RRULE that ends (COUNT or UNTIL), repeats daily, weekly or monthly
    (INTERVAL 1–52), holds nothing but rule parts (no DTSTART or other lines), and yields
    at most 100 dates."""
    from dateutil.rrule import rrulestr

    text = value.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    if any(char in text for char in "\r\n:") or not text:
        raise ValidationError(_("Give one rule, such as FREQ=WEEKLY;BYDAY=TU;COUNT=8."))
    parts = {}
    for part in text.upper().split(";"):
        name, _sep, part_value = part.partition("=")
        if name not in RRULE_PARTS or not part_value or name in parts:
            raise ValidationError(
                _("“%(part)s” is not allowed here: use FREQ, INTERVAL, COUNT or UNTIL, BYDAY."),
                params={"part": part[:40]},
            )
        parts[name] = part_value
    if parts.get("FREQ") not in RRULE_FREQUENCIES:
        raise ValidationError(_("A series repeats daily, weekly or monthly (FREQ=WEEKLY)."))
    if "INTERVAL" in parts and not (
        parts["INTERVAL"].isdigit() and 1 <= int(parts["INTERVAL"]) <= 52
    ):
        raise ValidationError(_("INTERVAL must be a whole number from 1 to 52."))
    upper = text.upper()
    if "COUNT=" not in upper and "UNTIL=" not in upper:
        raise ValidationError(_("The rule must end: give COUNT (e.g. COUNT=8) or UNTIL."))
    try:
        rule = rrulestr(text, dtstart=timezone.now().replace(tzinfo=None, microsecond=0))
    except (ValueError, TypeError) as error:
        raise ValidationError(_("This is not a valid recurrence rule.")) from error
    if len(list(rule[:101])) > 100:
        raise ValidationError(_("A series can have at most 100 dates."))


def validate_exception_dates(value):
    """Dates like 2026-12-24, one per line, each between 2000 and 2100, at most 100."""
    from datetime import date

    lines = value.split()
    if len(lines) > MAX_SERIES_DATES:
        raise ValidationError(_("At most %(max)s dates to skip."), params={"max": MAX_SERIES_DATES})
    for line in lines:
        try:
            validate_date_in_range(date.fromisoformat(line))
        except (ValueError, ValidationError) as error:
            raise ValidationError(
                _("“%(value)s” is not a date like 2026-12-24 (between 2000 and 2100)."),
                params={"value": line[:20]},
            ) from error


class EventDetails(models.Model):
    """What an event and a series share: what it is, where, and how many it seats."""

    title = models.CharField(
        _("title"),
        max_length=160,
        help_text=_("Shown on the site only. Emails and calendars use a generic name."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    description = models.TextField(_("description"), blank=True, max_length=MAX_DESCRIPTION)
    location_kind = models.CharField(
        _("where"), max_length=10, choices=LocationKind.choices, default=LocationKind.IN_PERSON
    )
    site = models.CharField(_("site"), max_length=160, blank=True)
    room = models.CharField(_("room"), max_length=80, blank=True)
    join_url = models.URLField(
        _("join link"),
        blank=True,
        help_text=_(
            "For online sessions. Shown only to confirmed families, from 30 minutes "
            "before the start."
        ),
    )
    capacity_people = models.PositiveIntegerField(
        _("capacity (people)"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CAPACITY_PEOPLE)],
    )
    capacity_families = models.PositiveIntegerField(
        _("capacity (families)"),
        null=True,
        blank=True,
        help_text=_("Optional."),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CAPACITY_FAMILIES)],
    )
    max_party_size = models.PositiveSmallIntegerField(
        _("largest party"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_PARTY_SIZE)],
    )
    lecture = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("related lecture"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True


class EventSeries(EventDetails):
    """A recurring group: its rule generates the events (see ``services.sync_series``)."""

    mode = models.CharField(
        _("sign-up mode"), max_length=10, choices=SeriesMode.choices, default=SeriesMode.DROP_IN
    )
    first_date = models.DateField(_("first date"), validators=[validate_date_in_range])
    start_time = models.TimeField(_("start time"), help_text=_("Local time, e.g. 18:00."))
    duration_minutes = models.PositiveSmallIntegerField(
        _("length in minutes"),
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_DURATION_MINUTES)],
    )
    # Recurrence from structured fields (the server builds the rule with dateutil):
    # weekly on these weekdays, every N weeks, N times or until a date.
    weekdays = models.PositiveSmallIntegerField(
        _("weekdays"),
        validators=[MinValueValidator(1), MaxValueValidator(ALL_WEEKDAYS)],
        help_text=_("Days of the week the group meets."),
    )
    every_weeks = models.PositiveSmallIntegerField(
        _("every … weeks"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_EVERY_WEEKS)],
        help_text=_("1: every week; 2: every other week."),
    )
    occurrences = models.PositiveSmallIntegerField(
        _("number of dates"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_SERIES_DATES)],
        help_text=_("Give the number of dates or the last date."),
    )
    repeat_until = models.DateField(
        _("last date"),
        null=True,
        blank=True,
        validators=[validate_date_in_range],
    )
    exception_dates = models.TextField(
        _("dates to skip"),
        blank=True,
        max_length=MAX_SERIES_DATES * 11,
        validators=[validate_exception_dates],
        help_text=_("One date per line, e.g. 2026-12-22."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("event series")
        verbose_name_plural = _("event series")
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity_people__gte=1), name="events_series_capacity_positive"
            ),
            models.CheckConstraint(
                condition=Q(max_party_size__gte=1), name="events_series_party_positive"
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1), name="events_series_duration_positive"
            ),
            models.CheckConstraint(
                condition=Q(capacity_people__lte=MAX_CAPACITY_PEOPLE)
                & Q(max_party_size__lte=MAX_PARTY_SIZE)
                & Q(duration_minutes__lte=MAX_DURATION_MINUTES)
                & (
                    Q(capacity_families__isnull=True)
                    | Q(capacity_families__lte=MAX_CAPACITY_FAMILIES)
                ),
                name="events_series_sizes_bounded",
            ),
            models.CheckConstraint(
                condition=Q(first_date__gte=EARLIEST.date(), first_date__lt=LATEST.date())
                & (Q(repeat_until__isnull=True) | Q(repeat_until__lt=LATEST.date())),
                name="events_series_dates_bounded",
            ),
            models.CheckConstraint(
                condition=Q(weekdays__gte=1, weekdays__lte=ALL_WEEKDAYS)
                & Q(every_weeks__gte=1, every_weeks__lte=MAX_EVERY_WEEKS),
                name="events_series_weekly_rule_bounded",
            ),
            # The rule ends: a number of dates (1-100) or a last date, not both. (Each
            # branch says "is not null" too: a check that comes out NULL passes.)
            models.CheckConstraint(
                condition=Q(
                    occurrences__isnull=False,
                    occurrences__gte=1,
                    occurrences__lte=MAX_SERIES_DATES,
                    repeat_until__isnull=True,
                )
                | Q(
                    occurrences__isnull=True,
                    repeat_until__isnull=False,
                    repeat_until__gte=models.F("first_date"),
                ),
                name="events_series_rule_ends",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("description"), MAX_DESCRIPTION)
                & LessThanOrEqual(Length("exception_dates"), MAX_SERIES_DATES * 11),
                name="events_series_text_bounded",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def weekday_list(self):
        return weekdays_of(self.weekdays or 0)

    def recurrence_summary(self):
        """ "Tuesday, Thursday · every 2 weeks · 8 dates", for the listing."""
        names = dict(WEEKDAY_CHOICES)
        days = ", ".join(str(names[day]) for day in self.weekday_list)
        every = (
            _("every %(n)s weeks") % {"n": self.every_weeks}
            if self.every_weeks > 1
            else _("weekly")
        )
        if self.occurrences:
            end = ngettext("%(n)s date", "%(n)s dates", self.occurrences) % {"n": self.occurrences}
        elif self.repeat_until:
            end = _("until %(date)s") % {"date": date_format(self.repeat_until, "DATE_FORMAT")}
        else:
            end = ""
        return " · ".join(part for part in (days, str(every), str(end)) if part)

    recurrence_summary.short_description = _("repeats")

    @property
    def skipped_dates(self):
        from datetime import date

        return {date.fromisoformat(line) for line in self.exception_dates.split()}


class Event(EventDetails):
    """One dated session. Its seats are counted from its registrations, never stored."""

    series = models.ForeignKey(
        EventSeries,
        verbose_name=_("series"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("facilitators"),
        blank=True,
        related_name="facilitated_events",
        limit_choices_to={"is_active": True, "groups__name__in": roles.STAFF_ROLES},
    )
    starts_at = models.DateTimeField(_("starts"), validators=[validate_date_in_range])
    ends_at = models.DateTimeField(_("ends"), validators=[validate_date_in_range])
    registration_opens_at = models.DateTimeField(
        _("sign-up opens"),
        null=True,
        blank=True,
        help_text=_("Empty: open now."),
        validators=[validate_date_in_range],
    )
    registration_closes_at = models.DateTimeField(
        _("sign-up closes"),
        null=True,
        blank=True,
        help_text=_("Empty: at the start."),
        validators=[validate_date_in_range],
    )
    auto_promote_until = models.DurationField(
        _("stop automatic waitlist promotion before the start"),
        default=timedelta(hours=2),
        help_text=_(
            "Later, coordinators promote by hand from the roster. At most 7 days, "
            "e.g. 02:00:00 for two hours."
        ),
        validators=[MinValueValidator(timedelta(0)), MaxValueValidator(MAX_AUTO_PROMOTE_UNTIL)],
    )
    status = models.CharField(
        _("status"), max_length=10, choices=EventStatus.choices, default=EventStatus.SCHEDULED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "pk"]
        permissions = [("view_roster", _("Can see rosters, needs and attendance"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="events_event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(capacity_people__gte=1), name="events_event_capacity_positive"
            ),
            models.CheckConstraint(
                condition=Q(capacity_families__isnull=True) | Q(capacity_families__gte=1),
                name="events_event_family_capacity_positive",
            ),
            models.CheckConstraint(
                condition=Q(max_party_size__gte=1), name="events_event_party_positive"
            ),
            models.CheckConstraint(
                condition=Q(capacity_people__lte=MAX_CAPACITY_PEOPLE)
                & Q(max_party_size__lte=MAX_PARTY_SIZE)
                & (
                    Q(capacity_families__isnull=True)
                    | Q(capacity_families__lte=MAX_CAPACITY_FAMILIES)
                ),
                name="events_event_sizes_bounded",
            ),
            models.CheckConstraint(
                condition=Q(starts_at__gte=EARLIEST, ends_at__lt=LATEST),
                name="events_event_dates_bounded",
            ),
            models.CheckConstraint(
                condition=Q(registration_opens_at__isnull=True)
                | Q(registration_closes_at__isnull=True)
                | Q(registration_closes_at__gt=models.F("registration_opens_at")),
                name="events_event_window_ordered",
            ),
            models.CheckConstraint(
                condition=Q(
                    auto_promote_until__gte=timedelta(0),
                    auto_promote_until__lte=MAX_AUTO_PROMOTE_UNTIL,
                )
                & LessThanOrEqual(Length("description"), MAX_DESCRIPTION),
                name="events_event_promotion_and_text_bounded",
            ),
        ]
        indexes = [models.Index(fields=["status", "starts_at"])]

    def __str__(self):
        return f"{self.title} ({self.local_when})"

    def get_absolute_url(self):
        return reverse("events:detail", args=[self.pk])

    @property
    def local_when(self):
        """The start in the portal's zone, in the reader's language and its date format:
        "Tue Dec. 8, 2026, 6 p.m." (English), "mar 8 de diciembre de 2026 a las 18:00"."""
        if self.starts_at is None:  # an event not yet saved
            return ""
        local = timezone.localtime(self.starts_at)
        return f"{date_format(local, 'D')} {date_format(local, 'DATETIME_FORMAT')}"

    @property
    def is_virtual(self):
        return self.location_kind == LocationKind.VIRTUAL

    @property
    def is_cancelled(self):
        return self.status == EventStatus.CANCELLED

    @property
    def is_cohort(self):
        return self.series_id is not None and self.series.mode == SeriesMode.COHORT

    @property
    def generic_label(self):
        return GENERIC_KIND_LABELS.get(self.kind, GENERIC_KIND_LABELS[EventKind.WORKSHOP])

    def registration_window_open(self, now=None):
        now = now or timezone.now()
        if self.status != EventStatus.SCHEDULED or now >= self.starts_at:
            return False
        if self.registration_opens_at and now < self.registration_opens_at:
            return False
        return not (self.registration_closes_at and now >= self.registration_closes_at)

    def join_link_visible_from(self):
        return self.starts_at - timedelta(minutes=30)


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("On the waitlist")
    CANCELLED = "cancelled", _("Cancelled")
    ATTENDED = "attended", _("Attended")
    NO_SHOW = "no_show", _("Did not attend")


# Statuses that hold seats (attendance is marked on confirmed registrations).
SEAT_HOLDING = [
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.ATTENDED,
    RegistrationStatus.NO_SHOW,
]
ACTIVE = [*SEAT_HOLDING, RegistrationStatus.WAITLISTED]


class Interpreter(models.TextChoices):
    NONE = "", _("No interpreter needed")
    SPANISH = "spanish", _("Spanish")
    ASL = "asl", _("American Sign Language (ASL)")
    OTHER = "other", _("Another language (tell us below)")


class Registration(models.Model):
    """A family's party for one event. Changed only by ``events.services``."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    # Null once an account is erased: past attendance still counts, nobody is named.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="event_registrations",
    )
    party_size = models.PositiveSmallIntegerField(_("people coming"), default=1)
    attendee_names = models.CharField(_("first names of those coming"), max_length=200, blank=True)
    interpreter = models.CharField(
        _("interpreter"), max_length=10, choices=Interpreter.choices, blank=True
    )
    accessibility_needs = models.CharField(_("accessibility needs"), max_length=300, blank=True)
    other_needs = models.CharField(_("anything else we should know"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=RegistrationStatus.choices)
    # Arrival order on the waitlist: set when the party joins it, kept while it waits.
    queued_at = models.DateTimeField(null=True, blank=True)
    attended_people = models.PositiveSmallIntegerField(_("people who came"), null=True, blank=True)
    # Cancelled because the organisers cancelled the session (not by the family): the
    # family still sees it, marked cancelled, on "My sign-ups" and in its calendar feed.
    cancelled_with_session = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["event", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=~Q(status=RegistrationStatus.CANCELLED),
                name="events_one_active_registration_per_account",
            ),
            models.CheckConstraint(
                condition=Q(party_size__gte=1), name="events_registration_party_positive"
            ),
            models.CheckConstraint(
                condition=Q(party_size__lte=MAX_PARTY_SIZE),
                name="events_registration_party_bounded",
            ),
            models.CheckConstraint(
                condition=Q(attended_people__isnull=True)
                | Q(attended_people__lte=models.F("party_size")),
                name="events_registration_attended_within_party",
            ),
            models.CheckConstraint(
                condition=Q(cancelled_with_session=False) | Q(status=RegistrationStatus.CANCELLED),
                name="events_registration_session_cancel_is_cancelled",
            ),
            models.CheckConstraint(
                condition=~Q(status=RegistrationStatus.WAITLISTED) | Q(queued_at__isnull=False),
                name="events_registration_waitlist_has_arrival",
            ),
        ]
        indexes = [models.Index(fields=["event", "status", "queued_at"])]

    def __str__(self):
        return f"#{self.pk} {self.event_id} {self.status}"

    def get_absolute_url(self):
        return reverse("events:registration", args=[self.pk])

    @property
    def is_active(self):
        return self.status != RegistrationStatus.CANCELLED


class ReminderKind(models.TextChoices):
    DAY_BEFORE = "24h", _("24 hours before")
    TWO_HOURS_BEFORE = "2h", _("2 hours before")
    HOUR_BEFORE = "1h", _("1 hour before (sent before December 2026)")


@register_setting(icon="mail")
class ReminderSettings(BaseGenericSetting):
    """Which reminders each kind of group or event sends by email. Families choose too
    (in their account), and every reminder links to the one-click cancel."""

    therapy_group_day_before = models.BooleanField(_("the day before"), default=True)
    therapy_group_two_hours_before = models.BooleanField(_("two hours before"), default=True)
    education_night_day_before = models.BooleanField(_("the day before"), default=True)
    education_night_two_hours_before = models.BooleanField(_("two hours before"), default=True)
    workshop_day_before = models.BooleanField(_("the day before"), default=True)
    workshop_two_hours_before = models.BooleanField(_("two hours before"), default=True)
    orientation_day_before = models.BooleanField(_("the day before"), default=True)
    orientation_two_hours_before = models.BooleanField(_("two hours before"), default=True)

    panels = [
        MultiFieldPanel(
            [FieldPanel(f"{kind.value}_day_before"), FieldPanel(f"{kind.value}_two_hours_before")],
            heading=kind.label,
        )
        for kind in EventKind
    ]

    class Meta:
        verbose_name = _("event reminders")

    def kinds_sending(self, reminder):
        """The event kinds that send ``reminder`` (a ReminderKind)."""
        suffix = {
            ReminderKind.DAY_BEFORE: "day_before",
            ReminderKind.TWO_HOURS_BEFORE: "two_hours_before",
        }[reminder]
        return [kind for kind in EventKind if getattr(self, f"{kind.value}_{suffix}")]


class ReminderSent(models.Model):
    """One row per reminder sent: ``send_event_reminders`` never sends one twice."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(max_length=4, choices=ReminderKind.choices)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "kind"], name="events_reminder_once_per_kind"
            )
        ]

    def __str__(self):
        return f"{self.kind} reminder for registration {self.registration_id}"


def new_feed_token():
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A family's private calendar subscription. Revoking deletes the row (and token)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"calendar feed of account {self.user_id}"

    def get_absolute_url(self):
        return reverse("events:feed", args=[self.token])
