"""Mail that is never lost: written with the change that causes it, sent by the worker.

:func:`queue_mail` writes an :class:`~portal.models.OutgoingMail` row in the caller's
transaction and schedules its delivery task (``portal.tasks.deliver_mail``). With the
database task backend (``TASKS_BACKEND=database``, the default) the task is a row in the
same transaction too: either the change, its mail and the task to send it are all
stored, or none is. With the immediate backend (the test suite) the task runs after the
commit, and a failed attempt waits for a worker's sweep.

:func:`deliver` sends one mail at most once per attempt: it claims the row (queued and
due → sending) with one conditional UPDATE, so two workers — or a task run twice —
cannot both send it. When the mail server fails, the mail waits 1, 2, 4 … minutes
(``MAIL_RETRY_BASE_SECONDS``, doubled each time, at most an hour) and is tried again, up
to ``MAIL_MAX_ATTEMPTS``; a refusal for good (a 5xx answer) fails it at once. A failed
mail is logged (never an address) and listed for administrators in admin with "Try
again". Once sent, its text is erased (account mail carries one-time links).

:func:`sweep` (the worker runs it every ``WORKER_TICK_SECONDS``) recovers what a killed
worker left: a mail left "being sent" longer than ``MAIL_SENDING_STALE_SECONDS`` is
queued again, and an overdue queued mail whose task is gone gets a new one.
"""

import logging
import smtplib
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from portal.models import OutgoingMail, OutgoingMailStatus

logger = logging.getLogger(__name__)

# A queued mail whose task has not run this long after it was due lost its task (the
# worker was killed, or the immediate backend could not defer a retry): the sweep
# gives it a new one.
LOST_TASK_GRACE = timedelta(seconds=30)
MAX_RETRY_DELAY = 3600.0


def queue_mail(*, kind, subject, body, to, html_body="", from_email=None, key=None, headers=None):
    """Store one email and schedule its delivery, in the current transaction.

    ``key`` makes the mail once-only: queuing a second mail with the same key does
    nothing and returns None (reminders: one per registration and kind)."""
    recipients = [address for address in to if address]
    if not recipients:
        return None
    fields = {
        "kind": kind,
        "to": recipients,
        "from_email": from_email or settings.DEFAULT_FROM_EMAIL,
        "subject": " ".join(str(subject).split())[:998],
        "body": body,
        "html_body": html_body or "",
        "headers": dict(headers or {}),
        "next_attempt_at": timezone.now(),
    }
    if key is not None:
        try:
            with transaction.atomic():
                mail = OutgoingMail.objects.create(key=key, **fields)
        except IntegrityError:
            return None  # already queued once
    else:
        mail = OutgoingMail.objects.create(**fields)
    _schedule(mail.pk)
    return mail


def _durable():
    from portal.tasks import deliver_mail

    return deliver_mail.get_backend().supports_defer


def _schedule(mail_id, run_after=None):
    """Enqueue the delivery task: in this transaction with a durable backend (its id is
    kept on the mail, so the sweep can tell a lost task from a waiting one); after the
    commit with the immediate one (which cannot defer: it is for the test suite)."""
    from portal.tasks import deliver_mail

    if _durable():
        task = deliver_mail.using(run_after=run_after) if run_after else deliver_mail
        result = task.enqueue(mail_id)
        OutgoingMail.objects.filter(pk=mail_id).update(task_id=str(result.id))
    elif run_after is None:
        transaction.on_commit(lambda: deliver_mail.enqueue(mail_id))


def retry_delay(attempts):
    """Seconds to wait after ``attempts`` failed attempts: 1, 2, 4 … times the base."""
    return min(settings.MAIL_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0), MAX_RETRY_DELAY)


def _message(mail):
    domain = urlsplit(settings.PUBLIC_BASE_URL).hostname or "localhost"
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.body,
        from_email=mail.from_email,
        to=list(mail.to),
        # The same id on every attempt: a mail client shows a rare repeat once.
        headers={**mail.headers, "Message-ID": f"<{mail.message_id}@{domain}>"},
    )
    if mail.html_body:
        message.attach_alternative(mail.html_body, "text/html")
    return message


def deliver(mail_id, now=None):
    """Send the mail ``mail_id`` if it is queued and due; returns its status after."""
    now = now or timezone.now()
    claimed = OutgoingMail.objects.filter(
        pk=mail_id, status=OutgoingMailStatus.QUEUED, next_attempt_at__lte=now
    ).update(status=OutgoingMailStatus.SENDING, attempts=F("attempts") + 1, attempted_at=now)
    if not claimed:
        status = OutgoingMail.objects.filter(pk=mail_id).values_list("status", flat=True)
        return status.first()
    mail = OutgoingMail.objects.get(pk=mail_id)
    try:
        _message(mail).send()
    except Exception as error:  # noqa: BLE001 - any failure of the mail server or network
        return _failed(mail, error)
    OutgoingMail.objects.filter(pk=mail_id, status=OutgoingMailStatus.SENDING).update(
        status=OutgoingMailStatus.SENT,
        sent_at=timezone.now(),
        body="",
        html_body="",
        last_error="",
    )
    return OutgoingMailStatus.SENT


