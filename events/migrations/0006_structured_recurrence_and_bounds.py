"""Series repeat from structured fields (weekly on chosen weekdays, every 1-4 weeks, a
number of dates or a last date) instead of RRULE text; every coordinator field bounded
in the database too.

Existing series keep their dates: a weekly (or daily) rule becomes the same weekly rule;
any other rule (monthly, say) becomes "weekly on the weekdays it used, until its last
date", with the extra weekly dates still to come added to the dates to skip.
"""

import datetime
import re
from itertools import islice
from zoneinfo import ZoneInfo

import django.core.validators
import django.db.models.functions.text
import django.db.models.lookups
from django.conf import settings
from django.db import migrations, models

import events.models

MAX_DATES = 100
MAX_PARTY = 20
MAX_DESCRIPTION = 10_000
MAX_SKIPPED_TEXT = MAX_DATES * 11
MAX_AUTO_PROMOTE_UNTIL = datetime.timedelta(days=7)


def _old_dates(text, start):
    from dateutil.rrule import rrulestr

    text = (text or "").strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    # dateutil refuses a UTC "UNTIL=...Z" beside a local start (the old form refused
    # it too, but a row written another way may hold one): read it as local time.
    for candidate in (text, re.sub(r"(UNTIL=\d{8}T\d{6})Z", r"\1", text, flags=re.IGNORECASE)):
        try:
            return list(rrulestr(candidate, dtstart=start)[:MAX_DATES]) or [start]
        except (ValueError, TypeError):
            continue
    return [start]


def _weekly(start, weekdays, every, *, count=None, until=None):
    from dateutil.rrule import WEEKLY, rrule

    return rrule(
        WEEKLY, dtstart=start, interval=every, byweekday=weekdays, count=count, until=until
    )


def structured_rule(rrule_text, first_date, start_time, exception_dates, today):
    """The structured fields that give the dates ``rrule_text`` gave from today on:
    ``weekdays`` (mask), ``every_weeks``, ``occurrences`` or ``repeat_until``, and the
    (possibly moved) ``first_date`` and ``exception_dates``."""
    start = datetime.datetime.combine(first_date, start_time)
    old = _old_dates(rrule_text, start)
    weekdays = sorted({moment.weekday() for moment in old})
    upper = (rrule_text or "").upper()
    every = 1
    if "FREQ=WEEKLY" in upper and "INTERVAL=" in upper:
        interval = upper.split("INTERVAL=")[1].split(";")[0]
        every = int(interval) if interval.isdigit() and 1 <= int(interval) <= 4 else 1
    fields = {
        "weekdays": sum(1 << day for day in weekdays),
        "every_weeks": every,
        "first_date": first_date,
        "exception_dates": exception_dates,
    }
    same = list(islice(_weekly(start, weekdays, every, count=len(old)), MAX_DATES))
    if same == old:
        return fields | {"occurrences": len(old), "repeat_until": None}
    # Weekly on the same weekdays from its next date until its last, skipping the weekly
    # dates the old rule did not have. Past dates are never synced again, so the rule
    # starts at the next date. At most 100 skips: the series then ends earlier.
    upcoming = [moment for moment in old if moment.date() >= today]
    if upcoming:
        start = upcoming[0]
    skipped = [line for line in exception_dates.split() if line >= today.isoformat()]
    wanted = set(old)
    last = start
    for moment in _weekly(start, weekdays, 1, until=old[-1]):
        if moment in wanted:
            last = moment
            continue
        if moment.date() < today:
            continue
        if len(skipped) >= MAX_DATES:
            break
        skipped.append(moment.date().isoformat())
    return fields | {
        "every_weeks": 1,
        "first_date": start.date(),
        "occurrences": None,
        "repeat_until": last.date(),
        "exception_dates": "\n".join(sorted(set(skipped))),
    }


