"""Peer-support rooms: every state change of a room, a membership, a message or a flag.

Each function runs in one transaction (rows locked where two people may act at once),
checks the actor's permission with fresh data, logs moderator actions, and broadcasts
with ``live.broadcast_on_commit`` so a frame describes something already committed.
Errors are :class:`ServiceError` with stable codes (consumers send them as
``error`` frames; the HTTP views show their message).

Privacy: other members see display names only, and a per-room member id (the
membership's id), never an account id. Held messages reach only their author and the
moderators (audience ``["moderators", "user:<id>"]``).
"""

import logging
from datetime import UTC, datetime, timedelta

from allauth.account.models import EmailAddress
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from forums import live, screening
from forums.live import errors, moderation, ratelimit
from forums.live.errors import ServiceError
from forums.models import Flag, Message, Room, RoomMembership, RoomOpenHours
from portal import roles

logger = logging.getLogger("forums.rooms")

PAGE_SIZE = 50
RESUME_LIMIT = 50
# A resuming client also gets again the messages at or below its last id posted this
# recently: with more than one process (or database thread), a message can commit, and
# reach clients, after one with a higher id; a client that saw the higher one and
# reconnected in between would otherwise never receive it.
RESUME_OVERLAP = timedelta(seconds=60)
EDIT_WINDOW = timedelta(minutes=10)
NEW_MEMBER_PERIOD = timedelta(days=7)
SEND_LIMIT = (8, 30)  # messages per member per seconds (on top of a room's slow mode)
ACTION_LIMIT = (20, 60)  # flags, edits, deletes, hides per member per seconds
MAX_MUTE_MINUTES = 7 * 24 * 60
KIND_FIRST_MESSAGES = "first_messages"
FIRST_MESSAGES_EXPLANATION = _(
    "Welcome! A new member's first messages are checked by a moderator before they appear."
)
MODERATOR_AUDIENCE = "moderators"
QUEUE_TOPIC = "moderation.queue"  # review-queue pages listen here (moderators only)

# Error codes of this feature (stable; clients and tests rely on them).
GUIDELINES_REQUIRED = "guidelines_required"
MUTED = "muted"
BANNED = "banned"
ROOM_CLOSED = "room_closed"
SLOW_MODE = "slow_mode"


# --- who may do what ----------------------------------------------------------------------
def is_moderator(user):
    """Moderators (the role) and superusers moderate every room; checked fresh each time,
    the account row included (a socket's user object is as old as the socket: an account
    deactivated or stripped of superuser since then must not keep moderating)."""
    return standing(user)[0]


def standing(user):
    """``(is_moderator, is_verified_member)`` fresh from one query (the hot path's check).

    Every message a member sends runs this, on the one thread a process has for its
    sockets' database work, so the statement is written out once (``_STANDING_SQL``):
    Django building the same two-subquery query each time took ~1.8 ms a call, this
    takes ~0.4 ms, and a whole message ~7.8 ms -> ~6.1 ms (bench/rooms_service.py)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False, False
    return _standing_and_sent(user)[:2]


def _standing_and_sent(user, client_ref=None):
    """``(is_moderator, is_verified_member, id of the user's message with client_ref)``
    from one statement: ``send_message`` learns both in one round trip."""
    with connection.cursor() as cursor:
        cursor.execute(_STANDING_SQL, [roles.MODERATORS, client_ref, user.pk])
        row = cursor.fetchone()
    if row is None:
        return False, False, None
    active, superuser, moderator, verified, sent = row
    if not active:
        return False, False, sent
    return bool(superuser or moderator), bool(verified and hasattr(user, "profile")), sent


# The account's active and superuser flags, whether it holds the Moderators group,
# whether it has a verified email address (tables of portal.User, auth and allauth), and
# its room message with a given client_ref (at most one: forums_message_client_ref_unique).
_STANDING_SQL = """
    SELECT u.is_active, u.is_superuser,
           EXISTS (SELECT 1 FROM portal_user_groups ug
                   INNER JOIN auth_group g ON g.id = ug.group_id
                   WHERE ug.user_id = u.id AND g.name = %s),
           EXISTS (SELECT 1 FROM account_emailaddress e
                   WHERE e.user_id = u.id AND e.verified),
           (SELECT m.id FROM forums_message m
            WHERE m.author_id = u.id AND m.client_ref = %s)
    FROM portal_user u
    WHERE u.id = %s
"""


def is_verified_member(user):
    """A logged-in account with a display name and a verified email address."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return (
        hasattr(user, "profile") and EmailAddress.objects.filter(user=user, verified=True).exists()
    )


def display_name(user):
    if user is None:
        return _("former member")
    profile = getattr(user, "profile", None)
    if profile is not None and profile.display_name:
        return profile.display_name
    return _("Moderator") if is_moderator(user) else _("member")


def author_tag(user_id):
    return f"user:{user_id}"


def context_of(room):
    return f"room:{room.slug}"


