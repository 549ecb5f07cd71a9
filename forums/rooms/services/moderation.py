"""What moderators do in a room: remove, release, dismiss reports, mute, ban, slow mode,
open and close, pin, and look up the account behind a pseudonym; and, from Wagtail
admin, invite, unban, archive and name the room's leads. Every action is logged with
its actor (``forums.live.moderation``), whichever screen it came from."""

import math
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from forums.live import errors
from forums.live.errors import ServiceError
from forums.live.moderation import moderator_action
from forums.models import Flag, Message, Room, RoomMembership
from forums.rooms.protocol import MemberIdentityFrame, MessageAddedFrame, MessageUpdatedFrame
from forums.rooms.services.access import (
    MODERATOR_AUDIENCE,
    author_tag,
    context_of,
    display_name,
    fresh_room,
    is_family_member,
    is_moderator,
    lead_candidates,
    locked_membership,
    require_moderator,
)
from forums.rooms.services.broadcasts import (
    broadcast_message,
    member_banned,
    member_muted,
    membership_updated,
    message_removed,
    room_updated,
)
from forums.rooms.services.queue import queue_changed

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
        queue_changed(message.room_id)


def _moderating(room, actor, action, *, reason="", check=None):
    """``moderator_action`` in ``room``: that the actor moderates this room is checked
    first (a lead in the Moderators role, or a superuser), then ``check()`` (the input),
    both before the transaction opens."""

    def authorise(account):
        require_moderator(account, room)
        if check is not None:
            check()

    return moderator_action(
        actor, action, context=context_of(room), authorise=authorise, reason=reason
    )


def _reason_given(reason):
    if not reason:
        raise ServiceError(errors.INVALID, _("Please give a reason."))


def remove_message(room, actor, message_id, *, reason):
    """A moderator removes a visible or held message with a reason; open flags resolve."""
    reason = (reason or "").strip()
    with _moderating(
        room, actor, "room.message.remove", reason=reason, check=lambda: _reason_given(reason)
    ) as record:
        message = _room_message(room, message_id, [Message.State.VISIBLE, Message.State.HELD])
        was_held = message.state == Message.State.HELD
        message.state = Message.State.REMOVED
        message.removal_reason = reason[:500]
        message.pinned = False
        message.reviewed_at = timezone.now()
        message.save(update_fields=["state", "removal_reason", "pinned", "reviewed_at"])
        _resolve_flags(message, actor, Flag.Resolution.REMOVED)
        record.target(
            "message",
            message.pk,
            subject=message.author,
            was_held=was_held,
            kinds=message.hold_kinds,
        )
        message_removed(
            room,
            message,
            audience=[MODERATOR_AUDIENCE, author_tag(message.author_id)] if was_held else None,
        )
    return message


def release_message(room, actor, message_id):
    """A moderator releases a held message: it becomes visible to everyone."""
    with _moderating(room, actor, "room.message.release") as record:
        message = _room_message(room, message_id, [Message.State.HELD])
        message.state = Message.State.VISIBLE
        message.reviewed_at = timezone.now()
        message.save(update_fields=["state", "reviewed_at"])
        record.target(
            "message",
            message.pk,
            subject=message.author,
            kinds=message.hold_kinds,
            urgent=message.urgent,
        )
        broadcast_message(room, MessageAddedFrame, message)
    return message


def dismiss_flags(room, actor, message_id, *, reason=""):
    """A moderator decides a flagged message may stay: its open flags are resolved."""
    with _moderating(room, actor, "room.flags.dismiss", reason=reason) as record:
        message = _room_message(room, message_id)
        count = Flag.objects.filter(message=message, resolved_at__isnull=True).count()
        if not count:
            raise ServiceError(errors.CONFLICT, _("No open reports on that message."))
        _resolve_flags(message, actor, Flag.Resolution.DISMISSED)
        record.target("message", message.pk, subject=message.author, flags=count)
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


def _mute_length(minutes):
    if not 0 <= minutes <= MAX_MUTE_MINUTES:
        raise ServiceError(errors.INVALID, _("Mute for up to 7 days."))


def mute_member(room, actor, member_id, *, minutes=None, until=None, reason=""):
    """Mute a member for ``minutes``, or until the moment ``until`` (admin's date field);
    0 minutes, or an ``until`` that is past or None, lifts a mute. They can still read."""
    if minutes is None:
        left = (until - timezone.now()).total_seconds() if until is not None else 0
        minutes = max(0, math.ceil(left / 60))
    action = "room.member.mute" if minutes else "room.member.unmute"
    with _moderating(
        room, actor, action, reason=reason, check=lambda: _mute_length(minutes)
    ) as record:
        membership = _target_membership(room, member_id)
        if not minutes:
            membership.muted_until = None
        elif until is not None:
            membership.muted_until = until
        else:
            membership.muted_until = timezone.now() + timedelta(minutes=minutes)
        membership.save(update_fields=["muted_until"])
        record.target("membership", membership.pk, subject=membership.account, minutes=minutes)
        membership_updated(room, membership)
        member_muted(room, membership, minutes)
    return membership


def ban_member(room, actor, member_id, *, reason):
    """Ban a member from the room: their open sockets close at once, reconnects fail."""
    reason = (reason or "").strip()
    with _moderating(
        room, actor, "room.member.ban", reason=reason, check=lambda: _reason_given(reason)
    ) as record:
        membership = _target_membership(room, member_id)
        if is_moderator(membership.account, room):
            raise ServiceError(errors.CONFLICT, _("Moderators cannot be banned."))
        membership.banned = True
        membership.ban_reason = reason[:500]
        membership.banned_by = actor
        membership.banned_at = timezone.now()
        membership.save(update_fields=["banned", "ban_reason", "banned_by", "banned_at"])
        record.target("membership", membership.pk, subject=membership.account)
        member_banned(room, membership)
    return membership


