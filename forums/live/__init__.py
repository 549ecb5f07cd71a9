"""The live layer both features stand on: the hub, broadcasts, the consumer base, presence.

``forums.qa`` and ``forums.rooms`` use what is exported here; ``protocol`` (frames),
``errors`` (domain errors), ``moderation`` (the audit trail and moderator actions) and
``ratelimit`` are modules of their own.
"""

from forums.live.broadcast import broadcast_on_commit, publish, relay_message, send_relay
from forums.live.consumer import (
    CLOSE_BANNED,
    CLOSE_FORBIDDEN,
    CLOSE_LOGIN_REQUIRED,
    CLOSE_NOT_FOUND,
    CLOSE_RECONNECT,
    CLOSE_SERVER_ERROR,
    CLOSE_TOO_LARGE,
    CLOSE_UNAVAILABLE,
    LiveConsumer,
    Refuse,
)
from forums.live.hub import Hub, current_hub, register_coalescer
from forums.live.presence import exchange_presence, summarise_presence

__all__ = [
    "CLOSE_BANNED",
    "CLOSE_FORBIDDEN",
    "CLOSE_LOGIN_REQUIRED",
    "CLOSE_NOT_FOUND",
    "CLOSE_RECONNECT",
    "CLOSE_SERVER_ERROR",
    "CLOSE_TOO_LARGE",
    "CLOSE_UNAVAILABLE",
    "Hub",
    "LiveConsumer",
    "Refuse",
    "broadcast_on_commit",
    "current_hub",
    "exchange_presence",
    "publish",
    "register_coalescer",
    "relay_message",
    "send_relay",
    "summarise_presence",
]
