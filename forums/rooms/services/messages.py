"""What members do with messages: send, edit and delete their own, report others'.

Everything a member writes is screened first, before anyone else sees it; crisis
language is never refused (held as urgent, moderators alerted, resources to the writer).
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from forums import screening
from forums.live import errors, moderation, ratelimit
from forums.live.errors import ServiceError
from forums.models import Flag, Message, Room, RoomMembership, RoomOpenHours
from forums.rooms.protocol import MessageAddedFrame, MessageUpdatedFrame
from forums.rooms.services.access import (
    GUIDELINES_REQUIRED,
    SLOW_MODE,
    context_of,
    fresh_room,
    is_moderator,
    locked_membership,
    remember_moderator,
    require_access,
    require_member_can_post,
    standing,
)
from forums.rooms.services.broadcasts import (
    alert_moderators,
    audience_for,
    broadcast_message,
    flag_added,
    membership_updated,
    message_removed,
)
from forums.rooms.services.hours import schedule
from forums.rooms.services.queue import queue_changed

EDIT_WINDOW = timedelta(minutes=10)
NEW_MEMBER_PERIOD = timedelta(days=7)
SEND_LIMIT = (8, 30)  # messages per member per seconds (on top of a room's slow mode)
ACTION_LIMIT = (20, 60)  # flags, edits, deletes, hides per member per seconds
KIND_FIRST_MESSAGES = "first_messages"
FIRST_MESSAGES_EXPLANATION = _(
    "Welcome! A new member's first messages are checked by a moderator before they appear."
)


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
    ``client_ref`` in the same room returns the first message (in another room it is
    another message), even when the two race (the database's unique constraint decides).
    """
    client_ref = client_ref or None
    try:
        return _send_message(
            room, user, body=body, reply_to=reply_to, client_ref=client_ref, checkin=checkin
        )
    except (IntegrityError, ServiceError):
        # A repeat is recognised when it cannot be posted, not looked up before every
        # message (a lookup on the hot path cost more than the rest of the standing
        # check, bench/README.md): the same frame again, after a reconnect or through
        # another process, is refused by the rate limit, slow mode or the room's state,
        # or by the unique constraint when it raced the first. The first one stands,
        # nothing of this one does (its transaction and its on-commit frames are gone).
        existing = client_ref and _sent_before(room, user, client_ref)
        if not existing:
            raise
        return existing, _verdict_info(existing, None)


def _sent_before(room, user, client_ref):
    return Message.objects.filter(room=room, author=user, client_ref=client_ref).first()


def _send_message(room, user, *, body, reply_to, client_ref, checkin):
    body = _clean_body(body)
    moderator, verified = standing(user, room)
    remember_moderator(user, room, moderator)  # the frame built below needs it too
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
                membership = locked_membership(room, user, create=True)
                membership_updated(room, membership)  # my other sockets learn my member id
        if not crisis:
            require_access(
                room, user, moderator=moderator, verified=verified, membership=membership
            )
        if membership is None:
            raise ServiceError(
                GUIDELINES_REQUIRED, _("Please read and accept the room's guidelines first.")
            )
        if not crisis:
            require_member_can_post(room, user, membership, moderator, slots=slots)
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
        broadcast_message(room, MessageAddedFrame, message)
        if message.urgent:
            alert_moderators(room, message)
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
    moderator = is_moderator(user, room)
    verdict = None if moderator else _screen(room, user, body)
    crisis = bool(verdict and verdict.crisis)
    if not crisis:
        require_access(room, user, moderator=moderator)
        ratelimit.take("rooms.act", user.pk, limit=ACTION_LIMIT[0], period=ACTION_LIMIT[1])
    with transaction.atomic():
        room = fresh_room(room)
        message = _own_message(room, user, message_id, any_age=crisis)
        membership = locked_membership(room, user)
        if not crisis:
            require_member_can_post(room, user, membership, moderator)
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
            message_removed(room, message)
        broadcast_message(room, MessageUpdatedFrame, message)
        if message.urgent and verdict is not None and verdict.crisis:
            alert_moderators(room, message)
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
    require_access(room, user)
    ratelimit.take("rooms.act", user.pk, limit=ACTION_LIMIT[0], period=ACTION_LIMIT[1])
    with transaction.atomic():
        message = _own_message(room, user, message_id)
        audience = audience_for(message)  # a held message: only those who could see it
        message.state = Message.State.REMOVED
        message.deleted_by_author = True
        message.removal_reason = _("Deleted by its author")
        message.pinned = False
        message.save(update_fields=["state", "deleted_by_author", "removal_reason", "pinned"])
        message_removed(room, message, audience=audience)
    return message


def flag_message(room, user, message_id, *, reason, note=""):
    """Report a visible message; it joins the review queue (one report per member).

    Returns ``(flag, info)``. The reporter's note is screened first: a note with crisis
    language is never refused (no rate limit), moderators get the urgent alert, and
    ``info`` carries the crisis resources for the reporter."""
    note = screening.clean_text(note or "").strip()[:500]
    crisis = bool(note) and _screen(room, user, note).crisis
    if not crisis:
        require_access(room, user)
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
            flag_added(room, flag)
        if crisis:
            if not created:
                flag.note = note
                flag.save(update_fields=["note"])
            # The reporter may be the one in crisis: the reported message goes to the
            # top of the queue and moderators are alerted now.
            Message.objects.filter(pk=message.pk).update(urgent=True)
            alert_moderators(room, message)
            queue_changed(room.pk, urgent=True)  # open queue pages announce it at once
    info = {"crisis": True, "explanation": str(screening.CRISIS_EXPLANATION)} if crisis else {}
    return flag, info
