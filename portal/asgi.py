"""ASGI entry point: daphne serves HTTP and WebSocket from here.

daphne portal.asgi:application
"""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
# Django must be set up before anything imports models (consumers do).
django.setup(set_prefix=False)

from django.conf import settings  # noqa: E402

from portal import warmup  # noqa: E402
from portal.http_slots import BoundedASGIHandler  # noqa: E402

# What apps need ready before the first request (the screening model trains here).
warmup.run()

# What get_asgi_application() returns, with a bound on the requests in Django at once.
django_asgi_app = BoundedASGIHandler(settings.HTTP_MAX_CONCURRENCY)

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from portal.gc_timer import PeriodicFullCollection  # noqa: E402
from portal.routing import websocket_urlpatterns  # noqa: E402

application = PeriodicFullCollection(
    ProtocolTypeRouter(
        {
            "http": django_asgi_app,
            "websocket": AllowedHostsOriginValidator(
                AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
            ),
        }
    ),
    settings.GC_FULL_COLLECTION_SECONDS,
    settings.GC_FULL_COLLECTION_CONNECTIONS,
)

# Everything loaded so far (Django, Wagtail, the apps) lives as long as the process: move
# it out of the cyclic garbage collector's reach, so a full collection does not walk it
# and stall every socket of the process for a few hundred milliseconds.
import gc  # noqa: E402

gc.collect()
gc.freeze()
gc.set_threshold(*settings.GC_THRESHOLDS)  # full collections rare (see settings)