def unban_member(room, actor, member_id, *, reason=""):
    """Lift a ban (Wagtail admin): the member may open the room again. The log keeps
    the ban and records who lifted it."""
    with _moderating(room, actor, "room.member.unban", reason=reason) as record:
        membership = _target_membership(room, member_id)
        if not membership.banned:
            record.nothing_to_change()
            return membership
        membership.banned = False
        membership.ban_reason = ""
        membership.banned_by = None
        membership.banned_at = None
        membership.save(update_fields=["banned", "ban_reason", "banned_by", "banned_at"])
        record.target("membership", membership.pk, subject=membership.account)
        membership_updated(room, membership)
    return membership


def _family_member(account):
    if not is_family_member(account):
        raise ServiceError(errors.INVALID, _("Only family members can be invited to a room."))


def invite_member(room, actor, account, *, invited=True, reason=""):
    """Invite a family member to the room (needed for an invite-only room), or withdraw
    the invitation; the membership is made if there is none yet."""
    action = "room.member.invite" if invited else "room.member.uninvite"
    with _moderating(
        room, actor, action, reason=reason, check=lambda: invited and _family_member(account)
    ) as record:
        room = fresh_room(room)
        membership = locked_membership(room, account)
        if membership is None:  # made here: logged even when no invitation is given
            membership = locked_membership(room, account, create=True)
            if not invited:
                record.action = "room.member.add"
        elif membership.invited == invited:
            record.nothing_to_change()
            return membership
        if membership.invited != invited:
            membership.invited = invited
            membership.save(update_fields=["invited"])
        record.target("membership", membership.pk, subject=account)
        membership_updated(room, membership)
    return membership


def set_room_leads(room, actor, accounts):
    """Name the room's leads (shown to members, emailed on crisis holds, and the
    moderators of the room): by the room's moderators or an administrator; leads are
    moderators only (the Moderators role or administrators, active), never a family
    member."""
    wanted = {account.pk for account in accounts}

    def leads_are_moderators():
        allowed = set(lead_candidates().filter(pk__in=wanted).values_list("pk", flat=True))
        if wanted - allowed:
            raise ServiceError(errors.INVALID, _("Only moderators can lead a room."))

    with _moderating(room, actor, "room.leads", check=leads_are_moderators) as record:
        room = fresh_room(room)
        current = set(room.moderators.values_list("pk", flat=True))
        if current == wanted:
            record.nothing_to_change()
            return room
        room.moderators.set(sorted(wanted))
        record.target(
            "room", room.pk, added=sorted(wanted - current), removed=sorted(current - wanted)
        )
    return room


def _slow_mode_range(seconds):
    if not 0 <= seconds <= 3600:
        raise ServiceError(errors.INVALID, _("Slow mode is 0 to 3600 seconds."))


def set_slow_mode(room, actor, *, seconds):
    """Set the seconds each member waits between messages (0: off)."""
    with _moderating(
        room, actor, "room.slow_mode", check=lambda: _slow_mode_range(seconds)
    ) as record:
        room = fresh_room(room)
        room.slow_mode_seconds = seconds
        room.save(update_fields=["slow_mode_seconds"])
        record.target("room", room.pk, seconds=seconds)
        room_updated(room)
    return room


ROOM_STATE_ACTIONS = {
    Room.State.OPEN: "room.open",
    Room.State.CLOSED: "room.close",
    Room.State.ARCHIVED: "room.archive",
}


def _open_or_closed(state):
    if state not in ROOM_STATE_ACTIONS:
        raise ServiceError(errors.INVALID, _("Rooms can be opened or closed."))


def set_room_state(room, actor, *, state, reason=""):
    """Open or close the room (closed rooms are read-only for members); archive it
    (Wagtail admin: hidden, members can no longer open it)."""
    action = ROOM_STATE_ACTIONS.get(state, "room.state")
    with _moderating(
        room, actor, action, reason=reason, check=lambda: _open_or_closed(state)
    ) as record:
        room = fresh_room(room)
        room.state = state
        room.save(update_fields=["state"])
        record.target("room", room.pk)
        room_updated(room)
    return room


def pin_message(room, actor, message_id, *, pinned=True):
    """Pin a visible message at the top of the room (or unpin it)."""
    action = "room.message.pin" if pinned else "room.message.unpin"
    with _moderating(room, actor, action) as record:
        message = _room_message(room, message_id, [Message.State.VISIBLE])
        message.pinned = pinned
        message.save(update_fields=["pinned"])
        record.target("message", message.pk, subject=message.author)
        broadcast_message(room, MessageUpdatedFrame, message)
    return message


def identify_member(room, actor, member_id):
    """The account behind a pseudonym, for moderators only; every look-up is logged."""
    with _moderating(room, actor, "room.member.identify") as record:
        membership = _target_membership(room, member_id)
        account = membership.account
        record.target("membership", membership.pk, subject=account)
    return MemberIdentityFrame(
        member_id=membership.pk,
        name=display_name(account),
        account_id=account.pk,
        email=account.email,
        joined=account.date_joined.isoformat(),
        muted_until=membership.muted_until.isoformat() if membership.muted_until else None,
        banned=membership.banned,
    )
