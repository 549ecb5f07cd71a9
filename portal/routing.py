"""WebSocket routes. Feature apps add theirs (e.g. forums.routing) before the catch-all."""

from django.urls import path, re_path

from forums.routing import websocket_urlpatterns as forums_websocket_urlpatterns
from portal.consumers import HealthConsumer, UnknownPathConsumer

websocket_urlpatterns = [
    path("ws/health/", HealthConsumer.as_asgi()),
    *forums_websocket_urlpatterns,
    # Must stay last: refuses any other path with a clean close instead of an exception.
    re_path(r"", UnknownPathConsumer.as_asgi()),
]
