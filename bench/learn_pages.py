"""Server time of the Learn pages: median and p95 over N requests, cached and uncached.

Runs the portal in this process (Django's test client: no network, no daphne), so the
figures are the server's own time for a request, middleware to response. Uses the
database in DATABASE_URL (default: var/bench_learn.sqlite3), migrates it, seeds the demo
content plus a 20-lecture series, then for each page type measures:

- uncached: the page cache is purged (a new content generation) before every request;
- cached: the page cache is warm (what visitors get between two publishes);

and the number of database queries for one request of each kind.

    export SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(64))')
    export DEBUG=false ALLOWED_HOSTS=localhost SECURE_SSL_REDIRECT=false
    .venv/bin/python manage.py collectstatic --no-input -v0
    .venv/bin/python bench/learn_pages.py                      # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_learn \
        .venv/bin/python bench/learn_pages.py                  # PostgreSQL
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'bench_learn.sqlite3'}")

BENCH_SERIES_SLUG = "bench-twenty-lectures"


def percentile(samples, fraction):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def prepare():
    """Migrate, seed the demo content, and add a series of 20 lectures (idempotent)."""
    from django.core.management import call_command

    from lectures import demo
    from lectures.models import LearnIndexPage, LecturePage, LectureSeriesPage, Speaker

    call_command("migrate", verbosity=0)
    demo.seed_learning_content(lambda line: None)
    learn = LearnIndexPage.objects.get()
    series = LectureSeriesPage.objects.child_of(learn).filter(slug=BENCH_SERIES_SLUG).first()
    if series is None:
        series = LectureSeriesPage(
            title="Family education nights, 2026",
            slug=BENCH_SERIES_SLUG,
            summary="Twenty evening talks for families.",
        )
        learn.add_child(instance=series)
        series.save_revision().publish()
    speakers = list(Speaker.objects.all()[:2])
    for n in range(1, 21 - LecturePage.objects.child_of(series).count()):
        lecture = LecturePage(
            title=f"Family night talk {n}",
            slug=f"family-night-{n}",
            summary="An evening talk with time for questions.",
            transcript="<p>Welcome, families. Tonight we talk about recovery at home.</p>",
        )
        series.add_child(instance=lecture)
        lecture.speakers.set(speakers)
        lecture.save_revision().publish()
    return series


def measure(client, path, requests, purge):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lectures import page_cache

    if not purge:
        client.get(path)  # warm the cache
    with CaptureQueriesContext(connection) as captured:
        if purge:
            page_cache.next_generation()
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    queries = len(captured.captured_queries)
    timings = []
    for _n in range(requests):
        if purge:
            page_cache.next_generation()
        started = time.perf_counter()
        response = client.get(path)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(timings) * 1000, percentile(timings, 0.95) * 1000, queries


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from lectures.models import GuidePage

    series = prepare()
    lecture = series.get_children().live().first()
    guide = GuidePage.objects.live().get(slug="insurance-and-costs")
    pages = {
        "home": "/",
        "learn index": "/learn/",
        "series (20 lectures)": series.url,
        "lecture": lecture.url,
        "guide": guide.url,
        "search": "/search/?q=insurance",
    }
    client = Client(HTTP_HOST="localhost")
    print(
        f"{connection.vendor}, DEBUG={settings.DEBUG}, cache "
        f"{settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}, "
        f"{args.requests} requests per row"
    )
    print(
        "| page | cached median | cached p95 | uncached median | uncached p95 "
        "| queries (cached / uncached) |"
    )
    print("| --- | --- | --- | --- | --- | --- |")
    for label, path in pages.items():
        cached = measure(client, path, args.requests, purge=False)
        uncached = measure(client, path, args.requests, purge=True)
        print(
            f"| {label} | {cached[0]:.1f} ms | {cached[1]:.1f} ms | {uncached[0]:.1f} ms "
            f"| {uncached[1]:.1f} ms | {cached[2]} / {uncached[2]} |"
        )


if __name__ == "__main__":
    main()
