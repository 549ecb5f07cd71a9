"""Mail that is never lost (portal.outbox), in-process on the immediate task backend:
queued with the change, retried with backoff while the mail server fails, marked failed
and shown to staff in the end, recovered after a killed worker. The real worker on the
database backend is exercised in test_worker.py."""

import logging
import socket
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from portal import outbox, worker
from portal.models import OutgoingMail, OutgoingMailStatus

pytestmark = pytest.mark.django_db


def _closed_port():
    """A local port with nothing listening: a mail server that is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def mail_server_down():
    return override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=_closed_port(),
        EMAIL_TIMEOUT=2,
    )


def queue(commit, **fields):
    values = {
        "kind": "test",
        "subject": "Your seat",
        "body": "A seat is yours.",
        "to": ["family@example.test"],
    } | fields
    with commit(execute=True):
        return outbox.queue_mail(**values)


def test_mail_is_sent_after_the_commit_and_its_text_then_erased(
    django_capture_on_commit_callbacks,
):
    queued = queue(django_capture_on_commit_callbacks, html_body="<p>A seat is yours.</p>")
    assert [message.subject for message in mail.outbox] == ["Your seat"]
    message = mail.outbox[0]
    assert message.to == ["family@example.test"]
    assert message.extra_headers["Message-ID"] == f"<{queued.message_id}@localhost>"
    assert message.alternatives[0][1] == "text/html"
    queued.refresh_from_db()
    assert queued.status == OutgoingMailStatus.SENT
    assert (queued.body, queued.html_body, queued.attempts) == ("", "", 1)
    assert queued.sent_at is not None


def test_mail_queued_in_a_transaction_that_rolls_back_is_neither_kept_nor_sent(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            outbox.queue_mail(kind="test", subject="s", body="b", to=["a@example.test"])
            raise RuntimeError("the change failed")
    assert not OutgoingMail.objects.exists()
    assert mail.outbox == []


def test_a_key_queues_a_mail_once(django_capture_on_commit_callbacks):
    first = queue(django_capture_on_commit_callbacks, key="reminder:1:day_before")
    second = queue(django_capture_on_commit_callbacks, key="reminder:1:day_before")
    assert first is not None and second is None
    assert len(mail.outbox) == 1


def test_mail_without_recipients_is_not_queued():
    assert outbox.queue_mail(kind="test", subject="s", body="b", to=[""]) is None
    assert not OutgoingMail.objects.exists()


@override_settings(MAIL_RETRY_BASE_SECONDS=60, MAIL_MAX_ATTEMPTS=8)
def test_a_mail_server_that_is_down_is_tried_again_with_backoff_until_it_is_back(
    django_capture_on_commit_callbacks, caplog
):
    with mail_server_down():
        queued = queue(django_capture_on_commit_callbacks)
        queued.refresh_from_db()
        assert queued.status == OutgoingMailStatus.QUEUED
        assert queued.attempts == 1
        assert "ConnectionRefusedError" in queued.last_error
        first_wait = queued.next_attempt_at - queued.attempted_at
        assert timedelta(seconds=59) <= first_wait <= timedelta(seconds=61)
        # Not yet due: the sweep leaves it alone.
        with django_capture_on_commit_callbacks(execute=True):
            assert outbox.sweep() == 0
        # Due (and its task lost): tried again, fails again, waits twice as long.
        later = queued.next_attempt_at + outbox.LOST_TASK_GRACE
        with django_capture_on_commit_callbacks(execute=True):
            assert outbox.sweep(now=later) == 1
        queued.refresh_from_db()
        assert queued.attempts == 2
        assert queued.status == OutgoingMailStatus.QUEUED
        second_wait = queued.next_attempt_at - queued.attempted_at
        assert timedelta(seconds=110) <= second_wait <= timedelta(seconds=130)
    assert mail.outbox == []
    # The mail server is back.
    with django_capture_on_commit_callbacks(execute=True):
        outbox.sweep(now=queued.next_attempt_at + outbox.LOST_TASK_GRACE)
    queued.refresh_from_db()
    assert queued.status == OutgoingMailStatus.SENT
    assert queued.attempts == 3
    assert [message.to for message in mail.outbox] == [["family@example.test"]]


def test_the_backoff_doubles_and_stops_at_an_hour():
    with override_settings(MAIL_RETRY_BASE_SECONDS=60):
        assert [outbox.retry_delay(n) for n in (1, 2, 3, 7, 12)] == [60, 120, 240, 3600, 3600]


@override_settings(MAIL_MAX_ATTEMPTS=2)
def test_a_mail_that_keeps_failing_is_marked_failed_and_logged_without_addresses(
    django_capture_on_commit_callbacks, caplog
):
    with mail_server_down(), caplog.at_level(logging.WARNING, logger="portal.outbox"):
        queued = queue(django_capture_on_commit_callbacks)
        queued.refresh_from_db()
        with django_capture_on_commit_callbacks(execute=True):
            outbox.sweep(now=queued.next_attempt_at + outbox.LOST_TASK_GRACE)
    queued.refresh_from_db()
    assert queued.status == OutgoingMailStatus.FAILED
    assert queued.attempts == 2
    assert "failed after 2 attempt(s)" in caplog.text
    assert "family@example.test" not in caplog.text
    # Nothing more happens to it on its own…
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.sweep(now=timezone.now() + timedelta(days=1)) == 0
    # …until staff try it again.
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.retry([queued.pk]) == 1
    queued.refresh_from_db()
    assert queued.status == OutgoingMailStatus.SENT
    assert len(mail.outbox) == 1


def test_a_mail_a_killed_worker_left_half_sent_is_sent_again(django_capture_on_commit_callbacks):
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        queued = queue(django_capture_on_commit_callbacks)
    long_ago = timezone.now() - timedelta(hours=1)
    OutgoingMail.objects.filter(pk=queued.pk).update(
        status=OutgoingMailStatus.SENDING, attempted_at=long_ago, sent_at=None
    )
    with override_settings(MAIL_SENDING_STALE_SECONDS=600):
        with django_capture_on_commit_callbacks(execute=True):
            outbox.sweep()  # requeued now, due now: not yet "lost"
        with django_capture_on_commit_callbacks(execute=True):
            outbox.sweep(now=timezone.now() + outbox.LOST_TASK_GRACE * 2)
    queued.refresh_from_db()
    assert queued.status == OutgoingMailStatus.SENT
    assert len(mail.outbox) == 1


def test_a_task_run_twice_sends_once(django_capture_on_commit_callbacks):
    queued = queue(django_capture_on_commit_callbacks)
    assert outbox.deliver(queued.pk) == OutgoingMailStatus.SENT
    assert len(mail.outbox) == 1


def test_staff_see_failed_mail_in_admin_and_families_and_moderators_do_not(
    client, superuser, make_staff, family_member, django_capture_on_commit_callbacks
):
    from portal import roles

    with override_settings(MAIL_MAX_ATTEMPTS=1), mail_server_down():
        queue(django_capture_on_commit_callbacks, kind="registration_promoted")
    client.force_login(superuser)
    listing = client.get(reverse("outgoing_mail:index"), {"status": "failed"})
    assert listing.status_code == 200
    page = listing.content.decode()
    assert "registration promoted" in page
    assert "ConnectionRefusedError" in page
    assert "A seat is yours." not in page  # the text is not shown in admin
    for account in (make_staff(roles.MODERATORS), family_member):
        client.force_login(account)
        assert client.get(reverse("outgoing_mail:index")).status_code in (302, 403)


def test_the_worker_runs_each_registered_job_and_survives_a_failing_one(caplog):
    ran = []
    worker.register("test: fails", lambda: 1 / 0)
    worker.register("test: counts", lambda: ran.append(1) or len(ran))
    try:
        done = worker.run_jobs()
    finally:
        worker._JOBS.pop("test: fails")
        worker._JOBS.pop("test: counts")
    assert done["test: counts"] == 1
    assert "test: fails" not in done
    assert "periodic job test: fails failed" in caplog.text
    assert {"mail recovery", "event reminders"} <= set(done)


def test_the_worker_command_refuses_to_run_without_the_database_backend():
    with pytest.raises(CommandError, match="TASKS_BACKEND is 'immediate'"):
        call_command("run_worker")


def test_a_family_s_mail_is_in_its_data_and_goes_with_its_account(
    family_member, make_staff, django_capture_on_commit_callbacks
):
    from portal import account_data, privacy, roles

    moderator = make_staff(roles.MODERATORS)
    queue(django_capture_on_commit_callbacks, to=[family_member.email.upper()])
    queue(
        django_capture_on_commit_callbacks,
        kind="crisis_alert",
        to=[moderator.email, family_member.email],
    )
    queue(django_capture_on_commit_callbacks, to=["someone.else@example.test"])
    exported = account_data.export_account_data(family_member)["email_sent_or_waiting"]
    assert [item["kind"] for item in exported] == ["test", "crisis_alert"]
    privacy.erase_account(family_member)
    remaining = sorted((mail.kind, mail.to) for mail in OutgoingMail.objects.all())
    assert remaining == [
        ("crisis_alert", [moderator.email]),
        ("test", ["someone.else@example.test"]),
    ]


def test_sent_and_failed_mail_are_forgotten_after_the_keeping_period(
    django_capture_on_commit_callbacks,
):
    sent = queue(django_capture_on_commit_callbacks)
    with override_settings(MAIL_MAX_ATTEMPTS=1), mail_server_down():
        failed = queue(django_capture_on_commit_callbacks)
    assert OutgoingMail.objects.get(pk=failed.pk).status == OutgoingMailStatus.FAILED
    with override_settings(MAIL_KEEP_SENT_DAYS=30):
        outbox.prune(now=timezone.now() + timedelta(days=29))
        assert set(OutgoingMail.objects.values_list("pk", flat=True)) == {sent.pk, failed.pk}
        outbox.prune(now=timezone.now() + timedelta(days=31))
    assert not OutgoingMail.objects.exists()


class RefusingBackend:
    """A mail server that answers 550 for the recipient (no such mailbox)."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        import smtplib

        raise smtplib.SMTPRecipientsRefused(
            {address: (550, b"5.1.1 no such user") for m in messages for address in m.to}
        )


