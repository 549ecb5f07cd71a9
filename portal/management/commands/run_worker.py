"""The background worker: queued tasks (mail, Wagtail's search and reference index) and
the periodic jobs (reminders, mail recovery), with no cron to install.

    manage.py run_worker [--interval 1]

Run one or more beside the web server (``make run`` starts one with it; docs/deploy.md
gives the systemd unit). Ctrl-C or SIGTERM finishes the task in hand, then stops.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from portal import worker


class Command(BaseCommand):
    help = "Run queued background tasks and the periodic jobs (reminders, mail recovery)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Seconds to wait when no task is ready before looking again (default 1).",
        )
        parser.add_argument(
            "--tick",
            type=float,
            default=None,
            help="Seconds between runs of the periodic jobs (default WORKER_TICK_SECONDS).",
        )

    def handle(self, *args, interval, tick, **options):
        if settings.TASKS_BACKEND != "database":
            raise CommandError(
                "TASKS_BACKEND is 'immediate': tasks run inside the web process and there is "
                "nothing for a worker to do. Set TASKS_BACKEND=database (the default)."
            )
        every = tick if tick is not None else settings.WORKER_TICK_SECONDS
        names = ", ".join(job.name for job in worker.jobs())
        self.stdout.write(f"worker: running queued tasks; every {every:g} s: {names}")
        worker.start_ticking(every)
        runner = Worker(
            queue_names=["*"],
            interval=interval,
            batch=False,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=get_random_string(32),
            excluded_queue_names=[],
        )
        runner.configure_signals()
        runner.run()
