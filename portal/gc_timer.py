"""Full garbage collections on a timer, on the server's own event loop, when
connections have come and gone.

Every closed websocket leaves about 70 objects in reference cycles inside daphne,
twisted and autobahn (protocol and transport, request and channel, deferreds), which
only a full collection frees. ``GC_THRESHOLDS`` makes the collector's own full
collections rare (they stall every socket of the process), so without this timer that
garbage piles up with every connection that comes and goes: measured with
bench/rooms_chat.py, 280,000 objects after four runs, and the full collection that
finally ran stalled every socket for 471 ms; left alone, the pile and the stall grow
with the traffic.

Every ``GC_FULL_COLLECTION_SECONDS`` this checks how many connections (websockets and
HTTP requests) have ended since the last full collection, and runs one once at least
``GC_FULL_COLLECTION_CONNECTIONS`` have. A full collection walks every object the
process holds, the open sockets' included (~150-200 ms with 1,300 open, measured), so
it runs when there is garbage to free, not every minute whatever the traffic: the pile
stays under ~70 objects x that many connections, and a process whose sockets stay open
is not stalled for nothing (bench/README.md). It runs on the event loop, so finalizers
run where the sockets live.
"""

import asyncio
import gc
import logging
import time

logger = logging.getLogger(__name__)
SLOW_MS = 250


class PeriodicFullCollection:
    """ASGI wrapper: from the first connection on, every ``interval`` seconds on the
    running loop, ``gc.collect()`` if at least ``after_connections`` connections have
    ended since the last one (0: every time; an ``interval`` of 0 turns it off)."""

    def __init__(self, app, interval, after_connections=0):
        self.app = app
        self.interval = interval
        self.after_connections = after_connections
        self.ended = 0
        self._loop = None

    async def __call__(self, scope, receive, send):
        if self.interval and self._loop is None:
            self._loop = asyncio.get_running_loop()
            self._loop.call_later(self.interval, self._tick)
        try:
            return await self.app(scope, receive, send)
        finally:
            self.ended += 1

    def _tick(self):
        self._loop.call_later(self.interval, self._tick)
        if self.ended < self.after_connections:
            return
        ended, self.ended = self.ended, 0
        started = time.perf_counter()
        unreachable = gc.collect()
        took = (time.perf_counter() - started) * 1000
        logger.log(
            logging.WARNING if took > SLOW_MS else logging.DEBUG,
            "full garbage collection after %d connections ended: %d unreachable objects in %.0f ms",
            ended,
            unreachable,
            took,
        )