def detach_sessions_after(Event, series, end, zone):
    """The skips ran out (at most 100) and the series now ends on ``end``, earlier than
    its typed rule did: its later sessions keep their dates and sign-ups as events of
    their own, so no later sync of the series cancels them."""
    after = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min)
    return Event.objects.filter(series=series, starts_at__gte=after.replace(tzinfo=zone)).update(
        series=None
    )


def convert_rules(apps, schema_editor):
    EventSeries = apps.get_model("events", "EventSeries")
    Event = apps.get_model("events", "Event")
    zone = ZoneInfo(settings.TIME_ZONE)
    today = datetime.datetime.now(zone).date()
    for series in EventSeries.objects.all():
        start = datetime.datetime.combine(series.first_date, series.start_time)
        old_last = _old_dates(series.rrule, start)[-1].date()
        fields = structured_rule(
            series.rrule, series.first_date, series.start_time, series.exception_dates, today
        )
        end = fields.get("repeat_until")
        if end is not None and end < old_last:
            detach_sessions_after(Event, series, end, zone)
        for name, value in fields.items():
            setattr(series, name, value)
        series.description = series.description[:MAX_DESCRIPTION]
        if len(series.exception_dates) > MAX_SKIPPED_TEXT:
            lines = [line for line in series.exception_dates.split() if line >= today.isoformat()]
            series.exception_dates = "\n".join(lines[:MAX_DATES])
        series.save()


def bound_events(apps, schema_editor):
    Event = apps.get_model("events", "Event")
    Registration = apps.get_model("events", "Registration")
    # A party is at most 20 from now on. A larger one already booked is a family's seats:
    # never shrunk here; the operator decides (cancel or split it), then migrates again.
    large = list(
        Registration.objects.filter(party_size__gt=MAX_PARTY).values_list("pk", flat=True)[:20]
    )
    if large:
        raise RuntimeError(
            f"Registrations {large} have a party of more than {MAX_PARTY}; the bound this "
            "migration adds would refuse them. Split or cancel them in the roster, then "
            "run migrate again."
        )
    Event.objects.filter(auto_promote_until__gt=MAX_AUTO_PROMOTE_UNTIL).update(
        auto_promote_until=MAX_AUTO_PROMOTE_UNTIL
    )
    Event.objects.filter(auto_promote_until__lt=datetime.timedelta(0)).update(
        auto_promote_until=datetime.timedelta(0)
    )
    for event in Event.objects.annotate(
        description_length=django.db.models.functions.text.Length("description")
    ).filter(description_length__gt=MAX_DESCRIPTION):
        event.description = event.description[:MAX_DESCRIPTION]
        event.save(update_fields=["description"])


