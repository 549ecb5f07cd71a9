"""Caching of published Learn and Guides pages.

Every published page's HTML depends on the published content of the whole section
(listings, related guides, series lectures), so one *content generation* number names
the current state of all of it. ``lectures.services.purge_published_pages`` moves to a
new generation whenever a page is published, unpublished, moved or deleted; nothing
cached under an older generation is read again.

Two layers use it:

- the server keeps each page's rendered main content in the cache, keyed by page,
  generation, language and the page's normalised filters (``{% cache %}`` in the
  templates, see ``fragment_cache_key``);
- the browser gets an ``ETag`` naming generation, page, language, account and CSRF
  cookie, and ``Cache-Control: private, no-cache``: it revalidates every time and gets
  ``304 Not Modified`` without any rendering while nothing changed. The response stays
  private because every page carries the visitor's own CSRF token (the language form).
"""

import hashlib

from django.core.cache import cache
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import quote_etag
from django.utils.translation import get_language

GENERATION_KEY = "lectures:content-generation"
FRAGMENT_TIMEOUT = 60 * 60  # seconds; a purge makes old entries unreachable sooner


def content_generation():
    """The current content generation (created on first use)."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        generation = cache.get(GENERATION_KEY, 1)
    return generation


def next_generation():
    """Move to a new content generation, so every cached page is rendered afresh."""
    try:
        return cache.incr(GENERATION_KEY)
    except ValueError:  # not set yet, or evicted
        cache.set(GENERATION_KEY, 2, timeout=None)
        return 2


def _etag(request, page, generation):
    parts = [
        str(generation),
        str(page.pk),
        str(page.last_published_at),
        get_language() or "",
        str(request.user.pk or "") if hasattr(request, "user") else "",
        request.COOKIES.get("csrftoken", ""),
        request.get_full_path(),
    ]
    return quote_etag(hashlib.sha256("|".join(parts).encode()).hexdigest()[:32])


def _etag_matches(request, etag):
    header = request.headers.get("If-None-Match", "")
    return etag in {tag.strip() for tag in header.split(",")} or header.strip() == "*"


class CachedPageMixin:
    """Serve a published page with an ETag, answering 304 when the browser's copy is
    current, and give its templates the content generation for fragment caching."""

    def serve(self, request, *args, **kwargs):
        from django.http import HttpResponseNotModified

        cacheable = request.method in ("GET", "HEAD") and not getattr(request, "is_preview", False)
        if not cacheable:
            return super().serve(request, *args, **kwargs)
        generation = content_generation()
        etag = _etag(request, self, generation)
        if _etag_matches(request, etag):
            response = HttpResponseNotModified()
        else:
            request.lectures_content_generation = generation
            response = super().serve(request, *args, **kwargs)
        if response.status_code in (200, 304):
            response.headers["ETag"] = etag
            patch_cache_control(response, private=True, no_cache=True)
            patch_vary_headers(response, ["Cookie", "Accept-Language"])
        return response

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        generation = getattr(request, "lectures_content_generation", None)
        # Previews (and anything not served through serve()) never touch the cache.
        context["fragment_cache_seconds"] = FRAGMENT_TIMEOUT if generation is not None else 0
        context["content_generation"] = generation if generation is not None else "preview"
        return context
