"""Live delivery for Q&A sessions and peer rooms: one subscription per process and topic.

The textbook Channels design (one consumer channel per socket, one channel-layer message
per recipient) costs ~200 µs of server CPU per delivery and saturates one daphne process
at a few thousand deliveries a second. Here each process holds a single :class:`Hub` per
event loop. The hub owns **one** channel-layer channel; the first local socket of a
topic (``"qa.12"``, ``"room.3"``) adds that channel to the topic's group, so a broadcast
is one channel-layer message per *process*, serialised once, and the hub writes the same
text to every local socket of the topic directly. The database is never on the delivery
path, and sockets have no channel of their own (``channel_layer_alias`` names no layer).

Broadcast discipline (DESIGN.md): state changes happen in ``forums.services``; a service
calls :func:`broadcast_on_commit` inside its transaction, so a frame describes something
already committed. Frames may target an *audience* — a list of tags such as
``"moderators"`` or ``"user:42"`` — so held items reach only their author and the
moderators. *Control* messages (e.g. "close the sockets of user 42, they were banned")
travel the same way and are handled by the consumer.

Presence is counted across processes through the cache: each process writes its own
per-topic tally under a key with a short lifetime and sums everybody's, once a second.

A consumer subscribes *before* it reads its snapshot and holds back live frames until
the snapshot is sent, so nothing committed between the two is missed (clients apply
frames by id, so a frame already reflected in the snapshot is harmless).
"""

import asyncio
import logging
import time
import uuid
import weakref

from asgiref.sync import async_to_sync, sync_to_async
from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from forums import protocol
from portal.middleware import scope_language

logger = logging.getLogger("forums.live")

PROCESS_ID = uuid.uuid4().hex[:12]
RELAY = "forums.relay"
PRESENCE_INTERVAL = 1.0  # seconds between presence exchanges
PRESENCE_TTL = 15  # a process that stops refreshing drops out of the count after this
GROUP_REFRESH = 3600  # re-add group memberships well inside channels-redis' group_expiry

# Close codes (private range 4000-4999), stable for clients and tests.
CLOSE_NOT_FOUND = 4404
CLOSE_FORBIDDEN = 4403
CLOSE_BANNED = 4408
CLOSE_LOGIN_REQUIRED = 4401
CLOSE_RECONNECT = 4000  # the account's standing changed: reconnect and resync


_coalescers: dict[str, tuple] = {}


def register_coalescer(kind, build_frame, *, interval=0.25):
    """Coalesce broadcasts of ``kind``: ``build_frame(topic, ids) -> frame | None`` runs in
    a database thread at most once per ``interval`` per topic and process, for every id
    marked with ``Hub.coalesce`` since the last run."""
    _coalescers[kind] = (build_frame, interval)


def group_name(topic):
    return f"forums.{topic}"


def _tags_tuple(audience):
    return None if audience is None else [str(tag) for tag in audience]


def relay_message(topic, *, frame=None, text=None, audience=None, control=None):
    """The channel-layer message for one broadcast: JSON text encoded once."""
    if frame is not None:
        text = protocol.encode(frame)
    return {
        "type": RELAY,
        "topic": topic,
        "text": text,
        "audience": _tags_tuple(audience),
        "control": control,
    }


def broadcast_on_commit(topic, frame=None, *, audience=None, control=None):
    """Send ``frame`` (and/or ``control``) to the topic's sockets once the transaction commits.

    Call from services inside ``transaction.atomic``. Outside a transaction Django runs
    the callback at once, which is what a plain call expects too.
    """
    message = relay_message(topic, frame=frame, audience=audience, control=control)
    transaction.on_commit(lambda: send_relay(message))


def send_relay(message):
    """Synchronous send (from a service thread, a view or a command)."""
    try:
        async_to_sync(get_channel_layer().group_send)(group_name(message["topic"]), message)
    except Exception:
        # The row is committed; clients resync from the snapshot when they reconnect.
        logger.exception("forums: broadcast to %s failed", message["topic"])


async def publish(topic, frame=None, *, audience=None, control=None):
    """Asynchronous broadcast from a consumer (the state it describes is committed)."""
    message = relay_message(topic, frame=frame, audience=audience, control=control)
    await get_channel_layer().group_send(group_name(topic), message)


