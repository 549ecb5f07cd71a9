"""The peer-room socket, ``/ws/rooms/<slug>/``: thin around ``forums.rooms.services``.

Every frame calls a service with fresh data (a banned member or a demoted moderator is
refused at the next frame); acks go out only after the service committed. Held
messages and moderator frames travel to an audience (``moderators``, ``user:<id>``); a
ban is a control message that closes the member's sockets at once; new guidelines one
that has members' sockets reconnect (to be asked to accept them).

A room socket is a moderator's when its account moderates that room (a lead in the
Moderators role, or a superuser): a moderator of other rooms is refused like any
non-member. A moderator's socket re-checks that every MODERATOR_RECHECK_SECONDS, beside
the delivery path (which never waits for the database): a moderator removed from the
role or from the room's leads, or whose account was deactivated, stops receiving held
messages and reconnects (as a member if it is one, else to be refused). The review
queue's socket, ``/ws/moderation/``, is told of changes in the rooms its account
moderates only, and re-reads them as often.
"""

import asyncio
import logging

from channels.db import database_sync_to_async
from django.urls import path
from django.utils.translation import gettext as _

from forums import live
from forums.live import protocol
from forums.live.errors import ServiceError
from forums.models import Room
from forums.rooms import protocol as rooms_protocol
from forums.rooms import services as service

MODERATOR_RECHECK_SECONDS = 15
logger = logging.getLogger(__name__)


def socket_tags(user_id, moderator):
    """The audience tags of a room socket: its account's, and ``moderators`` for a
    moderator (held messages and moderator frames travel to these)."""
    tags = {service.author_tag(user_id)}
    if moderator:
        tags.add(service.MODERATOR_AUDIENCE)
    return frozenset(tags)


def shown_before_guidelines(text):
    """Until its member accepts the guidelines a socket sees the room, who is here and
    its own membership, not the messages (``text``: a serialised frame)."""
    return text.startswith(
        ('{"type":"presence"', '{"type":"room.updated"', '{"type":"membership.updated"')
    )


def _answering(reply, frame):
    """``reply`` (a server frame) naming the client frame it answers, if it was named."""
    if frame.client_ref is None:
        return reply
    return reply.model_copy(update={"client_ref": frame.client_ref})


class WatchesModeratorRole:
    """A moderator's socket: while it is open, check every MODERATOR_RECHECK_SECONDS that
    the account still moderates (``still_moderating()``, read fresh: role, leads,
    superuser, active), beside the delivery path; ``role_lost()`` when it does not."""

    _role_watch = None

    def watch_role(self):
        self._role_watch = asyncio.ensure_future(self._watch_role())

    def still_moderating(self):
        raise NotImplementedError

    async def _watch_role(self):
        while True:
            await asyncio.sleep(MODERATOR_RECHECK_SECONDS)
            try:
                still = await database_sync_to_async(self.still_moderating)()
            except Exception:
                logger.exception("rooms: moderator re-check failed; trying again")
                continue
            if not still:
                await self.role_lost()
                return

    async def disconnect(self, code):
        if self._role_watch is not None:
            self._role_watch.cancel()
        await super().disconnect(code)


