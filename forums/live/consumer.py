"""The consumer base of the Q&A and room sockets: subscription, snapshot, frames, errors.

A consumer subscribes *before* it reads its snapshot and holds back live frames until
the snapshot is sent, so nothing committed between the two is missed (clients apply
frames by id, so a frame already reflected in the snapshot is harmless).
"""

import logging

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from forums.live import protocol
from forums.live.errors import ServiceError
from forums.live.hub import current_hub
from portal.middleware import scope_language

logger = logging.getLogger("forums.live")

# Close codes (private range 4000-4999), stable for clients and tests.
CLOSE_NOT_FOUND = 4404
CLOSE_FORBIDDEN = 4403
CLOSE_BANNED = 4408
CLOSE_LOGIN_REQUIRED = 4401
CLOSE_RECONNECT = 4000  # the account's standing changed: reconnect and resync


class LiveConsumer(AsyncWebsocketConsumer):
    """Base of the Q&A and room consumers: subscription, snapshot, frame parsing, errors.

    Subclasses set ``frames`` (a :class:`protocol.FrameSet`) and implement:

    - ``async open()``: authorise the socket; set ``self.topic`` and ``self.tags``;
      raise :class:`Refuse` to close it with a code (an error frame says why);
    - ``async snapshot()``: the ``snapshot`` frame (dict) for this socket;
    - ``async on_<type>(frame)`` for each client frame type (dots become underscores);
    - optionally ``presence_entry()`` and ``on_control(control)``.
    """

    # No per-socket channel: the hub relays broadcasts (an alias naming no layer).
    channel_layer_alias = "forums.no-per-socket-channel"
    frames: protocol.FrameSet
    presence_members = False  # rooms list who is here; Q&A shows a count only

    topic = None
    tags = frozenset()
    needs_presence = True

    async def connect(self):
        self._ready = False
        self._backlog = []
        self.user = self.scope.get("user")
        # Everything this socket says (explanations, errors) in its reader's language;
        # the activation lives in this socket's context and follows it into the
        # database threads (asgiref), never into another socket's.
        try:
            language = await database_sync_to_async(scope_language)(self.scope)
        except Exception:
            logger.exception("forums: reading the socket's language failed; using the default")
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        await self.accept()
        try:
            await self.open()
        except Refuse as refusal:
            await self.send_frame(protocol.error_frame(refusal.error, refusal.message))
            await self.close(code=refusal.code)
            return
        self.hub = current_hub()
        await self.hub.subscribe(self)
        try:
            snapshot = await self.snapshot()
        except Exception:
            logger.exception("forums: snapshot failed")
            await self.hub.unsubscribe(self)
            await self.send_frame(
                protocol.error_frame(protocol.SERVER_ERROR, _("Please try again in a moment."))
            )
            await self.close(code=1011)
            return
        await self.send_frame(snapshot)
        self._ready = True
        backlog, self._backlog = self._backlog, []
        for text in backlog:
            await self.send(text_data=text)

    async def disconnect(self, code):
        if self.topic is not None and getattr(self, "hub", None) is not None:
            await self.hub.unsubscribe(self)

    async def deliver(self, text):
        """A relayed broadcast (already serialised) for this socket."""
        if not self._ready:
            self._backlog.append(text)
            return
        await self.send(text_data=text)

    async def on_control(self, control):
        """Handle a control message (subclasses: e.g. close a banned member's socket)."""

    def presence_entry(self):
        """``(user_id, display name, is_moderator)`` or ``None`` for a visitor."""
        return None

    async def send_frame(self, frame):
        await self.send(text_data=protocol.encode(frame))

    async def receive(self, text_data=None, bytes_data=None):
        client_ref = None
        try:
            frame = protocol.parse_client_frame(text_data, self.frames)
            client_ref = frame.client_ref
            if not self._ready:
                raise ServiceError(protocol.CONFLICT, _("Still connecting; try again."))
            handler = getattr(self, "on_" + frame.type.replace(".", "_"))
            await handler(frame)
        except ServiceError as error:
            await self.send_frame(protocol.error_frame_for(error, client_ref=client_ref))
        except Exception:
            # Never log what was typed: only the frame type.
            logger.exception("forums: handling a frame failed")
            await self.send_frame(
                protocol.error_frame(
                    protocol.SERVER_ERROR,
                    _("Something went wrong on our side; nothing was changed. Please try again."),
                    client_ref=client_ref,
                )
            )

    async def on_ping(self, frame):
        await self.send_frame(protocol.PongFrame())


class Refuse(Exception):
    """Raised by ``LiveConsumer.open`` to refuse a socket with an error frame and a code."""

    def __init__(self, code, error, message):
        super().__init__(message)
        self.code = code
        self.error = error
        self.message = str(message)
