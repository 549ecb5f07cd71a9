"""Fixtures for the forums tests: real daphne processes sharing Redis."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url():
    """The URL of the database the tests are using right now (the test database)."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = f"{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"
    return f"postgres://{user}{password}@{host}/{db['NAME']}"


@pytest.fixture
def daphne_processes(transactional_db):
    """Start two daphne processes serving the portal on the test database and the same
    Redis (channel layer and cache); yield their ``host:port`` addresses.

    Only meaningful with ``REDIS_URL`` (CI's second pass): the in-memory channel layer
    cannot join two processes, so without Redis the test is skipped, by design.
    """
    if not settings.REDIS_URL:
        pytest.skip("two processes share live updates only through Redis (set REDIS_URL)")
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "CACHE_KEY_PREFIX": settings.CACHE_KEY_PREFIX,
        "DEBUG": "true",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    processes, addresses = [], []
    try:
        for _ in range(2):
            port = _free_port()
            processes.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "daphne",
                        "-e",
                        f"tcp:port={port}:interface=127.0.0.1:backlog=1024",
                        "portal.asgi:application",
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                )
            )
            addresses.append(f"127.0.0.1:{port}")
        deadline = time.monotonic() + 30
        for process, address in zip(processes, addresses, strict=True):
            while True:
                if process.poll() is not None:
                    raise RuntimeError(process.stderr.read().decode(errors="replace")[-2000:])
                try:
                    with urllib.request.urlopen(f"http://{address}/robots.txt", timeout=2):
                        break
                except OSError:
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"daphne at {address} did not start") from None
                    time.sleep(0.2)
        yield addresses
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