def test_a_recipient_refused_for_good_fails_at_once_and_the_log_names_no_address(
    django_capture_on_commit_callbacks, caplog, monkeypatch
):
    monkeypatch.setattr("django.core.mail.get_connection", lambda *a, **k: RefusingBackend())
    with caplog.at_level(logging.WARNING, logger="portal.outbox"):
        queued = queue(django_capture_on_commit_callbacks)
    queued.refresh_from_db()
    assert (queued.status, queued.attempts) == (OutgoingMailStatus.FAILED, 1)
    assert "family@example.test" in queued.last_error  # for staff, in admin
    assert "SMTPRecipientsRefused [550]" in caplog.text
    assert "family@example.test" not in caplog.text


def test_every_mail_has_its_own_random_message_id_kept_across_attempts(
    django_capture_on_commit_callbacks,
):
    first = queue(django_capture_on_commit_callbacks)
    second = queue(django_capture_on_commit_callbacks)
    ids = [message.extra_headers["Message-ID"] for message in mail.outbox]
    assert ids == [f"<{first.message_id}@localhost>", f"<{second.message_id}@localhost>"]
    assert first.message_id != second.message_id


def test_a_failure_reported_after_another_worker_took_the_mail_over_changes_nothing(
    django_capture_on_commit_callbacks,
):
    queued = queue(django_capture_on_commit_callbacks)  # sent by "another worker"
    queued.refresh_from_db()
    assert outbox._failed(queued, OSError("late timeout")) is None
    queued.refresh_from_db()
    assert queued.status == OutgoingMailStatus.SENT


def test_only_administrators_see_outgoing_mail_whatever_a_group_is_given(
    client, make_staff, django_capture_on_commit_callbacks
):
    from django.contrib.auth.models import Permission

    from portal import roles

    with override_settings(MAIL_MAX_ATTEMPTS=1), mail_server_down():
        failed = queue(django_capture_on_commit_callbacks)

    moderator = make_staff(roles.MODERATORS)
    moderator.user_permissions.add(
        Permission.objects.get(codename="view_outgoingmail"),
        Permission.objects.get(codename="access_admin"),
    )
    client.force_login(moderator)
    assert client.get(reverse("outgoing_mail:index")).status_code in (302, 403)
    assert client.post(reverse("outgoing_mail:retry", args=[failed.pk])).status_code in (302, 403)
    failed.refresh_from_db()
    assert failed.status == OutgoingMailStatus.FAILED  # not tried again
    assert mail.outbox == []
