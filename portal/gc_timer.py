"""Full garbage collections on a timer, on the server's own event loop.

Every closed websocket leaves about 70 objects in reference cycles inside daphne,
twisted and autobahn (protocol and transport, request and channel, deferreds), which
only a full collection frees. ``GC_THRESHOLDS`` makes the collector's own full
collections rare (they stall every socket of the process), so without this timer that
garbage piles up with every connection that comes and goes: measured with
bench/rooms_chat.py, 280,000 objects after four runs, and the full collection that
finally ran stalled every socket for 471 ms; left alone, the pile and the stall grow
with the traffic. A full collection every ``GC_FULL_COLLECTION_SECONDS`` keeps both
small (bench/README.md). It runs on the event loop, so finalizers run where the
sockets live.
"""

import asyncio
import gc
import logging
import time

logger = logging.getLogger(__name__)
SLOW_MS = 250


class PeriodicFullCollection:
    """ASGI wrapper: from the first connection on, ``gc.collect()`` every ``interval``
    seconds on the running loop (0 turns it off)."""

    def __init__(self, app, interval):
        self.app = app
        self.interval = interval
        self._loop = None

    async def __call__(self, scope, receive, send):
        if self.interval and self._loop is None:
            self._loop = asyncio.get_running_loop()
            self._loop.call_later(self.interval, self._collect)
        return await self.app(scope, receive, send)

    def _collect(self):
        started = time.perf_counter()
        unreachable = gc.collect()
        took = (time.perf_counter() - started) * 1000
        logger.log(
            logging.WARNING if took > SLOW_MS else logging.DEBUG,
            "full garbage collection: %d unreachable objects in %.0f ms",
            unreachable,
            took,
        )
        self._loop.call_later(self.interval, self._collect)
