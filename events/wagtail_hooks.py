"""Coordinator screens in Wagtail admin: events, series, each event's roster
(``events.roster_admin``), the coordinator log and the dashboard panel.

Capacity, status, attendance, promotions and moves go through ``events.services``, the
same rules the public site uses, with the coordinator as the actor. Creating, editing and
deleting an event or a series is logged with its actor in the coordinators' log too
(``events.services.audit``, in the save's transaction). Rosters (names,
needs, attendance) need the ``events.view_roster`` permission: Care coordinators and
superusers only.
"""

from datetime import datetime, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

import django_filters
from django import forms
from django.conf import settings
from django.db import transaction
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Value, When
from django.forms import modelform_factory
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.log_actions import log

from events import roster_admin, services
from events.dashboard_panel import CoordinatorPanel
from events.models import (
    EARLIEST,
    LATEST,
    MAX_DURATION_MINUTES,
    MAX_EVERY_WEEKS,
    MAX_SERIES_DATES,
    WEEKDAY_CHOICES,
    Event,
    EventKind,
    EventSeries,
    EventStatus,
    Registration,
    RegistrationStatus,
    weekday_mask,
    weekdays_of,
)
from events.services import audit

EVENT_FIELDS = [
    "title",
    "kind",
    "description",
    "facilitators",
    "starts_at",
    "ends_at",
    "location_kind",
    "site",
    "room",
    "join_url",
    "capacity_people",
    "capacity_families",
    "max_party_size",
    "registration_opens_at",
    "registration_closes_at",
    "auto_promote_until",
    "lecture",
]
# Changed on an existing event only from the roster, through the services.
SERVICE_FIELDS = ["capacity_people", "capacity_families"]


class EventAdminForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name in SERVICE_FIELDS:
                self.fields.pop(name, None)

    def clean(self):
        data = super().clean()
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if starts_at and ends_at:
            if ends_at <= starts_at:
                self.add_error("ends_at", _("The end must be after the start."))
            elif ends_at - starts_at > timedelta(minutes=MAX_DURATION_MINUTES):
                self.add_error("ends_at", _("A session lasts at most 12 hours."))
        return data


class EventFilterSet(WagtailFilterSet):
    upcoming = django_filters.BooleanFilter(
        label=gettext_lazy("Upcoming"), method="filter_upcoming"
    )
    has_waitlist = django_filters.BooleanFilter(
        label=gettext_lazy("Has a waitlist"), method="filter_has_waitlist"
    )
    kind = django_filters.ChoiceFilter(label=gettext_lazy("Kind"), choices=EventKind.choices)
    status = django_filters.ChoiceFilter(label=gettext_lazy("Status"), choices=EventStatus.choices)

    class Meta:
        model = Event
        fields = ["upcoming", "kind", "status", "has_waitlist"]

    def filter_upcoming(self, queryset, name, value):
        now = timezone.now()
        if value is None:
            return queryset
        return queryset.filter(starts_at__gt=now) if value else queryset.filter(starts_at__lte=now)

    def filter_has_waitlist(self, queryset, name, value):
        if value is None:
            return queryset
        waiting = Registration.objects.filter(
            event=OuterRef("pk"), status=RegistrationStatus.WAITLISTED
        )
        return queryset.filter(Exists(waiting)) if value else queryset.exclude(Exists(waiting))


def roster_link(event):
    return format_html(
        '<a href="{}">{}</a>', reverse("events_roster", args=[event.pk]), _("Roster")
    )


class EventEditView(generic.EditView):
    def save_instance(self):
        # Through the service, not the whole-row save: only the edited fields are
        # written, with the event row locked (the roster may change capacity meanwhile).
        data = self.form.cleaned_data
        changes = {
            name: data[name]
            for name in self.form.changed_data
            if name in data and name != "facilitators"
        }
        facilitators = data["facilitators"] if "facilitators" in self.form.changed_data else None
        event = services.update_event_details(
            self.object, changes=changes, facilitators=facilitators
        )
        changed = sorted(changes) + (["facilitators"] if facilitators is not None else [])
        if changed:
            audit.record_coordinator_action(
                self.request.user, audit.EVENT_EDIT, event.pk, changed=changed
            )
        log(event, "wagtail.edit", user=self.request.user)
        return event


class EventCreateView(generic.CreateView):
    """A new session, logged in the coordinators' log with its actor."""

    def save_instance(self):
        event = super().save_instance()
        audit.record_coordinator_action(
            self.request.user, audit.EVENT_CREATE, event.pk, title=event.title
        )
        return event


class EventDeleteView(generic.DeleteView):
    """Administrators only (coordinators cancel a session instead, which tells the
    families): logged with the actor and how many sign-ups went with the session."""

    def delete_action(self):
        with transaction.atomic():
            event = self.object
            audit.record_coordinator_action(
                self.request.user,
                audit.EVENT_DELETE,
                event.pk,
                title=event.title,
                deleted_registrations=Registration.objects.filter(event=event).count(),
            )
            super().delete_action()


