"""The hub: one subscription per process and topic, local fan-out, coalescing, presence.

The textbook Channels design (one consumer channel per socket, one channel-layer message
per recipient) costs ~200 µs of server CPU per delivery and saturates one daphne process
at a few thousand deliveries a second. Here each process holds a single :class:`Hub` per
event loop. The hub owns **one** channel-layer channel; the first local socket of a
topic (``"qa.12"``, ``"room.3"``) adds that channel to the topic's group, so a broadcast
is one channel-layer message per *process*, serialised once, and the hub writes the same
text to every local socket of the topic directly. The database is never on the delivery
path, and sockets have no channel of their own.

Presence is counted across processes through the cache (``forums.live.presence``).
"""

import asyncio
import logging
import time
import weakref

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from forums.live import protocol
from forums.live.broadcast import PROCESS_ID, group_name, publish
from forums.live.presence import PRESENCE_TTL, exchange_presence, summarise_presence
from portal.redis_outage import ThrottledWarning

logger = logging.getLogger("forums.live")
_warn_receive_failed = ThrottledWarning(logger)

PRESENCE_INTERVAL = 1.0  # seconds between presence exchanges
GROUP_REFRESH = 3600  # re-add group memberships well inside channels-redis' group_expiry


_coalescers: dict[str, tuple] = {}


def reaches(audience, tags):
    """Whether a broadcast for ``audience`` (tags, or ``None`` for everyone) reaches a
    socket holding ``tags``. The one rule the hub applies; tests apply it too."""
    return audience is None or not tags.isdisjoint(audience)


def register_coalescer(kind, build_frame, *, interval=0.25):
    """Coalesce broadcasts of ``kind``: ``build_frame(topic, ids) -> frame | None`` runs in
    a database thread at most once per ``interval`` per topic and process, for every id
    marked with ``Hub.coalesce`` since the last run."""
    _coalescers[kind] = (build_frame, interval)


def coalesced_frame_builder(kind):
    """The ``build_frame`` registered for ``kind`` (tests verify the frames it builds)."""
    return _coalescers[kind][0]


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
                try:
                    await self.layer.group_add(group_name(topic), self.channel_name)
                except Exception:
                    # The channel layer is down: register nothing, so the next socket of
                    # this topic tries again once it is back.
                    if not self.topics:
                        self._stop_reading()
                    raise
                sockets = self.topics[topic] = set()
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
                self._stop_reading()

    def _stop_reading(self):
        """Nothing left to relay in this process: stop the reader and the ticker."""
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
            except Exception as error:  # noqa: BLE001 (logged, throttled, below)
                # Once a minute at most: an outage would otherwise log twice a second.
                _warn_receive_failed("forums: channel layer receive failed (%r); retrying", error)
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
            if not reaches(audience, consumer.tags):
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


_hubs: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub]" = weakref.WeakKeyDictionary()


def current_hub():
    """The hub of the running event loop (created on first use)."""
    loop = asyncio.get_running_loop()
    current = _hubs.get(loop)
    if current is None:
        current = _hubs[loop] = Hub()
    return current
