"""The same burst shape as event_signups.py, against any GET path: the ceiling.

All ``--requests`` connections are opened first, then every GET leaves at the same
moment (one thread each). Against a path that does almost nothing (``/robots.txt``: a
Django view, no session, no query) it shows the fastest a burst can be served on this
machine, whatever the sign-up code does.

    .venv/bin/python bench/http_burst.py --base http://127.0.0.1:8400 /robots.txt

It only ever targets a portal on this machine (loopback).
"""

import argparse
import http.client
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def get(host, port, path, barrier):
    headers = {"Host": f"{host}:{port}", "X-Forwarded-Proto": "https"}
    return timed_request(host, port, path, barrier, headers=headers)


def timed_request(host, port, path, barrier, *, method="GET", body=None, headers=None):
    """``(seconds, status)`` of one request sent when ``barrier`` lets every thread go
    (status 0 when the connection failed)."""
    connection = http.client.HTTPConnection(host, port, timeout=60)
    barrier.wait()
    started = time.perf_counter()
    try:
        connection.request(method, path, body=body, headers=headers or {})
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
    parser.add_argument("path")
    parser.add_argument("--base", default="http://127.0.0.1:8400")
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    base = urlsplit(args.base)
    if base.hostname not in LOOPBACK:
        parser.error("this benchmark only targets a portal on this machine (loopback)")
    count = max(1, min(args.requests, 1000))
    barrier = threading.Barrier(count)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=count) as pool:
        results = list(
            pool.map(
                lambda _n: get(base.hostname, base.port or 80, args.path, barrier), range(count)
            )
        )
    elapsed = time.perf_counter() - started
    latencies = sorted(latency for latency, _status in results)
    errors = sum(1 for _latency, status in results if status != 200)
    print(
        f"{args.path}: {count} at once   throughput {count / elapsed:.1f} req/s   "
        f"p50 {statistics.median(latencies) * 1000:.0f} ms   "
        f"p99 {latencies[min(count - 1, int(0.99 * count))] * 1000:.0f} ms   errors {errors}"
    )


if __name__ == "__main__":
    main()
