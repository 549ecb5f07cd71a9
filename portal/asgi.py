"""ASGI entry point: daphne serves HTTP and WebSocket from here.

daphne portal.asgi:application
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
# Django must be set up before anything imports models (consumers do).
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402

from portal.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)

# Everything loaded so far (Django, Wagtail, the apps) lives as long as the process: move
# it out of the cyclic garbage collector's reach, so a full collection does not walk it
# and stall every socket of the process for a few hundred milliseconds.
import gc  # noqa: E402

gc.collect()
gc.freeze()
gc.set_threshold(*settings.GC_THRESHOLDS)  # full collections rare (see settings)
