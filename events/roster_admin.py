"""The roster of one event in Wagtail admin, its spreadsheet export, and the log of
coordinators' actions.

Every change on the roster goes through ``events.services`` with the coordinator as the
actor, so it follows the same rules as the public site and lands in the audit trail.
Rosters (names, needs, attendance) need the ``events.view_roster`` permission: Care
coordinators and superusers only.
"""

import unicodedata

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View
from wagtail.admin.views.mixins import SpreadsheetExportMixin

from events import services
from events.models import (
    SEAT_HOLDING,
    Event,
    EventStatus,
    Registration,
    RegistrationStatus,
)
from events.services import audit
from portal import audit as portal_audit


def require_roster_permission(request):
    """Reading a roster needs ``view_roster``; changing anything on it (a POST:
    attendance, capacity, moves, cancellations) also needs ``change_event``, so a
    read-only roster permission never lets its holder act."""
    if not request.user.has_perm("events.view_roster"):
        raise PermissionDenied
    if request.method == "POST" and not request.user.has_perm("events.change_event"):
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
    actor = request.user
    registration = None
    registration_id = _whole_number(request.POST.get("registration", ""), digits=ID_DIGITS)
    if registration_id is not None:
        registration = get_object_or_404(Registration, pk=registration_id, event=event)
    try:
        if action == "attendance" and registration:
            people = _whole_number(request.POST.get("attended_people", ""), digits=COUNT_DIGITS)
            if people is None:
                raise services.SignupError(_("Enter how many people came."))
            services.mark_attendance(registration, attended_people=people, actor=actor)
        elif action == "promote" and registration:
            services.promote_by_hand(registration, actor=actor)
        elif action == "cancel_registration" and registration:
            services.cancel_registration(registration, by_family=False, actor=actor)
        elif action == "move" and registration:
            target_id = _whole_number(request.POST.get("to_event", ""), digits=ID_DIGITS)
            if target_id is None:
                raise services.SignupError(_("Choose a date to move the family to."))
            target = get_object_or_404(Event, pk=target_id)
            services.move_registration(registration, target, actor=actor)
        elif action == "capacity":
            people = _whole_number(request.POST.get("capacity_people", ""), digits=COUNT_DIGITS)
            families_text = request.POST.get("capacity_families", "")
            families = _whole_number(families_text, digits=COUNT_DIGITS)
            if people is None or (families_text and families is None):
                raise services.SignupError(_("Capacity must be a whole number."))
            services.change_capacity(event, people=people, families=families, actor=actor)
        elif action == "cancel_event":
            services.cancel_event(event, notice=request.POST.get("notice", "")[:1000], actor=actor)
        else:
            raise services.SignupError(_("Unknown action."))
    except services.SignupError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Saved."))


def roster(request, pk):
    """Confirmed, waitlisted in order, cancelled, attendance and history for one event."""
    require_roster_permission(request)
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
    now = timezone.now()
    other_dates = Event.objects.filter(
        status=EventStatus.SCHEDULED, starts_at__gt=now, kind=event.kind
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
            # Attendance is taken from the start of the session, not before.
            "attendance_open": now >= event.starts_at,
            "history": labelled(log_entries().filter(context=audit.event_context(event.pk))[:20]),
            "log_url": reverse("events_coordinator_log") + f"?event={event.pk}",
            "header_title": _("Roster: %(event)s") % {"event": event},
        },
    )


# --- export ---------------------------------------------------------------------------

# What makes a spreadsheet program read a cell as a formula: the ASCII signs and the
# full-width forms some spreadsheet locales convert to them (OWASP, "CSV Injection").
# A leading tab or line break counts too; other leading blanks (no-break, ideographic,
# zero-width spaces, a byte-order mark) are looked through, as spreadsheets trim them.
_FORMULA_STARTS = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")
_CONTROL_STARTS = frozenset("\t\r\n")


def _looks_like_a_formula(text):
    if text[:1] in _CONTROL_STARTS:
        return True
    for char in text:
        if char.isspace() or unicodedata.category(char) == "Cf":
            continue
        return char in _FORMULA_STARTS
    return False


def csv_safe(value):
    """Keep spreadsheet programs from running family-typed text as a formula."""
    text = str(value)
    return "'" + text if _looks_like_a_formula(text) else text


def _family_name(registration):
    profile = getattr(registration.user, "profile", None) if registration.user else None
    return profile.display_name if profile else ""


