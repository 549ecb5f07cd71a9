"""Coordinator screens in Wagtail admin, and who may see a roster."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import Event, EventSeries, Registration, RegistrationStatus
from portal import roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(make_staff):
    return make_staff(roles.CARE_COORDINATORS)


@pytest.fixture
def roster_event(make_event, families):
    event = make_event(capacity_people=2)
    services.register(
        event, families[0], party_size=2, needs=services.Needs(accessibility_needs="Ramp")
    )
    services.register(event, families[1], party_size=1)
    return event


def test_a_coordinator_sees_the_roster_with_needs(client, coordinator, roster_event):
    client.force_login(coordinator)
    response = client.get(reverse("events_roster", args=[roster_event.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ramp" in page
    assert "Test Family" in page


@pytest.mark.parametrize(
    "role", [roles.MODERATORS, roles.CONTENT_EDITORS, roles.CLINICAL_REVIEWERS]
)
def test_other_staff_cannot_see_a_roster(client, make_staff, roster_event, role):
    client.force_login(make_staff(role))
    response = client.get(reverse("events_roster", args=[roster_event.pk]))
    assert response.status_code in (302, 403)
    assert "Ramp" not in response.content.decode()


def test_a_family_member_cannot_reach_a_roster(client, family_member, roster_event):
    client.force_login(family_member)
    response = client.get(reverse("events_roster", args=[roster_event.pk]))
    assert response.status_code in (302, 403)


def test_a_superuser_sees_the_roster(client, superuser, roster_event):
    client.force_login(superuser)
    assert client.get(reverse("events_roster", args=[roster_event.pk])).status_code == 200


def _body(response):
    """The text of an export (Wagtail streams CSV)."""
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def test_the_csv_export_lists_every_registration(client, coordinator, roster_event):
    client.force_login(coordinator)
    response = client.get(reverse("events_roster_csv", args=[roster_event.pk]))
    rows = list(csv.reader(io.StringIO(_body(response))))
    assert response["Content-Type"].startswith("text/csv")
    assert len(rows) == 3
    assert rows[1][0] == "Confirmed"


def test_the_csv_export_neutralises_spreadsheet_formulas(client, coordinator, event, family_member):
    services.register(
        event, family_member, party_size=1, needs=services.Needs(other_needs="=HYPERLINK(1)")
    )
    client.force_login(coordinator)
    response = client.get(reverse("events_roster_csv", args=[event.pk]))
    assert "'=HYPERLINK(1)" in _body(response)


@pytest.mark.parametrize(
    "typed",
    [
        "+1+1",
        "-2+3",
        "@SUM(A1)",
        "\tnote",
        "\ufe63",
        "\uff1dHYPERLINK(1)",
        "\uff0b1",
        "  =1+1",
        # Blanks a spreadsheet trims before it reads a formula: no-break, ideographic
        # and zero-width spaces, a byte-order mark.
        "\u00a0=1+1",
        "\u3000\uff1d1+1",
        "\u200b=1+1",
        "\ufeff@SUM(A1)",
    ],
)
def test_the_csv_export_neutralises_every_formula_start(
    client, coordinator, event, family_member, typed
):
    services.register(event, family_member, party_size=1, needs=services.Needs(other_needs=typed))
    client.force_login(coordinator)
    response = client.get(reverse("events_roster_csv", args=[event.pk]))
    row = list(csv.reader(io.StringIO(_body(response))))[1]
    if typed == "\ufe63":  # small hyphen-minus: not a formula start anywhere, kept as typed
        assert typed in row
    else:
        assert "'" + typed in row


def test_other_staff_cannot_export_a_roster(client, make_staff, roster_event):
    client.force_login(make_staff(roles.MODERATORS))
    response = client.get(reverse("events_roster_csv", args=[roster_event.pk]))
    assert response.status_code in (302, 403)


def test_raising_capacity_on_the_roster_promotes_through_the_service(
    client, coordinator, roster_event
):
    client.force_login(coordinator)
    client.post(
        reverse("events_roster", args=[roster_event.pk]),
        {"action": "capacity", "capacity_people": "3", "capacity_families": ""},
    )
    assert not Registration.objects.filter(
        event=roster_event, status=RegistrationStatus.WAITLISTED
    ).exists()


def _started(event):
    """The session began ten minutes ago (sign-ups were made while it was ahead)."""
    start = timezone.now() - timedelta(minutes=10)
    Event.objects.filter(pk=event.pk).update(starts_at=start, ends_at=start + timedelta(hours=1))


def test_marking_attendance_on_the_roster(client, coordinator, roster_event):
    registration = Registration.objects.get(event=roster_event, party_size=2)
    _started(roster_event)
    client.force_login(coordinator)
    client.post(
        reverse("events_roster", args=[roster_event.pk]),
        {"action": "attendance", "registration": registration.pk, "attended_people": "1"},
    )
    registration.refresh_from_db()
    assert (registration.status, registration.attended_people) == ("attended", 1)


def test_a_bad_roster_input_shows_a_message_not_a_500(client, coordinator, roster_event):
    client.force_login(coordinator)
    response = client.post(
        reverse("events_roster", args=[roster_event.pk]),
        {"action": "capacity", "capacity_people": "lots"},
        follow=True,
    )
    assert response.status_code == 200
    assert "whole number" in response.content.decode()


@pytest.mark.parametrize("value", ["\u00b2", "99999999999999999999999"])
@pytest.mark.parametrize("action", ["attendance", "promote", "move", "capacity"])
def test_unusual_numbers_on_the_roster_show_a_message_not_a_500(
    client, coordinator, roster_event, action, value
):
    # "\u00b2" (superscript two) passes str.isdigit() but not int(); the long number
    # overflows the database column.
    registration = Registration.objects.filter(event=roster_event).first()
    client.force_login(coordinator)
    for registration_id in (value, str(registration.pk)):
        response = client.post(
            reverse("events_roster", args=[roster_event.pk]),
            {
                "action": action,
                "registration": registration_id,
                "attended_people": value,
                "to_event": value,
                "capacity_people": value,
                "capacity_families": value,
            },
            follow=True,
        )
        assert response.status_code in (200, 404)
    roster_event.refresh_from_db()
    assert roster_event.capacity_people == 2


def test_cancelling_the_session_from_the_roster(client, coordinator, roster_event):
    client.force_login(coordinator)
    client.post(
        reverse("events_roster", args=[roster_event.pk]),
        {"action": "cancel_event", "notice": "Snow day."},
    )
    roster_event.refresh_from_db()
    assert roster_event.status == "cancelled"


def test_a_coordinator_opens_the_event_listing_with_filters(client, coordinator, roster_event):
    client.force_login(coordinator)
    response = client.get(
        reverse("events_event:index"), {"upcoming": "true", "has_waitlist": "true"}
    )
    assert response.status_code == 200
    assert roster_event.title in response.content.decode()


def test_the_edit_form_leaves_capacity_to_the_roster(client, coordinator, roster_event):
    client.force_login(coordinator)
    page = client.get(reverse("events_event:edit", args=[roster_event.pk])).content.decode()
    assert 'name="title"' in page
    assert 'name="capacity_people"' not in page


def test_creating_a_series_in_the_admin_generates_its_dates(client, coordinator):
    client.force_login(coordinator)
    first = timezone.localdate() + timedelta(days=2)
    response = client.post(
        reverse("events_series:add"),
        {
            "title": "Skills",
            "kind": "workshop",
            "mode": "drop_in",
            "description": "",
            "first_date": first.isoformat(),
            "start_time": "18:00",
            "duration_minutes": "90",
            "weekdays": [str(first.weekday())],
            "every_weeks": "1",
            "occurrences": "3",
            "repeat_until": "",
            "exception_dates": "",
            "location_kind": "in_person",
            "site": "",
            "room": "",
            "join_url": "",
            "capacity_people": "12",
            "capacity_families": "",
            "max_party_size": "4",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Event.objects.filter(series=EventSeries.objects.get()).count() == 3


def test_moderators_have_no_events_admin(client, make_staff):
    client.force_login(make_staff(roles.MODERATORS))
    assert client.get(reverse("events_event:index")).status_code in (302, 403)


def test_moving_an_event_in_the_admin_tells_its_families(
    client, coordinator, roster_event, django_capture_on_commit_callbacks
):
    from django.core import mail

    new_start = timezone.localtime(roster_event.starts_at + timedelta(days=1))
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("events_event:edit", args=[roster_event.pk]),
            {
                "title": roster_event.title,
                "kind": roster_event.kind,
                "description": "",
                "starts_at": new_start.strftime("%Y-%m-%d %H:%M"),
                "ends_at": (new_start + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"),
                "location_kind": "in_person",
                "site": roster_event.site,
                "room": roster_event.room,
                "join_url": "",
                "max_party_size": "4",
                "registration_opens_at": "",
                "registration_closes_at": "",
                "auto_promote_until": "02:00:00",
            },
        )
    assert response.status_code == 302, response.content.decode()[:3000]
    roster_event.refresh_from_db()
    assert roster_event.starts_at == new_start
    assert len([m for m in mail.outbox if m.subject.startswith("New time")]) == 2


@pytest.mark.parametrize(
    "role", [roles.MODERATORS, roles.CONTENT_EDITORS, roles.CLINICAL_REVIEWERS]
)
def test_other_staff_can_neither_export_nor_change_a_roster(client, make_staff, roster_event, role):
    client.force_login(make_staff(role))
    assert client.get(reverse("events_roster_csv", args=[roster_event.pk])).status_code in (
        302,
        403,
    )
    response = client.post(
        reverse("events_roster", args=[roster_event.pk]),
        {"action": "cancel_event", "notice": ""},
    )
    assert response.status_code in (302, 403)
    roster_event.refresh_from_db()
    assert roster_event.status == "scheduled"
    assert client.get(reverse("events_event:index")).status_code in (302, 403)
    assert client.get(reverse("events_series:index")).status_code in (302, 403)


def test_an_admin_edit_never_overwrites_a_capacity_change_made_meanwhile(roster_event):
    stale = Event.objects.get(pk=roster_event.pk)  # what the edit form was built from
    services.change_capacity(Event.objects.get(pk=roster_event.pk), people=10)

    services.update_event_details(stale, changes={"title": "Tuesday family group"})

    roster_event.refresh_from_db()
    assert roster_event.title == "Tuesday family group"
    assert roster_event.capacity_people == 10


def test_an_admin_edit_never_reopens_a_session_cancelled_meanwhile(roster_event):
    from events.models import EventStatus

    stale = Event.objects.get(pk=roster_event.pk)
    services.cancel_event(Event.objects.get(pk=roster_event.pk), notice="Snow day")

    services.update_event_details(stale, changes={"room": "Room 9"})

    roster_event.refresh_from_db()
    assert roster_event.status == EventStatus.CANCELLED
    assert roster_event.room == "Room 9"


# --- bounded input: field errors, never a 500 ------------------------------------------


def _event_form(**overrides):
    start = timezone.localtime(timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0)
    data = {
        "title": "Tuesday group",
        "kind": "therapy_group",
        "starts_at": start.strftime("%Y-%m-%d %H:%M"),
        "ends_at": (start + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"),
        "location_kind": "in_person",
        "site": "Main clinic",
        "capacity_people": "12",
        "max_party_size": "4",
        "status": "scheduled",
        "auto_promote_until": "02:00:00",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"starts_at": "9999-12-31 18:00", "ends_at": "9999-12-31 19:00"}, "starts_at"),
        ({"max_party_size": "1000000"}, "max_party_size"),
        ({"capacity_people": "50000"}, "capacity_people"),
        ({"capacity_families": "0"}, "capacity_families"),
    ],
)
def test_unbounded_event_input_gets_a_field_error_not_a_500(client, coordinator, overrides, field):
    client.force_login(coordinator)
    response = client.post(reverse("events_event:add"), _event_form(**overrides))
    assert response.status_code == 200  # the form again, with the error
    errors = response.context["form"].errors
    assert field in errors, errors
    assert not Event.objects.filter(title="Tuesday group").exists()


def test_a_series_longer_than_twelve_hours_or_in_year_9999_is_refused(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("events_series:add"),
        {
            "title": "Forever group",
            "kind": "therapy_group",
            "location_kind": "in_person",
            "capacity_people": "12",
            "max_party_size": "4",
            "mode": "drop_in",
            "first_date": "9999-12-01",
            "start_time": "18:00",
            "duration_minutes": "1000000000",
            "weekdays": ["0"],
            "every_weeks": "1",
            "occurrences": "4",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"first_date", "duration_minutes"} <= set(errors), errors
    assert not EventSeries.objects.filter(title="Forever group").exists()


def test_the_database_refuses_sizes_no_form_would_accept(make_event):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        make_event(max_party_size=1000)  # within a small integer, over the bound
    with pytest.raises(IntegrityError), transaction.atomic():
        make_event(capacity_people=50_000)


def test_the_bounded_event_form_still_creates_an_ordinary_event(client, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("events_event:add"), _event_form())
    assert response.status_code == 302, response.context["form"].errors
    assert Event.objects.get(title="Tuesday group").max_party_size == 4


def test_a_read_only_roster_permission_shows_the_roster_but_changes_nothing(
    client, make_staff, roster_event
):
    from django.contrib.auth.models import Permission

    viewer = make_staff(roles.CONTENT_EDITORS)
    viewer.user_permissions.add(Permission.objects.get(codename="view_roster"))
    client.force_login(viewer)
    url = reverse("events_roster", args=[roster_event.pk])
    assert client.get(url).status_code == 200
    registration = Registration.objects.filter(event=roster_event).first()
    response = client.post(url, {"action": "cancel_registration", "registration": registration.pk})
    # Wagtail admin turns the refusal into a redirect to the dashboard with a message.
    assert (response.status_code, response.url) == (302, reverse("wagtailadmin_home"))
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED
