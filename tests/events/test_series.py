"""Recurring series: dates from weekdays and a count or a last date, skipped dates,
regeneration, cohort and drop-in."""

from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from events import services
from events.models import (
    ALL_WEEKDAYS,
    Event,
    EventSeries,
    RegistrationStatus,
    SeriesMode,
    weekday_mask,
)

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")


def _starts(series):
    return [
        timezone.localtime(start, NEW_YORK)
        for start in series.events.order_by("starts_at").values_list("starts_at", flat=True)
    ]


def test_a_weekly_rule_generates_one_event_per_date(make_series):
    series = make_series(weekdays=weekday_mask([1]), occurrences=8)
    starts = _starts(series)
    assert len(starts) == 8
    assert {start.weekday() for start in starts} == {1}


def test_skipped_dates_get_no_event(make_series):
    first = timezone.localdate() + timedelta(days=1)
    series = make_series(
        first_date=first,
        weekdays=ALL_WEEKDAYS,
        occurrences=3,
        exception_dates=(first + timedelta(days=1)).isoformat(),
    )
    assert [start.date() for start in _starts(series)] == [first, first + timedelta(days=2)]


def test_dates_keep_their_wall_clock_time_across_the_november_dst_change(make_series, settings):
    settings.TIME_ZONE = "America/New_York"
    series = make_series(first_date=date(2027, 10, 31), start_time=time(18, 0), occurrences=3)
    starts = _starts(series)
    assert [start.hour for start in starts] == [18, 18, 18]
    assert [start.utcoffset() for start in starts] == [
        timedelta(hours=-4),  # Sunday October 31: still daylight time
        timedelta(hours=-5),  # Sunday November 7: standard time from 2 am
        timedelta(hours=-5),
    ]


def test_a_series_meets_on_several_weekdays_every_other_week_until_a_last_date(make_series):
    monday = date(2027, 3, 1)
    series = make_series(
        first_date=monday,
        weekdays=weekday_mask([0, 3]),  # Mondays and Thursdays
        every_weeks=2,
        occurrences=None,
        repeat_until=date(2027, 3, 31),
    )
    assert [start.date() for start in _starts(series)] == [
        date(2027, 3, 1),
        date(2027, 3, 4),
        date(2027, 3, 15),
        date(2027, 3, 18),
        date(2027, 3, 29),
    ]


def test_a_series_without_an_end_is_refused_by_the_database(make_series):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        make_series(occurrences=None, repeat_until=None)