# --- open hours ------------------------------------------------------------------------------
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


# --- serialisation ----------------------------------------------------------------------------
def message_frame_data(message):
    """What every permitted viewer sees of a message: pseudonym and per-room member id."""
    author = message.author
    removed = message.state == Message.State.REMOVED
    reply = message.reply_to
    return {
        "id": message.pk,
        "author": display_name(author),
        "member_id": message.membership_id,
        "moderator": bool(author is not None and is_moderator_cached(author)),
        "body": "" if removed else message.body,
        "reply_to": (
            {
                "id": reply.pk,
                "author": display_name(reply.author),
                "excerpt": reply.body[:140] if reply.state == Message.State.VISIBLE else "",
            }
            if reply is not None
            else None
        ),
        "created": message.created_at.isoformat(),
        "edited": message.edited_at.isoformat() if message.edited_at else None,
        "state": message.state,
        "urgent": message.urgent,
        "hold_kinds": list(message.hold_kinds) if message.state == Message.State.HELD else [],
        "checkin": message.is_checkin,
        "pinned": message.pinned,
    }


def is_moderator_cached(user):
    cached = getattr(user, "_is_room_moderator", None)
    if cached is None:
        cached = user._is_room_moderator = is_moderator(user)
    return cached


def room_frame_data(room, now=None):
    slots = schedule(room)
    moment = opens_next(slots, now)
    return {
        "slug": room.slug,
        "name": room.name,
        "state": room.state,
        "open": room_is_open(room, now, slots),
        "closed_reason": "" if room_is_open(room, now, slots) else closed_explanation(room, now),
        "opens_next": moment.isoformat() if moment else None,
        "slow_mode": room.slow_mode_seconds,
        "guidelines_changed": room.guidelines_changed_at.isoformat()
        if room.guidelines_changed_at
        else None,
    }


def _messages_queryset(room):
    return Message.objects.filter(room=room).select_related(
        "author__profile", "reply_to__author__profile"
    )


def visible_to(queryset, user, moderator):
    """Visible messages, plus held ones for moderators and for their own author."""
    from django.db.models import Q

    if moderator:
        return queryset.filter(state__in=[Message.State.VISIBLE, Message.State.HELD])
    return queryset.filter(
        Q(state=Message.State.VISIBLE) | Q(state=Message.State.HELD, author=user)
    )


def membership_frame_data(room, membership, user, moderator):
    accepted = _guidelines_accepted(room, membership)
    muted_until = membership.muted_until if membership else None
    if muted_until is not None and muted_until <= timezone.now():
        muted_until = None
    return {
        "member_id": membership.pk if membership else None,
        "name": display_name(user),
        "moderator": moderator,
        "guidelines_accepted": accepted or moderator,
        "muted_until": muted_until.isoformat() if muted_until else None,
        "hidden": (
            sorted(membership.hidden_members.values_list("pk", flat=True)) if membership else []
        ),
    }


def snapshot(room, user, *, after=None):
    """The ``snapshot`` frame: room state, my membership, and messages.

    Without ``after``: the last 50 messages this person may see. With ``after`` (the last
    id the client saw): the messages after it, or the last 50 and ``gap: true`` when more
    arrived meanwhile; ``changed`` re-sends the recent messages edited since, or posted
    within RESUME_OVERLAP (one may have committed after a newer one the client saw), and
    ``gone`` lists those removed, so a client that resumes is whole again (it places
    messages by id, replacing a copy it has). Before the guidelines are accepted, no messages.
    """
    moderator = is_moderator(user)
    membership = RoomMembership.objects.filter(room=room, account=user).first()
    mine = membership_frame_data(room, membership, user, moderator)
    frame = {
        "type": "snapshot",
        "room": room_frame_data(room),
        "membership": mine,
        "messages": [],
        "pinned": [],
        "gap": False,
        "has_more": False,
        "changed": [],
        "gone": [],
    }
    if not mine["guidelines_accepted"]:
        return frame
    mine_qs = visible_to(_messages_queryset(room), user, moderator)
    if after is not None:
        newer = list(mine_qs.filter(pk__gt=after).order_by("-pk")[: RESUME_LIMIT + 1])
        frame["gap"] = len(newer) > RESUME_LIMIT
        messages = list(reversed(newer[:RESUME_LIMIT]))
        # What changed among the messages the client already has (recent window); after
        # a gap the client starts again from the newest messages and pages back instead.
        if not frame["gap"]:
            window = list(
                _messages_queryset(room).filter(pk__lte=after).order_by("-pk")[: PAGE_SIZE * 2]
            )
            visible_ids = set(
                visible_to(
                    Message.objects.filter(pk__in=[m.pk for m in window]), user, moderator
                ).values_list("pk", flat=True)
            )
            frame["gone"] = [m.pk for m in window if m.pk not in visible_ids]
            overlap = timezone.now() - RESUME_OVERLAP
            frame["changed"] = [
                message_frame_data(m)
                for m in reversed(window)
                if m.pk in visible_ids and (m.edited_at or m.created_at >= overlap)
            ]
    else:
        latest = list(mine_qs.order_by("-pk")[: PAGE_SIZE + 1])
        frame["has_more"] = len(latest) > PAGE_SIZE
        messages = list(reversed(latest[:PAGE_SIZE]))
    frame["messages"] = [message_frame_data(m) for m in messages]
    frame["pinned"] = [
        message_frame_data(m)
        for m in _messages_queryset(room)
        .filter(pinned=True, state=Message.State.VISIBLE)
        .order_by("-pk")[:5]
    ]
    return frame


