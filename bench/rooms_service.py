"""The database work of one peer-room message, timed in-process (no sockets, no load).

What a process's one database thread for sockets spends per ``message.send``: times
``forums.rooms.services.send_message`` and, on its own, the ``standing`` check it makes,
for one member of a room created for the purpose (removed after). The member's rate
limit is lifted for the run so that every call posts, and broadcasts are collected in a
list instead of sent: in-process there is no server event loop to send them on (under
daphne that wait is timed by bench/daphne_stages.py as ``relay``). Run with the server's environment
(bench/README.md), e.g. against PostgreSQL::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_rooms \\
        .venv/bin/python bench/rooms_service.py --calls 300
"""

import argparse
import cProfile
import pstats
import statistics
import time

import rooms_chat  # same directory: its accounts, rooms and clean-up
from rooms_chat import percentile


def timed(function, calls):
    samples = []
    for n in range(calls):
        start = time.perf_counter()
        function(n)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def describe(name, samples):
    print(
        f"{name}: {len(samples)} calls, p50 {percentile(samples, 0.5):.2f} ms, "
        f"p90 {percentile(samples, 0.9):.2f} ms, mean {statistics.mean(samples):.2f} ms"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=300)
    options = parser.parse_args()

    rooms_chat.setup_django()
    from forums import live
    from forums.live import ratelimit
    from forums.models import Room, RoomMembership
    from forums.rooms import services as service

    plan = rooms_chat.prepare(1, 2, 0)
    try:
        room = Room.objects.get(slug=plan[0][0])
        member = RoomMembership.objects.filter(room=room).first().account
        ratelimit.take = lambda *args, **kwargs: None  # every call posts (this run only)
        # No server event loop here to send broadcasts on: collect them instead.
        handed_over = []
        live.broadcast.send_relay = handed_over.append
        run = time.time_ns()
        for n in range(20):  # warm up connections and caches
            service.send_message(room, member, body=f"warm {n}", client_ref=f"w{run}-{n}")
        describe(
            "send_message",
            timed(
                lambda n: service.send_message(
                    room, member, body=f"hello, how is everyone today {n}", client_ref=f"{run}-{n}"
                ),
                options.calls,
            ),
        )
        describe("standing", timed(lambda n: service.standing(member, room), options.calls))
        # Python function calls per message: a count, not a time, so it does not move
        # with the machine's load (before/after comparisons on a busy machine).
        profile = cProfile.Profile()
        profile.enable()
        for n in range(options.calls):
            service.send_message(room, member, body=f"counted {n}", client_ref=f"c{run}-{n}")
        profile.disable()
        calls = pstats.Stats(profile).total_calls
        print(f"send_message: {calls / options.calls:.0f} Python function calls per message")
    finally:
        rooms_chat.cleanup()


if __name__ == "__main__":
    main()
