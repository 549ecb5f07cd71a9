"""WebSocket routes of the forums app (portal.routing puts them before its catch-all)."""

from forums.consumers import qa, rooms

websocket_urlpatterns = [*qa.websocket_urlpatterns, *rooms.websocket_urlpatterns]