class RoomConsumer(WatchesModeratorRole, live.LiveConsumer):
    frames = rooms_protocol.ROOM_FRAMES
    presence_members = True

    accepted = False
    is_moderator = False

    async def open(self):
        slug = self.scope["url_route"]["kwargs"]["slug"]
        self.room = await database_sync_to_async(Room.objects.filter(slug=slug).first)()
        if self.room is None:
            raise live.Refuse(
                live.CLOSE_NOT_FOUND, protocol.NOT_FOUND, _("This room does not exist.")
            )
        refusal = await database_sync_to_async(service.connect_check)(self.room, self.user)
        if refusal is not None:
            raise live.Refuse(*refusal)
        self.is_moderator = await database_sync_to_async(service.is_moderator)(self.user, self.room)
        self.display_name = await database_sync_to_async(service.display_name)(self.user)
        self.topic = self.room.topic
        self.tags = socket_tags(self.user.pk, self.is_moderator)
        if self.is_moderator:
            self.watch_role()

    def still_moderating(self):
        return service.is_moderator(self.user, self.room)

    def _after(self):
        query = self.scope.get("query_string", b"").decode("latin-1")
        for part in query.split("&"):
            key, _sep, value = part.partition("=")
            if key == "after" and value.isdigit() and len(value) < 19:
                return int(value)
        return None

    async def snapshot(self):
        frame = await database_sync_to_async(service.snapshot)(
            self.room, self.user, after=self._after()
        )
        self.accepted = frame.membership.guidelines_accepted
        return frame

    async def deliver(self, text):
        if not self.accepted and not shown_before_guidelines(text):
            return
        await super().deliver(text)

    async def role_lost(self):
        self.is_moderator = False
        self.tags = socket_tags(self.user.pk, False)
        await self.send_frame(
            protocol.error_frame(
                protocol.FORBIDDEN,
                _("You are no longer a moderator of this room; reconnecting."),
            )
        )
        await self.close(code=live.CLOSE_RECONNECT)

    def presence_entry(self):
        if not self.accepted:
            return None
        return (self.user.pk, self.display_name, self.is_moderator)

    async def on_control(self, control):
        if control == service.BAN:
            await self.send_frame(
                protocol.error_frame(service.BANNED, _("You can no longer take part in this room."))
            )
            await self.close(code=live.CLOSE_BANNED)
        elif control == service.GUIDELINES_RENEWED and self.accepted and not self.is_moderator:
            # Reconnecting, the page gets a snapshot that asks for the new guidelines.
            await self.close(code=live.CLOSE_RECONNECT)

    async def _call(self, function, *args, **kwargs):
        return await database_sync_to_async(function)(self.room, self.user, *args, **kwargs)

    async def _ack(self, frame, object_id, **extra):
        """``ack`` with what the client needs beside the id (only the fields given)."""
        if frame.client_ref is not None:
            await self.send_frame(
                rooms_protocol.RoomAckFrame(client_ref=frame.client_ref, id=object_id, **extra)
            )

    # --- members ------------------------------------------------------------------------
    async def on_message_send(self, frame):
        message, info = await self._call(
            service.send_message,
            body=frame.body,
            reply_to=frame.reply_to,
            client_ref=frame.client_ref,
            checkin=frame.checkin,
        )
        await self._ack(frame, message.pk, **info)

    async def on_message_edit(self, frame):
        message, info = await self._call(service.edit_message, frame.message_id, body=frame.body)
        await self._ack(frame, message.pk, **info)

    async def on_message_delete(self, frame):
        message = await self._call(service.delete_own_message, frame.message_id)
        await self._ack(frame, message.pk)

    async def on_message_flag(self, frame):
        flag, info = await self._call(
            service.flag_message, frame.message_id, reason=frame.reason, note=frame.note
        )
        await self._ack(frame, flag.pk, **info)

    async def on_messages_before(self, frame):
        if not self.accepted:
            raise ServiceError(
                service.GUIDELINES_REQUIRED, "Please read and accept the room's guidelines first."
            )
        page = await self._call(service.page_before, frame.before_id)
        await self.send_frame(_answering(page, frame))

    async def on_guidelines_accept(self, frame):
        membership = await self._call(service.accept_guidelines)
        await self._ack(frame, membership.pk)
        # A fresh snapshot: the room's messages, now that the guidelines are accepted.
        self.accepted = False
        snapshot = await self.snapshot()
        await self.send_frame(snapshot)
        self.hub._dirty.add(self.topic)

    async def on_member_hide(self, frame):
        hidden = await self._call(service.hide_member, frame.member_id, hidden=frame.hidden)
        await self._ack(frame, frame.member_id, hidden=hidden)

    # --- moderators (each service checks the role afresh) --------------------------------
    async def on_message_remove(self, frame):
        message = await self._call(service.remove_message, frame.message_id, reason=frame.reason)
        await self._ack(frame, message.pk)

    async def on_message_release(self, frame):
        message = await self._call(service.release_message, frame.message_id)
        await self._ack(frame, message.pk)

    async def on_member_mute(self, frame):
        membership = await self._call(
            service.mute_member, frame.member_id, minutes=frame.minutes, reason=frame.reason
        )
        await self._ack(frame, membership.pk)

    async def on_member_ban(self, frame):
        membership = await self._call(service.ban_member, frame.member_id, reason=frame.reason)
        await self._ack(frame, membership.pk)

    async def on_member_identify(self, frame):
        identity = await self._call(service.identify_member, frame.member_id)
        await self.send_frame(_answering(identity, frame))

    async def on_room_slow_mode(self, frame):
        room = await self._call(service.set_slow_mode, seconds=frame.seconds)
        await self._ack(frame, room.pk)

    async def on_room_open(self, frame):
        room = await self._call(service.set_room_state, state=Room.State.OPEN)
        await self._ack(frame, room.pk)

    async def on_room_close(self, frame):
        room = await self._call(
            service.set_room_state, state=Room.State.CLOSED, reason=frame.reason
        )
        await self._ack(frame, room.pk)

    async def on_message_pin(self, frame):
        message = await self._call(service.pin_message, frame.message_id, pinned=frame.pinned)
        await self._ack(frame, message.pk)


class QueueConsumer(WatchesModeratorRole, live.LiveConsumer):
    """``/ws/moderation/``: tells a moderator's review-queue page when the queue changed.

    Frames carry no message text or names (the page refetches over HTTP). The socket is
    for the Moderators role and superusers; it hears of the rooms its account moderates
    only (tags ``lead:<room id>``, a superuser's ``rooms:all``; a moderator who leads no
    room hears nothing). Role and rooms are read at connect and then every
    MODERATOR_RECHECK_SECONDS, like a room's moderator socket."""

    frames = rooms_protocol.QUEUE_FRAMES

    async def open(self):
        if not getattr(self.user, "is_authenticated", False):
            raise live.Refuse(live.CLOSE_LOGIN_REQUIRED, protocol.LOGIN_REQUIRED, "Please log in.")
        tags = await database_sync_to_async(self._queue_tags)()
        if tags is None:
            raise live.Refuse(live.CLOSE_FORBIDDEN, protocol.FORBIDDEN, "Moderators only.")
        self.topic = service.QUEUE_TOPIC
        self.tags = tags
        self.watch_role()

    def _queue_tags(self):
        """The socket's tags (the rooms it moderates now), or None: not a moderator."""
        scope = service.moderation_scope(self.user)
        return None if scope is None else service.queue_tags(scope)

    def still_moderating(self):
        tags = self._queue_tags()
        if tags is not None:
            self.tags = tags  # leads named or removed since: their rooms' changes follow
        return tags is not None

    async def snapshot(self):
        return rooms_protocol.QueueSnapshotFrame()

    async def deliver(self, text):
        # Queue pages say nothing about who is here: only queue frames go out.
        if text.startswith('{"type":"presence"'):
            return
        await super().deliver(text)

    async def role_lost(self):
        self.tags = frozenset()
        await self.send_frame(protocol.error_frame(protocol.FORBIDDEN, "Moderators only."))
        await self.close(code=live.CLOSE_FORBIDDEN)


websocket_urlpatterns = [
    path("ws/rooms/<slug:slug>/", RoomConsumer.as_asgi()),
    path("ws/moderation/", QueueConsumer.as_asgi()),
]