def test_the_database_refuses_a_series_rule_no_form_would_accept(make_series):
    from django.db import IntegrityError, transaction

    for fields in (
        {"weekdays": 0},
        {"weekdays": 128},
        {"every_weeks": 0},
        {"every_weeks": 5},
        {"occurrences": 101},
        {"occurrences": 3, "repeat_until": date(2027, 1, 1)},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            make_series(**fields)


def test_syncing_twice_changes_nothing(make_series):
    series = make_series()
    before = list(series.events.values_list("pk", "starts_at"))
    assert services.sync_series(series) == (0, 0, 0)
    assert list(series.events.values_list("pk", "starts_at")) == before


def test_editing_the_rule_regenerates_dates_without_registrations(make_series):
    series = make_series(occurrences=4)
    series.occurrences = 2
    series.save()
    services.sync_series(series)
    assert series.events.count() == 2


def test_a_date_with_registrations_moves_to_the_new_rule_with_notice(
    make_series, family_member, django_capture_on_commit_callbacks
):
    series = make_series(occurrences=2)
    booked = series.events.order_by("starts_at").last()
    registration = services.register(booked, family_member, party_size=1)
    old_start = booked.starts_at
    series.start_time = time(19, 0)
    series.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.sync_series(series)
    booked.refresh_from_db()
    registration.refresh_from_db()
    assert booked.starts_at == old_start + timedelta(hours=1)
    assert registration.status == RegistrationStatus.CONFIRMED
    assert [m.to for m in mail.outbox] == [[family_member.email]]
    assert "New time" in mail.outbox[0].subject


def test_past_dates_are_never_touched(make_series):
    series = make_series(first_date=timezone.localdate() - timedelta(days=14))
    past = list(series.events.filter(starts_at__lt=timezone.now()).values_list("pk", flat=True))
    series.occurrences = 3
    series.save()
    services.sync_series(series)
    assert set(past) <= set(series.events.values_list("pk", flat=True))


def test_cohort_enrolment_confirms_every_remaining_date(cohort_series, family_member):
    registrations = services.enrol_in_cohort(cohort_series, family_member, party_size=2)
    assert len(registrations) == 4
    assert {r.status for r in registrations} == {RegistrationStatus.CONFIRMED}


def test_cohort_enrolment_is_all_or_nothing(cohort_series, families):
    last = cohort_series.events.order_by("starts_at").last()
    Event.objects.filter(pk=last.pk).update(capacity_people=2)
    services.enrol_in_cohort(cohort_series, families[0], party_size=2)
    with pytest.raises(services.CohortFull):
        services.enrol_in_cohort(cohort_series, families[1], party_size=1)
    assert not families[1].event_registrations.exists()


def test_enrolling_twice_returns_the_same_registrations(cohort_series, family_member):
    first = services.enrol_in_cohort(cohort_series, family_member, party_size=2)
    second = services.enrol_in_cohort(cohort_series, family_member, party_size=2)
    assert [r.pk for r in first] == [r.pk for r in second]


def test_drop_in_all_remaining_dates_confirms_where_it_fits_and_waitlists_elsewhere(
    make_series, families
):
    series = make_series(mode=SeriesMode.DROP_IN, capacity_people=2)
    full = series.events.order_by("starts_at")[1]
    services.register(full, families[0], party_size=2)
    report = services.register_for_remaining_dates(series, families[1], party_size=2)
    assert [registration.status for _event, registration, _message in report] == [
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.WAITLISTED,
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.CONFIRMED,
    ]


def test_drop_in_all_remaining_dates_reports_closed_dates(make_series, family_member):
    series = make_series(mode=SeriesMode.DROP_IN)
    closed = series.events.order_by("starts_at").first()
    Event.objects.filter(pk=closed.pk).update(
        registration_closes_at=timezone.now() - timedelta(minutes=1),
        registration_opens_at=timezone.now() - timedelta(days=1),
    )
    report = services.register_for_remaining_dates(series, family_member, party_size=1)
    assert report[0][1] is None
    assert "closed" in str(report[0][2])


def test_a_drop_in_series_refuses_cohort_enrolment(make_series, family_member):
    series = make_series(mode=SeriesMode.DROP_IN)
    with pytest.raises(services.SignupError):
        services.enrol_in_cohort(series, family_member, party_size=1)


def test_a_series_has_a_readable_name(make_series):
    assert str(make_series(title="Skills")) == "Skills"
    assert EventSeries.objects.count() == 1


def test_changing_the_series_site_tells_the_families_of_booked_dates(
    make_series, family_member, django_capture_on_commit_callbacks
):
    series = make_series(site="North building")
    booked = series.events.order_by("starts_at").first()
    services.register(booked, family_member, party_size=1)
    series.site = "South building"
    series.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.sync_series(series)
    booked.refresh_from_db()
    assert booked.site == "South building"
    assert [m.to for m in mail.outbox] == [[family_member.email]]


def test_a_date_that_moves_re_arms_its_reminders(make_series, family_member):
    series = make_series(occurrences=2)
    booked = series.events.order_by("starts_at").first()
    services.register(booked, family_member, party_size=1)
    assert services.send_due_reminders(now=booked.starts_at - timedelta(hours=20)) == 1
    series.start_time = time(20, 0)
    series.save()
    services.sync_series(series)
    booked.refresh_from_db()
    assert services.send_due_reminders(now=booked.starts_at - timedelta(hours=20)) == 1


def test_a_cancelled_date_is_not_recreated_when_the_series_is_synced_again(make_series):
    series = make_series(occurrences=4)
    cancelled = series.events.order_by("starts_at")[1]
    services.cancel_event(cancelled)

    series.title = "Family skills series (new name)"
    series.save()
    services.sync_series(series)

    at_that_time = Event.objects.filter(series=series, starts_at=cancelled.starts_at)
    assert list(at_that_time.values_list("status", flat=True)) == ["cancelled"]
    assert series.events.filter(status="scheduled").count() == 3


# --- migration 0006: typed rules become structured fields, dates kept ------------------


@pytest.mark.parametrize(
    ("rule", "first"),
    [
        ("FREQ=WEEKLY;BYDAY=TU;COUNT=8", date(2027, 1, 5)),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=TH;UNTIL=20270331T235959", date(2027, 1, 7)),
        ("FREQ=WEEKLY;BYDAY=MO,WE;COUNT=8", date(2026, 12, 14)),
        ("FREQ=DAILY;COUNT=3", date(2027, 1, 2)),
        ("FREQ=MONTHLY;BYDAY=1MO;COUNT=6", date(2026, 11, 2)),
        ("FREQ=MONTHLY;BYMONTHDAY=15;COUNT=5", date(2026, 10, 15)),
        ("FREQ=WEEKLY;BYDAY=FR;UNTIL=20270226T235959Z", date(2027, 1, 1)),
    ],
)
def test_migration_0006_keeps_every_coming_date_of_a_typed_rule(rule, first):
    import importlib
    from datetime import datetime

    from dateutil.rrule import rrulestr

    migration = importlib.import_module("events.migrations.0006_structured_recurrence_and_bounds")
    today = date(2027, 1, 1)
    start_time = time(18, 0)
    fields = migration.structured_rule(rule, first, start_time, "", today)
    series = EventSeries(start_time=start_time, **fields)
    local_rule = rule.removesuffix("Z")  # the migration reads a UTC end as local time
    old = [
        moment
        for moment in rrulestr(local_rule, dtstart=datetime.combine(first, start_time))[:100]
        if moment.date() >= today
    ]
    new = [
        moment.replace(tzinfo=None)
        for moment in services.series_occurrences(series)
        if moment.date() >= today
    ]
    assert new == old
    assert (fields["occurrences"] is None) != (fields["repeat_until"] is None)


def test_migration_0006_detaches_the_sessions_a_shortened_series_no_longer_has(make_series):
    import importlib

    from events.models import Event

    migration = importlib.import_module("events.migrations.0006_structured_recurrence_and_bounds")
    # Monthly on the 15th falls on every weekday: weekly on those days with at most 100
    # skips ends months before the typed rule did.
    first = date(2027, 1, 15)
    fields = migration.structured_rule(
        "FREQ=MONTHLY;BYMONTHDAY=15;COUNT=12", first, time(18, 0), "", date(2027, 1, 1)
    )
    assert fields["repeat_until"] < date(2027, 12, 15)

    series = make_series(occurrences=6)
    starts = _starts(series)
    end = starts[2].astimezone(ZoneInfo("America/New_York")).date()
    detached = migration.detach_sessions_after(Event, series, end, ZoneInfo("America/New_York"))
    assert detached == 3
    assert len(_starts(series)) == 3  # the series keeps its first three
    assert Event.objects.filter(series=None).count() == 3  # nothing lost