def page_before(room, user, before_id):
    """``messages.page``: up to 50 messages before ``before_id`` (a cursor, not an offset)."""
    moderator = is_moderator(user)
    membership = RoomMembership.objects.filter(room=room, account=user).first()
    if not membership_frame_data(room, membership, user, moderator)["guidelines_accepted"]:
        raise ServiceError(
            GUIDELINES_REQUIRED, _("Please read and accept the room's guidelines first.")
        )
    older = list(
        visible_to(_messages_queryset(room), user, moderator)
        .filter(pk__lt=before_id)
        .order_by("-pk")[: PAGE_SIZE + 1]
    )
    return {
        "type": "messages.page",
        "before_id": before_id,
        "messages": [message_frame_data(m) for m in reversed(older[:PAGE_SIZE])],
        "has_more": len(older) > PAGE_SIZE,
    }


# --- access ------------------------------------------------------------------------------------
_LOOK_UP = object()


def connect_check(room, user, *, moderator=None, verified=None, membership=_LOOK_UP):
    """Why ``user`` may not open ``room`` (code, error, message), or None when they may.

    ``moderator``, ``verified`` and ``membership`` may be passed when the caller has them
    (``membership`` locked inside its transaction), which saves their queries.
    """
    if not getattr(user, "is_authenticated", False):
        return live.CLOSE_LOGIN_REQUIRED, errors.LOGIN_REQUIRED, _("Please log in first.")
    if moderator is None:
        moderator = is_moderator(user)
    if room.state == Room.State.ARCHIVED and not moderator:
        return live.CLOSE_NOT_FOUND, errors.NOT_FOUND, _("This room does not exist.")
    if moderator:
        return None
    if not (is_verified_member(user) if verified is None else verified):
        return (
            live.CLOSE_FORBIDDEN,
            errors.FORBIDDEN,
            _("Peer rooms are for verified family members. Please confirm your email first."),
        )
    if membership is _LOOK_UP:
        membership = RoomMembership.objects.filter(room=room, account=user).first()
    if membership is not None and membership.banned:
        return live.CLOSE_BANNED, BANNED, _("You can no longer take part in this room.")
    if room.access == Room.Access.INVITED and not (membership and membership.invited):
        return live.CLOSE_FORBIDDEN, errors.FORBIDDEN, _("This room is for invited members.")
    return None


def rooms_for(user):
    """The rooms ``user`` may see listed (invite-only rooms only once invited)."""
    rooms = Room.objects.exclude(state=Room.State.ARCHIVED).prefetch_related("open_hours")
    if is_moderator(user):
        return list(rooms)
    invited = set(
        RoomMembership.objects.filter(account=user, invited=True, banned=False).values_list(
            "room_id", flat=True
        )
        if getattr(user, "is_authenticated", False)
        else []
    )
    return [room for room in rooms if room.access == Room.Access.VERIFIED or room.pk in invited]


def _require_access(room, user, **known):
    refusal = connect_check(room, user, **known)
    if refusal is not None:
        raise ServiceError(refusal[1], refusal[2])


def _locked_membership(room, user, *, create=False):
    membership = RoomMembership.objects.select_for_update().filter(room=room, account=user).first()
    if membership is None and create:
        try:
            with transaction.atomic():
                RoomMembership.objects.create(room=room, account=user)
        except IntegrityError:
            pass
        membership = RoomMembership.objects.select_for_update().get(room=room, account=user)
    return membership


def _fresh_room(room):
    return Room.objects.select_for_update().get(pk=room.pk)


def accept_guidelines(room, user):
    """Record that ``user`` accepted the room's current guidelines (joining the room)."""
    _require_access(room, user)
    with transaction.atomic():
        membership = _locked_membership(room, user, create=True)
        membership.guidelines_accepted_at = timezone.now()
        membership.save(update_fields=["guidelines_accepted_at"])
    return membership


def _guidelines_accepted(room, membership):
    return bool(
        membership
        and membership.guidelines_accepted_at
        and (
            room.guidelines_changed_at is None
            or membership.guidelines_accepted_at >= room.guidelines_changed_at
        )
    )


