"""The portal's settings plus a PostgreSQL connection pool, for bench/event_signups.py.

Django under daphne runs each request's view in its own thread; without a pool, a
burst of 200 requests opens 200 PostgreSQL connections, more than a default server's
``max_connections`` (100). With psycopg's pool, requests share at most ``max_size``
connections and wait for one instead of failing. (See bench/README.md.)
"""

import os

from portal.settings import *  # noqa: F403
from portal.settings import DATABASES

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps connections, not Django
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 4,
        "max_size": int(os.environ.get("BENCH_POOL_SIZE", "20")),
        "timeout": 30,
    }
