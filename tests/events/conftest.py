"""Fixtures for the events tests: events a few days ahead, families to sign up."""

from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import Event, EventKind, LocationKind

# The browser tests' rule (skip without Chromium, fail on CI) for test_in_chromium.py.
from tests.browser.conftest import pytest_runtest_setup  # noqa: F401


@pytest.fixture
def make_event(db):
    def make(**fields):
        starts_at = fields.pop(
            "starts_at", (timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0)
        )
        values = {
            "title": "Tuesday multi-family group",
            "kind": EventKind.THERAPY_GROUP,
            "site": "Main clinic",
            "room": "Room 2",
            "capacity_people": 10,
            "max_party_size": 4,
            "starts_at": starts_at,
            "ends_at": starts_at + timedelta(minutes=90),
        } | fields
        return Event.objects.create(**values)

    return make


@pytest.fixture
def event(make_event):
    return make_event()


@pytest.fixture
def virtual_event(make_event):
    return make_event(
        location_kind=LocationKind.VIRTUAL, join_url="https://meet.example.org/secret-room"
    )


@pytest.fixture
def families(make_family_member):
    return [make_family_member() for _ in range(6)]


@pytest.fixture
def make_series(db):
    from events import services
    from events.models import EventSeries, SeriesMode, weekday_mask

    def make(**fields):
        """Weekly on the first date's weekday, 4 dates, unless told otherwise."""
        first = fields.get("first_date", timezone.localdate() + timedelta(days=1))
        values = {
            "title": "Family skills series",
            "kind": EventKind.WORKSHOP,
            "mode": SeriesMode.DROP_IN,
            "first_date": first,
            "start_time": timezone.datetime(2000, 1, 1, 18, 0).time(),
            "duration_minutes": 90,
            "weekdays": weekday_mask([first.weekday()]),
            "occurrences": 4,
            "capacity_people": 6,
            "max_party_size": 4,
        } | fields
        series = EventSeries.objects.create(**values)
        services.sync_series(series)
        return series

    return make


@pytest.fixture
def cohort_series(make_series):
    from events.models import SeriesMode

    return make_series(mode=SeriesMode.COHORT, title="Cohort series")
