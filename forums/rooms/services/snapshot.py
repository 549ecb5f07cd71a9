"""What a socket is sent of a room: message, room and membership data, the snapshot on
connecting (or resuming after the last id it saw), and pages of older messages."""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from forums.live.errors import ServiceError
from forums.models import Message, RoomMembership
from forums.rooms.protocol import (
    MembershipData,
    MessageData,
    MessagesPageFrame,
    RepliedTo,
    RoomData,
    RoomSnapshotFrame,
)
from forums.rooms.services.access import (
    GUIDELINES_REQUIRED,
    display_name,
    guidelines_accepted,
    is_moderator,
    is_moderator_cached,
    require_access,
)
from forums.rooms.services.hours import closed_explanation, opens_next, room_is_open, schedule

PAGE_SIZE = 50
RESUME_LIMIT = 50
# A resuming client also gets again the messages at or below its last id posted this
# recently: with more than one process (or database thread), a message can commit, and
# reach clients, after one with a higher id; a client that saw the higher one and
# reconnected in between would otherwise never receive it.
RESUME_OVERLAP = timedelta(seconds=60)


def message_frame_data(message):
    """What every permitted viewer sees of a message: pseudonym and per-room member id."""
    author = message.author
    removed = message.state == Message.State.REMOVED
    reply = message.reply_to
    # (First: a moderator of the room needs no second query for its name.)
    moderator = bool(author is not None and is_moderator_cached(author, message.room_id))
    return MessageData(
        id=message.pk,
        author=display_name(author),
        member_id=message.membership_id,
        moderator=moderator,
        body="" if removed else message.body,
        reply_to=(
            RepliedTo(
                id=reply.pk,
                author=display_name(reply.author),
                excerpt=reply.body[:140] if reply.state == Message.State.VISIBLE else "",
            )
            if reply is not None
            else None
        ),
        created=message.created_at.isoformat(),
        edited=message.edited_at.isoformat() if message.edited_at else None,
        state=message.state,
        # Held for a crisis; a visible message reported in crisis words is urgent in the
        # review queue only (the room does not show who reported what).
        urgent=message.urgent and message.state == Message.State.HELD,
        hold_kinds=list(message.hold_kinds) if message.state == Message.State.HELD else [],
        checkin=message.is_checkin,
        pinned=message.pinned,
    )


def room_frame_data(room, now=None):
    """The room's state as the room's sockets see it (open now, and why not)."""
    slots = schedule(room)
    moment = opens_next(slots, now)
    is_open = room_is_open(room, now, slots)
    return RoomData(
        slug=room.slug,
        name=room.name,
        state=room.state,
        open=is_open,
        closed_reason="" if is_open else closed_explanation(room, now),
        opens_next=moment.isoformat() if moment else None,
        slow_mode=room.slow_mode_seconds,
        guidelines_changed=(
            room.guidelines_changed_at.isoformat() if room.guidelines_changed_at else None
        ),
    )


def _messages_queryset(room):
    return Message.objects.filter(room=room).select_related(
        "author__profile", "reply_to__author__profile"
    )


def visible_to(queryset, user, moderator):
    """Visible messages, plus held ones for moderators and for their own author."""
    if moderator:
        return queryset.filter(state__in=[Message.State.VISIBLE, Message.State.HELD])
    return queryset.filter(
        Q(state=Message.State.VISIBLE) | Q(state=Message.State.HELD, author=user)
    )


def membership_frame_data(room, membership, user, moderator):
    """``user``'s own membership of ``room`` (``membership`` may be None: not joined)."""
    muted_until = membership.muted_until if membership else None
    if muted_until is not None and muted_until <= timezone.now():
        muted_until = None
    return MembershipData(
        member_id=membership.pk if membership else None,
        name=display_name(user),
        moderator=moderator,
        guidelines_accepted=guidelines_accepted(room, membership) or moderator,
        muted_until=muted_until.isoformat() if muted_until else None,
        hidden=(
            sorted(membership.hidden_members.values_list("pk", flat=True)) if membership else []
        ),
    )


def snapshot(room, user, *, after=None):
    """The ``snapshot`` frame: room state, my membership, and messages.

    Without ``after``: the last 50 messages this person may see. With ``after`` (the last
    id the client saw): the messages after it, or the last 50 and ``gap: true`` when more
    arrived meanwhile; ``changed`` re-sends the recent messages edited since, or posted
    within RESUME_OVERLAP (one may have committed after a newer one the client saw), and
    ``gone`` lists those removed, so a client that resumes is whole again (it places
    messages by id, replacing a copy it has). Before the guidelines are accepted, no messages.
    """
    moderator = is_moderator(user, room)
    membership = RoomMembership.objects.filter(room=room, account=user).first()
    mine = membership_frame_data(room, membership, user, moderator)
    frame = RoomSnapshotFrame(
        room=room_frame_data(room),
        membership=mine,
        messages=[],
        pinned=[],
        gap=False,
        has_more=False,
        changed=[],
        gone=[],
    )
    if not mine.guidelines_accepted:
        return frame
    mine_qs = visible_to(_messages_queryset(room), user, moderator)
    if after is not None:
        newer = list(mine_qs.filter(pk__gt=after).order_by("-pk")[: RESUME_LIMIT + 1])
        frame.gap = len(newer) > RESUME_LIMIT
        messages = list(reversed(newer[:RESUME_LIMIT]))
        # What changed among the messages the client already has (recent window); after
        # a gap the client starts again from the newest messages and pages back instead.
        if not frame.gap:
            window = list(
                _messages_queryset(room).filter(pk__lte=after).order_by("-pk")[: PAGE_SIZE * 2]
            )
            visible_ids = set(
                visible_to(
                    Message.objects.filter(pk__in=[m.pk for m in window]), user, moderator
                ).values_list("pk", flat=True)
            )
            frame.gone = [m.pk for m in window if m.pk not in visible_ids]
            overlap = timezone.now() - RESUME_OVERLAP
            frame.changed = [
                message_frame_data(m)
                for m in reversed(window)
                if m.pk in visible_ids and (m.edited_at or m.created_at >= overlap)
            ]
    else:
        latest = list(mine_qs.order_by("-pk")[: PAGE_SIZE + 1])
        frame.has_more = len(latest) > PAGE_SIZE
        messages = list(reversed(latest[:PAGE_SIZE]))
    frame.messages = [message_frame_data(m) for m in messages]
    frame.pinned = [
        message_frame_data(m)
        for m in _messages_queryset(room)
        .filter(pinned=True, state=Message.State.VISIBLE)
        .order_by("-pk")[:5]
    ]
    return frame


def page_before(room, user, before_id):
    """``messages.page``: up to 50 messages before ``before_id`` (a cursor, not an offset),
    for whom the room's gate lets in now (read fresh: a member banned, or an account that
    lost its role or stopped leading the room, since the socket opened reads no further
    back)."""
    moderator = is_moderator(user, room)
    membership = RoomMembership.objects.filter(room=room, account=user).first()
    require_access(room, user, moderator=moderator, membership=membership)
    if not (moderator or guidelines_accepted(room, membership)):
        raise ServiceError(
            GUIDELINES_REQUIRED, _("Please read and accept the room's guidelines first.")
        )
    older = list(
        visible_to(_messages_queryset(room), user, moderator)
        .filter(pk__lt=before_id)
        .order_by("-pk")[: PAGE_SIZE + 1]
    )
    return MessagesPageFrame(
        before_id=before_id,
        messages=[message_frame_data(m) for m in reversed(older[:PAGE_SIZE])],
        has_more=len(older) > PAGE_SIZE,
    )
