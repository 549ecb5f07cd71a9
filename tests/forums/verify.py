"""Zulip-style verification of live events (``verify_action`` in Zulip's test_events).

Run a service action, capture the frames it broadcasts (after the commit, as the hub
receives them), check each against the endpoint's frame registry, apply the frames each
audience would receive to that audience's snapshot taken before, and compare the result
with a fresh snapshot taken after. If they differ, a client that stayed connected and a
client that reconnects see different things: that is a bug in the frames, the snapshot
or the client's rules for applying them.

Each feature supplies ``snapshot(audience)`` (the ``snapshot`` frame for that socket) and
``apply(state, frame)`` (the client's rules, in Python, reading the same fields the
feature's script reads).
"""

import copy
import json
from contextlib import contextmanager
from dataclasses import dataclass, field
from unittest import mock

from django.test import TestCase

from forums.live import broadcast, protocol
from forums.live.hub import reaches


@dataclass(frozen=True)
class Audience:
    """One kind of socket: who holds it and the tags the consumer gives it."""

    name: str
    user: object = None
    tags: frozenset = field(default_factory=frozenset)


def as_json(frame):
    """A frame (model or dict) as a client decodes it."""
    return json.loads(protocol.encode(frame))


@contextmanager
def captured_broadcasts():
    """The relay messages sent while the block runs (on commit, as in production)."""
    sent = []
    with mock.patch.object(broadcast, "send_relay", sent.append):
        yield sent


def frames_reaching(messages, topic, tags):
    """The decoded frames of ``messages`` that the hub writes to a socket of ``topic``
    holding ``tags``, in order."""
    return [
        json.loads(message["text"])
        for message in messages
        if message["topic"] == topic
        and message.get("text") is not None
        and reaches(message.get("audience"), tags)
    ]


@dataclass
class Verified:
    result: object
    frames: dict  # audience name -> the frames it received
    types: set  # every frame type broadcast by the action


def verify_action(action, *, topic, registry, audiences, snapshot, apply, expect_types):
    """Run ``action()`` and prove that, for every audience, the snapshot before plus the
    frames it received equals a fresh snapshot after. ``expect_types`` is the exact set
    of frame types the action broadcasts (across audiences): a frame type appearing or
    disappearing is a change a test must state."""
    before = {audience.name: as_json(snapshot(audience)) for audience in audiences}
    with captured_broadcasts() as sent, TestCase.captureOnCommitCallbacks(execute=True):
        result = action()
    for message in sent:
        if message["topic"] == topic and message.get("text") is not None:
            registry.validate(json.loads(message["text"]))
    types = {
        json.loads(message["text"])["type"]
        for message in sent
        if message["topic"] == topic and message.get("text") is not None
    }
    assert types == set(expect_types), f"broadcast {sorted(types)}, expected {sorted(expect_types)}"
    received = {}
    for audience in audiences:
        frames = frames_reaching(sent, topic, audience.tags)
        received[audience.name] = frames
        state = copy.deepcopy(before[audience.name])
        for frame in frames:
            state = apply(state, frame)
        fresh = as_json(snapshot(audience))
        assert state == fresh, (
            f"{audience.name}: the snapshot before plus {[f['type'] for f in frames]} "
            f"differs from a fresh snapshot"
        )
    return Verified(result=result, frames=received, types=types)
