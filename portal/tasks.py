"""Background tasks of the core (django-tasks: the database backend and ``run_worker``;
the immediate backend in the test suite)."""

from django_tasks import task


@task()
def deliver_mail(mail_id):
    """Send one queued email (``portal.outbox``); returns its status after the attempt."""
    from portal import outbox

    return outbox.deliver(mail_id)
