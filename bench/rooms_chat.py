"""Peer rooms under load: message → delivery latency and losses over websockets.

With the portal running under daphne (see bench/README.md), run with the *same*
environment (DATABASE_URL, REDIS_URL, SECRET_KEY, ...) as the server(s):

    .venv/bin/python bench/rooms_chat.py --servers 127.0.0.1:8600 \
        --rooms 50 --members 20 --big-room 300 --duration 60

The script creates ``--rooms`` rooms of ``--members`` members and one room of
``--big-room`` members (accounts with logged-in sessions written to the session store,
guidelines accepted), connects every member (spread round-robin over ``--servers``,
from ``--clients`` client processes), and lets each member send a message every
``--interval`` seconds on average (uniformly 0.67x-1.33x; ``--big-interval`` for the big
room) for ``--duration`` seconds from when every socket is open. Latency is from just
before the send to each member's receipt of the ``message.added`` frame (the sender's
own copy included); a loss is an acknowledged message some connected member of its room
never received. It prints p50/p95/p99/max, the same for the time from a send to its
acknowledgement (the sender's "sent" tick),
messages, deliveries and losses, then removes what it created. Loopback only.

With ``--server-pids`` (the daphne processes' ids, comma-separated) it also prints how
much CPU each server process, and each of its busy threads, used while messages were
being sent: a process near 100 % of a core is saturated (its threads share one
interpreter lock), and its queues grow whatever the rest of the machine does.
"""

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

EMAIL_DOMAIN = "bench-rooms.invalid"
SLUG_PREFIX = "bench-room-"
LETTERS = "abcdefghij"


def letters(number):
    """Digits as letters, so the screening's phone detector never sees a number."""
    return "".join(LETTERS[int(d)] for d in str(number))


def setup_django():
    import django

    django.setup()


def cleanup(session_keys=()):
    from django.contrib.sessions.models import Session

    from forums.models import Room
    from portal.models import User

    Room.objects.filter(slug__startswith=SLUG_PREFIX).delete()
    User.objects.filter(email__endswith=EMAIL_DOMAIN).delete()
    Session.objects.filter(session_key__in=list(session_keys)).delete()


# Every run inserts and deletes 1,300 accounts with their memberships and sessions, and
# thousands of messages. With PostgreSQL's autovacuum off (as on some of these machines)
# the dead rows pile up (93,232 in forums_message after 23 runs), so each run would
# measure a more bloated database than the one before: vacuum first, so runs start alike.
CHURNED_TABLES = (
    "forums_message",
    "forums_roommembership",
    "forums_room",
    "portal_user",
    "portal_user_groups",
    "portal_profile",
    "account_emailaddress",
    "django_session",
)


def vacuum():
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {', '.join(CHURNED_TABLES)}")


def prepare(rooms, members, big_room):
    """Rooms and members; returns [(slug, [session cookie, ...]), ...]."""
    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from forums.models import Room, RoomMembership
    from portal import roles
    from portal.display_names import display_name_key
    from portal.models import Profile, User

    cleanup()
    sizes = [members] * rooms + ([big_room] if big_room else [])
    password = make_password(None)
    family = Group.objects.get(name=roles.FAMILY_MEMBERS)
    plan = []
    for index, size in enumerate(sizes):
        room = Room.objects.create(
            slug=f"{SLUG_PREFIX}{index}", name=f"Bench room {index}", guidelines="<p>Bench.</p>"
        )
        users = User.objects.bulk_create(
            [User(email=f"r{index}m{n}@{EMAIL_DOMAIN}", password=password) for n in range(size)]
        )
        users = list(
            User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}", email__startswith=f"r{index}m")
        )
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users]
        )
        names = [f"Bench {letters(index)} {letters(u.pk)}" for u in users]
        Profile.objects.bulk_create(
            [
                Profile(user=u, display_name=name, display_name_key=display_name_key(name))
                for u, name in zip(users, names, strict=True)
            ]
        )
        family.user_set.add(*users)
        RoomMembership.objects.bulk_create(
            [
                RoomMembership(room=room, account=u, guidelines_accepted_at=timezone.now())
                for u in users
            ]
        )
        cookies = []
        for user in users:
            session = SessionStore()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session.create()
            cookies.append(f"{settings.SESSION_COOKIE_NAME}={session.session_key}")
        plan.append((room.slug, cookies))
    return plan


