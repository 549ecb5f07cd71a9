"""Caching of published Learn and Guides pages.

Every published page's HTML depends on the published content of the whole section
(listings, related guides, series lectures), so one *content generation* number names
the current state of all of it. ``lectures.services.purge_published_pages`` moves to a
new generation whenever a page is published, unpublished, moved or deleted; nothing
cached under an older generation is read again.

Three layers use it:

- for visitors who are not logged in, the server keeps each page's whole response
  (``serve_cached``, routed in portal/urls.py before Wagtail's own view): a hit skips
  Wagtail's routing and rendering. The visitor's own CSRF token (the language form) is
  put into the stored HTML on the way out, so the cached copy is shared safely;
- the server keeps each page's rendered main content in the cache, keyed by page,
  generation, language and the page's normalised filters (``{% cache %}`` in the
  templates), for everyone else;
- the browser gets an ``ETag`` naming generation, page, language, account and CSRF
  cookie, and ``Cache-Control: private, no-cache``: it revalidates every time and gets
  ``304 Not Modified`` without any rendering while nothing changed. The response stays
  private because every page carries the visitor's own CSRF token (the language form).
"""

import hashlib
import re
import time

from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import quote_etag
from django.utils.translation import get_language

GENERATION_KEY = "lectures:content-generation"
FRAGMENT_TIMEOUT = 60 * 60  # seconds; a purge makes old entries unreachable sooner


def _fresh_generation():
    # Not 1: when the generation key is evicted (a full local-memory cache, Redis under
    # maxmemory), restarting the count would make pages stored under old generations,
    # from before a publish or unpublish, current again. Microseconds only grow.
    return time.time_ns() // 1000


def content_generation():
    """The current content generation (created on first use)."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, _fresh_generation(), timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation if generation is not None else _fresh_generation()


def next_generation():
    """Move to a new content generation, so every cached page is rendered afresh."""
    try:
        return cache.incr(GENERATION_KEY)
    except ValueError:  # not set yet, or evicted
        generation = _fresh_generation()
        cache.set(GENERATION_KEY, generation, timeout=None)
        return generation


def _etag(request, page, generation):
    parts = [
        str(generation),
        str(page.pk),
        str(page.last_published_at),
        get_language() or "",
        # "Next lecture" depends on today's date, not only on published content.
        str(timezone.localdate()),
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
            # A page behind a view restriction (its own or an ancestor's) reached this
            # point only because this visitor passed it (a password kept in their
            # session): its copy must never be handed to visitors who did not.
            request.lectures_page_may_be_stored = not self.get_view_restrictions().exists()
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


# --- whole responses for visitors who are not logged in ----------------------------

CSRF_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
CSRF_PLACEHOLDER = "lectures-csrf-token-placeholder"
LISTING_PARAMS = {"topic", "audience", "page"}
PARAM_VALUE = re.compile(r"^[a-z0-9_-]{0,80}$")
PAGE_NUMBER = re.compile(r"^[0-9]{1,4}$")


def _shows_requested_page(request, response):
    """Whether ``?page=N`` (if given) is the page shown: Django's paginator answers any
    number past the end with the last page, and those copies are not worth keeping."""
    requested = request.GET.get("page")
    if not requested:
        return True
    page_obj = (getattr(response, "context_data", None) or {}).get("page_obj")
    return page_obj is not None and str(page_obj.number) == requested


def _topic_slugs(generation):
    from lectures.models import Topic

    key = f"lectures:topic-slugs:{generation}"
    slugs = cache.get(key)
    if slugs is None:
        slugs = set(Topic.objects.values_list("slug", flat=True))
        cache.set(key, slugs, timeout=FRAGMENT_TIMEOUT)
    return slugs


def _response_key(request, generation):
    """The cache key for this request's whole response, or None when it must not be
    shared: logged-in visitors, pending messages, unusual query strings."""
    from lectures.models import Audience

    if request.method not in ("GET", "HEAD") or "messages" in request.COOKIES:
        return None
    if request.user.is_authenticated:
        return None
    params = request.GET
    if set(params) - LISTING_PARAMS or any(len(params.getlist(k)) > 1 for k in params):
        return None
    if not all(PARAM_VALUE.match(value) for value in params.values()):
        return None
    if params.get("page") and not PAGE_NUMBER.match(params["page"]):
        return None
    if params.get("topic") and params["topic"] not in _topic_slugs(generation):
        return None
    # Only values the pages know: every other one would be one more stored copy, and a
    # visitor could fill the shared cache with them.
    if params.get("audience") and params["audience"] not in Audience.values:
        return None
    query = "&".join(f"{k}={params[k]}" for k in sorted(params) if params[k])
    # The host picks the Wagtail site (two sites may both have /learn/); the date
    # picks the series' next lecture.
    raw = (
        f"{generation}|{get_language()}|{timezone.localdate()}|{request.get_host()}"
        f"|{request.path}|{query}"
    )
    return "lectures:response:" + hashlib.sha256(raw.encode()).hexdigest()


def _showed_messages(request):
    """Whether this response carries messages meant for this visitor alone. The
    ``messages`` cookie check in ``_response_key`` misses messages kept in the session
    (session storage, or the fallback storage's overflow)."""
    storage = getattr(request, "_messages", None)
    return storage is not None and len(storage) > 0


def serve_cached(request, path, serve):
    """Serve ``path`` from the whole-response cache, or with ``serve`` (Wagtail's view)
    and store the result when it is a published Learn page fit to share."""
    generation = content_generation()
    key = _response_key(request, generation)
    stored = cache.get(key) if key else None
    if stored is not None:
        etag = quote_etag(f"{stored['etag']}-{request.COOKIES.get('csrftoken', '')[:8]}")
        if _etag_matches(request, etag):
            response = HttpResponseNotModified()
        else:
            html = stored["html"].replace(CSRF_PLACEHOLDER, get_token(request))
            response = HttpResponse(html, content_type=stored["content_type"])
        response.headers["ETag"] = etag
        patch_cache_control(response, private=True, no_cache=True)
        patch_vary_headers(response, ["Cookie", "Accept-Language"])
        return response
    response = serve(request, path)
    if key and getattr(request, "lectures_page_may_be_stored", False):
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        if (
            response.status_code == 200
            and not _showed_messages(request)
            and _shows_requested_page(request, response)
        ):
            html = CSRF_INPUT.sub(rf"\g<1>{CSRF_PLACEHOLDER}\g<2>", response.content.decode())
            cache.set(
                key,
                {
                    "html": html,
                    "content_type": response["Content-Type"],
                    "etag": hashlib.sha256(html.encode()).hexdigest()[:32],
                },
                timeout=FRAGMENT_TIMEOUT,
            )
    return response
