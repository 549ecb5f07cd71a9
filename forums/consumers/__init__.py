"""Thin websocket consumers, one module per feature (qa, rooms), on forums.live."""
