"""The consumer base of the Q&A and room sockets: subscription, snapshot, frames, errors.

A consumer subscribes *before* it reads its snapshot and holds back live frames until
the snapshot is sent, so nothing committed between the two is missed (clients apply
frames by id, so a frame already reflected in the snapshot is harmless).

While the channel layer (Redis) cannot be reached, a socket is told so (an ``error``
frame, code ``unavailable``) and closed with ``CLOSE_UNAVAILABLE``: the page says live
updates are paused and reconnects later, with backoff. A frame larger than the protocol
allows is refused and the socket stays open, unless it is larger than any page of ours
could send (``protocol.MAX_MESSAGE_BYTES``): then the socket is closed with
``CLOSE_TOO_LARGE``.
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
from portal.redis_outage import OUTAGE_ERRORS, ThrottledWarning

logger = logging.getLogger("forums.live")
_warn_unavailable = ThrottledWarning(logger)

# Close codes (private range 4000-4999: daphne sends no other but 1000), stable for
# clients and tests. live.js treats 4401, 4403, 4404 and 4408 as final, 4503 as
# "paused, retrying" and every other code as a dropped connection to reconnect.
CLOSE_NOT_FOUND = 4404
CLOSE_FORBIDDEN = 4403
CLOSE_BANNED = 4408
CLOSE_LOGIN_REQUIRED = 4401
CLOSE_RECONNECT = 4000  # the account's standing changed: reconnect and resync
CLOSE_TOO_LARGE = 4413  # a frame over protocol.MAX_MESSAGE_BYTES (cf. 1009)
CLOSE_SERVER_ERROR = 4500  # the snapshot failed: reconnect and try again (cf. 1011)
CLOSE_UNAVAILABLE = 4503  # the channel layer is down: live updates paused, retry later


class LiveConsumer(AsyncWebsocketConsumer):
    """Base of the Q&A and room consumers: subscription, snapshot, frame parsing, errors.

    Subclasses set ``frames`` (a :class:`protocol.FrameSet`) and implement:

    - ``async open()``: authorise the socket; set ``self.topic`` and ``self.tags``;
      raise :class:`Refuse` to close it with a code (an error frame says why);
    - ``async snapshot()``: the ``snapshot`` frame (a ServerFrame model) for this socket;
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
        try:
            await self.hub.subscribe(self)
            snapshot = await self.snapshot()
        except Exception as error:
            await self.hub.unsubscribe(self)
            if isinstance(error, OUTAGE_ERRORS):
                await self._close_unavailable(error)
            else:
                logger.exception("forums: subscribing or the snapshot failed")
                await self.send_frame(
                    protocol.error_frame(protocol.SERVER_ERROR, _("Please try again in a moment."))
                )
                await self.close(code=CLOSE_SERVER_ERROR)
            return
        await self.send_frame(snapshot)
        self._ready = True
        backlog, self._backlog = self._backlog, []
        for text in backlog:
            await self.send(text_data=text)

    async def _close_unavailable(self, error):
        """Say live updates are unavailable and close: the page retries with backoff."""
        _warn_unavailable(
            "forums: live updates unavailable (%s from the channel layer); sockets are "
            "told to retry later",
            type(error).__name__,
        )
        await self.send_frame(
            protocol.error_frame(
                protocol.UNAVAILABLE,
                _(
                    "Live updates are unavailable right now. "
                    "This page will keep trying to reconnect."
                ),
            )
        )
        await self.close(code=CLOSE_UNAVAILABLE)

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
        if protocol.frame_size(text_data, bytes_data) > protocol.MAX_MESSAGE_BYTES:
            # No page of ours sends this: say why, then stop reading from this client.
            await self.send_frame(
                protocol.error_frame(
                    protocol.TOO_LARGE,
                    _("That message is far too large; the connection was closed."),
                )
            )
            await self.close(code=CLOSE_TOO_LARGE)
            return
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
        except OUTAGE_ERRORS as error:
            # The channel layer went down mid-session: the page resends what was not
            # acknowledged once it is back (the same client_ref gets the same answer).
            await self._close_unavailable(error)
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
