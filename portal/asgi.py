"""ASGI entry point: daphne serves HTTP and WebSocket from here.

daphne portal.asgi:application

Runtime settings (processes per core, backlog, proxy headers) belong to the command that
starts daphne and to docs/deploy.md, not to this module: tests import it too.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
# Django must be set up before anything imports models (consumers do).
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from portal import warmup  # noqa: E402
from portal.routing import websocket_urlpatterns  # noqa: E402

# What apps need ready before the first request (the screening model trains here).
warmup.run()

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
