"""allauth integration: mail goes through the task queue, never inline in a request."""

from dataclasses import dataclass

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.db import DatabaseError

from portal.models import OrganisationSettings
from portal.outbox import queue_mail


@dataclass(frozen=True)
class PortalSite:
    """What allauth's email templates call ``current_site``: the organisation's name and
    the host the person used."""

    name: str
    domain: str


def current_portal_site(request):
    try:
        name = OrganisationSettings.load().name
    except DatabaseError:
        name = ""
    domain = request.get_host() if request is not None else ""
    return PortalSite(name=name or domain, domain=domain)


class PortalAccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        request = allauth_context.request
        full_context = {
            "request": request,
            "email": email,
            "current_site": current_portal_site(request),
        }
        full_context.update(context)
        message = self.render_mail(template_prefix, email, full_context)
        html_body = None
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                html_body = content
        queue_mail(
            kind=f"account_{template_prefix.rsplit('/', 1)[-1]}",
            subject=message.subject,
            body=message.body,
            from_email=message.from_email,
            to=list(message.to),
            html_body=html_body,
        )