def permanent(error):
    """True when the mail server refused the mail for good (a 5xx answer: no such
    recipient, a rejected sender or message); trying again cannot help."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    code = getattr(error, "smtp_code", None)
    return isinstance(code, int) and code >= 500


def _log_reason(error):
    """What the log says: the kind of error and the server's code, never an address
    (the full text, which may name one, stays on the row for staff)."""
    code = getattr(error, "smtp_code", None)
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code = sorted({code for code, _message in error.recipients.values()})
    return f"{type(error).__name__}{f' {code}' if code else ''}"


def _failed(mail, error):
    reason = f"{type(error).__name__}: {error}"[:2000]
    logged = _log_reason(error)
    with transaction.atomic():
        # Only while this attempt still holds the mail: if the sweep handed it to another
        # worker meanwhile, that one decides.
        mine = OutgoingMail.objects.filter(pk=mail.pk, status=OutgoingMailStatus.SENDING)
        if permanent(error) or mail.attempts >= settings.MAIL_MAX_ATTEMPTS:
            if mine.update(status=OutgoingMailStatus.FAILED, last_error=reason):
                logger.error(
                    "mail %s (%s) failed after %d attempt(s): %s",
                    mail.pk,
                    mail.kind,
                    mail.attempts,
                    logged,
                )
            return OutgoingMailStatus.FAILED
        run_after = timezone.now() + timedelta(seconds=retry_delay(mail.attempts))
        if not mine.update(
            status=OutgoingMailStatus.QUEUED, last_error=reason, next_attempt_at=run_after
        ):
            return None
        _schedule(mail.pk, run_after)
    logger.warning(
        "mail %s (%s) attempt %d failed, next at %s: %s",
        mail.pk,
        mail.kind,
        mail.attempts,
        run_after.isoformat(timespec="seconds"),
        logged,
    )
    return OutgoingMailStatus.QUEUED


def _task_waiting(task_id):
    """True while the delivery task ``task_id`` is still to run (or running)."""
    if not task_id or not _durable():
        return False
    from django_tasks_db.models import DBTaskResult

    return (
        DBTaskResult.objects.filter(id=task_id, status__in=["READY", "RUNNING"])
        .exclude(status="RUNNING", started_at__lt=timezone.now() - _stale())
        .exists()
    )


def _stale():
    return timedelta(seconds=settings.MAIL_SENDING_STALE_SECONDS)


def sweep(now=None):
    """Recover mail a killed worker left behind; returns how many got a new task.

    A mail left "being sent" longer than ``MAIL_SENDING_STALE_SECONDS`` is queued again;
    a queued mail overdue by ``LOST_TASK_GRACE`` whose task is gone (not waiting in the
    queue: a backlog is not a loss) gets a new task."""
    now = now or timezone.now()
    due = min(now, timezone.now())  # "due now" by the clock the delivery task reads
    half_sent = OutgoingMail.objects.filter(
        status=OutgoingMailStatus.SENDING, attempted_at__lt=now - _stale()
    ).values_list("pk", "task_id")
    overdue = OutgoingMail.objects.filter(
        status=OutgoingMailStatus.QUEUED, next_attempt_at__lte=now - LOST_TASK_GRACE
    ).values_list("pk", "task_id")
    lost = [
        (OutgoingMailStatus.QUEUED, mail_id)
        for mail_id, task_id in overdue
        if not _task_waiting(task_id)
    ]
    count = 0
    for status, mail_id in [(OutgoingMailStatus.SENDING, pk) for pk, _task in half_sent] + lost:
        with transaction.atomic():
            # Due now, so that the new task (or a late old one) may claim it.
            if OutgoingMail.objects.filter(pk=mail_id, status=status).update(
                status=OutgoingMailStatus.QUEUED, next_attempt_at=due
            ):
                _schedule(mail_id)
                count += 1
    return count


def retry(mail_ids):
    """Staff's "Try again" on failed mail: queue each once more, from the first attempt."""
    count = 0
    for mail_id in mail_ids:
        with transaction.atomic():
            if OutgoingMail.objects.filter(pk=mail_id, status=OutgoingMailStatus.FAILED).update(
                status=OutgoingMailStatus.QUEUED, attempts=0, next_attempt_at=timezone.now()
            ):
                _schedule(mail_id)
                count += 1
    return count


def prune(now=None):
    """Forget sent and failed mail after ``MAIL_KEEP_SENT_DAYS`` (who got what, when),
    and finished task rows after a day."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    kept = now - timedelta(days=settings.MAIL_KEEP_SENT_DAYS)
    OutgoingMail.objects.filter(status=OutgoingMailStatus.SENT, sent_at__lt=kept).delete()
    # Failed mail waits as long for "Try again", then goes too (account mail in it
    # carries one-time links).
    OutgoingMail.objects.filter(status=OutgoingMailStatus.FAILED, attempted_at__lt=kept).delete()
    DBTaskResult.objects.finished().filter(finished_at__lt=now - timedelta(days=1)).delete()