def _require_member_can_post(room, user, membership, moderator, *, slots=None):
    if moderator:
        return
    if not _guidelines_accepted(room, membership):
        raise ServiceError(
            GUIDELINES_REQUIRED, _("Please read and accept the room's guidelines first.")
        )
    if membership.banned:
        raise ServiceError(BANNED, _("You can no longer take part in this room."))
    if membership.muted_until and membership.muted_until > timezone.now():
        until = timezone.localtime(membership.muted_until)
        raise ServiceError(
            MUTED,
            _("A moderator has paused your posting until %(when)s.")
            % {"when": date_format(until, pgettext("end of a pause in posting", "g:i A, l"))},
        )
    if not room_is_open(room, slots=slots):
        raise ServiceError(ROOM_CLOSED, closed_explanation(room))


# --- messages ----------------------------------------------------------------------------------
def _audience_for(message):
    if message.state == Message.State.VISIBLE:
        return None
    return [MODERATOR_AUDIENCE, author_tag(message.author_id)]


def _broadcast_message(room, frame_type, message):
    live.broadcast_on_commit(
        room.topic,
        {"type": frame_type, "message": message_frame_data(message)},
        audience=_audience_for(message),
    )


def _alert_moderators(room, message):
    live.broadcast_on_commit(
        room.topic,
        {"type": "alert", "kind": "crisis", "message_id": message.pk, "room": room.slug},
        audience=[MODERATOR_AUDIENCE],
    )
    leads = [lead.email for lead in room.moderators.filter(is_active=True) if lead.email]
    moderation.email_crisis_alert(leads, where=room.name, path=reverse("forums:queue"))


def _screen(room, user, body):
    new_member = user.date_joined > timezone.now() - NEW_MEMBER_PERIOD
    return moderation.screen_text(body, new_member=new_member)


def _clean_body(body):
    """The text as stored and shown (bidi controls and invisible characters removed);
    refuses text that shows nothing."""
    body = screening.clean_text(body or "").strip()
    if screening.is_blank(body):
        raise ServiceError(errors.INVALID, _("Please write a message first."))
    return body


def send_message(room, user, *, body, reply_to=None, client_ref=None, checkin=False):
    """Post ``body`` to ``room``; return ``(message, verdict_info)``.

    Guarantees: screened first, before anyone else sees it (blocked → nothing stored and
    ``blocked`` error with the explanation; held → stored as held, seen by the author and
    moderators); crisis is never refused: it is held as urgent, moderators are alerted
    and the author gets the crisis resources, whatever would otherwise refuse the
    message (rate limit, slow mode, a mute or ban, closed hours, guidelines not yet
    accepted); per-member rate limit and the room's slow mode (from the member's last
    message in the database, so it holds across processes); a repeat with the same
    ``client_ref`` returns the first message.
    """
    body = _clean_body(body)
    moderator, verified, sent = _standing_and_sent(user, client_ref or None)
    if sent is not None:
        existing = Message.objects.get(pk=sent)
        return existing, _verdict_info(existing, None)
    user._is_room_moderator = moderator  # the frame built below needs it too
    if checkin and not moderator:
        raise ServiceError(errors.FORBIDDEN, _("Only moderators post check-ins."))
    verdict = None if moderator else _screen(room, user, body)
    crisis = bool(verdict and verdict.crisis)
    if not moderator and not crisis:
        ratelimit.take("rooms.send", user.pk, limit=SEND_LIMIT[0], period=SEND_LIMIT[1])
    with transaction.atomic():
        # The room is read, not locked: messages of one room do not queue behind each
        # other (a state change racing a send orders like one a moment before it). The
        # membership is locked: a mute or ban and this member's send serialise.
        membership = (
            RoomMembership.objects.select_for_update(of=("self",))
            .select_related("room")
            .annotate(room_has_hours=Exists(RoomOpenHours.objects.filter(room=OuterRef("room"))))
            .filter(room=room.pk, account=user)
            .first()
        )
        if membership is not None:
            room = membership.room
            slots = schedule(room) if membership.room_has_hours else []
        else:  # not a member yet: refused below, or a moderator joining by posting
            room = Room.objects.get(pk=room.pk)
            slots = None
            if moderator or crisis:
                membership = _locked_membership(room, user, create=True)
        if not crisis:
            _require_access(
                room, user, moderator=moderator, verified=verified, membership=membership
            )
        if membership is None:
            raise ServiceError(
                GUIDELINES_REQUIRED, _("Please read and accept the room's guidelines first.")
            )
        if not crisis:
            _require_member_can_post(room, user, membership, moderator, slots=slots)
        if room.slow_mode_seconds and not moderator and not crisis:
            last = (
                Message.objects.filter(room=room, author=user)
                .order_by("-created_at")
                .values_list("created_at", flat=True)
                .first()
            )
            if last is not None:
                wait = (
                    last + timedelta(seconds=room.slow_mode_seconds) - timezone.now()
                ).total_seconds()
                if wait > 0:
                    seconds = max(1, int(wait + 0.999))
                    raise ServiceError(
                        SLOW_MODE,
                        _("Slow mode is on: you can post again in %(seconds)s seconds.")
                        % {"seconds": seconds},
                        retry_after=seconds,
                    )
        parent = None
        if reply_to is not None:
            parent = Message.objects.filter(
                room=room, pk=reply_to, state=Message.State.VISIBLE
            ).first()
            if parent is None and not crisis:
                raise ServiceError(
                    errors.NOT_FOUND, _("The message you replied to is no longer here.")
                )
        state = Message.State.VISIBLE
        kinds = []
        reasons = []
        if verdict is not None:
            if verdict.action == screening.BLOCK:
                raise ServiceError(errors.BLOCKED, verdict.explanation)
            if verdict.action == screening.HOLD:
                state = Message.State.HELD
                kinds = list(verdict.kinds)
                reasons = list(verdict.reasons)
            elif room.hold_first_messages:
                approved = Message.objects.filter(
                    room=room, author=user, state=Message.State.VISIBLE
                ).count()
                if approved < room.hold_first_messages:
                    state = Message.State.HELD
                    kinds = [KIND_FIRST_MESSAGES]
        message = Message.objects.create(
            room=room,
            author=user,
            membership=membership,
            body=body,
            reply_to=parent,
            state=state,
            hold_kinds=kinds,
            hold_reasons=reasons,
            urgent=crisis,
            is_checkin=bool(checkin),
            pinned=bool(checkin),
            client_ref=client_ref,
        )
        message.author = user
        if verdict is not None and verdict.action == screening.FLAG:
            Flag.objects.create(
                message=message,
                automatic=True,
                reason=Flag.Reason.OTHER,
                note=_screening_note(verdict),
            )
        _broadcast_message(room, "message.added", message)
        if message.urgent:
            _alert_moderators(room, message)
        if checkin:
            moderation.record_action(
                user,
                "room.checkin",
                context=context_of(room),
                target_type="message",
                target_id=message.pk,
            )
    return message, _verdict_info(message, verdict)


