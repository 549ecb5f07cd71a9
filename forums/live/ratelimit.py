"""Per-account rate limits through the cache, so they hold across daphne processes.

A fixed window per (action, key): the first hit in a window creates the counter with
the window's lifetime, later hits increment it. With the Redis cache every process
shares the counters; with the local-memory cache (one process) they are per process,
which is the same thing.
"""

import math
import time

from django.core.cache import cache
from django.utils.translation import gettext as _

from forums.live import errors
from forums.live.errors import ServiceError


def take(action, key, *, limit, period):
    """Count one ``action`` by ``key`` (an account id); refuse past ``limit`` per ``period``.

    Raises :class:`ServiceError` with code ``rate_limited`` and ``retry_after``
    (whole seconds until the window ends). Nothing is counted for a refused attempt's
    side effects: callers take the limit before changing anything.
    """
    now = time.time()
    window = int(now // period)
    cache_key = f"forums:rate:{action}:{key}:{window}"
    cache.add(cache_key, 0, timeout=period + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # the window expired between add and incr
        cache.add(cache_key, 1, timeout=period + 1)
        count = 1
    if count > limit:
        retry_after = max(1, math.ceil((window + 1) * period - now))
        raise ServiceError(
            errors.RATE_LIMITED,
            _("You're going a little fast. Please wait %(seconds)s seconds and try again.")
            % {"seconds": retry_after},
            retry_after=retry_after,
        )
    return count
