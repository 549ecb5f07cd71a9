"""Template tags for the second sign-in step's pages (templates/mfa/)."""

from django import template
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from portal import mfa

register = template.Library()


@register.simple_tag(takes_context=True)
def second_step_standing(context):
    """``(required, present)`` for the reader (``portal.mfa.mfa_standing``)."""
    request = context.get("request")
    if request is None:
        return (False, False)
    return mfa.mfa_standing(request.user)


@register.simple_tag(takes_context=True)
def continue_after_second_step(context):
    """Where to go once the second step is set up: the page the reader was sent away
    from (kept by ``StaffSecondFactorMiddleware``), else the admin for staff, else My
    account."""
    request = context.get("request")
    if request is None:
        return reverse("portal:account")
    kept = request.session.get(mfa.NEXT_SESSION_KEY, "")
    if kept and url_has_allowed_host_and_scheme(
        kept, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return kept
    if request.user.has_perm("wagtailadmin.access_admin"):
        return reverse("wagtailadmin_home")
    return reverse("portal:account")
