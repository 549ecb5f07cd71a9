"""Settings for bench/qa_live.py: the portal's own, with the channel layer chosen by
BENCH_CHANNEL_LAYER ("redis": RedisChannelLayer as configured; "pubsub":
RedisPubSubChannelLayer on the same Redis). Nothing else differs."""

import os

from portal.settings import *  # noqa: F403
from portal.settings import CACHE_KEY_PREFIX, REDIS_URL

if REDIS_URL and os.environ.get("BENCH_CHANNEL_LAYER") == "pubsub":
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": f"{CACHE_KEY_PREFIX}:asgi"},
        }
    }
