"""Send the reminders that are due. Safe to run every few minutes (cron, systemd timer):
each reminder is recorded and never sent twice."""

from django.core.management.base import BaseCommand

from events import services


class Command(BaseCommand):
    help = "Email due event reminders (24 h before; 1 h before for online sessions)."

    def handle(self, *args, **options):
        sent = services.send_due_reminders()
        self.stdout.write(f"sent {sent} reminder(s)")
