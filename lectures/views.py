"""Learn's own HTTP views (the pages themselves are served by Wagtail)."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from lectures import services
from lectures.models import Topic


@require_safe
def search(request):
    """/search/?q=...&topic=...: lectures, series and guides, with highlighted snippets."""
    context = services.search(request.GET)
    context["topics"] = list(Topic.objects.order_by("name"))
    context["learn_url"] = services.learn_index_url()
    return render(request, "lectures/search.html", context)


@require_safe
@cache_control(public=True, max_age=86400)
def robots_txt(request):
    """Allow the public site; keep crawlers out of the admin, accounts and search."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /accounts/",
        "Disallow: /my-account/",
        "Disallow: /search/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def serve_learning_page(request, path):
    """Wagtail's page view behind the shared response cache (see lectures.page_cache)."""
    from wagtail.views import serve

    from lectures import page_cache

    return page_cache.serve_cached(request, path, serve)