def _screening_note(verdict):
    """The note on an automatic flag: what the screen found, in a moderator's words."""
    found = "; ".join(verdict.reasons) or ", ".join(verdict.kinds)
    return (_("Screening: %(found)s") % {"found": found})[:500]


def _verdict_info(message, verdict):
    info = {"state": message.state}
    if message.state == Message.State.HELD:
        info["crisis"] = message.urgent
        if verdict is not None and verdict.explanation:
            info["explanation"] = verdict.explanation
        elif message.urgent:
            info["explanation"] = str(screening.CRISIS_EXPLANATION)
        elif KIND_FIRST_MESSAGES in message.hold_kinds:
            info["explanation"] = str(FIRST_MESSAGES_EXPLANATION)
        else:
            info["explanation"] = _("Held for review: a moderator will check it soon.")
    return info


def _own_message(room, user, message_id, *, any_age=False):
    message = (
        Message.objects.select_for_update()
        .filter(room=room, pk=message_id, author=user)
        .exclude(state=Message.State.REMOVED)
        .first()
    )
    if message is None:
        raise ServiceError(errors.NOT_FOUND, _("That message is not here."))
    if not any_age and timezone.now() - message.created_at > EDIT_WINDOW:
        raise ServiceError(
            errors.CONFLICT, _("Messages can be changed for 10 minutes after posting.")
        )
    return message


def edit_message(room, user, message_id, *, body):
    """Edit my own message within 10 minutes; the new text is screened like a new one
    (first: a crisis edit is held as urgent whatever would otherwise refuse it)."""
    body = _clean_body(body)
    moderator = is_moderator(user)
    verdict = None if moderator else _screen(room, user, body)
    crisis = bool(verdict and verdict.crisis)
    if not crisis:
        _require_access(room, user)
        ratelimit.take("rooms.act", user.pk, limit=ACTION_LIMIT[0], period=ACTION_LIMIT[1])
    with transaction.atomic():
        room = _fresh_room(room)
        message = _own_message(room, user, message_id, any_age=crisis)
        membership = _locked_membership(room, user)
        if not crisis:
            _require_member_can_post(room, user, membership, moderator)
        if verdict is not None and verdict.action == screening.BLOCK:
            raise ServiceError(errors.BLOCKED, verdict.explanation)
        was_visible = message.state == Message.State.VISIBLE
        message.body = body
        message.edited_at = timezone.now()
        fields = ["body", "edited_at"]
        if verdict is not None and verdict.action == screening.HOLD:
            message.state = Message.State.HELD
            message.hold_kinds = list(verdict.kinds)
            message.hold_reasons = list(verdict.reasons)
            message.urgent = message.urgent or verdict.crisis
            fields += ["state", "hold_kinds", "hold_reasons", "urgent"]
        message.save(update_fields=fields)
        if was_visible and message.state == Message.State.HELD:
            # Gone for everybody, then back for its author and the moderators.
            live.broadcast_on_commit(room.topic, {"type": "message.removed", "id": message.pk})
        _broadcast_message(room, "message.updated", message)
        if message.urgent and verdict is not None and verdict.crisis:
            _alert_moderators(room, message)
        if verdict is not None and verdict.action == screening.FLAG:
            Flag.objects.create(
                message=message,
                automatic=True,
                reason=Flag.Reason.OTHER,
                note=_screening_note(verdict),
            )
    return message, _verdict_info(message, verdict)