async def member_task(server, slug, cookie, interval, duration, results, gate, ready, ident):
    import websockets

    async with gate:
        socket = await websockets.connect(
            f"ws://{server}/ws/rooms/{slug}/",
            additional_headers={"Cookie": cookie, "Origin": f"http://{server}"},
            max_queue=None,
            open_timeout=60,
        )
        snapshot = json.loads(await socket.recv())
        assert snapshot["type"] == "snapshot", snapshot
    ready.append(1)
    received = results["received"]
    latencies = results["latencies"]
    sent = results["sent"]
    acks = results["acks"]
    sent_at = {}

    async def reader():
        async for raw in socket:
            if raw.startswith('{"type":"ack"'):
                key = json.loads(raw)["client_ref"]
                if key in sent_at:
                    acks.append(time.time() - sent_at.pop(key))
                continue
            if '"message.added"' not in raw:
                continue
            frame = json.loads(raw)
            body = frame["message"]["body"]
            if body.startswith("bench "):
                _word, key, stamp = body.split(" ")
                latencies.append(time.time() - float(stamp.replace("x", ".").translate(DIGITS)))
                received[key] = received.get(key, 0) + 1

    task = asyncio.ensure_future(reader())
    while len(ready) < results["expected_sockets"]:
        await asyncio.sleep(0.2)
    # The duration counts from when every socket is open (opening 1,300 takes ~30 s).
    stop_at = time.time() + duration
    await asyncio.sleep(random.uniform(0, interval))
    counter = 0
    while time.time() < stop_at:
        counter += 1
        key = f"s{ident}n{letters(counter)}"
        stamp = letters_float(time.time())
        frame = {"type": "message.send", "body": f"bench {key} {stamp}", "client_ref": key}
        sent_at[key] = time.time()
        await socket.send(json.dumps(frame))
        sent.append((key, slug))
        await asyncio.sleep(interval * random.uniform(0.67, 1.33))
    await asyncio.sleep(results["drain"])
    task.cancel()
    await socket.close()


DIGITS = str.maketrans(LETTERS, "0123456789")
READY = None


def letters_float(value):
    whole, _dot, fraction = f"{value:.6f}".partition(".")
    return f"{letters(whole)}x{letters(fraction)}"


async def freeze_when_connected(ready, expected):
    """Once every socket is open, move them out of the client's garbage collector: a
    full collection walking 650 sockets stalls this client ~150 ms (seen with a
    ``gc.callbacks`` logger), which would be measured as server latency."""
    import gc

    while len(ready) < expected:
        await asyncio.sleep(0.2)
    gc.collect()
    gc.freeze()


def client_process(args):
    assignments, servers, expected_sockets, duration, drain = args

    async def run():
        results = {
            "received": {},
            "latencies": [],
            "acks": [],
            "sent": [],
            "expected_sockets": expected_sockets,
            "drain": drain,
        }
        gate = asyncio.Semaphore(50)
        ready = SharedCount(READY, expected_sockets)
        tasks = [
            member_task(
                servers[i % len(servers)],
                slug,
                cookie,
                interval,
                duration,
                results,
                gate,
                ready,
                ident,
            )
            for i, (slug, cookie, interval, ident) in enumerate(assignments)
        ]
        await asyncio.gather(*tasks, freeze_when_connected(ready, expected_sockets))
        return results

    # One client process stands in for hundreds of phones: tune its garbage collector
    # like the server's (portal/asgi.py), or its own full collections show as latency.
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 100)
    results = asyncio.run(run())
    return results["received"], results["latencies"], results["sent"], results["acks"]


class SharedCount:
    """Counts sockets ready across client processes (so sending starts together)."""

    def __init__(self, value, expected):
        self.value = value
        self.expected = expected

    def append(self, _item):
        with self.value.get_lock():
            self.value.value += 1

    def __len__(self):
        return self.value.value


def thread_cpu(pid):
    """``{thread id: (name, CPU seconds)}`` of a process's threads."""
    from qa_live import cpu_seconds  # same directory

    threads = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            threads[task.name] = (
                (task / "comm").read_text().strip(),
                cpu_seconds(pid, task.name),
            )
        except OSError:  # the thread ended meanwhile
            continue
    return threads


def report_server_cpu(pids, before, after, seconds):
    for pid in pids:
        threads = []
        for tid, (name, used) in after[pid].items():
            used -= before[pid].get(tid, (name, 0))[1]
            threads.append((used / seconds * 100, tid, name))
        threads.sort(reverse=True)
        busy = ", ".join(
            f"{tid} {name} {share:.1f} %" for share, tid, name in threads if share >= 1
        )
        print(
            f"server {pid} CPU while sending: {sum(t[0] for t in threads):.1f} % of a core "
            f"(threads: {busy or 'none busy'})"
        )


