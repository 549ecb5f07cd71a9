"""The server's entry point: ``daphne portal.asgi:application``.

Only a server process loads this module (daphne, ``manage.py runserver``, the live test
servers); tests and tools import :mod:`portal.application`, the same application without
the start-up work below, so they run with Python's own garbage collector settings.

At start, before the first connection:

1. **Warm-up** (``portal.warmup``): what apps need ready before the first request, e.g.
   the crisis screening model trains here so the first family to post does not wait.
2. **Garbage collector, set for a long-running server.** Everything loaded so far
   (Django, Wagtail, the apps, the model: ~290,000 tracked objects) lives as long as the
   process, so it is frozen out of the collector's reach (``gc.freeze()``), and the
   first-generation threshold is raised so the collector runs less often while a
   broadcast allocates its frames. Measured back to back with the shared harness
   (``../shared/bench/portal_side_by_side.sh``, bench/README.md): with Python's defaults
   a full collection walked the whole heap 10-12 times per run at 200-300 ms each,
   every socket of the process waiting; the portal's p99 was 3-4x the raw-websockets
   reference; with these settings 1.6-1.9x, as before the live layer was rebuilt.
"""

import gc

from portal import warmup
from portal.application import application

__all__ = ["application"]

# gen0 / gen1 / gen2 thresholds (Python's defaults: 700, 10, 10).
GC_THRESHOLDS = (10_000, 10, 100)

warmup.run()

gc.collect()
gc.freeze()
gc.set_threshold(*GC_THRESHOLDS)