def delete_own_message(room, user, message_id):
    """Delete my own message within 10 minutes (everyone's view drops it)."""
    _require_access(room, user)
    ratelimit.take("rooms.act", user.pk, limit=ACTION_LIMIT[0], period=ACTION_LIMIT[1])
    with transaction.atomic():
        message = _own_message(room, user, message_id)
        message.state = Message.State.REMOVED
        message.deleted_by_author = True
        message.removal_reason = _("Deleted by its author")
        message.pinned = False
        message.save(update_fields=["state", "deleted_by_author", "removal_reason", "pinned"])
        live.broadcast_on_commit(room.topic, {"type": "message.removed", "id": message.pk})
    return message


def flag_message(room, user, message_id, *, reason, note=""):
    """Report a visible message; it joins the review queue (one report per member).

    Returns ``(flag, info)``. The reporter's note is screened first: a note with crisis
    language is never refused (no rate limit), moderators get the urgent alert, and
    ``info`` carries the crisis resources for the reporter."""
    note = screening.clean_text(note or "").strip()[:500]
    crisis = bool(note) and _screen(room, user, note).crisis
    if not crisis:
        _require_access(room, user)
        ratelimit.take("rooms.act", user.pk, limit=ACTION_LIMIT[0], period=ACTION_LIMIT[1])
    if reason not in Flag.Reason.values:
        if not crisis:
            raise ServiceError(errors.INVALID, _("Please choose a reason."))
        reason = Flag.Reason.OTHER
    with transaction.atomic():
        message = Message.objects.filter(
            room=room, pk=message_id, state=Message.State.VISIBLE
        ).first()
        if message is None:
            raise ServiceError(errors.NOT_FOUND, _("That message is not here."))
        flag, created = Flag.objects.get_or_create(
            message=message,
            reporter=user,
            resolved_at=None,
            defaults={"reason": reason, "note": note},
        )
        if created:
            live.broadcast_on_commit(
                room.topic,
                {"type": "flag.added", "message_id": message.pk, "reason": reason},
                audience=[MODERATOR_AUDIENCE],
            )
        if crisis:
            if not created:
                flag.note = note
                flag.save(update_fields=["note"])
            # The reporter may be the one in crisis: the reported message goes to the
            # top of the queue and moderators are alerted now.
            Message.objects.filter(pk=message.pk).update(urgent=True)
            _alert_moderators(room, message)
    info = {"crisis": True, "explanation": str(screening.CRISIS_EXPLANATION)} if crisis else {}
    return flag, info


def hide_member(room, user, member_id, *, hidden=True):
    """Hide (or show again) a member's messages for me alone."""
    _require_access(room, user)
    with transaction.atomic():
        membership = _locked_membership(room, user, create=True)
        other = RoomMembership.objects.filter(room=room, pk=member_id).first()
        if other is None or other.pk == membership.pk:
            raise ServiceError(errors.NOT_FOUND, _("That member is not here."))
        if hidden:
            membership.hidden_members.add(other)
        else:
            membership.hidden_members.remove(other)
    return sorted(membership.hidden_members.values_list("pk", flat=True))


# --- moderators --------------------------------------------------------------------------------
def _require_moderator(user):
    if not is_moderator(user):
        raise ServiceError(errors.FORBIDDEN, _("Only moderators can do that."))


def _room_message(room, message_id, states=None):
    queryset = Message.objects.select_for_update().filter(room=room, pk=message_id)
    if states:
        queryset = queryset.filter(state__in=states)
    message = queryset.first()
    if message is None:
        raise ServiceError(errors.NOT_FOUND, _("That message is not here."))
    return message


def _resolve_flags(message, actor, resolution):
    resolved = Flag.objects.filter(message=message, resolved_at__isnull=True).update(
        resolved_by=actor, resolved_at=timezone.now(), resolution=resolution
    )
    if resolved:  # (update() sends no signal: tell open queue pages here)
        queue_changed()


