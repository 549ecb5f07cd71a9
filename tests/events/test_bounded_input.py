"""Coordinator input is bounded (#20): every unbounded value gets a field error in the
admin forms (never a 500), and the database refuses what no form would accept."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import Event, EventSeries, Registration
from portal import roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(make_staff):
    return make_staff(roles.CARE_COORDINATORS)


def _event_form(**overrides):
    start = timezone.localtime(timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0)
    data = {
        "title": "Bounded group",
        "kind": "therapy_group",
        "description": "",
        "starts_at": start.strftime("%Y-%m-%d %H:%M"),
        "ends_at": (start + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"),
        "location_kind": "in_person",
        "site": "Main clinic",
        "room": "",
        "join_url": "",
        "capacity_people": "12",
        "capacity_families": "",
        "max_party_size": "4",
        "registration_opens_at": "",
        "registration_closes_at": "",
        "auto_promote_until": "02:00:00",
    }
    data.update(overrides)
    return data


def _series_form(**overrides):
    first = timezone.localdate() + timedelta(days=2)
    data = {
        "title": "Bounded series",
        "kind": "workshop",
        "mode": "drop_in",
        "description": "",
        "first_date": first.isoformat(),
        "start_time": "18:00",
        "duration_minutes": "90",
        "weekdays": [str(first.weekday())],
        "every_weeks": "1",
        "occurrences": "4",
        "repeat_until": "",
        "exception_dates": "",
        "location_kind": "in_person",
        "site": "",
        "room": "",
        "join_url": "",
        "capacity_people": "12",
        "capacity_families": "",
        "max_party_size": "4",
    }
    data.update(overrides)
    return data


FAR = "9999-12-31 18:00"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "x" * 161}, "title"),
        ({"description": "x" * 10_001}, "description"),
        ({"site": "x" * 161}, "site"),
        ({"room": "x" * 81}, "room"),
        ({"join_url": "https://example.org/" + "x" * 200}, "join_url"),
        ({"starts_at": FAR, "ends_at": "9999-12-31 19:00"}, "starts_at"),
        ({"starts_at": "1900-01-01 18:00", "ends_at": "1900-01-01 19:00"}, "starts_at"),
        ({"ends_at": FAR}, "ends_at"),
        ({"registration_opens_at": FAR}, "registration_opens_at"),
        ({"registration_closes_at": FAR}, "registration_closes_at"),
        ({"capacity_people": "1000000"}, "capacity_people"),
        ({"capacity_people": "0"}, "capacity_people"),
        ({"capacity_families": "501"}, "capacity_families"),
        ({"capacity_families": "0"}, "capacity_families"),
        ({"max_party_size": "1000000"}, "max_party_size"),
        ({"max_party_size": "21"}, "max_party_size"),
        ({"max_party_size": "0"}, "max_party_size"),
        ({"auto_promote_until": "999999999 00:00:00"}, "auto_promote_until"),
        ({"auto_promote_until": "8 00:00:00"}, "auto_promote_until"),
        ({"auto_promote_until": "-1 00:00:00"}, "auto_promote_until"),
    ],
)
def test_unbounded_event_input_gets_a_field_error(client, coordinator, overrides, field):
    client.force_login(coordinator)
    response = client.post(reverse("events_event:add"), _event_form(**overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert not Event.objects.filter(title="Bounded group").exists()


def test_an_event_longer_than_twelve_hours_gets_a_field_error(client, coordinator):
    start = timezone.localtime(timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0)
    client.force_login(coordinator)
    response = client.post(
        reverse("events_event:add"),
        _event_form(ends_at=(start + timedelta(hours=13)).strftime("%Y-%m-%d %H:%M")),
    )
    assert response.status_code == 200
    assert "ends_at" in response.context["form"].errors


def test_an_event_ending_before_it_starts_gets_a_field_error(client, coordinator):
    start = timezone.localtime(timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0)
    client.force_login(coordinator)
    response = client.post(
        reverse("events_event:add"),
        _event_form(ends_at=(start - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M")),
    )
    assert response.status_code == 200
    assert "ends_at" in response.context["form"].errors


def test_an_ordinary_event_is_still_created(client, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("events_event:add"), _event_form())
    assert response.status_code == 302, response.context["form"].errors
    assert Event.objects.get(title="Bounded group").auto_promote_until == timedelta(hours=2)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "x" * 161}, "title"),
        ({"description": "x" * 10_001}, "description"),
        ({"first_date": "9999-12-31"}, "first_date"),
        ({"first_date": "1999-12-31"}, "first_date"),
        ({"duration_minutes": "1000000000"}, "duration_minutes"),
        ({"duration_minutes": "99999999999999"}, "duration_minutes"),
        ({"duration_minutes": "721"}, "duration_minutes"),
        ({"duration_minutes": "0"}, "duration_minutes"),
        ({"weekdays": []}, "weekdays"),
        ({"weekdays": ["7"]}, "weekdays"),
        ({"weekdays": ["SECONDLY"]}, "weekdays"),
        ({"every_weeks": "0"}, "every_weeks"),  # INTERVAL=0
        ({"every_weeks": "5"}, "every_weeks"),
        ({"every_weeks": "99999999999999"}, "every_weeks"),
        ({"occurrences": "0"}, "occurrences"),
        ({"occurrences": "101"}, "occurrences"),
        ({"occurrences": "99999999999999"}, "occurrences"),
        ({"occurrences": ""}, "occurrences"),  # a series must end
        ({"repeat_until": "2030-01-01"}, "repeat_until"),  # both a count and a last date
        ({"occurrences": "", "repeat_until": "9999-12-31"}, "repeat_until"),
        ({"occurrences": "", "repeat_until": "2000-01-01"}, "repeat_until"),  # before first
        ({"occurrences": "", "repeat_until": "2099-12-31"}, "repeat_until"),  # > 100 dates
        ({"first_date": "2100-12-20", "occurrences": "10"}, "occurrences"),  # into 2101
        ({"exception_dates": "9999-12-31"}, "exception_dates"),
        ({"exception_dates": "someday"}, "exception_dates"),
        ({"exception_dates": "\n".join(["2030-01-01"] * 101)}, "exception_dates"),
        ({"capacity_people": "1000000"}, "capacity_people"),
        ({"max_party_size": "1000000"}, "max_party_size"),
    ],
)
def test_unbounded_series_input_gets_a_field_error(client, coordinator, overrides, field):
    client.force_login(coordinator)
    response = client.post(reverse("events_series:add"), _series_form(**overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert not EventSeries.objects.filter(title="Bounded series").exists()


def test_raw_recurrence_text_is_ignored_the_server_builds_the_rule(client, coordinator):
    # What the old free-text rule accepted: SECONDLY, INTERVAL=0, an injected DTSTART.
    client.force_login(coordinator)
    response = client.post(
        reverse("events_series:add"),
        _series_form(rrule="FREQ=SECONDLY;INTERVAL=0;COUNT=5\nDTSTART:19000101T000000"),
    )
    assert response.status_code == 302, response.context["form"].errors
    series = EventSeries.objects.get(title="Bounded series")
    days = [
        timezone.localtime(start).date()
        for start in series.events.order_by("starts_at").values_list("starts_at", flat=True)
    ]
    assert [(day - days[0]).days for day in days] == [0, 7, 14, 21]


def test_a_series_until_a_last_date_is_created(client, coordinator):
    first = timezone.localdate() + timedelta(days=2)
    client.force_login(coordinator)
    response = client.post(
        reverse("events_series:add"),
        _series_form(
            occurrences="",
            repeat_until=(first + timedelta(days=20)).isoformat(),
            weekdays=[str(first.weekday()), str((first.weekday() + 1) % 7)],
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    assert EventSeries.objects.get(title="Bounded series").events.count() == 6


def test_editing_a_series_shows_its_weekdays_checked(client, coordinator, make_series):
    from events.models import weekday_mask

    series = make_series(weekdays=weekday_mask([1, 3]), first_date=date(2027, 3, 2))
    client.force_login(coordinator)
    form = client.get(reverse("events_series:edit", args=[series.pk])).context["form"]
    assert sorted(form.initial["weekdays"]) == [1, 3]


def test_a_roster_capacity_above_the_bound_is_a_message_not_a_500(client, coordinator, make_event):
    event = make_event(capacity_people=10)
    client.force_login(coordinator)
    for people, families in (("50000", ""), ("1001", ""), ("10", "501")):
        response = client.post(
            reverse("events_roster", args=[event.pk]),
            {"action": "capacity", "capacity_people": people, "capacity_families": families},
            follow=True,
        )
        assert response.status_code == 200
        assert "At most 1000 people" in response.content.decode()
    event.refresh_from_db()
    assert (event.capacity_people, event.capacity_families) == (10, None)


def test_the_database_refuses_what_no_form_would_accept(make_event, family_member):
    event = make_event()
    for fields in (
        {"auto_promote_until": timedelta(days=8)},
        {"auto_promote_until": timedelta(hours=-1)},
        {"description": "x" * 10_001},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Event.objects.filter(pk=event.pk).update(**fields)
    registration = services.register(event, family_member, party_size=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.filter(pk=registration.pk).update(party_size=21)


def test_the_database_refuses_a_series_outside_the_years(make_series):
    for fields in ({"first_date": date(1999, 12, 31)}, {"first_date": date(2101, 1, 1)}):
        with pytest.raises(IntegrityError), transaction.atomic():
            make_series(**fields)
