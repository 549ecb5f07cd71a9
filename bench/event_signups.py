"""Concurrent sign-ups over HTTP against one event: no overbooking, and how fast.

With the portal running under daphne (see bench/README.md), run with the *same*
environment (DATABASE_URL, SECRET_KEY, ...) as the server:

    .venv/bin/python bench/event_signups.py --base http://127.0.0.1:8400 \
        --attempts 200 --capacity 20

The script creates one event with ``--capacity`` seats and ``--attempts`` family
accounts with logged-in sessions (written straight to the session store, so no password
hashing is measured), fires every sign-up at once (one thread each, party of one), then
reads the database: confirmed people must equal the capacity and errors must be 0. It
prints throughput, p50/p95/p99 latency, the outcome counts, and removes what it created.
It only ever targets a portal on this machine (loopback).
"""

import argparse
import http.client
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

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

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
    from portal.models import User

    Session.objects.filter(session_key__in=list(session_keys)).delete()
    Event.objects.filter(title="Benchmark group").delete()
    User.objects.filter(email__endswith=EMAIL_DOMAIN).delete()


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
    connection = http.client.HTTPConnection(host, port, timeout=60)
    barrier.wait()
    started = time.perf_counter()
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        status = response.status
    except OSError:
        status = 0
    finally:
        connection.close()
    return time.perf_counter() - started, status


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8400")
    parser.add_argument("--attempts", type=int, default=200)
    parser.add_argument("--capacity", type=int, default=20)
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
    barrier = threading.Barrier(attempts)
    try:
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=attempts) as pool:
            results = list(
                pool.map(
                    lambda key: sign_up(base.hostname, base.port or 80, path, key, barrier),
                    sessions,
                )
            )
        elapsed = time.perf_counter() - started
        latencies = [latency for latency, _status in results]
        # A successful sign-up answers with a redirect to the confirmation page.
        errors = sum(1 for _latency, status in results if status != 302)
        outcome = dict(
            Registration.objects.filter(event=event)
            .values_list("status")
            .annotate(people=Sum("party_size"))
            .values_list("status", "people")
        )
        rows = Registration.objects.filter(event=event).aggregate(count=Count("pk"))["count"]
        confirmed = outcome.get("confirmed", 0)
        print(f"engine {connection.vendor}, {attempts} sign-ups at once, capacity {args.capacity}")
        print(
            f"throughput {attempts / elapsed:.1f} req/s   "
            f"p50 {statistics.median(latencies) * 1000:.0f} ms   "
            f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms   "
            f"p99 {percentile(latencies, 0.99) * 1000:.0f} ms   "
            f"max {max(latencies) * 1000:.0f} ms"
        )
        print(
            f"confirmed people {confirmed}   waitlisted {outcome.get('waitlisted', 0)}   "
            f"registrations {rows}   errors {errors}"
        )
        ok = confirmed == args.capacity and errors == 0 and rows == attempts
        print("OK" if ok else "FAILED: overbooked, underbooked or errors")
    finally:
        cleanup(sessions)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
