"""The worker's periodic jobs: each app registers what must happen every few minutes
without an operator's cron (reminders, recovering mail a killed worker left).

``manage.py run_worker`` runs django-tasks' database worker (queued tasks: mail, search
index, reference index) and, beside it, these jobs every ``WORKER_TICK_SECONDS``. Each
job is idempotent and safe to run from several workers at once.
"""

import logging
import threading
from dataclasses import dataclass

from django.db import close_old_connections

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    run: object  # a callable taking no arguments


_JOBS = {}


def register(name, function):
    """Run ``function()`` on every tick of every worker."""
    _JOBS[name] = Job(name, function)


def jobs():
    return list(_JOBS.values())


def run_jobs():
    """One tick: every job once; a failing job is logged and the others still run."""
    done = {}
    for job in jobs():
        try:
            done[job.name] = job.run()
        except Exception:  # noqa: BLE001 - one job's failure must not stop the others
            logger.exception("worker: periodic job %s failed", job.name)
    return done


def start_ticking(every, stop=None):
    """Run the jobs now and then every ``every`` seconds, in a daemon thread (it ends
    with the worker process); ``stop`` (an Event) ends it sooner."""
    stop = stop or threading.Event()

    def loop():
        while True:
            run_jobs()
            close_old_connections()  # this thread's connection, as after a request
            if stop.wait(every):
                return

    thread = threading.Thread(target=loop, name="worker-ticks", daemon=True)
    thread.start()
    return thread, stop
