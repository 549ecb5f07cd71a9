"""Core websocket endpoints: a health check for operators and a clean refusal."""

import json

from channels.generic.websocket import AsyncWebsocketConsumer

# Close codes in the private range (4000-4999), stable for clients and tests.
CLOSE_UNKNOWN_PATH = 4404


class HealthConsumer(AsyncWebsocketConsumer):
    """``/ws/health/``: proves the proxy forwards websockets to daphne (docs/deploy.md).

    Answers ``{"type": "ping"}`` with ``{"type": "pong"}``; anything else gets an error
    frame and the connection stays open.
    """

    async def connect(self):
        await self.accept()
        await self.send_json({"type": "hello"})

    async def receive(self, text_data=None, bytes_data=None):
        try:
            frame = json.loads(text_data) if text_data is not None else None
        except (ValueError, RecursionError):  # not JSON, or nested past the parser's depth
            frame = None
        if not isinstance(frame, dict):
            await self.send_json(
                {"type": "error", "code": "malformed", "message": "Send a JSON object."}
            )
        elif frame.get("type") == "ping":
            await self.send_json({"type": "pong"})
        else:
            await self.send_json(
                {"type": "error", "code": "unknown_type", "message": "Unknown frame type."}
            )

    async def send_json(self, content):
        await self.send(text_data=json.dumps(content))


class UnknownPathConsumer(AsyncWebsocketConsumer):
    """Refuses the handshake for a path nobody serves (no exception, no 500)."""

    async def connect(self):
        await self.close(code=CLOSE_UNKNOWN_PATH)
