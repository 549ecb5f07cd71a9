"""Concurrent sign-ups over HTTP against one event: no overbooking, how fast beside a
trivial request, and every mail delivered once by the worker.

With the portal running under daphne (see bench/README.md), run with the *same*
environment (DATABASE_URL, SECRET_KEY, ...) as the server:

    .venv/bin/python bench/event_signups.py --base http://127.0.0.1:8400 \
        --attempts 200 --capacity 20 [--worker]

The script creates one event with ``--capacity`` seats and ``--attempts`` family
accounts with logged-in sessions (written straight to the session store, so no password
hashing is measured), fires every sign-up at once (one thread each, party of one), then
the same number of ``GET /robots.txt`` at once against the same server: the ratio of the
two p99s is the figure (machines here differ 2x in speed; a ratio does not). It reads the
database: confirmed people must equal the capacity and errors must be 0.

With ``--worker`` (the server on the database task backend), it starts a real SMTP
server (aiosmtpd, from the test extras) and ``manage.py run_worker`` sending to it, and
waits until every confirmation and waitlist mail has arrived: exactly one per family.
It removes what it created. It only ever targets a portal on this machine (loopback).
"""

import argparse
import os
import secrets
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import http_burst  # noqa: E402  same directory: one timed request per thread

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
EMAIL_DOMAIN = "bench-signups.invalid"


