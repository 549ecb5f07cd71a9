"""The privacy hub (export and erase) and the demo content."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from events import demo, services
from events.models import CalendarFeed, Event, EventSeries, Registration, RegistrationStatus
from portal import privacy

pytestmark = pytest.mark.django_db


def test_every_events_model_with_a_user_is_covered_by_the_privacy_hub():
    assert [
        m for m in privacy.unregistered_personal_models() if m._meta.app_label == "events"
    ] == []


def test_the_export_holds_the_accounts_sign_ups_and_needs(event, family_member):
    services.register(event, family_member, party_size=2, needs=services.Needs(interpreter="asl"))
    data = privacy.export_user_data(family_member)["apps"]["events"]
    assert data["registrations"][0]["party_size"] == 2
    assert data["registrations"][0]["interpreter"] == "asl"


def test_erasing_an_account_gives_its_upcoming_seats_to_the_waitlist(make_event, families):
    event = make_event(capacity_people=2)
    services.register(event, families[0], party_size=2)
    waiting = services.register(event, families[1], party_size=2)
    privacy.erase_account(families[0])
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED
    assert Registration.objects.filter(event=event).count() == 1


def test_erasing_an_account_keeps_past_attendance_without_a_name(make_event, family_member):
    start = timezone.now() + timedelta(hours=3)
    event = make_event(starts_at=start, ends_at=start + timedelta(hours=1))
    registration = services.register(
        event, family_member, party_size=2, needs=services.Needs(attendee_names="Ana")
    )
    services.mark_attendance(registration, attended_people=2, now=start)
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - timedelta(days=1),
        ends_at=timezone.now() - timedelta(days=1) + timedelta(hours=1),
    )
    privacy.erase_account(family_member)
    registration.refresh_from_db()
    assert registration.user is None
    assert registration.attendee_names == ""
    assert registration.attended_people == 2


def test_erasing_an_account_deletes_its_calendar_feed(family_member):
    services.calendar_feed_for(family_member)
    privacy.erase_account(family_member)
    assert not CalendarFeed.objects.exists()


def test_seed_demo_creates_the_groups_events_and_sign_ups(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    drop_in = EventSeries.objects.get(title=demo.DROP_IN_TITLE)
    cohort = EventSeries.objects.get(title=demo.COHORT_TITLE)
    assert drop_in.events.count() == 8
    assert cohort.events.count() == 6
    nearly_full = Event.objects.get(title=demo.NEARLY_FULL_TITLE)
    statuses = set(nearly_full.registrations.values_list("status", flat=True))
    assert statuses == {RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED}
    assert Event.objects.filter(title__in=demo.NIGHT_TITLES).count() == 2


def test_seed_demo_twice_leaves_the_same_events(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    counts = (Event.objects.count(), Registration.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (Event.objects.count(), Registration.objects.count()) == counts