class Hub:
    """This process's subscriptions and presence; one per event loop (see :func:`hub`)."""

    def __init__(self):
        self.layer = get_channel_layer()
        self.channel_name = None
        self.topics: dict[str, set] = {}
        self._lock = asyncio.Lock()
        self._reader = None
        self._ticker = None
        self._dirty: set[str] = set()
        self._last_presence: dict[str, str] = {}
        self._presence: dict[str, dict] = {}
        self._coalesced: dict[tuple[str, str], set] = {}
        self._flushing: set[tuple[str, str]] = set()

    # --- subscriptions ------------------------------------------------------------------
    async def subscribe(self, consumer):
        topic = consumer.topic
        async with self._lock:
            if self.channel_name is None:
                self.channel_name = await self.layer.new_channel(f"forums.{PROCESS_ID}.")
                self._reader = asyncio.ensure_future(self._read())
            sockets = self.topics.get(topic)
            if sockets is None:
                sockets = self.topics[topic] = set()
                await self.layer.group_add(group_name(topic), self.channel_name)
            sockets.add(consumer)
        self._dirty.add(topic)
        self._start_ticker()

    async def unsubscribe(self, consumer):
        topic = consumer.topic
        async with self._lock:
            sockets = self.topics.get(topic)
            if not sockets or consumer not in sockets:
                return
            sockets.discard(consumer)
            if sockets:
                self._dirty.add(topic)
                return
            del self.topics[topic]
            self._dirty.discard(topic)
            self._presence.pop(topic, None)
            try:
                await self.layer.group_discard(group_name(topic), self.channel_name)
                await sync_to_async(exchange_presence, thread_sensitive=False)(
                    {topic: {"anonymous": 0, "members": {}}}, []
                )
            except Exception:
                logger.exception("forums: leaving %s failed", topic)
            if not self.topics:
                # Nothing left to relay in this process: stop the reader and the ticker.
                for task in (self._reader, self._ticker):
                    if task is not None:
                        task.cancel()
                self._reader = self._ticker = self.channel_name = None

    def local_sockets(self, topic):
        return tuple(self.topics.get(topic, ()))

    async def _read(self):
        while True:
            try:
                message = await self.layer.receive(self.channel_name)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("forums: channel layer receive failed; retrying")
                await asyncio.sleep(0.5)
                continue
            try:
                await self.deliver_locally(message)
            except Exception:
                logger.exception("forums: local delivery failed")

    async def deliver_locally(self, message):
        """Write one relayed broadcast to this process's sockets of its topic."""
        sockets = self.topics.get(message.get("topic"))
        if not sockets:
            return
        audience = message.get("audience")
        text = message.get("text")
        control = message.get("control")
        for consumer in tuple(sockets):
            if audience is not None and consumer.tags.isdisjoint(audience):
                continue
            try:
                if text is not None:
                    await consumer.deliver(text)
                if control is not None:
                    await consumer.on_control(control)
            except Exception:
                logger.exception("forums: delivery to one socket failed")

    # --- coalescing (e.g. vote tallies: a few updates a second, not one per vote) -------
    def coalesce(self, topic, kind, item_id):
        """Mark ``item_id`` changed; at most one frame per ``interval`` per topic and kind."""
        key = (topic, kind)
        self._coalesced.setdefault(key, set()).add(item_id)
        if key not in self._flushing:
            self._flushing.add(key)
            asyncio.ensure_future(self._flush_later(key))

    async def _flush_later(self, key):
        build_frame, interval = _coalescers[key[1]]
        try:
            await asyncio.sleep(interval)
            ids = self._coalesced.pop(key, set())
            if ids:
                frame = await database_sync_to_async(build_frame)(key[0], sorted(ids))
                if frame is not None:
                    await publish(key[0], frame)
        except Exception:
            logger.exception("forums: coalesced broadcast failed")
        finally:
            self._flushing.discard(key)
        # Not reached when the task is cancelled or its loop is closing: nothing to reschedule.
        if self._coalesced.get(key):
            self.coalesce(key[0], key[1], next(iter(self._coalesced[key])))

    # --- presence across processes --------------------------------------------------------
    def _start_ticker(self):
        if self._ticker is None or self._ticker.done():
            self._ticker = asyncio.ensure_future(self._tick())

    async def _tick(self):
        last_heartbeat = last_refresh = time.monotonic()
        while self.topics:
            await asyncio.sleep(PRESENCE_INTERVAL)
            now = time.monotonic()
            if now - last_refresh > GROUP_REFRESH:
                last_refresh = now
                for topic in list(self.topics):
                    try:
                        await self.layer.group_add(group_name(topic), self.channel_name)
                    except Exception:
                        logger.exception("forums: refreshing group %s failed", topic)
            heartbeat = now - last_heartbeat > PRESENCE_TTL / 3
            if heartbeat:
                last_heartbeat = now
            changed = set(self._dirty) | (set(self.topics) if heartbeat else set())
            self._dirty.clear()
            local = {topic: self._local_tally(topic) for topic in changed}
            try:
                totals = await sync_to_async(exchange_presence, thread_sensitive=False)(
                    local, sorted(self.topics)
                )
            except Exception:
                logger.exception("forums: presence exchange failed")
                continue
            for topic, total in totals.items():
                self._presence[topic] = total
                await self._send_presence(topic, total)

    def _local_tally(self, topic):
        anonymous = 0
        members = {}
        for consumer in self.topics.get(topic, ()):
            entry = consumer.presence_entry()
            if entry is None:
                anonymous += 1
            else:
                members[str(entry[0])] = list(entry[1:])
        return {"anonymous": anonymous, "members": members}

    def presence(self, topic):
        """The last known total for ``topic`` (this process's own tally until the first
        exchange): ``{"count": n, "members": [...]}``."""
        if topic in self._presence:
            return self._presence[topic]
        return summarise_presence([self._local_tally(topic)])

    async def _send_presence(self, topic, total):
        sockets = self.topics.get(topic)
        if not sockets:
            return
        consumers = tuple(sockets)
        text_by_kind = {}
        for consumer in consumers:
            with_members = consumer.presence_members
            text = text_by_kind.get(with_members)
            if text is None:
                frame = protocol.presence_frame(
                    total["count"], total["members"] if with_members else None
                )
                text = text_by_kind[with_members] = protocol.encode(frame)
            if (
                self._last_presence.get((topic, with_members)) == text
                and not consumer.needs_presence
            ):
                continue
            consumer.needs_presence = False
            try:
                await consumer.deliver(text)
            except Exception:
                logger.exception("forums: presence delivery failed")
        for with_members, text in text_by_kind.items():
            self._last_presence[(topic, with_members)] = text