def percentile(samples, fraction):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--servers", default="127.0.0.1:8600")
    parser.add_argument("--rooms", type=int, default=50)
    parser.add_argument("--members", type=int, default=20)
    parser.add_argument("--big-room", type=int, default=300)
    parser.add_argument("--interval", type=float, default=45.0)
    parser.add_argument("--big-interval", type=float, default=30.0)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--drain", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the accounts and rooms")
    parser.add_argument(
        "--server-pids", default="", help="daphne process ids: print their CPU while sending"
    )
    options = parser.parse_args()
    servers = options.servers.split(",")
    for server in servers:
        if server.split(":")[0] not in {"127.0.0.1", "localhost"}:
            parser.error("loopback only")

    pids = [pid.strip() for pid in options.server_pids.split(",") if pid.strip()]
    for pid in pids:
        if not pid.isdigit() or not Path(f"/proc/{pid}/task").is_dir():
            parser.error(f"--server-pids: no process {pid} on this machine")
    pids = [int(pid) for pid in pids]

    setup_django()
    plan = prepare(options.rooms, options.members, options.big_room)
    vacuum()
    sizes = {slug: len(cookies) for slug, cookies in plan}
    sockets = [
        (
            slug,
            cookie,
            options.big_interval if len(cookies) == options.big_room else options.interval,
            letters(f"{room_index}0{member_index}"),
        )
        for room_index, (slug, cookies) in enumerate(plan)
        for member_index, cookie in enumerate(cookies)
    ]
    random.shuffle(sockets)
    global READY
    READY = multiprocessing.get_context("fork").Value("i", 0)  # inherited by fork
    share = [sockets[i :: options.clients] for i in range(options.clients)]
    print(
        f"{len(plan)} rooms, {len(sockets)} members, servers {servers}, "
        f"{options.clients} client processes, {options.duration:.0f} s"
    )
    from django.db import connections

    connections.close_all()  # the client processes are forked: no shared connections
    with multiprocessing.get_context("fork").Pool(options.clients) as pool:
        pending = pool.map_async(
            client_process,
            [(part, servers, len(sockets), options.duration, options.drain) for part in share],
        )
        if pids:
            while READY.value < len(sockets) and not pending.ready():
                time.sleep(0.2)
            before = {pid: thread_cpu(pid) for pid in pids}
            started = time.monotonic()
            pending.wait(options.duration)
            after = {pid: thread_cpu(pid) for pid in pids}
            cpu_seconds = time.monotonic() - started
        outcomes = pending.get()
    received, latencies, sent, acks = {}, [], [], []
    for got, lat, out, acked in outcomes:
        acks += acked
        for key, value in got.items():
            received[key] = received.get(key, 0) + value
        latencies += lat
        sent += out
    expected = sum(sizes[slug] for _key, slug in sent)
    delivered = sum(min(received.get(key, 0), sizes[slug]) for key, slug in sent)
    lost_messages = sum(1 for key, slug in sent if received.get(key, 0) < sizes[slug])
    print(f"messages sent: {len(sent)}  deliveries expected: {expected}  delivered: {delivered}")
    print(
        f"lost deliveries: {expected - delivered}  messages not fully delivered: "
        f"{lost_messages}  (not received within {options.drain:.0f} s after sending stopped)"
    )
    if latencies:
        ms = [value * 1000 for value in latencies]
        print(
            f"latency ms: p50 {percentile(ms, 0.5):.1f}  p95 {percentile(ms, 0.95):.1f}  "
            f"p99 {percentile(ms, 0.99):.1f}  max {max(ms):.1f}  mean {statistics.mean(ms):.1f}"
        )
    if acks:
        ms = [value * 1000 for value in acks]
        print(
            f"send -> ack ms: p50 {percentile(ms, 0.5):.1f}  p95 {percentile(ms, 0.95):.1f}  "
            f"p99 {percentile(ms, 0.99):.1f}  max {max(ms):.1f}  ({len(ms)} acks)"
        )
    if pids:
        report_server_cpu(pids, before, after, cpu_seconds)
    if not options.keep:
        cleanup(cookie.partition("=")[2] for _slug, cookies in plan for cookie in cookies)


if __name__ == "__main__":
    main()
