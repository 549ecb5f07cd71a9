"""Work a server process does once at start, before it serves anyone.

Feature apps register what they need warm from ``AppConfig.ready()`` (forums: the crisis
screening model, so the first family to post does not wait for it to train);
``portal.asgi`` (the server's entry point) runs it when daphne loads it. Management
commands and tests do not run it: they load what they use when they first use it.
"""

import logging
import time

logger = logging.getLogger(__name__)

_steps = {}


def register(name, function):
    """Run ``function()`` at server start (once per name; registering again replaces)."""
    _steps[name] = function


def run():
    """Run every registered step, logging how long each took."""
    for name, function in _steps.items():
        started = time.perf_counter()
        function()
        logger.info("warm-up: %s in %.2f s", name, time.perf_counter() - started)