def _presence_key(topic, process):
    return f"forums:presence:{topic}:{process}"


def _registry_key(topic):
    return f"forums:presence:{topic}:processes"


def exchange_presence(local, topics):
    """Write this process's tallies, read every live process's, return totals per topic.

    ``local`` maps topic -> this process's tally (only topics that changed, or all on a
    heartbeat); ``topics`` are the topics this process has sockets for.
    """
    now = time.time()
    for topic, tally in local.items():
        key = _presence_key(topic, PROCESS_ID)
        registry = cache.get(_registry_key(topic)) or {}
        if tally["anonymous"] or tally["members"]:
            cache.set(key, tally, timeout=PRESENCE_TTL)
            if registry.get(PROCESS_ID, 0) < now + PRESENCE_TTL / 2:
                registry = {p: t for p, t in registry.items() if t > now}
                registry[PROCESS_ID] = now + PRESENCE_TTL
                cache.set(_registry_key(topic), registry, timeout=None)
        else:
            cache.delete(key)
            if PROCESS_ID in registry:
                registry.pop(PROCESS_ID)
                cache.set(_registry_key(topic), registry, timeout=None)
    if not topics:
        return {}
    registries = cache.get_many([_registry_key(topic) for topic in topics])
    wanted = {}
    for topic in topics:
        for process, expires in (registries.get(_registry_key(topic)) or {}).items():
            if expires > now:
                wanted[_presence_key(topic, process)] = topic
    tallies = cache.get_many(list(wanted))
    by_topic = {topic: [] for topic in topics}
    for key, tally in tallies.items():
        by_topic[wanted[key]].append(tally)
    return {topic: summarise_presence(found) for topic, found in by_topic.items()}


def summarise_presence(tallies):
    """People are counted once however many tabs they have open; visitors per socket."""
    members = {}
    anonymous = 0
    for tally in tallies:
        anonymous += tally.get("anonymous", 0)
        members.update(tally.get("members", {}))
    listed = sorted(
        ({"name": entry[0], "moderator": bool(entry[1])} for entry in members.values() if entry),
        key=lambda member: (not member["moderator"], member["name"].casefold()),
    )
    return {"count": anonymous + len(members), "members": listed}


_hubs: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub]" = weakref.WeakKeyDictionary()


def hub():
    """The hub of the running event loop (created on first use)."""
    loop = asyncio.get_running_loop()
    current = _hubs.get(loop)
    if current is None:
        current = _hubs[loop] = Hub()
    return current


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

    async def dispatch(self, message):
        # Channels 4.3 hops to a thread before every handler to close stale database
        # connections; our handlers reach the database only through
        # database_sync_to_async, which does that itself.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

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
        self.hub = hub()
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
                raise protocol.ProtocolError(protocol.CONFLICT, _("Still connecting; try again."))
            handler = getattr(self, "on_" + frame.type.replace(".", "_"))
            await handler(frame)
        except protocol.ProtocolError as error:
            if error.client_ref is None:
                error.client_ref = client_ref
            await self.send_frame(error.frame())
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
        await self.send_frame({"type": "pong"})


class Refuse(Exception):
    """Raised by ``LiveConsumer.open`` to refuse a socket with an error frame and a code."""

    def __init__(self, code, error, message):
        super().__init__(message)
        self.code = code
        self.error = error
        self.message = str(message)
