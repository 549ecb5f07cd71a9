"""Site-shell template tags: crisis resources, organisation details, navigation."""

from django import template
from django.db import DatabaseError

from portal import navigation
from portal.models import DEFAULT_CRISIS_RESOURCES, CrisisResources, OrganisationSettings

register = template.Library()


def _fallback_crisis_resources():
    """The built-in resources, for pages rendered while the database is unavailable."""
    return {
        "heading": CrisisResources._meta.get_field("heading").default,
        "disclaimer": CrisisResources._meta.get_field("disclaimer").default,
        "resources": [value for _block_type, value in DEFAULT_CRISIS_RESOURCES],
    }


@register.inclusion_tag("portal/includes/crisis_resources.html")
def crisis_resources():
    """The crisis lines, on every page, even when the database is down (500 pages)."""
    try:
        setting = CrisisResources.load()
        data = {
            "heading": setting.heading,
            "disclaimer": setting.disclaimer,
            "resources": [block.value for block in setting.resources],
        }
    except DatabaseError:
        data = _fallback_crisis_resources()
    return data


@register.simple_tag
def organisation():
    """The organisation's name and contact details (an OrganisationSettings or None)."""
    try:
        return OrganisationSettings.load()
    except DatabaseError:
        return None


@register.inclusion_tag("portal/includes/main_navigation.html", takes_context=True)
def main_navigation(context):
    """The header links registered by the apps, ``aria-current="page"`` on the current
    section."""
    request = context.get("request")
    path = getattr(request, "path", "")
    links = []
    for label, url, prefixes in navigation.entries():
        current = path == url or any(
            prefix != "/" and path.startswith(prefix) for prefix in prefixes
        )
        links.append({"label": label, "url": url, "current": current})
    return {"links": links, "request": request, "user": context.get("user")}


@register.filter
def tel_href(number):
    """Digits (and a leading +) of a phone number, for a tel: or sms: link."""
    number = str(number or "")
    digits = "".join(ch for ch in number if ch.isdigit())
    return ("+" + digits) if number.strip().startswith("+") else digits
