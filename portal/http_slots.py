"""Django's ASGI handler, with at most ``HTTP_MAX_CONCURRENCY`` requests inside Django at
once per daphne process.

Django's ASGI handler runs every request's synchronous code on a thread of its own, so a
burst of 200 requests is 200 threads fighting over one GIL and one database: on SQLite
they take turns at the write lock through the busy handler's sleeps (and a long enough
queue ends in "database is locked"), on PostgreSQL they wait for the connection pool
(and a long enough wait ends in PoolTimeout). Here the surplus waits in the event loop
instead, in arrival order, where waiting costs nothing and has no timeout of its own.

A request takes a slot only once its body has arrived (a slow upload holds none), and
gives it back when Django has produced the response; a client that disconnects while
queued leaves the queue. Static files take no slot, and outgoing mail has a timeout
(EMAIL_TIMEOUT), so slow requests cannot stop the process from answering altogether.
Websockets are not affected (they never pass through here).
"""

import asyncio
import weakref

from django.conf import settings
from django.core.handlers.asgi import ASGIHandler


class BoundedASGIHandler(ASGIHandler):
    def __init__(self, max_concurrency):
        super().__init__()
        self.max_concurrency = max_concurrency
        self.static_prefix = settings.STATIC_URL
        # One semaphore per event loop (a semaphore is bound to the loop it first waits
        # on; the tests run several loops in one process).
        self._slots = weakref.WeakKeyDictionary()

    def slots(self):
        loop = asyncio.get_running_loop()
        slots = self._slots.get(loop)
        if slots is None:
            slots = self._slots[loop] = asyncio.Semaphore(self.max_concurrency)
        return slots

    async def get_response_async(self, request):
        # Static files (WhiteNoise, no database) never wait behind slow requests.
        if not self.max_concurrency or request.path.startswith(self.static_prefix):
            return await super().get_response_async(request)
        async with self.slots():
            return await super().get_response_async(request)
