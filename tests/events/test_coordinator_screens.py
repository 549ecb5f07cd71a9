"""Coordinators' screens (#20): the events list, roster titles and export, the dashboard
panel, and the audit trail of every coordinator action."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import Event, Registration, RegistrationStatus
from forums.models import ModerationAction
from portal import roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(make_staff):
    return make_staff(roles.CARE_COORDINATORS)


def _body(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _start_now(event, minutes_ago=10):
    start = timezone.now() - timedelta(minutes=minutes_ago)
    Event.objects.filter(pk=event.pk).update(starts_at=start, ends_at=start + timedelta(hours=1))
    event.refresh_from_db()


# --- the events list ------------------------------------------------------------------


def test_the_events_list_puts_the_next_session_first_and_past_ones_last(
    client, coordinator, make_event
):
    now = timezone.now().replace(second=0, microsecond=0)
    later = make_event(title="Later session", starts_at=now + timedelta(days=9))
    past = make_event(title="Past session", starts_at=now - timedelta(days=2))
    older = make_event(title="Older session", starts_at=now - timedelta(days=9))
    soon = make_event(title="Next session", starts_at=now + timedelta(days=1))
    client.force_login(coordinator)
    page = client.get(reverse("events_event:index")).content.decode()
    positions = [page.index(event.title) for event in (soon, later, past, older)]
    assert positions == sorted(positions)
    searched = client.get(reverse("events_event:index"), {"q": "session"})
    assert searched.status_code == 200
    page = searched.content.decode()
    positions = [page.index(event.title) for event in (soon, later, past, older)]
    assert positions == sorted(positions)
    by_column = client.get(reverse("events_event:index"), {"ordering": "-starts_at"})
    page = by_column.content.decode()
    assert page.index(later.title) < page.index(soon.title) < page.index(older.title)


def test_the_events_list_shows_local_dates_not_iso(client, coordinator, make_event, settings):
    settings.TIME_ZONE = "America/New_York"
    event = make_event(title="Dated session")
    client.force_login(coordinator)
    page = client.get(reverse("events_event:index")).content.decode()
    assert event.local_when in page
    assert f"{timezone.localtime(event.starts_at):%Y-%m-%d %H:%M}" not in page


def test_the_events_list_exports_with_a_dated_name_and_local_times(client, coordinator, make_event):
    event = make_event(title="Exported session")
    client.force_login(coordinator)
    response = client.get(reverse("events_event:index"), {"export": "csv"})
    assert (
        f'filename="events-{timezone.localdate():%Y-%m-%d}.csv"'
        in (response["Content-Disposition"])
    )
    rows = list(csv.reader(io.StringIO(_body(response).decode())))
    row = next(row for row in rows if row[0] == "Exported session")
    assert row[1] == "Multi-family therapy group"
    assert row[2] == f"{timezone.localtime(event.starts_at):%Y-%m-%d %H:%M}"


def test_a_roster_title_uses_the_local_date(client, coordinator, event):
    client.force_login(coordinator)
    response = client.get(reverse("events_roster", args=[event.pk]))
    title = response.context["header_title"]
    assert event.local_when in title
    assert f"{timezone.localtime(event.starts_at):%Y-%m-%d}" not in title


# --- attendance -----------------------------------------------------------------------


def test_the_roster_offers_attendance_only_once_the_session_has_started(
    client, coordinator, event, family_member
):
    services.register(event, family_member, party_size=2)
    client.force_login(coordinator)
    before = client.get(reverse("events_roster", args=[event.pk])).content.decode()
    _start_now(event)
    after = client.get(reverse("events_roster", args=[event.pk])).content.decode()
    assert 'name="attended_people"' not in before
    assert 'name="attended_people"' in after


def test_attendance_posted_before_the_start_is_refused_with_a_message(
    client, coordinator, event, family_member
):
    registration = services.register(event, family_member, party_size=2)
    client.force_login(coordinator)
    response = client.post(
        reverse("events_roster", args=[event.pk]),
        {"action": "attendance", "registration": registration.pk, "attended_people": "2"},
        follow=True,
    )
    assert response.status_code == 200
    assert "from the start of the session" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


# --- export ---------------------------------------------------------------------------


def test_the_roster_csv_has_a_dated_file_name(client, coordinator, make_event, family_member):
    event = make_event(title="Tuesday multi-family group")
    services.register(event, family_member, party_size=1)
    client.force_login(coordinator)
    response = client.get(reverse("events_roster_export", args=[event.pk]), {"export": "csv"})
    start = timezone.localtime(event.starts_at)
    assert response["Content-Type"].startswith("text/csv")
    assert (
        f'filename="roster-{start:%Y-%m-%d-%H%M}-tuesday-multi-family-group.csv"'
        in response["Content-Disposition"]
    )
    rows = list(csv.reader(io.StringIO(_body(response).decode())))
    assert rows[0][:2] == ["Status", "Display name"]
    assert rows[1][0] == "Confirmed"


def test_the_roster_exports_as_xlsx_with_formulas_kept_as_text(
    client, coordinator, event, family_member
):
    from openpyxl import load_workbook

    services.register(
        event, family_member, party_size=2, needs=services.Needs(other_needs="\uff1dHYPERLINK(1)")
    )
    client.force_login(coordinator)
    response = client.get(reverse("events_roster_export", args=[event.pk]), {"export": "xlsx"})
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(_body(response))).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "Status"
    assert rows[1][3] == 2
    assert "'\uff1dHYPERLINK(1)" in rows[1]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_other_staff_cannot_download_a_roster_as_xlsx(client, make_staff, event):
    client.force_login(make_staff(roles.MODERATORS))
    response = client.get(reverse("events_roster_export", args=[event.pk]), {"export": "xlsx"})
    assert response.status_code in (302, 403)


# --- the dashboard --------------------------------------------------------------------


def test_the_dashboard_shows_the_weeks_sessions_waitlists_and_no_shows(
    client, coordinator, make_event, families
):
    now = timezone.now().replace(second=0, microsecond=0)
    full = make_event(title="Full this week", capacity_people=2, starts_at=now + timedelta(days=2))
    services.register(full, families[0], party_size=2)
    services.register(full, families[1], party_size=1)  # waits
    next_month = make_event(title="Next month", starts_at=now + timedelta(days=30))
    yesterday = make_event(title="Yesterday's group", starts_at=now + timedelta(hours=1))
    came = services.register(yesterday, families[2], party_size=1)
    absent = services.register(yesterday, families[3], party_size=1)
    Event.objects.filter(pk=yesterday.pk).update(
        starts_at=now - timedelta(days=1), ends_at=now - timedelta(days=1, hours=-1)
    )
    services.mark_attendance(came, attended_people=1)
    services.mark_attendance(absent, attended_people=0)

    client.force_login(coordinator)
    page = client.get(reverse("wagtailadmin_home")).content.decode()

    assert "Groups & events this week" in page
    week = page[page.index("Groups & events this week") : page.index("Waitlists")]
    assert "Full this week" in week and "Next month" not in week
    waitlists = page[page.index("Waitlists") : page.index("No-shows")]
    assert "Full this week" in waitlists and "1 family waiting" in waitlists
    no_shows = page[page.index("No-shows") :]
    assert "Yesterday" in no_shows and "1 no-show" in no_shows
    assert next_month.title not in waitlists


@pytest.mark.parametrize("role", [roles.CONTENT_EDITORS, roles.MODERATORS])
def test_other_staff_see_no_coordinator_panel(client, make_staff, make_event, role):
    make_event(title="Secret group")
    client.force_login(make_staff(role))
    response = client.get(reverse("wagtailadmin_home"))
    if response.status_code == 200:
        assert "Groups & events this week" not in response.content.decode()
        assert "Secret group" not in response.content.decode()


# --- the audit trail ------------------------------------------------------------------


def _log(event):
    return list(ModerationAction.objects.filter(context=f"event:{event.pk}").order_by("id"))


def test_a_capacity_change_on_the_roster_is_logged_with_its_coordinator(
    client, coordinator, make_event, families
):
    event = make_event(capacity_people=2)
    services.register(event, families[0], party_size=2)
    waiting = services.register(event, families[1], party_size=1)
    client.force_login(coordinator)
    client.post(
        reverse("events_roster", args=[event.pk]),
        {"action": "capacity", "capacity_people": "3", "capacity_families": ""},
    )
    [entry] = _log(event)
    assert (entry.action, entry.actor) == ("event.capacity", coordinator)
    assert entry.details["people"] == [2, 3]
    assert entry.details["promoted"] == [waiting.pk]


def test_a_promotion_by_hand_is_logged(client, coordinator, make_event, families):
    event = make_event(capacity_people=2)
    services.register(event, families[0], party_size=1)
    waiting = services.register(event, families[1], party_size=2)
    Registration.objects.filter(event=event, user=families[0]).update(status="cancelled")
    client.force_login(coordinator)
    client.post(
        reverse("events_roster", args=[event.pk]),
        {"action": "promote", "registration": waiting.pk},
    )
    [entry] = _log(event)
    assert (entry.action, entry.actor, entry.target_id) == (
        "event.promote",
        coordinator,
        waiting.pk,
    )
    assert entry.subject == families[1]


def test_a_move_is_logged_on_the_old_date(client, coordinator, make_event, families):
    source = make_event()
    target = make_event(starts_at=source.starts_at + timedelta(days=7))
    registration = services.register(source, families[0], party_size=2)
    client.force_login(coordinator)
    client.post(
        reverse("events_roster", args=[source.pk]),
        {"action": "move", "registration": registration.pk, "to_event": target.pk},
    )
    [entry] = _log(source)
    assert (entry.action, entry.actor) == ("event.registration.move", coordinator)
    assert entry.details["to_event"] == target.pk
    assert entry.details["status"] == "confirmed"


def test_a_move_refused_for_the_party_size_changes_nothing_and_logs_nothing(
    client, coordinator, make_event, families
):
    source = make_event(max_party_size=4)
    target = make_event(starts_at=source.starts_at + timedelta(days=7), max_party_size=2)
    registration = services.register(source, families[0], party_size=3)
    client.force_login(coordinator)
    response = client.post(
        reverse("events_roster", args=[source.pk]),
        {"action": "move", "registration": registration.pk, "to_event": target.pk},
        follow=True,
    )
    assert "up to 2 people" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED
    assert not Registration.objects.filter(event=target).exists()
    assert _log(source) == []


def test_cancelling_an_event_is_logged_with_the_notice(client, coordinator, event, families):
    registration = services.register(event, families[0], party_size=1)
    client.force_login(coordinator)
    client.post(
        reverse("events_roster", args=[event.pk]),
        {"action": "cancel_event", "notice": "Snow day."},
    )
    [entry] = _log(event)
    assert (entry.action, entry.actor, entry.reason) == ("event.cancel", coordinator, "Snow day.")
    assert entry.details["registrations"] == [registration.pk]


def test_attendance_is_logged(client, coordinator, event, family_member):
    registration = services.register(event, family_member, party_size=2)
    _start_now(event)
    client.force_login(coordinator)
    client.post(
        reverse("events_roster", args=[event.pk]),
        {"action": "attendance", "registration": registration.pk, "attended_people": "0"},
    )
    [entry] = _log(event)
    assert (entry.action, entry.actor, entry.subject) == (
        "event.attendance",
        coordinator,
        family_member,
    )
    assert entry.details["attended_people"] == [None, 0]


def test_a_coordinator_cancelling_a_sign_up_is_logged_but_a_family_cancelling_is_not(
    client, coordinator, event, families
):
    by_family = services.register(event, families[0], party_size=1)
    by_staff = services.register(event, families[1], party_size=1)
    services.cancel_registration(by_family)
    client.force_login(coordinator)
    client.post(
        reverse("events_roster", args=[event.pk]),
        {"action": "cancel_registration", "registration": by_staff.pk},
    )
    assert [(e.action, e.target_id) for e in _log(event)] == [
        ("event.registration.cancel", by_staff.pk)
    ]


def test_a_refused_action_leaves_no_log_entry(client, coordinator, event, family_member):
    services.register(event, family_member, party_size=1)
    client.force_login(coordinator)
    client.post(
        reverse("events_roster", args=[event.pk]),
        {"action": "capacity", "capacity_people": "50000"},
    )
    assert _log(event) == []


def test_the_log_is_readable_in_admin_and_on_the_roster(client, coordinator, event, family_member):
    services.register(event, family_member, party_size=1)
    services.change_capacity(event, people=12, actor=coordinator)
    client.force_login(coordinator)
    log_page = client.get(reverse("events_coordinator_log"), {"event": event.pk})
    roster_page = client.get(reverse("events_roster", args=[event.pk]))
    for page in (log_page.content.decode(), roster_page.content.decode()):
        assert "Capacity changed" in page
        assert coordinator.email in page
        assert "10 → 12" in page


@pytest.mark.parametrize("role", [roles.MODERATORS, roles.CONTENT_EDITORS])
def test_other_staff_cannot_read_the_coordinator_log(client, make_staff, role):
    client.force_login(make_staff(role))
    assert client.get(reverse("events_coordinator_log")).status_code in (302, 403)


def test_the_coordinator_log_ignores_a_garbled_event_filter(client, coordinator):
    client.force_login(coordinator)
    for value in ("x", "99999999999999999999999", "\u00b2"):
        assert client.get(reverse("events_coordinator_log"), {"event": value}).status_code == 200


def test_the_series_list_says_how_each_series_repeats(client, coordinator, make_series):
    from datetime import date

    from events.models import weekday_mask

    make_series(first_date=date(2027, 3, 2), weekdays=weekday_mask([1]), occurrences=1)
    make_series(
        title="Fortnightly",
        first_date=date(2027, 3, 1),
        weekdays=weekday_mask([0, 3]),
        every_weeks=2,
        occurrences=None,
        repeat_until=date(2027, 3, 31),
    )
    client.force_login(coordinator)
    page = client.get(reverse("events_series:index")).content.decode()
    assert "Tuesday · weekly · 1 date" in page
    assert "Monday, Thursday · every 2 weeks · until March 31, 2027" in page
