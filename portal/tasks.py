"""Background tasks of the core (django-tasks; the immediate backend in development)."""

from django.core.mail import EmailMultiAlternatives
from django_tasks import task


@task()
def send_email_message(*, subject, body, from_email, to, html_body=None):
    """Send one email. Arguments are plain strings so any task backend can carry them."""
    message = EmailMultiAlternatives(subject=subject, body=body, from_email=from_email, to=to)
    if html_body:
        message.attach_alternative(html_body, "text/html")
    message.send()
