"""Template tags of the Learn section, including the home page's Learn sections."""

from django import template
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from lectures import page_cache, services
from lectures.models import Audience, Topic

register = template.Library()


@register.simple_tag(takes_context=True)
def learn_home_sections(context):
    """Start-here guides, the current lecture series and the latest guides.

    Cached per content generation and language: publishing anything in Learn or Guides
    renders it afresh.
    """
    key = f"lectures:home-sections:{page_cache.content_generation()}:{get_language()}"
    html = cache.get(key)
    if html is None:
        html = render_to_string(
            "lectures/home_sections.html",
            {
                "start_here": services.start_here_guides(),
                "series": services.current_series(),
                "latest": services.latest_guides(),
                "guides_url": services.guide_index_url(),
            },
            request=context.get("request"),
        )
        cache.set(key, html, timeout=page_cache.FRAGMENT_TIMEOUT)
    return mark_safe(html)  # noqa: S308 - rendered by the template engine, autoescaped


@register.inclusion_tag("lectures/includes/breadcrumbs.html")
def learning_breadcrumbs(page):
    """Home › section › ... › this page, as an ordered list of links."""
    return {"page": page, "ancestors": list(page.get_ancestors().filter(depth__gte=2))}


@register.simple_tag(takes_context=True)
def learning_meta(context, page, og_type="article"):
    """Canonical URL and OpenGraph tags for a Learn page."""
    return render_to_string(
        "lectures/includes/meta.html",
        {"page": page, "og_type": og_type, "org": context.get("org")},
        request=context.get("request"),
    )


@register.inclusion_tag("lectures/includes/filter_form.html")
def learning_filter(action, active_topic, active_audience, with_audience=False, label=""):
    return {
        "action": action,
        "topics": list(Topic.objects.order_by("name")),
        "audiences": Audience.choices,
        "active_topic": active_topic,
        "active_audience": active_audience,
        "with_audience": with_audience,
        "label": label,
        "query": None,
    }


@register.simple_tag
def guide_index_link():
    from django.utils.html import format_html
    from django.utils.translation import gettext

    url = services.guide_index_url()
    return format_html(' · <a href="{}">{}</a>', url, gettext("All guides")) if url else ""


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with ``changes`` applied (empty values removed)."""
    request = context["request"]
    params = request.GET.copy()
    for key, value in changes.items():
        if value in ("", None):
            params.pop(key, None)
        else:
            params[key] = value
    return urlencode(sorted((key, params.getlist(key)) for key in params), doseq=True)
