"""Calendar entries and emails: correct times, parsed back by third-party code, and
wording that never names a diagnosis, substance use or treatment (42 CFR Part 2)."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from events import calendars, notifications, services
from events.models import LocationKind, RegistrationStatus

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
CLINICAL_TERMS = [
    "substance",
    "addiction",
    "alcohol",
    "drug",
    "opioid",
    "detox",
    "rehab",
    "therapy",
    "treatment",
    "diagnos",
    "psychiatr",
    "mental health",
    "recovery",
    "sober",
    "relapse",
    "iop",
    "intensive outpatient",
    "overdose",
]


@pytest.fixture
def clinical_event(make_event):
    """An event whose own title and description are full of clinical words."""
    return make_event(
        title="Substance use and addiction recovery therapy group (IOP)",
        description="Treatment for alcohol and opioid relapse, detox and mental health.",
        site="North building",
        room="Room 4",
        capacity_people=1,
    )


def _clinical_terms_in(text):
    lowered = text.lower()
    return [term for term in CLINICAL_TERMS if re.search(rf"\b{re.escape(term)}", lowered)]


def _calendar_events(data, start, end):
    return recurring_ical_events.of(Calendar.from_ical(data)).between(start, end)


def test_every_email_about_a_clinical_event_uses_generic_wording(
    clinical_event, families, django_capture_on_commit_callbacks, make_event
):
    other_date = make_event(starts_at=clinical_event.starts_at + timedelta(days=7))
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = services.register(clinical_event, families[0], party_size=1)
        waiting = services.register(clinical_event, families[1], party_size=1)
        services.cancel_registration(confirmed)  # cancelled + promoted
        services.move_registration(waiting, other_date)  # moved
        services.register(clinical_event, families[2], party_size=1)
        services.cancel_event(clinical_event, notice="See you next week.")
        services.send_due_reminders(now=other_date.starts_at - timedelta(hours=2))
    assert len(mail.outbox) >= 7
    for message in mail.outbox:
        assert _clinical_terms_in(message.subject + "\n" + message.body) == [], message.subject


def test_the_email_names_the_generic_session_and_the_organisation(
    clinical_event, family_member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.register(clinical_event, family_member, party_size=1)
    assert "Family group session at Family Program" in mail.outbox[0].subject


def test_calendar_entries_use_generic_wording(clinical_event, family_member):
    registration = services.register(clinical_event, family_member, party_size=1)
    text = calendars.registration_calendar(registration).decode()
    assert _clinical_terms_in(text) == []
    assert "Family group session at Family Program" in text


def test_the_ics_file_keeps_local_times_across_the_november_dst_change(make_event, family_member):
    before = datetime(2027, 11, 2, 18, 0, tzinfo=NEW_YORK)  # Tuesday, daylight time
    after = datetime(2027, 11, 9, 18, 0, tzinfo=NEW_YORK)  # Tuesday, standard time
    registrations = [
        services.register(
            make_event(starts_at=start, ends_at=start + timedelta(minutes=90)),
            family_member,
            party_size=1,
        )
        for start in (before, after)
    ]
    data = calendars.feed_calendar(registrations)
    found = _calendar_events(data, datetime(2027, 10, 1), datetime(2027, 12, 1))
    local_starts = sorted(entry["DTSTART"].dt.astimezone(NEW_YORK) for entry in found)
    assert [(start.day, start.hour, start.minute) for start in local_starts] == [
        (2, 18, 0),
        (9, 18, 0),
    ]
    assert [start.utcoffset() for start in local_starts] == [
        timedelta(hours=-5 + 1),
        timedelta(hours=-5),
    ]


def test_the_add_to_calendar_download_parses_with_the_event_times(client, event, family_member):
    registration = services.register(event, family_member, party_size=1)
    client.force_login(family_member)
    response = client.get(reverse("events:registration_ics", args=[registration.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    found = _calendar_events(
        response.content, event.starts_at - timedelta(days=1), event.ends_at + timedelta(days=1)
    )
    assert [entry["DTSTART"].dt for entry in found] == [event.starts_at]


def test_the_private_feed_lists_confirmed_sessions_and_parses(client, make_event, family_member):
    first = make_event()
    second = make_event(starts_at=first.starts_at + timedelta(days=1))
    services.register(first, family_member, party_size=1)
    services.register(second, family_member, party_size=1)
    feed = services.calendar_feed_for(family_member)
    response = client.get(feed.get_absolute_url())
    found = _calendar_events(response.content, timezone.now(), timezone.now() + timedelta(days=30))
    assert len(found) == 2


def test_the_feed_leaves_out_waitlisted_sessions(client, make_event, families):
    full = make_event(capacity_people=1)
    services.register(full, families[0], party_size=1)
    waiting = services.register(full, families[1], party_size=1)
    assert waiting.status == RegistrationStatus.WAITLISTED
    feed = services.calendar_feed_for(families[1])
    response = client.get(feed.get_absolute_url())
    assert b"BEGIN:VEVENT" not in response.content


def test_the_feed_keeps_a_session_the_organisers_cancelled_marked_cancelled(
    client, make_event, families
):
    kept, dropped = make_event(), make_event()
    services.register(kept, families[0], party_size=1)
    mine = services.register(dropped, families[0], party_size=1)
    services.cancel_registration(mine)  # the family's own choice: it leaves the feed
    services.cancel_event(dropped)
    services.cancel_event(kept)
    feed = services.calendar_feed_for(families[0])
    found = _calendar_events(
        client.get(feed.get_absolute_url()).content,
        timezone.now(),
        timezone.now() + timedelta(days=30),
    )
    assert [(str(entry["UID"]).split("@")[0], str(entry["STATUS"])) for entry in found] == [
        (f"event-{kept.pk}", "CANCELLED")
    ]


def test_a_revoked_feed_answers_404(client, family_member):
    feed = services.calendar_feed_for(family_member)
    services.revoke_calendar_feed(family_member)
    assert client.get(feed.get_absolute_url()).status_code == 404


def test_replacing_the_feed_address_retires_the_old_one(client, family_member):
    old = services.calendar_feed_for(family_member)
    old_url = old.get_absolute_url()
    new = services.calendar_feed_for(family_member, rotate=True)
    assert client.get(old_url).status_code == 404
    assert client.get(new.get_absolute_url()).status_code == 200


def test_the_signed_cancel_link_asks_before_cancelling(client, event, family_member):
    registration = services.register(event, family_member, party_size=1)
    url = reverse("events:cancel_by_link", args=[notifications.cancel_token(registration)])
    response = client.get(url)
    registration.refresh_from_db()
    assert response.status_code == 200
    assert registration.status == RegistrationStatus.CONFIRMED


def test_the_signed_cancel_link_cancels_with_one_click_without_logging_in(
    client, event, family_member
):
    registration = services.register(event, family_member, party_size=1)
    url = reverse("events:cancel_by_link", args=[notifications.cancel_token(registration)])
    client.post(url)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED


def test_an_altered_cancel_link_answers_404(client, event, family_member):
    registration = services.register(event, family_member, party_size=1)
    token = notifications.cancel_token(registration)
    assert client.post(reverse("events:cancel_by_link", args=[token + "x"])).status_code == 404
    assert client.get(reverse("events:cancel_by_link", args=["garbage"])).status_code == 404


# --- reminders --------------------------------------------------------------------------


def test_reminders_are_sent_once_however_often_the_command_runs(
    event, family_member, django_capture_on_commit_callbacks
):
    services.register(event, family_member, party_size=1)
    now = event.starts_at - timedelta(hours=20)
    with django_capture_on_commit_callbacks(execute=True):
        mail.outbox.clear()
        first = services.send_due_reminders(now=now)
        second = services.send_due_reminders(now=now + timedelta(minutes=5))
    assert (first, second) == (1, 0)
    assert len(mail.outbox) == 1


def test_no_reminder_for_a_family_that_cancels_while_the_command_runs(
    event, family_member, monkeypatch, django_capture_on_commit_callbacks
):
    from contextlib import contextmanager
    from types import SimpleNamespace

    from django.db import transaction

    from events.services import reminders

    registration = services.register(event, family_member, party_size=1)
    real_atomic = transaction.atomic

    @contextmanager
    def cancel_first():
        # The family cancels after the due list was read, before the reminder is recorded.
        services.cancel_registration(registration)
        with real_atomic():
            yield

    monkeypatch.setattr(reminders, "transaction", SimpleNamespace(atomic=cancel_first))
    with django_capture_on_commit_callbacks(execute=True):
        mail.outbox.clear()
        sent = services.send_due_reminders(now=event.starts_at - timedelta(hours=20))
    assert sent == 0
    assert not [m for m in mail.outbox if "Reminder" in m.subject]


def test_the_command_sends_due_reminders(event, family_member, capsys):
    from django.core.management import call_command

    services.register(event, family_member, party_size=1)
    from events.models import Event

    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() + timedelta(hours=3), ends_at=timezone.now() + timedelta(hours=4)
    )
    call_command("send_event_reminders")
    call_command("send_event_reminders")
    assert capsys.readouterr().out.splitlines() == ["sent 1 reminder(s)", "sent 0 reminder(s)"]


def test_no_reminder_before_the_24_hour_mark(event, family_member):
    services.register(event, family_member, party_size=1)
    assert services.send_due_reminders(now=event.starts_at - timedelta(hours=25)) == 0


def test_waitlisted_families_get_no_reminder(make_event, families):
    event = make_event(capacity_people=1)
    services.register(event, families[0], party_size=1)
    services.register(event, families[1], party_size=1)
    assert services.send_due_reminders(now=event.starts_at - timedelta(hours=2)) == 1


def test_online_sessions_get_the_join_link_two_hours_before(
    virtual_event, family_member, django_capture_on_commit_callbacks
):
    services.register(virtual_event, family_member, party_size=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.send_due_reminders(now=virtual_event.starts_at - timedelta(hours=20))
        services.send_due_reminders(now=virtual_event.starts_at - timedelta(minutes=110))
    day_before, two_hours_before = mail.outbox[-2:]
    assert virtual_event.join_url not in day_before.body
    assert virtual_event.join_url in two_hours_before.body


def test_inside_the_last_two_hours_only_the_two_hour_reminder_goes(event, family_member):
    services.register(event, family_member, party_size=1)
    assert services.send_due_reminders(now=event.starts_at - timedelta(minutes=90)) == 1
    assert list(event.registrations.get().reminders.values_list("kind", flat=True)) == ["2h"]


def test_each_kind_of_event_sends_the_reminders_its_settings_name(make_event, family_member):
    from events.models import EventKind, ReminderSettings

    reminder_settings = ReminderSettings.load()
    reminder_settings.workshop_two_hours_before = False
    reminder_settings.save()
    workshop = make_event(kind=EventKind.WORKSHOP)
    services.register(workshop, family_member, party_size=1)
    assert services.send_due_reminders(now=workshop.starts_at - timedelta(hours=20)) == 1
    assert services.send_due_reminders(now=workshop.starts_at - timedelta(minutes=90)) == 0
    # Without the two-hour reminder, a day-before reminder still goes out inside them.
    late = make_event(kind=EventKind.WORKSHOP, starts_at=timezone.now() + timedelta(minutes=90))
    services.register(late, family_member, party_size=1)
    assert services.send_due_reminders() == 1


def test_a_family_that_turned_reminders_off_gets_none(event, family_member):
    from portal import services as portal_services

    portal_services.save_email_choices(family_member, reminder_day_before=False)
    services.register(event, family_member, party_size=1)
    assert services.send_due_reminders(now=event.starts_at - timedelta(hours=20)) == 0
    assert services.send_due_reminders(now=event.starts_at - timedelta(minutes=90)) == 1


def test_a_reminder_carries_a_link_that_turns_reminders_off_without_logging_in(
    client, event, family_member, django_capture_on_commit_callbacks
):
    services.register(event, family_member, party_size=1)
    with django_capture_on_commit_callbacks(execute=True):
        mail.outbox.clear()
        services.send_due_reminders(now=event.starts_at - timedelta(hours=20))
    (reminder,) = mail.outbox
    assert "/events/cancel/" in reminder.body  # the one-click cancel stays
    link = reminder.extra_headers["List-Unsubscribe"].strip("<>")
    assert link in reminder.body
    assert reminder.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = client.get(f"/{path}")
    assert page.status_code == 200
    family_member.profile.refresh_from_db()
    assert family_member.profile.reminder_day_before  # opening the link changes nothing
    client.post(f"/{path}")  # a mail program's one-click post: no CSRF token, no log-in
    family_member.profile.refresh_from_db()
    assert not family_member.profile.reminder_day_before
    assert not family_member.profile.reminder_two_hours_before
    assert family_member.profile.email_answers  # other kinds are untouched


def test_moving_the_start_re_arms_the_reminders(event, family_member):
    from events.models import Event

    services.register(event, family_member, party_size=1)
    services.send_due_reminders(now=event.starts_at - timedelta(hours=20))
    previous = Event.objects.get(pk=event.pk)
    event.starts_at += timedelta(days=2)
    event.ends_at += timedelta(days=2)
    event.save()
    services.event_details_changed(event, previous)
    assert services.send_due_reminders(now=event.starts_at - timedelta(hours=20)) == 1


def test_the_virtual_location_is_called_online(virtual_event):
    assert calendars.public_location(virtual_event) == "Online"
    assert virtual_event.location_kind == LocationKind.VIRTUAL
