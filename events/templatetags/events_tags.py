"""Template tags other pages use to show what's next (the home page's section)."""

from django import template

from events import views

register = template.Library()


@register.inclusion_tag("events/upcoming_events.html")
def upcoming_events(limit=3):
    """The next few sessions with their seat availability (never who signed up)."""
    return {"events": views.upcoming_events(limit=limit)}
