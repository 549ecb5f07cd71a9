"""Calendar entries (RFC 5545, built with ``icalendar``) for one registration or a feed.

Entries use the event's generic label ("Family group session at <organisation>"), never
its title or description: a calendar is often shared or shown on a lock screen, and must
not reveal a diagnosis, substance use or treatment (42 CFR Part 2).
"""

from datetime import UTC

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from events.models import Event, LocationKind
from portal.models import OrganisationSettings

PRODID = "-//Family Portal//Groups and events//EN"


def site_url(path):
    return settings.PUBLIC_BASE_URL + path


def organisation_name():
    return OrganisationSettings.load().name


def public_summary(event: Event, organisation=None):
    """ "Family group session at Family Program": the only name emails and calendars use."""
    return _("%(label)s at %(organisation)s") % {
        "label": event.generic_label,
        "organisation": organisation or organisation_name(),
    }


def public_location(event: Event):
    if event.location_kind == LocationKind.VIRTUAL:
        return _("Online")
    return ", ".join(part for part in (event.site, event.room) if part)


def _calendar(name=None):
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if name:
        calendar.add("x-wr-calname", name)
    return calendar


def _entry(event: Event, organisation, *, cancelled=False):
    entry = CalendarEvent()
    host = settings.PUBLIC_BASE_URL.split("://")[-1].split("/")[0] or "portal"
    entry.add("uid", f"event-{event.pk}@{host}")
    entry.add("summary", public_summary(event, organisation))
    # Times in UTC: every client places them in its own zone, across DST changes too.
    entry.add("dtstart", event.starts_at.astimezone(UTC))
    entry.add("dtend", event.ends_at.astimezone(UTC))
    entry.add("dtstamp", timezone.now().astimezone(UTC))
    location = public_location(event)
    if location:
        entry.add("location", location)
    entry.add("url", site_url(reverse("events:detail", args=[event.pk])))
    entry.add(
        "description",
        _("Details and your sign-up: %(url)s") % {"url": site_url(reverse("events:mine"))},
    )
    entry.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return entry


def registration_calendar(registration):
    """One VEVENT for the registration's event, as ``bytes``."""
    organisation = organisation_name()
    calendar = _calendar()
    calendar.add("method", "PUBLISH")
    calendar.add_component(
        _entry(registration.event, organisation, cancelled=registration.event.is_cancelled)
    )
    return calendar.to_ical()


def feed_calendar(registrations):
    """A subscription feed of the given registrations' events, as ``bytes``."""
    organisation = organisation_name()
    calendar = _calendar(name=_("%(organisation)s sessions") % {"organisation": organisation})
    for registration in registrations:
        calendar.add_component(
            _entry(registration.event, organisation, cancelled=registration.event.is_cancelled)
        )
    return calendar.to_ical()
