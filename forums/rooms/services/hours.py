"""A room's weekly open hours, in the site's time zone (daylight saving included)."""

from datetime import UTC, datetime, timedelta

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from forums.models import Room, RoomOpenHours


def _local_zone():
    return timezone.get_default_timezone()


def _aware(day, at, zone):
    """``day`` at wall-clock ``at`` in ``zone``; a time inside a DST gap moves forward."""
    naive = datetime.combine(day, at)
    candidate = naive.replace(tzinfo=zone)
    # Round-trip through UTC: a non-existent wall time (spring forward) becomes the
    # real instant an hour later, which is when the room actually opens.
    return candidate.astimezone(UTC).astimezone(zone)


def schedule(room):
    return [(hours.weekday, hours.starts_at, hours.ends_at) for hours in room.open_hours.all()]


def is_within_hours(slots, now=None):
    """True when ``slots`` (weekday, start, end) is empty or ``now`` falls in one."""
    if not slots:
        return True
    zone = _local_zone()
    local = (now or timezone.now()).astimezone(zone)
    for weekday, start, end in slots:
        if weekday != local.weekday():
            continue
        if _aware(local.date(), start, zone) <= local < _aware(local.date(), end, zone):
            return True
    return False


def opens_next(slots, now=None):
    """The next instant a slot starts after ``now`` (aware, local time), or None."""
    if not slots:
        return None
    zone = _local_zone()
    local = (now or timezone.now()).astimezone(zone)
    for offset in range(0, 8):
        day = local.date() + timedelta(days=offset)
        starts = sorted(
            _aware(day, start, zone) for weekday, start, _end in slots if weekday == day.weekday()
        )
        for moment in starts:
            if moment > local:
                return moment
    return None


def room_is_open(room, now=None, slots=None):
    """Members may post: the room is in the open state and within its open hours."""
    if room.state != Room.State.OPEN:
        return False
    return is_within_hours(schedule(room) if slots is None else slots, now)


def closed_explanation(room, now=None):
    if room.state == Room.State.ARCHIVED:
        return _("This room is archived.")
    if room.state == Room.State.CLOSED:
        return _("A moderator has closed this room for now. You can still read it.")
    moment = opens_next(schedule(room), now)
    if moment is None:
        return _("This room is closed right now.")
    return _("This room is read-only outside its open hours. It opens next %(when)s.") % {
        # Day and month names, and their order, in the reader's language.
        "when": date_format(moment, pgettext("room opening time", "l j F, g:i A"))
    }


def describe_hours(room):
    """Readable weekly hours, e.g. ["Monday 19:00–21:00"]; empty means always open."""
    names = dict(RoomOpenHours.Weekday.choices)
    return [f"{names[weekday]} {start:%H:%M}–{end:%H:%M}" for weekday, start, end in schedule(room)]
