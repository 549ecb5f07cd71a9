"""Queue the reminders that are due, now. The worker (``manage.py run_worker``) does
this every minute by itself, and sends what is queued. Each reminder is recorded and
never sent twice."""

from django.core.management.base import BaseCommand

from events import services


class Command(BaseCommand):
    help = "Queue due event reminders now (the day before; two hours before)."

    def handle(self, *args, **options):
        sent = services.send_due_reminders()
        self.stdout.write(f"sent {sent} reminder(s)")
