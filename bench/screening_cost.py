"""What screening costs, as a ratio measured in one run, and what loading the model costs.

    .venv/bin/python bench/screening_cost.py [--messages 300] [--screens 300]

1. Loading: the time to train the crisis model at start (``get_model()`` in a fresh
   process, as ``portal.asgi`` does before serving), and the first screen after it.
2. The whole server work of posting a short room message: a member's socket (the real
   ``portal.asgi`` application, in-process, in-memory channel layer) sends
   ``message.send`` and waits for its ``ack``; the process's CPU time per message covers
   the frame's parsing, screening, the database transaction, the broadcast and the
   frames written back.
3. Screening a 2,000-character message: ``forums.screening.screen()`` on a different
   message each call, made of the corpus's ordinary messages, and the same with a crisis
   message in the middle; CPU time per call.

The target (issue #16): screening 2,000 characters costs at most a fifth of posting a
short message. Run with the server's environment (bench/README.md); the member's rate
limit is lifted for this run only so that every message posts.
"""

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import rooms_chat  # noqa: E402  same directory: accounts, rooms and clean-up


def two_thousand_character_messages(count, *, with_crisis):
    """``count`` different messages of 2,000 characters, made of the development
    corpus's ordinary messages (each call screens new text, as a server does), with one
    crisis message in the middle when ``with_crisis``."""
    from forums.screening.model import DEV, read_corpus

    examples = read_corpus(DEV)
    ordinary = [example.text for example in examples if not example.crisis]
    crisis = [example.text for example in examples if example.crisis]
    messages = []
    for n in range(count):
        parts, length, index = [], 0, n * 7
        while length < 2000:
            text = ordinary[index % len(ordinary)]
            parts.append(text)
            length += len(text) + 1
            index += 1
        if with_crisis:
            parts.insert(len(parts) // 2, crisis[n * 13 % len(crisis)])
        messages.append(" ".join(parts)[:2000])
    return messages


def cpu_per_call(function, calls):
    samples = []
    for n in range(calls):
        started = time.process_time()
        function(n)
        samples.append((time.process_time() - started) * 1000)
    return samples


async def post_messages(slug, cookie, count):
    """CPU ms per message for ``count`` short messages posted and acknowledged."""
    from channels.testing import WebsocketCommunicator

    from portal.asgi import application

    communicator = WebsocketCommunicator(
        application,
        f"/ws/rooms/{slug}/",
        headers=[(b"origin", b"http://localhost"), (b"cookie", cookie.encode())],
    )
    connected, _ = await communicator.connect()
    if not connected:
        raise SystemExit("the bench member could not connect")
    await communicator.receive_json_from(timeout=10)  # the snapshot
    samples = []
    run = time.time_ns()
    for n in range(count + 20):
        started = time.process_time()
        await communicator.send_to(
            text_data=json.dumps(
                {
                    "type": "message.send",
                    "body": f"hello, how is everyone today {n}",
                    "client_ref": f"{run}-{n}",
                }
            )
        )
        while True:
            frame = await communicator.receive_json_from(timeout=10)
            if frame.get("type") == "ack":
                break
            if frame.get("type") == "error":
                raise SystemExit(f"refused: {frame}")
        if n >= 20:  # the first twenty warm connections and caches
            samples.append((time.process_time() - started) * 1000)
    await communicator.disconnect()
    return samples


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--screens", type=int, default=300)
    options = parser.parse_args()

    os.environ.setdefault("DEBUG", "true")
    started = time.perf_counter()
    rooms_chat.setup_django()
    django_seconds = time.perf_counter() - started
    from forums import screening
    from forums.live import ratelimit
    from forums.screening.model import get_model

    started = time.perf_counter()
    get_model()
    load_seconds = time.perf_counter() - started
    started = time.perf_counter()
    screening.screen("Hello everyone, thank you for tonight.")
    first_ms = (time.perf_counter() - started) * 1000
    print(f"start: Django {django_seconds:.2f} s, then the crisis model {load_seconds:.2f} s")
    print(f"first screen after loading: {first_ms:.2f} ms")

    plan = rooms_chat.prepare(1, 2, 0)
    try:
        slug, cookies = plan[0]
        ratelimit.take = lambda *args, **kwargs: None  # every message posts (this run only)
        posting = asyncio.run(post_messages(slug, cookies[0], options.messages))
        ordinary = two_thousand_character_messages(options.screens, with_crisis=False)
        crisis = two_thousand_character_messages(options.screens, with_crisis=True)
        plain = cpu_per_call(lambda n: screening.screen(ordinary[n]), options.screens)
        cued = cpu_per_call(lambda n: screening.screen(crisis[n]), options.screens)
    finally:
        rooms_chat.cleanup()

    post = statistics.median(posting)
    print(f"post a short room message (socket to ack): median {post:.2f} ms CPU")
    for name, samples in (("ordinary", plain), ("with a crisis message inside", cued)):
        cost = statistics.median(samples)
        verdict = "within" if cost <= post / 5 else "OVER"
        print(
            f"screen 2,000 characters, {name}: median {cost:.2f} ms CPU = {cost / post:.2f} "
            f"of posting ({verdict} the 0.20 target)"
        )


if __name__ == "__main__":
    main()
