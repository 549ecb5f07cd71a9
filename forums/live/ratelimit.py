"""Per-account rate limits through the cache, so they hold across daphne processes.

A fixed window per (action, key): the first hit in a window creates the counter with
the window's lifetime, later hits increment it. With the Redis cache every process
shares the counters; with the local-memory cache (one process) they are per process,
which is the same thing.

While Redis is down the counters cannot be read, and an action that cannot be counted
is refused (``unavailable``, try again shortly) rather than let through unlimited: in
peer-support rooms a flood nobody can slow down does more harm than a minute's wait,
and live updates are down at the same time anyway. Crisis text never gets here: the
services screen it first and take it whatever a limit would say (see
tests/forums/test_crisis_never_refused.py), so it is never refused for an outage either.
"""

import math
import time

from django.core.cache import cache
from django.utils.translation import gettext as _

from forums.live import errors
from forums.live.errors import ServiceError
from portal.redis_outage import RedisUnavailable, unforgiving

# How long a refused action is told to wait while the counters cannot be reached.
UNAVAILABLE_RETRY_SECONDS = 30


def take(action, key, *, limit, period):
    """Count one ``action`` by ``key`` (an account id); refuse past ``limit`` per ``period``.

    Raises :class:`ServiceError` with code ``rate_limited`` and ``retry_after``
    (whole seconds until the window ends), or with code ``unavailable`` when the count
    cannot be kept (Redis is down). Nothing is counted for a refused attempt's side
    effects: callers take the limit before changing anything.
    """
    try:
        count, retry_after = _count(action, key, period)
    except RedisUnavailable:
        raise ServiceError(
            errors.UNAVAILABLE,
            _(
                "This can't be sent right now: part of the portal is briefly unavailable. "
                "Please try again in a minute."
            ),
            retry_after=UNAVAILABLE_RETRY_SECONDS,
        ) from None
    if count > limit:
        raise ServiceError(
            errors.RATE_LIMITED,
            _("You're going a little fast. Please wait %(seconds)s seconds and try again.")
            % {"seconds": retry_after},
            retry_after=retry_after,
        )
    return count


def _count(action, key, period):
    counters = unforgiving(cache)
    now = time.time()
    window = int(now // period)
    cache_key = f"forums:rate:{action}:{key}:{window}"
    counters.add(cache_key, 0, timeout=period + 1)
    try:
        count = counters.incr(cache_key)
    except ValueError:  # the window expired between add and incr
        counters.add(cache_key, 1, timeout=period + 1)
        count = 1
    return count, max(1, math.ceil((window + 1) * period - now))
