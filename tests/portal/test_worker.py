"""The real worker (``manage.py run_worker`` in its own process, django-tasks' database
backend, the test database) against a real SMTP server (aiosmtpd) that goes down, comes
back, and sees the worker killed with SIGKILL in the middle of a batch."""

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from email import message_from_bytes
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from events import services
from events.models import Event, EventKind
from portal import outbox
from portal.models import OutgoingMail, OutgoingMailStatus
from tests.servers import database_url, free_port

ROOT = Path(__file__).resolve().parents[2]
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}


class Mailbox:
    """An SMTP server's handler: every message accepted, by Message-ID and recipient.
    ``hold(address)`` stops the server inside the RCPT of that address until released."""

    def __init__(self):
        self.received = []  # (message id, recipient)
        self.held_address = None
        self.arrived = threading.Event()
        self.release = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address == self.held_address and not self.release.is_set():
            self.arrived.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 try again later"  # the connection is gone by now anyway
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        message = message_from_bytes(envelope.content)
        for recipient in envelope.rcpt_tos:
            self.received.append((message["Message-ID"], recipient))
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self, port):
        self.mailbox = Mailbox()
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=port)

    def __enter__(self):
        self.controller.start()
        return self.mailbox

    def __exit__(self, *exc):
        self.mailbox.release.set()
        self.controller.stop()


# Committed for real (the worker is another process), then put back as the migrations
# left it (groups, the home page) for the tests that follow.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def database_tasks(settings):
    """Tasks in this test process are rows in the test database, for the worker."""
    settings.TASKS = DATABASE_TASKS
    settings.TASKS_BACKEND = "database"


@pytest.fixture
def start_worker():
    """Start ``run_worker`` processes on the test database; kill what is left at the end."""
    processes = []

    def start(smtp_port):
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "DEBUG": "true",
            "TASKS_BACKEND": "database",
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "EMAIL_TIMEOUT": "2",
            "MAIL_RETRY_BASE_SECONDS": "0.5",
            # Longer than any send here, even on a slow machine: a mail is sent again
            # only after a killed worker left it.
            "MAIL_SENDING_STALE_SECONDS": "8",
            "WORKER_TICK_SECONDS": "0.5",
            "PYTHONUNBUFFERED": "1",
        }
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        process = subprocess.Popen(
            [sys.executable, "manage.py", "run_worker", "--interval", "0.1"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        processes.append(process)
        return process

    yield start
    for process in processes:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def wait_for(condition, timeout, what, process=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if process is not None and process.poll() is not None:
            raise AssertionError(
                f"the worker stopped ({process.returncode}) before {what}: "
                + process.stderr.read().decode(errors="replace")[-3000:]
            )
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def statuses():
    return Counter(OutgoingMail.objects.values_list("status", flat=True))


def test_a_promotion_mail_waits_while_the_mail_server_is_down_and_arrives_once(
    database_tasks, start_worker, make_family_member
):
    starts_at = timezone.now() + timedelta(days=3)
    event = Event.objects.create(
        title="Tuesday multi-family group",
        kind=EventKind.THERAPY_GROUP,
        site="Main clinic",
        capacity_people=2,
        max_party_size=4,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=90),
    )
    families = [make_family_member(), make_family_member()]
    holder = services.register(event, families[0], party_size=2)
    waiting = services.register(event, families[1], party_size=2)
    services.cancel_registration(holder)  # the waiting family is promoted
    promotion = OutgoingMail.objects.get(kind="registration_promoted")
    assert promotion.to == [families[1].email]
    port = free_port()
    worker = start_worker(port)  # nothing listens on the port: the mail server is down

    def promotion_failed_twice():
        promotion.refresh_from_db()
        return promotion.attempts >= 2

    wait_for(promotion_failed_twice, 60, "two failed attempts", worker)
    promotion.refresh_from_db()
    assert promotion.status in (OutgoingMailStatus.QUEUED, OutgoingMailStatus.SENDING)
    assert "Connection refused" in promotion.last_error or "Errno" in promotion.last_error

    with SmtpServer(port) as mailbox:  # the mail server is back
        wait_for(
            lambda: statuses() == {OutgoingMailStatus.SENT: OutgoingMail.objects.count()},
            60,
            "every mail sent",
            worker,
        )
        received = list(mailbox.received)
    # Each mail once: confirmation and cancellation for the first family, waitlist and
    # promotion for the second.
    expected = {
        (f"<{mail.message_id}@localhost>", mail.to[0]) for mail in OutgoingMail.objects.all()
    }
    assert len(expected) == 4
    assert sorted(received) == sorted(expected)
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"


def test_a_worker_killed_mid_batch_is_replaced_and_every_mail_goes_out_exactly_once(
    database_tasks, start_worker, django_capture_on_commit_callbacks
):
    addresses = [f"family{n}@example.test" for n in range(10)]
    for address in addresses:
        outbox.queue_mail(kind="test", subject="Your seat", body="A seat is yours.", to=[address])
    port = free_port()
    with SmtpServer(port) as mailbox:
        mailbox.held_address = addresses[4]
        first = start_worker(port)
        assert mailbox.arrived.wait(60), "the worker never reached the fifth mail"
        os.kill(first.pid, signal.SIGKILL)  # in the middle of sending the fifth mail
        first.wait(timeout=10)
        mailbox.release.set()
        half_sent = OutgoingMail.objects.get(to=[addresses[4]])
        assert half_sent.status == OutgoingMailStatus.SENDING

        second = start_worker(port)
        wait_for(
            lambda: statuses() == {OutgoingMailStatus.SENT: len(addresses)},
            90,
            "every mail sent after the restart",
            second,
        )
        received = Counter(recipient for _message_id, recipient in mailbox.received)
    assert received == Counter(addresses)  # each exactly once
