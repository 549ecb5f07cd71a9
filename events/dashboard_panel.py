"""The coordinators' panel on the Wagtail dashboard: this week's sessions, waitlists and
no-shows, each linking to its roster."""

from datetime import datetime, time, timedelta

from django.db.models import Count, Q, Sum
from django.utils import timezone
from wagtail.admin.ui.components import Component

from events.models import SEAT_HOLDING, Event, EventStatus, RegistrationStatus

WEEK = timedelta(days=7)
# Past sessions shown for no-shows and attendance still to mark.
LOOK_BACK = timedelta(days=14)
ROWS = 10


def _with_counts(events):
    return events.annotate(
        people=Sum(
            "registrations__party_size",
            filter=Q(registrations__status__in=SEAT_HOLDING),
            default=0,
        ),
        waiting=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.WAITLISTED)
        ),
        no_shows=Count("registrations", filter=Q(registrations__status=RegistrationStatus.NO_SHOW)),
        unmarked=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED)
        ),
    ).order_by("starts_at", "pk")


def coordinator_overview(now=None):
    """What a coordinator looks at first: the sessions of the coming seven days (from
    the start of today, local time), upcoming sessions with families waiting, and the
    last two weeks' sessions with no-shows or attendance not yet marked."""
    now = now or timezone.now()
    today = timezone.make_aware(datetime.combine(timezone.localdate(now), time.min))
    week = _with_counts(Event.objects.filter(starts_at__gte=today, starts_at__lt=today + WEEK))
    waitlists = _with_counts(
        Event.objects.filter(status=EventStatus.SCHEDULED, starts_at__gt=now)
    ).filter(waiting__gt=0)
    recent = (
        _with_counts(
            Event.objects.filter(
                status=EventStatus.SCHEDULED, starts_at__lte=now, starts_at__gte=now - LOOK_BACK
            )
        )
        .filter(Q(no_shows__gt=0) | Q(unmarked__gt=0))
        .order_by("-starts_at", "-pk")
    )
    return {
        "week": list(week[: ROWS * 3]),
        "waitlists": list(waitlists[:ROWS]),
        "no_shows": list(recent[:ROWS]),
    }


class CoordinatorPanel(Component):
    name = "events_coordinator"
    template_name = "events/admin/dashboard_panel.html"
    order = 80

    def get_context_data(self, parent_context):
        return coordinator_overview()