def remove_message(room, actor, message_id, *, reason):
    """A moderator removes a visible or held message with a reason; open flags resolve."""
    _require_moderator(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(errors.INVALID, _("Please give a reason."))
    with transaction.atomic():
        message = _room_message(room, message_id, [Message.State.VISIBLE, Message.State.HELD])
        was_held = message.state == Message.State.HELD
        message.state = Message.State.REMOVED
        message.removal_reason = reason[:500]
        message.pinned = False
        message.reviewed_at = timezone.now()
        message.save(update_fields=["state", "removal_reason", "pinned", "reviewed_at"])
        _resolve_flags(message, actor, Flag.Resolution.REMOVED)
        moderation.record_action(
            actor,
            "room.message.remove",
            context=context_of(room),
            target_type="message",
            target_id=message.pk,
            subject=message.author,
            reason=reason,
            details={"was_held": was_held, "kinds": message.hold_kinds},
        )
        live.broadcast_on_commit(
            room.topic,
            {"type": "message.removed", "id": message.pk},
            audience=[MODERATOR_AUDIENCE, author_tag(message.author_id)] if was_held else None,
        )
    return message


def release_message(room, actor, message_id):
    """A moderator releases a held message: it becomes visible to everyone."""
    _require_moderator(actor)
    with transaction.atomic():
        message = _room_message(room, message_id, [Message.State.HELD])
        message.state = Message.State.VISIBLE
        message.reviewed_at = timezone.now()
        message.save(update_fields=["state", "reviewed_at"])
        moderation.record_action(
            actor,
            "room.message.release",
            context=context_of(room),
            target_type="message",
            target_id=message.pk,
            subject=message.author,
            details={"kinds": message.hold_kinds, "urgent": message.urgent},
        )
        _broadcast_message(room, "message.added", message)
    return message


def dismiss_flags(room, actor, message_id, *, reason=""):
    """A moderator decides a flagged message may stay: its open flags are resolved."""
    _require_moderator(actor)
    with transaction.atomic():
        message = _room_message(room, message_id)
        count = Flag.objects.filter(message=message, resolved_at__isnull=True).count()
        if not count:
            raise ServiceError(errors.CONFLICT, _("No open reports on that message."))
        _resolve_flags(message, actor, Flag.Resolution.DISMISSED)
        moderation.record_action(
            actor,
            "room.flags.dismiss",
            context=context_of(room),
            target_type="message",
            target_id=message.pk,
            subject=message.author,
            reason=reason,
            details={"flags": count},
        )
    return message


def _target_membership(room, member_id):
    membership = (
        RoomMembership.objects.select_for_update()
        .select_related("account")
        .filter(room=room, pk=member_id)
        .first()
    )
    if membership is None:
        raise ServiceError(errors.NOT_FOUND, _("That member is not here."))
    return membership


def mute_member(room, actor, member_id, *, minutes, reason=""):
    """Mute a member for ``minutes`` (0 lifts a mute). They can still read."""
    _require_moderator(actor)
    if not 0 <= minutes <= MAX_MUTE_MINUTES:
        raise ServiceError(errors.INVALID, _("Mute for up to 7 days."))
    with transaction.atomic():
        membership = _target_membership(room, member_id)
        membership.muted_until = timezone.now() + timedelta(minutes=minutes) if minutes else None
        membership.save(update_fields=["muted_until"])
        moderation.record_action(
            actor,
            "room.member.mute" if minutes else "room.member.unmute",
            context=context_of(room),
            target_type="membership",
            target_id=membership.pk,
            subject=membership.account,
            reason=reason,
            details={"minutes": minutes},
        )
        live.broadcast_on_commit(
            room.topic,
            {
                "type": "membership.updated",
                "membership": membership_frame_data(room, membership, membership.account, False),
            },
            audience=[author_tag(membership.account_id)],
        )
        live.broadcast_on_commit(
            room.topic,
            {"type": "member.muted", "member_id": membership.pk, "minutes": minutes},
            audience=[MODERATOR_AUDIENCE],
        )
    return membership


def ban_member(room, actor, member_id, *, reason):
    """Ban a member from the room: their open sockets close at once, reconnects fail."""
    _require_moderator(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(errors.INVALID, _("Please give a reason."))
    with transaction.atomic():
        membership = _target_membership(room, member_id)
        if is_moderator(membership.account):
            raise ServiceError(errors.CONFLICT, _("Moderators cannot be banned."))
        membership.banned = True
        membership.ban_reason = reason[:500]
        membership.banned_by = actor
        membership.banned_at = timezone.now()
        membership.save(update_fields=["banned", "ban_reason", "banned_by", "banned_at"])
        moderation.record_action(
            actor,
            "room.member.ban",
            context=context_of(room),
            target_type="membership",
            target_id=membership.pk,
            subject=membership.account,
            reason=reason,
        )
        live.broadcast_on_commit(
            room.topic,
            control={"kind": "ban"},
            audience=[author_tag(membership.account_id)],
        )
        live.broadcast_on_commit(
            room.topic,
            {"type": "member.banned", "member_id": membership.pk},
            audience=[MODERATOR_AUDIENCE],
        )
    return membership


def _room_updated(room):
    live.broadcast_on_commit(room.topic, {"type": "room.updated", "room": room_frame_data(room)})


def set_slow_mode(room, actor, *, seconds):
    _require_moderator(actor)
    if not 0 <= seconds <= 3600:
        raise ServiceError(errors.INVALID, _("Slow mode is 0 to 3600 seconds."))
    with transaction.atomic():
        room = _fresh_room(room)
        room.slow_mode_seconds = seconds
        room.save(update_fields=["slow_mode_seconds"])
        moderation.record_action(
            actor,
            "room.slow_mode",
            context=context_of(room),
            target_type="room",
            target_id=room.pk,
            details={"seconds": seconds},
        )
        _room_updated(room)
    return room


def set_room_state(room, actor, *, state, reason=""):
    """Open or close the room (closed rooms are read-only for members)."""
    _require_moderator(actor)
    if state not in (Room.State.OPEN, Room.State.CLOSED):
        raise ServiceError(errors.INVALID, _("Rooms can be opened or closed."))
    with transaction.atomic():
        room = _fresh_room(room)
        room.state = state
        room.save(update_fields=["state"])
        moderation.record_action(
            actor,
            "room.open" if state == Room.State.OPEN else "room.close",
            context=context_of(room),
            target_type="room",
            target_id=room.pk,
            reason=reason,
        )
        _room_updated(room)
    return room


def pin_message(room, actor, message_id, *, pinned=True):
    _require_moderator(actor)
    with transaction.atomic():
        message = _room_message(room, message_id, [Message.State.VISIBLE])
        message.pinned = pinned
        message.save(update_fields=["pinned"])
        moderation.record_action(
            actor,
            "room.message.pin" if pinned else "room.message.unpin",
            context=context_of(room),
            target_type="message",
            target_id=message.pk,
            subject=message.author,
        )
        _broadcast_message(room, "message.updated", message)
    return message


def identify_member(room, actor, member_id):
    """The account behind a pseudonym, for moderators only; every look-up is logged."""
    _require_moderator(actor)
    with transaction.atomic():
        membership = _target_membership(room, member_id)
        account = membership.account
        moderation.record_action(
            actor,
            "room.member.identify",
            context=context_of(room),
            target_type="membership",
            target_id=membership.pk,
            subject=account,
        )
    return {
        "type": "member.identity",
        "member_id": membership.pk,
        "name": display_name(account),
        "account_id": account.pk,
        "email": account.email,
        "joined": account.date_joined.isoformat(),
        "muted_until": membership.muted_until.isoformat() if membership.muted_until else None,
        "banned": membership.banned,
    }


# --- review queue -------------------------------------------------------------------------------
def queue_changed(*, urgent=False):
    """Tell open review-queue pages to fetch the queue again (after the commit)."""
    live.broadcast_on_commit(QUEUE_TOPIC, {"type": "queue.changed", "urgent": bool(urgent)})


def review_queue(user):
    """The queue across rooms, urgent first: crisis holds, then flags, then other holds."""
    _require_moderator(user)
    held = list(
        Message.objects.filter(state=Message.State.HELD)
        .select_related("room", "author__profile", "membership")
        .order_by("created_at")
    )
    flagged = {}
    for flag in (
        Flag.objects.filter(resolved_at__isnull=True, message__state=Message.State.VISIBLE)
        .select_related("message__room", "message__author__profile", "reporter__profile")
        .order_by("created_at")
    ):
        flagged.setdefault(flag.message_id, {"message": flag.message, "flags": []})["flags"].append(
            flag
        )
    return {
        "crisis": [m for m in held if m.urgent],
        "flags": list(flagged.values()),
        "held": [m for m in held if not m.urgent],
    }


# --- privacy ---------------------------------------------------------------------------------
def export_room_data(user):
    return {
        "room_messages": [
            {
                "room": message.room.name,
                "created": message.created_at.isoformat(),
                "edited": message.edited_at.isoformat() if message.edited_at else None,
                "state": message.state,
                "body": message.body,
            }
            for message in Message.objects.filter(author=user).select_related("room")
        ],
        "room_flags": [
            {
                "room": flag.message.room.name,
                "message_id": flag.message_id,
                "reason": flag.reason,
                "note": flag.note,
                "created": flag.created_at.isoformat(),
                "resolution": flag.resolution,
            }
            for flag in Flag.objects.filter(reporter=user).select_related("message__room")
        ],
        "room_memberships": [
            {
                "room": membership.room.name,
                "guidelines_accepted_at": membership.guidelines_accepted_at.isoformat()
                if membership.guidelines_accepted_at
                else None,
                "muted_until": membership.muted_until.isoformat()
                if membership.muted_until
                else None,
                "banned": membership.banned,
            }
            for membership in RoomMembership.objects.filter(account=user).select_related("room")
        ],
    }


def erase_room_data(user):
    """Messages stay (the conversation needs them) as "former member"; flags lose their
    reporter; memberships go."""
    Message.objects.filter(author=user).update(author=None, membership=None, client_ref=None)
    Flag.objects.filter(reporter=user).update(reporter=None)
    Flag.objects.filter(resolved_by=user).update(resolved_by=None)
    RoomMembership.objects.filter(banned_by=user).update(banned_by=None)
    RoomMembership.objects.filter(account=user).delete()
    queue_changed()  # held messages and flags in the queue now show "former member"