def _local_naive(value):
    return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value


class EventIndexView(generic.IndexView):
    # Exported times in the portal's zone (Wagtail's default writes XLSX times in UTC).
    custom_value_preprocess = generic.IndexView.custom_value_preprocess | {
        datetime: {
            generic.IndexView.FORMAT_CSV: lambda value: f"{_local_naive(value):%Y-%m-%d %H:%M}",
            generic.IndexView.FORMAT_XLSX: _local_naive,
        }
    }

    def get_filename(self):
        """The list export's name: "events-2026-12-03" (the day it was taken)."""
        return f"events-{timezone.localdate():%Y-%m-%d}"

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        return roster_admin.csv_safe(value) if isinstance(value, str) else value

    def order_queryset(self, queryset):
        """Unless a column is chosen: the next session first, then the later ones, then
        past sessions, the most recent first."""
        if self.is_explicitly_ordered:
            return super().order_queryset(queryset)
        now = timezone.now()
        return queryset.annotate(
            _past=Case(
                When(ends_at__lte=now, then=Value(1)), default=Value(0), output_field=IntegerField()
            ),
            _upcoming_start=Case(When(ends_at__gt=now, then=F("starts_at"))),
            _past_start=Case(When(ends_at__lte=now, then=F("starts_at"))),
        ).order_by("_past", F("_upcoming_start").asc(), F("_past_start").desc(), "pk")


def local_start(event):
    return event.local_when


class EventViewSet(ModelViewSet):
    model = Event
    icon = "date"
    menu_label = gettext_lazy("Events")
    form_fields = EVENT_FIELDS
    add_view_class = EventCreateView
    edit_view_class = EventEditView
    delete_view_class = EventDeleteView
    index_view_class = EventIndexView
    copy_view_enabled = False
    filterset_class = EventFilterSet
    list_display = [
        "title",
        "kind",
        Column(
            "starts_at", label=gettext_lazy("starts"), accessor=local_start, sort_key="starts_at"
        ),
        "status",
        Column("roster", label=gettext_lazy("Roster"), accessor=roster_link),
    ]
    search_fields = ["title"]
    # "Download CSV / XLSX" on the list (the filtered sessions; no family data).
    list_export = [
        "title",
        "get_kind_display",
        "starts_at",
        "ends_at",
        "get_status_display",
        "capacity_people",
    ]
    export_headings = {
        "get_kind_display": gettext_lazy("kind"),
        "get_status_display": gettext_lazy("status"),
    }

    def get_form_class(self, for_update=False):
        # Wagtail's admin form gives date pickers and https-assuming URL fields.
        return modelform_factory(Event, form=EventAdminForm, fields=EVENT_FIELDS)


