"""Demo groups and events for ``manage.py seed_demo`` (idempotent: found by title)."""

from datetime import datetime, time, timedelta

from django.utils import timezone
from wagtail.models import Page

from events import services
from events.models import (
    Event,
    EventKind,
    EventSeries,
    LocationKind,
    SeriesMode,
    weekday_mask,
)
from portal.models import User

DROP_IN_TITLE = "Tuesday multi-family group (drop-in)"
COHORT_TITLE = "Family skills series (6 weeks)"
NIGHT_TITLES = ["Family education night: how IOP works", "Family education night: relapse and hope"]
NEARLY_FULL_TITLE = "New family orientation"


def _next_weekday(weekday, at):
    today = timezone.localdate()
    days = (weekday - today.weekday()) % 7 or 7
    return today + timedelta(days=days), at


def _series(title, **fields):
    series, created = EventSeries.objects.get_or_create(title=title, defaults=fields)
    services.sync_series(series)
    return series, created


def _event(title, start, **fields):
    zone = timezone.get_current_timezone()
    starts_at = datetime.combine(start, time(18, 30), tzinfo=zone)
    return Event.objects.get_or_create(
        title=title,
        defaults={"starts_at": starts_at, "ends_at": starts_at + timedelta(hours=1, minutes=30)}
        | fields,
    )


def _lectures():
    return list(Page.objects.filter(content_type__app_label="lectures").live().order_by("pk")[:2])


def seed_events(log):
    tuesday, six_pm = _next_weekday(1, time(18, 0))
    series, created = _series(
        DROP_IN_TITLE,
        kind=EventKind.THERAPY_GROUP,
        description="A weekly group where families meet with two clinicians. Come when you can.",
        site="Main clinic",
        room="Room 2",
        capacity_people=24,
        capacity_families=8,
        mode=SeriesMode.DROP_IN,
        first_date=tuesday,
        start_time=six_pm,
        duration_minutes=90,
        weekdays=weekday_mask([1]),  # Tuesdays
        occurrences=8,
    )
    log(f"{'created' if created else 'kept'} series {series.title}")
    thursday, _ = _next_weekday(3, time(18, 0))
    cohort, created = _series(
        COHORT_TITLE,
        kind=EventKind.WORKSHOP,
        description="Six evenings that build on each other. Families enrol for all six.",
        location_kind=LocationKind.VIRTUAL,
        join_url="https://meet.example.org/family-skills",
        capacity_people=20,
        capacity_families=8,
        mode=SeriesMode.COHORT,
        first_date=thursday,
        start_time=time(18, 0),
        duration_minutes=75,
        weekdays=weekday_mask([3]),  # Thursdays
        occurrences=6,
    )
    log(f"{'created' if created else 'kept'} series {cohort.title}")

    lectures = _lectures()
    for index, title in enumerate(NIGHT_TITLES):
        event, created = _event(
            title,
            timezone.localdate() + timedelta(days=10 + 14 * index),
            kind=EventKind.EDUCATION_NIGHT,
            description="A talk for families followed by questions.",
            site="Main clinic",
            room="Hall",
            capacity_people=60,
            lecture=lectures[index] if index < len(lectures) else None,
        )
        log(f"{'created' if created else 'kept'} event {event.title}")
    nearly_full, created = _event(
        NEARLY_FULL_TITLE,
        timezone.localdate() + timedelta(days=5),
        kind=EventKind.ORIENTATION,
        description="What to expect in the family program, and a tour.",
        site="Main clinic",
        room="Room 1",
        capacity_people=4,
        max_party_size=3,
    )
    log(f"{'created' if created else 'kept'} event {nearly_full.title}")

    family1 = User.objects.filter(email="family1@example.org").first()
    family2 = User.objects.filter(email="family2@example.org").first()
    if family1 and family2:
        services.register(nearly_full, family1, party_size=3)
        services.register(nearly_full, family2, party_size=2)
        first_group = series.events.order_by("starts_at").first()
        if first_group:
            services.register(first_group, family1, party_size=2)
            services.register(first_group, family2, party_size=1)
        if not cohort.events.filter(registrations__user=family2).exists():
            services.enrol_in_cohort(cohort, family2, party_size=2)
        log("registered the demo families")
