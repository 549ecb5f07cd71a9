"""What the portal does while Redis cannot be reached: degrade, don't die.

With ``REDIS_URL`` set, Redis holds the cache (rate-limit counters, presence, cached
pages and navigation) and the channel layer (live updates). When it is down:

- pages still render: :class:`ForgivingRedisCache` counts a failed read as a miss and
  drops a failed write, then leaves Redis alone for ``RETRY_SECONDS`` (every read in
  that time is an instant miss, so pages are slower, never stuck) and tries again;
- rate limits fail safe: ``forums.live.ratelimit`` reads its counters through
  :func:`unforgiving` and refuses an action it cannot count (crisis text never reaches
  a rate limit: it is screened first and always taken);
- websockets are told live updates are unavailable and closed with a code the page
  answers by retrying later (``forums.live.consumer``).

Each process logs the outage at WARNING at most once a minute, and once when Redis
answers again: an operator sees it without a line per request.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from django.utils.functional import cached_property

logger = logging.getLogger("portal.redis")

# After a failure, Redis is left alone this long (per process and server).
RETRY_SECONDS = 5.0
WARNING_INTERVAL_SECONDS = 60.0


class RedisUnavailable(Exception):
    """Redis could not be reached (or was not tried: it failed moments ago)."""


def _outage_errors():
    errors = [OSError, RedisUnavailable]
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError
    except ImportError:  # the embedded default runs without the redis package
        pass
    else:
        errors += [RedisConnectionError, RedisTimeoutError]
    return tuple(errors)


# What a call to Redis (cache or channel layer) raises when the server is unreachable.
# TimeoutError and ConnectionError are OSErrors; redis-py's own are not.
OUTAGE_ERRORS = _outage_errors()


class ThrottledWarning:
    """A warning logged at most once per ``interval`` seconds in this process."""

    def __init__(self, log, interval=WARNING_INTERVAL_SECONDS):
        self.log = log
        self.interval = interval
        self._last = None
        self._lock = threading.Lock()

    def __call__(self, message, *args):
        now = time.monotonic()
        with self._lock:
            if self._last is not None and now - self._last < self.interval:
                return False
            self._last = now
        self.log.warning(message, *args)
        return True


class _Outage:
    """Whether one Redis server failed lately, shared by every thread of the process
    (Django makes a cache object per thread)."""

    def __init__(self):
        self.retry_at = 0.0
        self.since = None
        self.warn = ThrottledWarning(logger)

    def skipping(self):
        return time.monotonic() < self.retry_at

    def failed(self, error):
        now = time.monotonic()
        self.retry_at = now + RETRY_SECONDS
        if self.since is None:
            self.since = now
        # The error's class only: its text can carry the server's address.
        self.warn(
            "Redis cache unreachable (%s): reads are misses and writes are dropped; "
            "trying again every %d s",
            type(error).__name__,
            RETRY_SECONDS,
        )

    def recovered(self):
        since, self.since = self.since, None
        if since is not None:
            logger.warning("Redis cache reachable again after %.0f s", time.monotonic() - since)


_outages: dict[tuple, _Outage] = {}
_outages_lock = threading.Lock()


def _outage_for(servers):
    with _outages_lock:
        return _outages.setdefault(tuple(servers), _Outage())


def _missing_key(key, *args):
    raise ValueError(f"Key '{key}' not found.")


class ForgivingRedisCache(RedisCache):
    """Django's Redis cache that keeps pages alive while Redis is down.

    A read that fails returns the caller's default (a miss), a write that fails is
    dropped (``add`` and ``touch`` answer False, ``incr`` raises ValueError as for a key
    that is not there), and for ``RETRY_SECONDS`` after a failure Redis is not asked at
    all. Callers that must not mistake a dropped write for a done one (rate limits) use
    :func:`unforgiving`.
    """

    forgiving = True

    def __init__(self, server, params):
        super().__init__(server, params)
        self._outage = _outage_for(self._servers)

    def _attempt(self, call, fallback, *args):
        if self._outage.skipping():
            if self.forgiving:
                return fallback(*args)
            raise RedisUnavailable("Redis failed moments ago; not asked again yet")
        try:
            result = call(*args)
        except OUTAGE_ERRORS as error:
            self._outage.failed(error)
            if self.forgiving:
                return fallback(*args)
            raise RedisUnavailable(type(error).__name__) from error
        if self._outage.since is not None:
            self._outage.recovered()
        return result

    @cached_property
    def _unforgiving(self):
        clone = object.__new__(type(self))
        clone.__dict__.update(self.__dict__)
        clone.forgiving = False
        return clone

    def unforgiving(self):
        """This cache, raising :class:`RedisUnavailable` instead of forgetting."""
        return self._unforgiving

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(super().add, lambda *args: False, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._attempt(super().get, lambda *args: default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(super().set, lambda *args: None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(super().touch, lambda *args: False, key, timeout, version)

    def delete(self, key, version=None):
        return self._attempt(super().delete, lambda *args: False, key, version)

    def get_many(self, keys, version=None):
        return self._attempt(super().get_many, lambda *args: {}, keys, version)

    def has_key(self, key, version=None):
        return self._attempt(super().has_key, lambda *args: False, key, version)

    def incr(self, key, delta=1, version=None):
        return self._attempt(super().incr, _missing_key, key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(super().set_many, lambda *args: list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._attempt(super().delete_many, lambda *args: None, keys, version)

    def clear(self):
        return self._attempt(super().clear, lambda *args: False)


def unforgiving(cache):
    """``cache`` raising :class:`RedisUnavailable` when Redis cannot be reached (a
    cache that cannot fail that way, like local memory, is returned as it is)."""
    method = getattr(cache, "unforgiving", None)
    return method() if method is not None else cache
