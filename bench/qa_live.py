"""Live Q&A fan-out: N participants in one session, one asker, a moderator approving.

Starts its own daphne process(es) on loopback (ports from ``--port``), on the database
and Redis of the environment (``DATABASE_URL``, ``REDIS_URL``, ``CACHE_KEY_PREFIX``),
with the channel layer chosen by ``--layer`` (``redis`` = RedisChannelLayer, ``pubsub``
= RedisPubSubChannelLayer; through ``bench/qa_settings.py``, which changes nothing else).

Then: N websocket participants (visitors, the ``websockets`` client, spread over
``--clients`` client processes) connect and receive their snapshot (connect time); one
asker asks a question over its socket (ack time); the moderator approves ``--broadcasts``
pending questions at ``--rate`` per second. For every approval, the time from the moment
the moderator sent ``question.approve`` to each participant's receipt of
``question.added`` is one latency sample (CLOCK_MONOTONIC is shared by the processes).
Deliveries lost = N x broadcasts - received. Server CPU (user+system seconds over the
broadcast phase) and RSS come from /proc/<daphne pid>.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_qa \\
    REDIS_URL=redis://127.0.0.1:6379/0 CACHE_KEY_PREFIX=qabench \\
    .venv/bin/python bench/qa_live.py --participants 1000 --processes 1 --layer pubsub

Only loopback is ever targeted; every loop is bounded in count and time. What it
created (session, accounts, questions) is removed at the end.
"""

import argparse
import asyncio
import json
import multiprocessing
import os
import secrets
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SLUG = "bench-live-qa"
EMAIL_DOMAIN = "bench-qa.invalid"
HOST = "127.0.0.1"


def percentile(samples, fraction):
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


# --- set-up in the database -------------------------------------------------------------
def prepare(broadcasts):
    import django

    django.setup()
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth.models import Group
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.utils import timezone

    from forums.models import QASession, Question
    from portal import roles
    from portal.models import User

    call_command("migrate", verbosity=0)
    cleanup()
    session = QASession.objects.create(
        title="Bench session", slug=SLUG, starts_at=timezone.now(), state="open"
    )
    moderator = User.objects.create_user(email=f"mod@{EMAIL_DOMAIN}", password=None)
    moderator.groups.add(Group.objects.get_or_create(name=roles.MODERATORS)[0])
    # Staff powers need a second sign-in step (portal.mfa); the bench never logs in.
    TOTP.activate(moderator, generate_totp_secret())
    asker = User.objects.create_user(email=f"asker@{EMAIL_DOMAIN}", password=None)
    pending = [
        Question.objects.create(
            session=session, author=asker, shown_name="Anonymous", text=f"Bench question {n}"
        ).pk
        for n in range(broadcasts)
    ]

    def login(user):
        from django.conf import settings
        from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        return store.session_key

    return pending, login(moderator), login(asker)


def cleanup():
    from forums.models import ModerationAction, QASession
    from portal.models import User

    QASession.objects.filter(slug=SLUG).delete()
    ModerationAction.objects.filter(context=f"qa:{SLUG}").delete()
    User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").delete()


# --- daphne -----------------------------------------------------------------------------
def start_daphne(port, layer):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.qa_settings",
        "BENCH_CHANNEL_LAYER": layer,
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    process = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
        [
            sys.executable,
            "-m",
            "daphne",
            "-e",
            f"tcp:port={port}:interface={HOST}:backlog=1024",
            "portal.asgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/robots.txt", timeout=2):
                return process
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"daphne on {port} did not start") from None
            time.sleep(0.2)


def cpu_seconds(pid, thread=None):
    """User + system CPU seconds of a process, or of one of its threads, from /proc."""
    stat = Path(f"/proc/{pid}/stat" if thread is None else f"/proc/{pid}/task/{thread}/stat")
    # Fields after the parenthesised name: utime and stime are the 12th and 13th.
    fields = stat.read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def rss_mib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


# --- participants (client processes) ------------------------------------------------------
def quiet_client_gc():
    """One client process stands in for hundreds of phones: its own full garbage
    collections (~170 ms with 500 sockets) would show up as server latency. Tuned like
    the server (portal/asgi.py), so the figures measure the portal, not the client."""
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 100)


def participants_main(ports, count, broadcasts, ready, go, results, timeout):
    quiet_client_gc()
    asyncio.run(_participants(ports, count, broadcasts, ready, go, results, timeout))


