"""daphne with timers on the peer-room message path (a diagnostic for bench/rooms_chat.py).

Takes daphne's own arguments and serves as daphne does, with these measured inside the
process:

- ``relay``: handing a committed broadcast to the channel layer (on the database thread);
- ``service``: the database work of each ``message.send``
  (``forums.rooms.services.send_message``, on the consumers' database thread), and the
  part of it the thread spent running (its own CPU time; the rest is waiting: for the
  database, for the event loop, for the interpreter lock, for a core);
- ``statement: ...``: each SQL statement's round trip from Django's cursor, by verb and
  its own table (not a subquery's; transaction statements not included);
- ``frame``: the whole ``message.send`` frame as its socket sees it: waiting for the
  database thread, the work, and the ack;
- ``fan-out``: writing one broadcast to this process's sockets of its room (rooms of
  more than 100 sockets apart);
- as they happen, on stderr: event-loop stalls over 40 ms, garbage collections over 5 ms;
  with ``STAGES_STACKS=1`` in the environment, also where the loop's thread was (its
  innermost frames) once each stall passed 20 ms;
- on ``SIGUSR1``: the objects the collector tracks outside the frozen set, by type, and
  how long a full collection of them takes.

The percentiles are printed to stderr when daphne stops (SIGTERM or Ctrl-C)::

    .venv/bin/python bench/daphne_stages.py \\
        -e tcp:port=8600:interface=127.0.0.1:backlog=1024 portal.asgi:application
"""

import asyncio
import atexit
import gc
import os
import re
import sys
import time
from pathlib import Path

from rooms_chat import percentile  # same directory

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

STALL_MS = 40
GC_MS = 5
SAMPLES = {
    "service": [],
    "service, the thread's own CPU": [],
    "relay": [],
    "frame": [],
    "fan-out (rooms <= 100)": [],
    "fan-out (rooms > 100)": [],
}


def log(line):
    print(f"{time.strftime('%H:%M:%S')} {line}", file=sys.stderr, flush=True)


def watch_collections():
    started = {}

    def callback(phase, info):
        if phase == "start":
            started["at"] = time.perf_counter()
            return
        took = (time.perf_counter() - started.pop("at", time.perf_counter())) * 1000
        if took > GC_MS:
            log(f"gc generation {info['generation']}: {took:.1f} ms, {info['collected']} freed")

    gc.callbacks.append(callback)


BEAT = {"at": time.perf_counter()}


async def watch_loop():
    while True:
        before = time.perf_counter()
        await asyncio.sleep(0.005)
        BEAT["at"] = time.perf_counter()
        late = (BEAT["at"] - before) * 1000 - 5
        if late > STALL_MS:
            log(f"event loop stalled {late:.0f} ms")


def watch_stacks(thread_id):
    """A thread: when the loop has not beaten for STALL_MS / 2, print where it is (the
    innermost frames of the event loop's thread), once per stall."""
    import traceback

    reported = None
    while True:
        time.sleep(0.005)
        beat = BEAT["at"]
        if (time.perf_counter() - beat) * 1000 > STALL_MS / 2 and reported != beat:
            reported = beat
            frame = sys._current_frames().get(thread_id)
            if frame is not None:
                stack = traceback.extract_stack(frame)[-8:]
                log(
                    "stall at: "
                    + " <- ".join(
                        f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(stack)
                    )
                )


def time_the_message_path():
    import django

    django.setup()
    from forums import live
    from forums.rooms import consumers as consumers
    from forums.rooms import services as service

    def timed(name, function, cpu_name=None):
        """``function`` timed into SAMPLES[name]; its thread's CPU time into cpu_name."""

        def timed_call(*args, **kwargs):
            start = time.perf_counter()
            cpu = time.thread_time()
            try:
                return function(*args, **kwargs)
            finally:
                SAMPLES[name].append((time.perf_counter() - start) * 1000)
                if cpu_name is not None:
                    SAMPLES[cpu_name].append((time.thread_time() - cpu) * 1000)

        return timed_call

    from django.db.backends import utils as db_utils

    execute = db_utils.CursorWrapper.execute

    table = re.compile(r'\b(?:FROM|INTO|UPDATE)\s+"?(\w+)')

    def statement_name(sql):
        # The statement's own table: the first outside parentheses (not a subquery's).
        found = next(
            (
                match[1]
                for match in table.finditer(sql)
                if sql.count("(", 0, match.start()) == sql.count(")", 0, match.start())
            ),
            "",
        )
        locking = " (locking)" if "FOR UPDATE" in sql else ""
        return f"statement: {sql.split(None, 1)[0]} {found}{locking}"

    def timed_execute(self, sql, params=None):
        start = time.perf_counter()
        try:
            return execute(self, sql, params)
        finally:
            name = statement_name(sql)
            SAMPLES.setdefault(name, []).append((time.perf_counter() - start) * 1000)

    db_utils.CursorWrapper.execute = timed_execute

    # Both are looked up at each call (by the consumer and by broadcast_on_commit).
    service.send_message = timed(
        "service", service.send_message, cpu_name="service, the thread's own CPU"
    )
    live.broadcast.send_relay = timed("relay", live.broadcast.send_relay)

    on_message_send = consumers.RoomConsumer.on_message_send

    async def timed_on_message_send(self, frame):
        start = time.perf_counter()
        await on_message_send(self, frame)
        SAMPLES["frame"].append((time.perf_counter() - start) * 1000)

    consumers.RoomConsumer.on_message_send = timed_on_message_send

    deliver_locally = live.Hub.deliver_locally

    async def timed_deliver_locally(self, message):
        start = time.perf_counter()
        sockets = len(self.topics.get(message.get("topic")) or ())
        await deliver_locally(self, message)
        key = "fan-out (rooms > 100)" if sockets > 100 else "fan-out (rooms <= 100)"
        SAMPLES[key].append((time.perf_counter() - start) * 1000)

    live.Hub.deliver_locally = timed_deliver_locally


def heap_census(*_args):
    """On SIGUSR1: what the collector tracks outside the frozen set, by type."""
    import collections

    objects = gc.get_objects()
    counts = collections.Counter(type(o).__qualname__ for o in objects)
    log(f"heap: {len(objects)} tracked objects, {gc.get_freeze_count()} frozen; top types:")
    for name, count in counts.most_common(25):
        log(f"  {count:8d} {name}")
    started = time.perf_counter()
    gc.collect()
    log(f"full collection {(time.perf_counter() - started) * 1000:.1f} ms")


def report():
    for name, values in SAMPLES.items():
        if values:
            log(
                f"{name}: n={len(values)} p50 {percentile(values, 0.5):.1f} ms  "
                f"p95 {percentile(values, 0.95):.1f} ms  p99 {percentile(values, 0.99):.1f} ms  "
                f"max {max(values):.1f} ms"
            )


def main():
    import signal

    from daphne.server import Server  # installs the asyncio reactor before anything else

    watch_collections()
    signal.signal(signal.SIGUSR1, heap_census)
    time_the_message_path()
    serve = Server.run

    def run(self):
        from twisted.internet import reactor

        reactor.callLater(1, lambda: asyncio.ensure_future(watch_loop()))
        if os.environ.get("STAGES_STACKS"):
            import threading

            threading.Thread(
                target=watch_stacks, args=(threading.get_ident(),), daemon=True
            ).start()
        return serve(self)

    Server.run = run
    atexit.register(report)
    from daphne.cli import CommandLineInterface

    sys.argv = ["daphne", *sys.argv[1:]]
    CommandLineInterface.entrypoint()


if __name__ == "__main__":
    main()