class SeriesAdminForm(WagtailAdminModelForm):
    """A series repeats weekly on chosen weekdays, every 1 to 4 weeks, a number of times
    or until a last date; the server builds the rule (``services.series_rule``)."""

    weekdays = forms.TypedMultipleChoiceField(
        label=gettext_lazy("On"),
        choices=WEEKDAY_CHOICES,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("The days of the week the group meets."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.weekdays:
            self.initial["weekdays"] = weekdays_of(self.instance.weekdays)

    def clean_weekdays(self):
        return weekday_mask(self.cleaned_data["weekdays"])

    def clean(self):
        data = super().clean()
        occurrences, until = data.get("occurrences"), data.get("repeat_until")
        if "occurrences" in data and "repeat_until" in data:
            if occurrences is None and until is None:
                self.add_error(
                    "occurrences",
                    _("Give the number of dates or the last date: the series must end."),
                )
            elif occurrences is not None and until is not None:
                self.add_error(
                    "repeat_until", _("Give the number of dates or the last date, not both.")
                )
        first_date = data.get("first_date")
        if until and first_date and until < first_date:
            self.add_error("repeat_until", _("The last date must be on or after the first date."))
        if not self.errors and self._rule_in_bounds(data):
            self._check_dates(data)
        return data

    @staticmethod
    def _rule_in_bounds(data):
        """Whether the rule's parts are there and within their bounds (the model's
        validators report those that are not), so its dates can be computed."""
        occurrences, until = data.get("occurrences"), data.get("repeat_until")
        years = (EARLIEST.date(), LATEST.date())
        return (
            data.get("first_date") is not None
            and years[0] <= data["first_date"] < years[1]
            and (until is None or years[0] <= until < years[1])
            and data.get("start_time") is not None
            and data.get("weekdays")
            and 1 <= (data.get("duration_minutes") or 0) <= MAX_DURATION_MINUTES
            and 1 <= (data.get("every_weeks") or 0) <= MAX_EVERY_WEEKS
            and (occurrences is None) != (until is None)
            and (occurrences is None or 1 <= occurrences <= MAX_SERIES_DATES)
        )

    def _check_dates(self, data):
        """The rule's dates: at least one, at most 100, all before 2101."""
        probe = EventSeries(
            first_date=data["first_date"],
            start_time=data["start_time"],
            weekdays=data["weekdays"],
            every_weeks=data["every_weeks"],
            occurrences=data.get("occurrences"),
            repeat_until=data.get("repeat_until"),
        )
        dates = list(islice(services.series_rule(probe), MAX_SERIES_DATES + 1))
        ending = "occurrences" if data.get("occurrences") else "repeat_until"
        if not dates:
            self.add_error("weekdays", _("These days give no date before the last date."))
        elif len(dates) > MAX_SERIES_DATES:
            self.add_error(
                ending,
                _("A series has at most %(max)s dates: choose an earlier last date.")
                % {"max": MAX_SERIES_DATES},
            )
        else:
            last_end = datetime.combine(dates[-1].date(), data["start_time"]) + timedelta(
                minutes=data["duration_minutes"]
            )
            if last_end.replace(tzinfo=ZoneInfo(settings.TIME_ZONE)) >= LATEST:
                self.add_error(ending, _("Every date must be before 2101."))


class SeriesCreateView(generic.CreateView):
    def save_instance(self):
        series = super().save_instance()
        dates = services.sync_series(series, actor=self.request.user)
        audit.record_series_action(
            self.request.user, audit.SERIES_CREATE, series.pk, title=series.title, dates=dates
        )
        return series


class SeriesEditView(generic.EditView):
    def save_instance(self):
        series = super().save_instance()
        dates = services.sync_series(series, actor=self.request.user)
        if self.form.changed_data or any(dates):
            audit.record_series_action(
                self.request.user,
                audit.SERIES_EDIT,
                series.pk,
                title=series.title,
                changed=sorted(self.form.changed_data),
                dates=dates,
            )
        return series


class SeriesDeleteView(generic.DeleteView):
    """Administrators only: its dates stay as sessions of their own; logged."""

    def delete_action(self):
        with transaction.atomic():
            audit.record_series_action(
                self.request.user, audit.SERIES_DELETE, self.object.pk, title=self.object.title
            )
            super().delete_action()


class EventSeriesViewSet(ModelViewSet):
    model = EventSeries
    icon = "repeat"
    menu_label = gettext_lazy("Series")
    add_view_class = SeriesCreateView
    edit_view_class = SeriesEditView
    delete_view_class = SeriesDeleteView
    copy_view_enabled = False
    form_fields = [
        "title",
        "kind",
        "mode",
        "description",
        "first_date",
        "start_time",
        "duration_minutes",
        "weekdays",
        "every_weeks",
        "occurrences",
        "repeat_until",
        "exception_dates",
        "location_kind",
        "site",
        "room",
        "join_url",
        "capacity_people",
        "capacity_families",
        "max_party_size",
        "lecture",
    ]
    list_display = ["title", "kind", "mode", "first_date", "recurrence_summary"]

    def get_form_class(self, for_update=False):
        return modelform_factory(EventSeries, form=SeriesAdminForm, fields=self.form_fields)

    list_filter = ["kind", "mode"]
    search_fields = ["title"]


class EventsGroup(ModelViewSetGroup):
    menu_label = gettext_lazy("Groups & events")
    menu_icon = "date"
    menu_order = 250
    items = (EventViewSet("events_event"), EventSeriesViewSet("events_series"))


@hooks.register("register_admin_viewset")
def register_events_viewsets():
    return EventsGroup()


@hooks.register("construct_homepage_panels")
def add_coordinator_panel(request, panels):
    if request.user.has_perm("events.view_roster"):
        panels.append(CoordinatorPanel())


class CoordinatorLogMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("events.view_roster")


@hooks.register("register_reports_menu_item")
def register_coordinator_log_menu_item():
    return CoordinatorLogMenuItem(
        gettext_lazy("Coordinator log"),
        reverse("events_coordinator_log"),
        name="coordinator-log",
        icon_name="history",
        order=660,
    )


@hooks.register("register_admin_urls")
def register_roster_urls():
    export = roster_admin.RosterExportView.as_view()
    return [
        path("events/roster/<int:pk>/", roster_admin.roster, name="events_roster"),
        path("events/roster/<int:pk>/export/", export, name="events_roster_export"),
        # The address before the XLSX export: CSV, for bookmarks and scripts.
        path("events/roster/<int:pk>/export.csv", export, name="events_roster_csv"),
        path("events/log/", roster_admin.coordinator_log, name="events_coordinator_log"),
    ]
