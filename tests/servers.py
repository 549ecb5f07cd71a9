"""What a test needs to start a real server beside it (daphne, the mail worker, an SMTP
server): a TCP port nobody else takes, and the address of the test database.

Ports come from a block of their own per pytest-xdist worker, below the range the
kernel picks from for outgoing connections and ``bind(0)``
(``/proc/sys/net/ipv4/ip_local_port_range``, 32768-60999 on Linux): a port found free
stays free until the test's server binds it, even while the other worker starts servers
and opens connections, and even when a test waits a while before binding it (a mail
server that is "down").
"""

import itertools
import os
import random
import socket

from django.db import connection

FIRST_PORT = 20_000
PORTS_PER_WORKER = 1_000
BLOCKS = 12  # 20000-31999, below the ephemeral range


def _block():
    """0 for a run without xdist; 1, 2, ... for workers gw0, gw1, ... (more workers
    than blocks share them: the probe in free_port still skips ports in use)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if worker.startswith("gw") and worker[2:].isdigit():
        return 1 + int(worker[2:]) % (BLOCKS - 1)
    return 0


def _ports():
    first = FIRST_PORT + _block() * PORTS_PER_WORKER
    # A random start: another test run on the same machine (a second checkout) is
    # unlikely to probe the same ports at the same moment.
    start = random.randrange(PORTS_PER_WORKER)
    return (first + (start + n) % PORTS_PER_WORKER for n in itertools.count())


_next_ports = _ports()


def free_port():
    """A port on 127.0.0.1 that nothing listens on, different at each call."""
    for _ in range(PORTS_PER_WORKER):
        port = next(_next_ports)
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in this worker's block")


def database_url():
    """The URL of the database the tests are using right now (the test database, with
    pytest-xdist's per-worker suffix), for a server started in another process."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = f"{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"
    return f"postgres://{user}{password}@{host}/{db['NAME']}"