def restore_rules(apps, schema_editor):
    EventSeries = apps.get_model("events", "EventSeries")
    codes = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
    for series in EventSeries.objects.all():
        days = ",".join(code for day, code in enumerate(codes) if series.weekdays & (1 << day))
        ending = (
            f"COUNT={series.occurrences}"
            if series.occurrences
            else f"UNTIL={series.repeat_until:%Y%m%d}T235959"
        )
        series.rrule = f"FREQ=WEEKLY;INTERVAL={series.every_weeks};BYDAY={days};{ending}"
        series.save(update_fields=["rrule"])


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0005_bounded_coordinator_input"),
    ]

    operations = [
        migrations.AddField(
            model_name="eventseries",
            name="weekdays",
            field=models.PositiveSmallIntegerField(null=True, verbose_name="weekdays"),
        ),
        migrations.AddField(
            model_name="eventseries",
            name="every_weeks",
            field=models.PositiveSmallIntegerField(
                default=1,
                help_text="1: every week; 2: every other week.",
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(4),
                ],
                verbose_name="every … weeks",
            ),
        ),
        migrations.AddField(
            model_name="eventseries",
            name="occurrences",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="Give the number of dates or the last date.",
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(100),
                ],
                verbose_name="number of dates",
            ),
        ),
        migrations.AddField(
            model_name="eventseries",
            name="repeat_until",
            field=models.DateField(
                blank=True,
                null=True,
                validators=[events.models.validate_date_in_range],
                verbose_name="last date",
            ),
        ),
        migrations.RunPython(convert_rules, restore_rules),
        migrations.RunPython(bound_events, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="eventseries",
            name="rrule",
            field=models.CharField(blank=True, max_length=300, verbose_name="recurrence rule"),
        ),
        migrations.RemoveField(model_name="eventseries", name="rrule"),
        migrations.AlterField(
            model_name="eventseries",
            name="weekdays",
            field=models.PositiveSmallIntegerField(
                help_text="Days of the week the group meets.",
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(127),
                ],
                verbose_name="weekdays",
            ),
        ),
        migrations.AlterField(
            model_name="event",
            name="description",
            field=models.TextField(blank=True, max_length=10000, verbose_name="description"),
        ),
        migrations.AlterField(
            model_name="eventseries",
            name="description",
            field=models.TextField(blank=True, max_length=10000, verbose_name="description"),
        ),
        migrations.AlterField(
            model_name="eventseries",
            name="exception_dates",
            field=models.TextField(
                blank=True,
                help_text="One date per line, e.g. 2026-12-22.",
                max_length=1100,
                validators=[events.models.validate_exception_dates],
                verbose_name="dates to skip",
            ),
        ),
        migrations.AlterField(
            model_name="event",
            name="auto_promote_until",
            field=models.DurationField(
                default=datetime.timedelta(seconds=7200),
                help_text=(
                    "Later, coordinators promote by hand from the roster. At most 7 days, "
                    "e.g. 02:00:00 for two hours."
                ),
                validators=[
                    django.core.validators.MinValueValidator(datetime.timedelta(0)),
                    django.core.validators.MaxValueValidator(datetime.timedelta(days=7)),
                ],
                verbose_name="stop automatic waitlist promotion before the start",
            ),
        ),
        migrations.AddConstraint(
            model_name="event",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("auto_promote_until__gte", datetime.timedelta(0)),
                    ("auto_promote_until__lte", datetime.timedelta(days=7)),
                    django.db.models.lookups.LessThanOrEqual(
                        django.db.models.functions.text.Length("description"), 10000
                    ),
                ),
                name="events_event_promotion_and_text_bounded",
            ),
        ),
        migrations.AddConstraint(
            model_name="eventseries",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("first_date__gte", datetime.date(2000, 1, 1)),
                    ("first_date__lt", datetime.date(2101, 1, 1)),
                    models.Q(
                        ("repeat_until__isnull", True),
                        ("repeat_until__lt", datetime.date(2101, 1, 1)),
                        _connector="OR",
                    ),
                ),
                name="events_series_dates_bounded",
            ),
        ),
        migrations.AddConstraint(
            model_name="eventseries",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("weekdays__gte", 1),
                    ("weekdays__lte", 127),
                    ("every_weeks__gte", 1),
                    ("every_weeks__lte", 4),
                ),
                name="events_series_weekly_rule_bounded",
            ),
        ),
        migrations.AddConstraint(
            model_name="eventseries",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("occurrences__gte", 1),
                        ("occurrences__isnull", False),
                        ("occurrences__lte", 100),
                        ("repeat_until__isnull", True),
                    ),
                    models.Q(
                        ("occurrences__isnull", True),
                        ("repeat_until__gte", models.F("first_date")),
                        ("repeat_until__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="events_series_rule_ends",
            ),
        ),
        migrations.AddConstraint(
            model_name="eventseries",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    django.db.models.lookups.LessThanOrEqual(
                        django.db.models.functions.text.Length("description"), 10000
                    ),
                    django.db.models.lookups.LessThanOrEqual(
                        django.db.models.functions.text.Length("exception_dates"), 1100
                    ),
                ),
                name="events_series_text_bounded",
            ),
        ),
        migrations.AddConstraint(
            model_name="registration",
            constraint=models.CheckConstraint(
                condition=models.Q(("party_size__lte", 20)),
                name="events_registration_party_bounded",
            ),
        ),
    ]
