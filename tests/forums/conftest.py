"""Fixtures for the forums tests: real daphne processes sharing Redis."""

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from tests.servers import database_url, free_port

ROOT = Path(__file__).resolve().parents[2]


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
        "DATABASE_URL": database_url(),
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
            port = free_port()
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
        # Each process trains the screening model before it listens (~10 s alone); two
        # at once beside the other test worker take several times that.
        deadline = time.monotonic() + 120
        for process, address in zip(processes, addresses, strict=True):
            while True:
                if process.poll() is not None:
                    raise RuntimeError(process.stderr.read().decode(errors="replace")[-2000:])
                try:
                    with urllib.request.urlopen(f"http://{address}/robots.txt", timeout=2):
                        break
                except OSError:
                    if time.monotonic() > deadline:
                        process.terminate()
                        output = process.communicate(timeout=10)[1]
                        raise RuntimeError(
                            f"daphne at {address} did not start: "
                            + output.decode(errors="replace")[-2000:]
                        ) from None
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
