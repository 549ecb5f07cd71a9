"""Broadcasting a frame to a topic's sockets: one channel-layer message per process.

Broadcast discipline (DESIGN.md): state changes happen in the features' services; a
service calls :func:`broadcast_on_commit` inside its transaction, so a frame describes
something already committed. Frames may target an *audience* — a list of tags such as
``"moderators"`` or ``"user:42"`` — so held items reach only their author and the
moderators. *Control* messages (e.g. "close the sockets of user 42, they were banned")
travel the same way and are handled by the consumer.

A frame is a typed model (``forums.live.protocol.ServerFrame``) or, for the few frames
built by the hub itself, a dict; either way it is serialised once per broadcast.
"""

import logging
import uuid

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from forums.live import protocol

logger = logging.getLogger("forums.live")

PROCESS_ID = uuid.uuid4().hex[:12]
RELAY = "forums.relay"


def group_name(topic):
    return f"forums.{topic}"


def _tags_tuple(audience):
    return None if audience is None else [str(tag) for tag in audience]


def relay_message(topic, *, frame=None, text=None, audience=None, control=None):
    """The channel-layer message for one broadcast: JSON text encoded once."""
    if frame is not None:
        text = protocol.encode(frame)
    return {
        "type": RELAY,
        "topic": topic,
        "text": text,
        "audience": _tags_tuple(audience),
        "control": control,
    }


def broadcast_on_commit(topic, frame=None, *, audience=None, control=None):
    """Send ``frame`` (and/or ``control``) to the topic's sockets once the transaction commits.

    Call from services inside ``transaction.atomic``. Outside a transaction Django runs
    the callback at once, which is what a plain call expects too.
    """
    message = relay_message(topic, frame=frame, audience=audience, control=control)
    transaction.on_commit(lambda: send_relay(message))


def send_relay(message):
    """Synchronous send (from a service thread, a view or a command)."""
    try:
        async_to_sync(get_channel_layer().group_send)(group_name(message["topic"]), message)
    except Exception:
        # The row is committed; clients resync from the snapshot when they reconnect.
        logger.exception("forums: broadcast to %s failed", message["topic"])


async def publish(topic, frame=None, *, audience=None, control=None):
    """Asynchronous broadcast from a consumer (the state it describes is committed)."""
    message = relay_message(topic, frame=frame, audience=audience, control=control)
    await get_channel_layer().group_send(group_name(topic), message)
