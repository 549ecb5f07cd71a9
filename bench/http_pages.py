"""Request rate and latency of the portal's pages through one daphne process.

Usage (with the portal running, e.g. `make run` in another terminal):

    .venv/bin/python bench/http_pages.py --base http://127.0.0.1:8000 \
        --requests 400 --concurrency 8 / /accounts/login/

Sends only to the base URL given (loopback by default), a bounded number of requests,
and prints one line per path: requests/s, p50, p95 and p99 latency, and errors.
"""

import argparse
import statistics
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


def fetch(url):
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310
            response.read()
            ok = response.status < 500
    except urllib.error.HTTPError as error:
        ok = error.code < 500
    except OSError:
        ok = False
    return time.perf_counter() - started, ok


def percentile(samples, fraction):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def bench(base, path, requests, concurrency):
    url = base.rstrip("/") + path
    fetch(url)  # warm up caches and template loading
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(fetch, [url] * requests))
    elapsed = time.perf_counter() - started
    latencies = [latency for latency, _ok in results]
    errors = sum(1 for _latency, ok in results if not ok)
    print(
        f"{path:<24} {requests / elapsed:8.1f} req/s   "
        f"p50 {statistics.median(latencies) * 1000:7.1f} ms   "
        f"p95 {percentile(latencies, 0.95) * 1000:7.1f} ms   "
        f"p99 {percentile(latencies, 0.99) * 1000:7.1f} ms   errors {errors}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=["/", "/accounts/login/"])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    if urlsplit(args.base).hostname not in LOOPBACK:
        parser.error("this benchmark only targets a portal on this machine (loopback)")
    print(f"{args.requests} requests per path, {args.concurrency} at a time, {args.base}")
    for path in args.paths:
        bench(args.base, path, min(args.requests, 5000), args.concurrency)


if __name__ == "__main__":
    main()
