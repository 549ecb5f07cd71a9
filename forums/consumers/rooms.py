"""Placeholder until the feature lands."""

websocket_urlpatterns = []
