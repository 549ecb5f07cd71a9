"""Coordinator screens in Wagtail admin: events, series, and each event's roster.

Capacity, status, attendance, promotions and moves go through ``events.services``, the
same rules the public site uses. Rosters (names, needs, attendance) need the
``events.view_roster`` permission: Care coordinators and superusers only.
"""

import csv

import django_filters
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.forms import modelform_factory
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.log_actions import log

from events import services
from events.models import (
    SEAT_HOLDING,
    Event,
    EventKind,
    EventSeries,
    EventStatus,
    Registration,
    RegistrationStatus,
)

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
        log(event, "wagtail.edit", user=self.request.user)
        return event


class EventViewSet(ModelViewSet):
    model = Event
    icon = "date"
    menu_label = gettext_lazy("Events")
    form_fields = EVENT_FIELDS
    edit_view_class = EventEditView
    copy_view_enabled = False
    filterset_class = EventFilterSet
    list_display = [
        "title",
        "kind",
        "starts_at",
        "status",
        Column("roster", label=gettext_lazy("Roster"), accessor=roster_link),
    ]
    search_fields = ["title"]
    ordering = ["-starts_at"]

    def get_form_class(self, for_update=False):
        # Wagtail's admin form gives date pickers and https-assuming URL fields.
        return modelform_factory(Event, form=EventAdminForm, fields=EVENT_FIELDS)


class SeriesCreateView(generic.CreateView):
    def save_instance(self):
        series = super().save_instance()
        services.sync_series(series)
        return series


class SeriesEditView(generic.EditView):
    def save_instance(self):
        series = super().save_instance()
        services.sync_series(series)
        return series


class EventSeriesViewSet(ModelViewSet):
    model = EventSeries
    icon = "repeat"
    menu_label = gettext_lazy("Series")
    add_view_class = SeriesCreateView
    edit_view_class = SeriesEditView
    copy_view_enabled = False
    form_fields = [
        "title",
        "kind",
        "mode",
        "description",
        "first_date",
        "start_time",
        "duration_minutes",
        "rrule",
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
    list_display = ["title", "kind", "mode", "first_date", "rrule"]

    def get_form_class(self, for_update=False):
        return modelform_factory(EventSeries, form=WagtailAdminModelForm, fields=self.form_fields)

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


# --- roster ---------------------------------------------------------------------------


def _require_roster_permission(request):
    if not request.user.has_perm("events.view_roster"):
        raise PermissionDenied


def _registrations(event):
    return (
        Registration.objects.filter(event=event)
        .select_related("user__profile")
        .order_by("created_at", "pk")
    )


def _whole_number(text, *, digits):
    """``text`` as a non-negative int, or None. ASCII digits only ("²".isdigit() is true
    but int() refuses it) and at most ``digits`` of them, so the database column holds it."""
    if text.isascii() and text.isdigit() and len(text) <= digits:
        return int(text)
    return None


# Ids are 64-bit; counts and capacities are 32-bit columns.
ID_DIGITS, COUNT_DIGITS = 18, 9


def _handle_roster_action(request, event):
    action = request.POST.get("action", "")
    registration = None
    registration_id = _whole_number(request.POST.get("registration", ""), digits=ID_DIGITS)
    if registration_id is not None:
        registration = get_object_or_404(Registration, pk=registration_id, event=event)
    try:
        if action == "attendance" and registration:
            people = _whole_number(request.POST.get("attended_people", ""), digits=COUNT_DIGITS)
            if people is None:
                raise services.SignupError(_("Enter how many people came."))
            services.mark_attendance(registration, attended_people=people)
        elif action == "promote" and registration:
            services.promote_by_hand(registration)
        elif action == "cancel_registration" and registration:
            services.cancel_registration(registration, by_family=False)
        elif action == "move" and registration:
            target_id = _whole_number(request.POST.get("to_event", ""), digits=ID_DIGITS)
            if target_id is None:
                raise services.SignupError(_("Choose a date to move the family to."))
            target = get_object_or_404(Event, pk=target_id)
            services.move_registration(registration, target)
        elif action == "capacity":
            people = _whole_number(request.POST.get("capacity_people", ""), digits=COUNT_DIGITS)
            families_text = request.POST.get("capacity_families", "")
            families = _whole_number(families_text, digits=COUNT_DIGITS)
            if people is None or (families_text and families is None):
                raise services.SignupError(_("Capacity must be a whole number."))
            services.change_capacity(event, people=people, families=families)
        elif action == "cancel_event":
            services.cancel_event(event, notice=request.POST.get("notice", "")[:1000])
        else:
            raise services.SignupError(_("Unknown action."))
    except services.SignupError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Saved."))


def roster(request, pk):
    """Confirmed, waitlisted in order, cancelled, and attendance for one event."""
    _require_roster_permission(request)
    event = get_object_or_404(Event, pk=pk)
    if request.method == "POST":
        _handle_roster_action(request, event)
        return redirect("events_roster", pk=event.pk)
    registrations = list(_registrations(event))
    waitlisted = sorted(
        (r for r in registrations if r.status == RegistrationStatus.WAITLISTED),
        key=lambda r: (r.queued_at, r.pk),
    )
    used = services.occupancy(event)
    other_dates = Event.objects.filter(
        status=EventStatus.SCHEDULED, starts_at__gt=timezone.now(), kind=event.kind
    ).exclude(pk=event.pk)[:50]
    return TemplateResponse(
        request,
        "events/admin/roster.html",
        {
            "event": event,
            "confirmed": [r for r in registrations if r.status in SEAT_HOLDING],
            "waitlisted": waitlisted,
            "cancelled": [r for r in registrations if r.status == RegistrationStatus.CANCELLED],
            "occupancy": used,
            "people_left": used.people_left(event),
            "other_dates": other_dates,
            "header_title": _("Roster: %(event)s") % {"event": event},
        },
    )


def roster_csv(request, pk):
    _require_roster_permission(request)
    event = get_object_or_404(Event, pk=pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="roster-event-{event.pk}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Status"),
            _("Display name"),
            _("Email"),
            _("People"),
            _("First names"),
            _("Interpreter"),
            _("Accessibility needs"),
            _("Other needs"),
            _("People who came"),
            _("Signed up"),
        ]
    )
    for registration in _registrations(event):
        profile = getattr(registration.user, "profile", None) if registration.user else None
        writer.writerow(
            [
                _csv_safe(value)
                for value in (
                    registration.get_status_display(),
                    profile.display_name if profile else "",
                    registration.user.email if registration.user else "",
                    registration.party_size,
                    registration.attendee_names,
                    registration.get_interpreter_display() if registration.interpreter else "",
                    registration.accessibility_needs,
                    registration.other_needs,
                    "" if registration.attended_people is None else registration.attended_people,
                    timezone.localtime(registration.created_at).isoformat(timespec="minutes"),
                )
            ]
        )
    return response


# What makes a spreadsheet program read a cell as a formula: the ASCII signs, the
# full-width forms some spreadsheet locales convert to them, and leading control
# characters (OWASP, "CSV Injection").
_FORMULA_STARTS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")


def _csv_safe(value):
    """Keep spreadsheet programs from running family-typed text as a formula."""
    text = str(value)
    return "'" + text if text.lstrip(" ")[:1] in _FORMULA_STARTS else text


@hooks.register("register_admin_urls")
def register_roster_urls():
    return [
        path("events/roster/<int:pk>/", roster, name="events_roster"),
        path("events/roster/<int:pk>/export.csv", roster_csv, name="events_roster_csv"),
    ]
