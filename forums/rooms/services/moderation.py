"""What moderators do in a room: remove, release, dismiss reports, mute, ban, slow mode,
open and close, pin, and look up the account behind a pseudonym. Every action is
logged with its actor (``forums.live.moderation``)."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forums import live
from forums.live import errors, moderation
from forums.live.errors import ServiceError
from forums.models import Flag, Message, Room, RoomMembership
from forums.rooms.services.access import (
    MODERATOR_AUDIENCE,
    author_tag,
    context_of,
    display_name,
    fresh_room,
    is_moderator,
    require_moderator,
)
from forums.rooms.services.broadcasts import broadcast_message, room_updated
from forums.rooms.services.queue import queue_changed
from forums.rooms.services.snapshot import membership_frame_data

MAX_MUTE_MINUTES = 7 * 24 * 60


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
    require_moderator(actor)
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
    require_moderator(actor)
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
        broadcast_message(room, "message.added", message)
    return message


def dismiss_flags(room, actor, message_id, *, reason=""):
    """A moderator decides a flagged message may stay: its open flags are resolved."""
    require_moderator(actor)
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
    require_moderator(actor)
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
    require_moderator(actor)
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


def set_slow_mode(room, actor, *, seconds):
    require_moderator(actor)
    if not 0 <= seconds <= 3600:
        raise ServiceError(errors.INVALID, _("Slow mode is 0 to 3600 seconds."))
    with transaction.atomic():
        room = fresh_room(room)
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
        room_updated(room)
    return room


def set_room_state(room, actor, *, state, reason=""):
    """Open or close the room (closed rooms are read-only for members)."""
    require_moderator(actor)
    if state not in (Room.State.OPEN, Room.State.CLOSED):
        raise ServiceError(errors.INVALID, _("Rooms can be opened or closed."))
    with transaction.atomic():
        room = fresh_room(room)
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
        room_updated(room)
    return room


def pin_message(room, actor, message_id, *, pinned=True):
    require_moderator(actor)
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
        broadcast_message(room, "message.updated", message)
    return message


def identify_member(room, actor, member_id):
    """The account behind a pseudonym, for moderators only; every look-up is logged."""
    require_moderator(actor)
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
