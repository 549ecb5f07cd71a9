"""WebSocket routes of the forums app (portal.routing puts them before its catch-all)."""

from forums.qa import consumers as qa
from forums.rooms import consumers as rooms

websocket_urlpatterns = [*qa.websocket_urlpatterns, *rooms.websocket_urlpatterns]
