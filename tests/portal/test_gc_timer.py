"""The full garbage collection on a timer (portal/gc_timer.py)."""

import asyncio
import gc
import logging
import weakref

import pytest

from portal.gc_timer import PeriodicFullCollection


class Cycle:
    def __init__(self):
        self.me = self


async def ok_app(scope, receive, send):
    return "served"


async def test_garbage_in_cycles_is_collected_on_the_timer_without_the_collector():
    wrapped = PeriodicFullCollection(ok_app, 0.05)
    gc.disable()  # only the timer may collect during this test
    try:
        assert await wrapped({"type": "http"}, None, None) == "served"
        garbage = Cycle()
        gone = weakref.ref(garbage)
        del garbage
        assert gone() is not None  # a cycle: reference counting alone cannot free it
        for _ in range(40):
            await asyncio.sleep(0.05)
            if gone() is None:
                break
        assert gone() is None
    finally:
        gc.enable()


async def test_the_timer_collects_only_once_enough_connections_have_ended():
    wrapped = PeriodicFullCollection(ok_app, 0.05, after_connections=3)
    gc.disable()
    try:
        await wrapped({"type": "websocket"}, None, None)  # one ended
        garbage = Cycle()
        gone = weakref.ref(garbage)
        del garbage
        await asyncio.sleep(0.3)  # several ticks, two connections short
        assert gone() is not None
        assert wrapped.ended == 1
        await wrapped({"type": "http"}, None, None)
        await wrapped({"type": "websocket"}, None, None)  # three ended: the next tick
        for _ in range(40):
            await asyncio.sleep(0.05)
            if gone() is None:
                break
        assert gone() is None
        assert wrapped.ended == 0  # counted again from zero
    finally:
        gc.enable()


async def test_a_connection_that_fails_still_counts_as_ended():
    async def failing_app(scope, receive, send):
        raise RuntimeError("the application failed")

    wrapped = PeriodicFullCollection(failing_app, 0, after_connections=5)
    with pytest.raises(RuntimeError):
        await wrapped({"type": "http"}, None, None)
    assert wrapped.ended == 1


async def test_zero_turns_the_timer_off():
    wrapped = PeriodicFullCollection(ok_app, 0)
    gc.disable()
    try:
        await wrapped({"type": "http"}, None, None)
        garbage = Cycle()
        gone = weakref.ref(garbage)
        del garbage
        await asyncio.sleep(0.2)
        assert gone() is not None
    finally:
        gc.enable()
        gc.collect()


async def test_a_slow_collection_is_logged_as_a_warning(monkeypatch, caplog):
    import portal.gc_timer as gc_timer

    monkeypatch.setattr(gc_timer, "SLOW_MS", -1)
    wrapped = PeriodicFullCollection(ok_app, 0.01)
    with caplog.at_level(logging.DEBUG, logger="portal.gc_timer"):
        await wrapped({"type": "http"}, None, None)
        await asyncio.sleep(0.1)
    assert any(
        record.levelno == logging.WARNING
        and "full garbage collection after 1 connections ended" in record.getMessage()
        for record in caplog.records
    )