def percentile(samples, fraction):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def prepare(attempts, capacity):
    """One event and ``attempts`` accounts, each with a session key."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from events.models import Event, EventKind
    from portal.models import User

    cleanup()
    start = timezone.now() + timedelta(days=2)
    event = Event.objects.create(
        title="Benchmark group",
        kind=EventKind.THERAPY_GROUP,
        capacity_people=capacity,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
    )
    unusable = make_password(None)  # the accounts log in only through their sessions
    users = User.objects.bulk_create(
        User(email=f"family{n}@{EMAIL_DOMAIN}", password=unusable) for n in range(attempts)
    )
    sessions = []
    backend = settings.AUTHENTICATION_BACKENDS[0]
    for user in User.objects.filter(email__endswith=EMAIL_DOMAIN).order_by("pk"):
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = backend
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        sessions.append(store.session_key)
    assert len(sessions) == len(users)
    return event, sessions


def cleanup(session_keys=()):
    """Remove the benchmark's event, accounts and sessions (also a crashed run's)."""
    from django.contrib.sessions.models import Session

    from events.models import Event
    from portal.models import OutgoingMail, User

    Session.objects.filter(session_key__in=list(session_keys)).delete()
    Event.objects.filter(title="Benchmark group").delete()
    User.objects.filter(email__endswith=EMAIL_DOMAIN).delete()
    OutgoingMail.objects.filter(to__icontains=EMAIL_DOMAIN).delete()


def sign_up(host, port, path, session_key, barrier):
    csrf = secrets.token_hex(16)  # 32 characters: a valid unmasked CSRF secret
    body = f"csrfmiddlewaretoken={csrf}&party_size=1".encode()
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"sessionid={session_key}; csrftoken={csrf}",
        "Host": f"{host}:{port}",
        "X-Forwarded-Proto": "https",
        "Referer": f"https://{host}:{port}{path}",
        "Origin": f"https://{host}:{port}",
    }
    return http_burst.timed_request(
        host, port, path, barrier, method="POST", body=body, headers=headers
    )


def burst(count, call):
    barrier = threading.Barrier(count)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=count) as pool:
        results = list(pool.map(lambda n: call(n, barrier), range(count)))
    return results, time.perf_counter() - started


class MailSink:
    """A real SMTP server on loopback counting what arrives, per recipient."""

    def __init__(self):
        from collections import Counter

        from aiosmtpd.controller import Controller

        self.received = Counter()
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802
                for recipient in envelope.rcpt_tos:
                    sink.received[recipient] += 1
                return "250 OK"

        import socket

        with socket.socket() as probe:  # a free port on loopback
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def start(self):
        self.controller.start()
        return self.port

    def stop(self):
        self.controller.stop()


def start_worker(smtp_port):
    import subprocess

    env = {**os.environ, "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}", "TASKS_BACKEND": "database"}
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--interval", "0.2"],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        stdout=subprocess.DEVNULL,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8400")
    parser.add_argument("--attempts", type=int, default=200)
    parser.add_argument("--capacity", type=int, default=20)
    parser.add_argument(
        "--worker",
        action="store_true",
        help="start a worker and an SMTP server; check every mail arrives once",
    )
    parser.add_argument("--mail-wait", type=float, default=180.0)
    args = parser.parse_args()
    base = urlsplit(args.base)
    if base.hostname not in LOOPBACK:
        parser.error("this benchmark only targets a portal on this machine (loopback)")
    attempts = max(1, min(args.attempts, 1000))

    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count, Sum

    from events.models import Registration

    event, sessions = prepare(attempts, args.capacity)
    path = f"/events/{event.pk}/register/"
    host, port = base.hostname, base.port or 80
    ok = False
    try:
        signups, elapsed = burst(
            attempts, lambda n, barrier: sign_up(host, port, path, sessions[n], barrier)
        )
        robots, _elapsed = burst(
            attempts, lambda n, barrier: http_burst.get(host, port, "/robots.txt", barrier)
        )
        latencies = [latency for latency, _status in signups]
        # A successful sign-up answers with a redirect to the confirmation page.
        errors = sum(1 for _latency, status in signups if status != 302)
        errors += sum(1 for _latency, status in robots if status != 200)
        outcome = dict(
            Registration.objects.filter(event=event)
            .values_list("status")
            .annotate(people=Sum("party_size"))
            .values_list("status", "people")
        )
        rows = Registration.objects.filter(event=event).aggregate(count=Count("pk"))["count"]
        confirmed = outcome.get("confirmed", 0)
        signup_p99 = percentile(latencies, 0.99)
        robots_p99 = percentile([latency for latency, _status in robots], 0.99)
        print(f"engine {connection.vendor}, {attempts} sign-ups at once, capacity {args.capacity}")
        print(
            f"sign-ups: throughput {attempts / elapsed:.1f} req/s   "
            f"p50 {statistics.median(latencies) * 1000:.0f} ms   "
            f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms   "
            f"p99 {signup_p99 * 1000:.0f} ms   max {max(latencies) * 1000:.0f} ms"
        )
        print(
            f"/robots.txt, {attempts} at once: p99 {robots_p99 * 1000:.0f} ms   "
            f"ratio sign-up p99 / robots p99 = {signup_p99 / robots_p99:.2f}"
        )
        print(
            f"confirmed people {confirmed}   waitlisted {outcome.get('waitlisted', 0)}   "
            f"registrations {rows}   errors {errors}"
        )
        ok = confirmed == args.capacity and errors == 0 and rows == attempts
        if args.worker:
            ok = check_mail(attempts, args.mail_wait) and ok
        print("OK" if ok else "FAILED: overbooked, underbooked, errors or mail not once")
    finally:
        cleanup(sessions)
    sys.exit(0 if ok else 1)


def check_mail(attempts, wait):
    """Start an SMTP server and a worker; wait for one mail per family; say so."""
    from portal.models import OutgoingMail

    sink = MailSink()
    worker = start_worker(sink.start())
    try:
        families = {f"family{n}@{EMAIL_DOMAIN}" for n in range(attempts)}
        started = time.perf_counter()
        while time.perf_counter() - started < wait:
            if set(sink.received) >= families:
                break
            time.sleep(0.5)
        time.sleep(2)  # anything sent twice would arrive by now
        mails = OutgoingMail.objects.filter(to__icontains=EMAIL_DOMAIN)
        once = all(sink.received[address] == 1 for address in families)
        print(
            f"mail: {sum(sink.received[address] for address in families)} delivered to "
            f"{len(set(sink.received) & families)} of {attempts} families in "
            f"{time.perf_counter() - started:.1f} s by the worker; "
            f"{mails.count()} queued, {mails.filter(status='sent').count()} sent; "
            f"{'each exactly once' if once else 'NOT each exactly once'}"
        )
        return once and mails.count() == attempts
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        sink.stop()


if __name__ == "__main__":
    main()