class RosterExportView(SpreadsheetExportMixin, View):
    """The roster as CSV or XLSX, through Wagtail's list export (``?export=xlsx``)."""

    list_export = [
        "get_status_display",
        "family",
        "email",
        "party_size",
        "attendee_names",
        "interpreter_label",
        "accessibility_needs",
        "other_needs",
        "attended_people",
        "created_at",
    ]
    export_headings = {
        "get_status_display": gettext_lazy("Status"),
        "family": gettext_lazy("Display name"),
        "email": gettext_lazy("Email"),
        "party_size": gettext_lazy("People"),
        "attendee_names": gettext_lazy("First names"),
        "interpreter_label": gettext_lazy("Interpreter"),
        "accessibility_needs": gettext_lazy("Accessibility needs"),
        "other_needs": gettext_lazy("Other needs"),
        "attended_people": gettext_lazy("People who came"),
        "created_at": gettext_lazy("Signed up"),
    }

    def get(self, request, pk):
        require_roster_permission(request)
        self.event = get_object_or_404(Event, pk=pk)
        export_format = request.GET.get("export", self.FORMAT_CSV)
        if export_format not in self.FORMATS:
            export_format = self.FORMAT_CSV
        return self.as_spreadsheet(_registrations(self.event), export_format)

    def get_filename(self):
        """ "roster-2026-12-08-1800-tuesday-family-group": the local start, then the title."""
        start = timezone.localtime(self.event.starts_at)
        title = slugify(self.event.title)[:40].strip("-") or f"event-{self.event.pk}"
        return f"roster-{start:%Y-%m-%d-%H%M}-{title}"

    def to_row_dict(self, item):
        return {
            "get_status_display": item.get_status_display(),
            "family": _family_name(item),
            "email": item.user.email if item.user else "",
            "party_size": item.party_size,
            "attendee_names": item.attendee_names,
            "interpreter_label": item.get_interpreter_display() if item.interpreter else "",
            "accessibility_needs": item.accessibility_needs,
            "other_needs": item.other_needs,
            "attended_people": "" if item.attended_people is None else item.attended_people,
            "created_at": timezone.localtime(item.created_at).replace(tzinfo=None),
        }

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        # Both formats: an XLSX cell is text already, but a sheet saved again as CSV
        # would carry the formula out.
        return csv_safe(value) if isinstance(value, str) else value


# --- the coordinators' log ------------------------------------------------------------


ACTION_LABELS = {
    audit.PROMOTE: gettext_lazy("Confirmed by hand"),
    audit.MOVE: gettext_lazy("Moved to another date"),
    audit.CANCEL_REGISTRATION: gettext_lazy("Sign-up cancelled"),
    audit.CAPACITY: gettext_lazy("Capacity changed"),
    audit.CANCEL_EVENT: gettext_lazy("Session cancelled"),
    audit.ATTENDANCE: gettext_lazy("Attendance marked"),
    audit.EVENT_CREATE: gettext_lazy("Session created"),
    audit.EVENT_EDIT: gettext_lazy("Session details changed"),
    audit.EVENT_DELETE: gettext_lazy("Session deleted"),
    audit.SERIES_CREATE: gettext_lazy("Series created"),
    audit.SERIES_EDIT: gettext_lazy("Series changed"),
    audit.SERIES_DELETE: gettext_lazy("Series deleted"),
}


def log_entries():
    """Coordinators' entries in the audit trail, newest first, each with ``label``."""
    return (
        portal_audit.entries()
        .filter(context__startswith=audit.EVENT_CONTEXT_PREFIX)
        .select_related("actor__profile", "subject__profile")
    )


def labelled(entries):
    """The entries as a list, each with a readable ``label``."""
    entries = list(entries)
    for entry in entries:
        entry.label = ACTION_LABELS.get(entry.action, entry.action)
    return entries


def coordinator_log(request):
    """Every coordinator action, newest first; ``?event=<id>`` for one event's."""
    require_roster_permission(request)
    entries = log_entries()
    event = None
    event_id = _whole_number(request.GET.get("event", ""), digits=ID_DIGITS)
    if event_id is not None:
        event = Event.objects.filter(pk=event_id).first()
        entries = entries.filter(context=audit.event_context(event_id))
    page = Paginator(entries, 50).get_page(request.GET.get("p"))
    page.object_list = labelled(page.object_list)
    suffixes = {
        entry.pk: entry.context.removeprefix(audit.EVENT_CONTEXT_PREFIX)
        for entry in page.object_list
    }
    events = Event.objects.in_bulk({int(s) for s in suffixes.values() if s.isdigit()})
    for entry in page.object_list:
        suffix = suffixes[entry.pk]
        entry.event = events.get(int(suffix)) if suffix.isdigit() else None
    return TemplateResponse(
        request,
        "events/admin/coordinator_log.html",
        {
            "page": page,
            "event": event,
            "header_title": _("Coordinator log"),
        },
    )