async def _participants(ports, count, broadcasts, ready, go, results, timeout):
    import websockets

    received = []  # (question_id, monotonic receipt time)
    connect_times = []
    failures = 0
    gate = asyncio.Semaphore(50)
    loop = asyncio.get_running_loop()
    done = asyncio.Event()
    finished = 0

    async def one(index):
        nonlocal failures, finished
        port = ports[index % len(ports)]
        try:
            async with gate:
                started = time.monotonic()
                socket = await websockets.connect(
                    f"ws://{HOST}:{port}/ws/qa/{SLUG}/",
                    origin=f"http://{HOST}",
                    open_timeout=60,
                    ping_interval=None,
                    max_queue=None,
                )
                while '"snapshot"' not in await socket.recv():
                    pass
                connect_times.append(time.monotonic() - started)
        except (OSError, TimeoutError, websockets.exceptions.WebSocketException):
            failures += 1
            return
        got = 0
        try:
            async with asyncio.timeout(timeout):
                while got < broadcasts:
                    text = await socket.recv()
                    if '"question.added"' in text:
                        now = time.monotonic()
                        received.append((json.loads(text)["question"]["id"], now))
                        got += 1
        except (TimeoutError, websockets.exceptions.ConnectionClosed):
            pass  # counted as lost deliveries
        finally:
            finished += 1
            if finished == count:
                done.set()
            await socket.close()

    tasks = [asyncio.ensure_future(one(index)) for index in range(count)]
    # Wait until every socket has its snapshot (or failed), then tell the parent.
    while len(connect_times) + failures < count:
        await asyncio.sleep(0.05)
    ready.put((len(connect_times), failures))
    await loop.run_in_executor(None, go.wait)
    await asyncio.gather(*tasks, return_exceptions=True)
    results.put({"received": received, "connect": connect_times, "failures": failures})


