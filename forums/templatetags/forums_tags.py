"""Template tags the home page uses to gather "what's next" without importing forums."""

from django import template

from forums.qa import services as qa

register = template.Library()


@register.inclusion_tag("forums/qa/live_sessions.html")
def live_sessions(limit=3):
    """Open sessions first, then the next scheduled ones."""
    open_sessions, upcoming, _archives = qa.listed_sessions()
    return {"sessions": (open_sessions + upcoming)[:limit]}