# --- moderator and asker -------------------------------------------------------------------
async def moderate(port, moderator_session, asker_session, pending, rate):
    import websockets

    origin = f"http://{HOST}"
    sent = {}
    async with (
        websockets.connect(
            f"ws://{HOST}:{port}/ws/qa/{SLUG}/",
            origin=origin,
            additional_headers={"Cookie": f"sessionid={asker_session}"},
        ) as asker,
        websockets.connect(
            f"ws://{HOST}:{port}/ws/qa/{SLUG}/?view=moderate",
            origin=origin,
            additional_headers={"Cookie": f"sessionid={moderator_session}"},
        ) as console,
    ):
        await asker.recv()  # snapshot
        await console.recv()
        started = time.monotonic()
        await asker.send(
            json.dumps({"type": "question.ask", "text": "Asked live", "client_ref": "bench-1"})
        )
        while '"ack"' not in (text := await asker.recv()) and '"error"' not in text:
            pass
        ask_ms = (time.monotonic() - started) * 1000
        interval = 1 / rate
        next_at = time.monotonic()
        acks = 0
        errors = []

        async def read_acks():
            nonlocal acks
            async with asyncio.timeout(len(pending) / rate + 30):
                while acks + len(errors) < len(pending):
                    text = await console.recv()
                    if '"ack"' in text:
                        acks += 1
                    elif '"error"' in text:
                        errors.append(json.loads(text).get("code"))

        reader = asyncio.ensure_future(read_acks())
        for question_id in pending:
            await asyncio.sleep(max(0, next_at - time.monotonic()))
            sent[question_id] = time.monotonic()
            await console.send(
                json.dumps(
                    {
                        "type": "question.approve",
                        "question_id": question_id,
                        "client_ref": f"a{question_id}",
                    }
                )
            )
            next_at += interval
        try:
            await reader
        except TimeoutError:
            pass
    return sent, ask_ms, acks, errors


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--participants", type=int, default=1000)
    parser.add_argument("--processes", type=int, default=1, choices=[1, 2])
    parser.add_argument("--clients", type=int, default=1, help="client processes")
    parser.add_argument("--broadcasts", type=int, default=50)
    parser.add_argument("--rate", type=float, default=5.0)
    parser.add_argument("--layer", choices=["redis", "pubsub"], default="redis")
    parser.add_argument("--port", type=int, default=8500)
    args = parser.parse_args()
    if not os.environ.get("REDIS_URL") and (args.processes > 1):
        sys.exit("two daphne processes share a session only through Redis: set REDIS_URL")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.qa_settings")
    os.environ["BENCH_CHANNEL_LAYER"] = args.layer
    os.environ.setdefault("DEBUG", "true")  # the set-up only (migrate, rows, sessions)
    # Sessions written here must verify in daphne: the same SECRET_KEY on both sides.
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(64))

    pending, moderator_session, asker_session = prepare(args.broadcasts)
    ports = [args.port + n for n in range(args.processes)]
    servers = [start_daphne(port, args.layer) for port in ports]
    try:
        ready, results = multiprocessing.Queue(), multiprocessing.Queue()
        go = multiprocessing.Event()
        shares = [
            args.participants // args.clients + (1 if n < args.participants % args.clients else 0)
            for n in range(args.clients)
        ]
        timeout = args.broadcasts / args.rate + 60
        children = [
            multiprocessing.Process(
                target=participants_main,
                args=(ports, share, args.broadcasts, ready, go, results, timeout),
            )
            for share in shares
        ]
        connect_started = time.monotonic()
        for child in children:
            child.start()
        connected = failed = 0
        for _ in children:
            ok, bad = ready.get(timeout=300)
            connected, failed = connected + ok, failed + bad
        connect_wall = time.monotonic() - connect_started
        time.sleep(2)  # let presence settle
        cpu_before = {server.pid: cpu_seconds(server.pid) for server in servers}
        go.set()
        phase_started = time.monotonic()
        sent, ask_ms, acks, errors = asyncio.run(
            moderate(ports[0], moderator_session, asker_session, pending, args.rate)
        )
        collected = [results.get(timeout=timeout + 60) for _ in children]
        phase = time.monotonic() - phase_started
        cpu_after = {server.pid: cpu_seconds(server.pid) for server in servers}
        rss = {server.pid: rss_mib(server.pid) for server in servers}
        for child in children:
            child.join(timeout=30)
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        cleanup()

    latencies = [
        (at - sent[question_id]) * 1000
        for result in collected
        for question_id, at in result["received"]
        if question_id in sent
    ]
    connects = [seconds * 1000 for result in collected for seconds in result["connect"]]
    expected = connected * args.broadcasts
    print(
        f"layer={args.layer} daphne processes={args.processes} participants={args.participants} "
        f"client processes={args.clients} broadcasts={args.broadcasts} at {args.rate}/s"
    )
    print(
        f"connected {connected}, failed {failed}, all connected in {connect_wall:.1f} s; "
        f"connect+snapshot p50 {percentile(connects, 0.5):.0f} ms, "
        f"p99 {percentile(connects, 0.99):.0f} ms"
    )
    print(
        f"asker: ack after {ask_ms:.0f} ms; moderator acks {acks}/{len(pending)}"
        + (f", errors {errors}" if errors else "")
    )
    print(
        f"approve -> question.added: deliveries {len(latencies)}/{expected}, "
        f"lost {expected - len(latencies)}, p50 {percentile(latencies, 0.5):.0f} ms, "
        f"p99 {percentile(latencies, 0.99):.0f} ms, max {max(latencies, default=0):.0f} ms"
        + (f", mean {statistics.fmean(latencies):.0f} ms" if latencies else "")
    )
    by_broadcast = {}
    for result in collected:
        for question_id, at in result["received"]:
            if question_id in sent:
                by_broadcast.setdefault(question_id, []).append((at - sent[question_id]) * 1000)
    order = sorted(by_broadcast, key=lambda question_id: sent[question_id])
    slowest = sorted(order, key=lambda question_id: -max(by_broadcast[question_id]))[:3]
    print(
        "per broadcast (first delivery / last delivery, ms): first three "
        + ", ".join(
            f"#{order.index(q) + 1} {min(by_broadcast[q]):.0f}/{max(by_broadcast[q]):.0f}"
            for q in order[:3]
        )
        + "; slowest "
        + ", ".join(
            f"#{order.index(q) + 1} {min(by_broadcast[q]):.0f}/{max(by_broadcast[q]):.0f}"
            for q in slowest
        )
    )
    for server in servers:
        used = cpu_after[server.pid] - cpu_before[server.pid]
        print(
            f"daphne pid {server.pid}: CPU {used:.1f} s over {phase:.1f} s "
            f"({100 * used / phase:.0f} % of a core), RSS {rss[server.pid]:.0f} MiB"
        )


if __name__ == "__main__":
    main()
