"""Learn's domain operations: listings, search, structured data, review dates and the
published-page cache. Views, templates and hooks call these; nothing else queries
across the section. Clinical review (approval, the review stamp, what may be published)
is in ``clinical_review``, unfinished drafts in ``drafts``.

Every listing runs a fixed number of queries whatever the number of items: pages are
fetched per type with their topics prefetched, never one by one.
"""

import json
import re
from html import unescape

from django import forms
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, OuterRef, Prefetch, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from lectures import page_cache
from lectures.models import (
    Audience,
    GuideIndexPage,
    GuidePage,
    LearnIndexPage,
    LecturePage,
    LectureSeriesPage,
    Speaker,
    Topic,
)

PAGE_SIZE = 12
SERIES_PAGE_SIZE = 25
SEARCH_PAGE_SIZE = 10
MAX_QUERY_LENGTH = 200
SNIPPET_WORDS = 30
SEARCHABLE_TYPES = (GuidePage, LecturePage, LectureSeriesPage)
# The page types with a clinical review stamp (lectures.models.ClinicalReviewStamp).
REVIEWED_TYPES = (GuidePage, LecturePage)


class LearningFilterForm(forms.Form):
    """The topic / audience filter. Unknown values are ignored, never an error page."""

    topic = forms.ModelChoiceField(
        queryset=Topic.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All topics"),
        label=_("Topic"),
    )
    audience = forms.ChoiceField(
        choices=[("", _("Everyone"))] + list(Audience.choices), required=False, label=_("For")
    )


def _clean_filters(params):
    """``(form, topic or None, audience or "")`` from a query dict, dropping bad values."""
    form = LearningFilterForm(params)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    topic = data.get("topic") if "topic" not in form.errors else None
    audience = data.get("audience", "") if "audience" not in form.errors else ""
    return form, topic, audience


def _live_guides():
    return GuidePage.objects.live().public()


def _live_series():
    return LectureSeriesPage.objects.live().public()


def _with_topics(queryset):
    return queryset.prefetch_related(Prefetch("topics", queryset=Topic.objects.order_by("name")))


def _filter(queryset, topic, audience):
    if topic is not None:
        queryset = queryset.filter(topics=topic)
    if audience:
        # "All families" content is for everyone, so it stays in every audience's list.
        queryset = queryset.filter(audience__in=[audience, Audience.ALL])
    return queryset


def _paginate(queryset, params, per_page):
    return Paginator(queryset, per_page).get_page(params.get("page"))


def _variant(topic, audience, page_obj):
    return f"t={topic.slug if topic else ''}|a={audience}|p={page_obj.number}"


def learn_listing(params):
    """The Learn index: lecture series then guides, filtered and paginated.

    One paginated list over both page types, so "page 2" means the same thing whatever
    the filter. Returns the template context (form, page_obj, items, cache variant).
    """
    form, topic, audience = _clean_filters(params)
    series_ids = _filter(_live_series(), topic, audience).values("pk")
    guide_ids = _filter(_live_guides(), topic, audience).values("pk")
    combined = (
        Page.objects.filter(Q(pk__in=series_ids) | Q(pk__in=guide_ids))
        .annotate(
            kind_order=Case(
                When(pk__in=series_ids, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("kind_order", "title", "pk")
        .values_list("pk", flat=True)
    )
    page_obj = _paginate(combined, params, PAGE_SIZE)
    ids = list(page_obj.object_list)
    by_id = {}
    for model in (LectureSeriesPage, GuidePage):
        for item in _with_topics(model.objects.filter(pk__in=ids)):
            by_id[item.pk] = item
    return {
        "filter_form": form,
        "active_topic": topic,
        "active_audience": audience,
        "page_obj": page_obj,
        "items": [by_id[pk] for pk in ids if pk in by_id],
        "cache_variant": _variant(topic, audience, page_obj),
    }


def guide_listing(params):
    """The Guides index: live guides, filtered by topic and audience, paginated."""
    form, topic, audience = _clean_filters(params)
    guides = _with_topics(_filter(_live_guides(), topic, audience).order_by("title", "pk"))
    page_obj = _paginate(guides, params, PAGE_SIZE)
    return {
        "filter_form": form,
        "active_topic": topic,
        "active_audience": audience,
        "page_obj": page_obj,
        "items": list(page_obj.object_list),
        "cache_variant": _variant(topic, audience, page_obj),
    }


def series_lectures(series, params):
    """The series' live lectures in editor order, paginated, with their speakers."""
    lectures = (
        LecturePage.objects.child_of(series)
        .live()
        .public()
        .order_by("path")
        .prefetch_related(Prefetch("speakers", queryset=Speaker.objects.order_by("name")))
    )
    page_obj = _paginate(lectures, params, SERIES_PAGE_SIZE)
    return {
        "page_obj": page_obj,
        "lectures": list(page_obj.object_list),
        "next_lecture": next_lecture(series),
        "cache_variant": f"p={page_obj.number}",
    }


def next_lecture(series, today=None):
    """The series' first live lecture dated today or later, if any."""
    today = today or timezone.localdate()
    return (
        LecturePage.objects.child_of(series)
        .live()
        .public()
        .filter(date_presented__gte=today)
        .order_by("date_presented", "path")
        .first()
    )


def faq_json_ld(entries):
    """schema.org ``FAQPage`` JSON-LD for ``[(question, answer_text)]``, safe to place in a
    ``<script type="application/ld+json">`` (no ``<``, ``>`` or ``&`` left unescaped)."""
    if not entries:
        return ""
    data = {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": [
            {
                "@type": "Question",
                "name": question,
                "acceptedAnswer": {"@type": "Answer", "text": answer},
            }
            for question, answer in entries
        ],
    }
    text = json.dumps(data, ensure_ascii=False)
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, code)
    return mark_safe(text)  # noqa: S308 - escaped above for the script context


def with_title_levels(stream_value):
    """``[(block, level)]``: the heading level for each block's own title, so headings
    never skip a level. A checklist or steps title is an <h3> under a section heading,
    and an <h2> when no section heading comes before it."""
    section_started = False
    blocks = []
    for block in stream_value:
        if block.block_type in ("heading", "faq", "related"):
            section_started = True
            blocks.append((block, 2))
        else:
            blocks.append((block, 3 if section_started else 2))
    return blocks


# --- search -----------------------------------------------------------------------


def _clean_query(raw):
    """The query as typed, without control characters (e.g. %00), trimmed to a limit."""
    text = "".join(ch for ch in (raw or "") if ch.isprintable())
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


def highlight(text, query, words=SNIPPET_WORDS):
    """An escaped excerpt of ``text`` around the first query term, terms in ``<mark>``."""
    # strip_tags leaves entities (&amp;) behind: unescape them, or escape() doubles them.
    tokens = unescape(strip_tags(text or "")).split()
    if not tokens:
        return ""
    terms = [re.escape(term) for term in re.findall(r"\w+", query) if len(term) > 1]
    pattern = re.compile("(" + "|".join(terms) + ")", re.IGNORECASE) if terms else None
    start = 0
    if pattern is not None:
        for position, token in enumerate(tokens):
            if pattern.search(token):
                start = max(0, position - words // 3)
                break
    excerpt = " ".join(tokens[start : start + words])
    pieces = pattern.split(excerpt) if pattern is not None else [excerpt]
    # split() with one group alternates: text, match, text, match, ...
    html = "".join(
        f"<mark>{escape(piece)}</mark>" if index % 2 else escape(piece)
        for index, piece in enumerate(pieces)
    )
    prefix = "… " if start > 0 else ""
    suffix = " …" if start + words < len(tokens) else ""
    return mark_safe(prefix + html + suffix)  # noqa: S308 - every piece is escaped


def _search_text(page):
    if isinstance(page, GuidePage):
        from lectures.blocks import plain_text

        return f"{page.summary} {plain_text(page.body)}"
    if isinstance(page, LecturePage):
        return f"{page.summary} {strip_tags(page.body)} {strip_tags(page.transcript)}"
    return f"{page.summary} {strip_tags(getattr(page, 'intro', ''))}"


def search(params):
    """Live, public lectures, series and guides matching ``q``, optionally in one topic.

    Uses Wagtail search (its database backend: SQLite FTS5, or PostgreSQL full text on
    PostgreSQL). Returns the template context with highlighted snippets per result.
    """
    query = _clean_query(params.get("q"))
    form, topic, _audience = _clean_filters({"topic": params.get("topic", "")})
    context = {"query": query, "filter_form": form, "active_topic": topic, "results": []}
    if not query:
        context["page_obj"] = None
        return context
    pages = Page.objects.live().public().type(*SEARCHABLE_TYPES)
    if topic is not None:
        pages = pages.filter(pk__in=_pages_in_topic(topic))
    # Only the words go to the backend: quotes, brackets and the like are query syntax
    # to SQLite FTS5 and PostgreSQL, not something a family member means to type.
    words = " ".join(re.findall(r"\w+", query))
    if not words:
        context["page_obj"] = _paginate([], params, SEARCH_PAGE_SIZE)
        return context
    # One search over every type, so the backend ranks them together (title boosted).
    page_obj = _paginate(pages.search(words, operator="and"), params, SEARCH_PAGE_SIZE)
    context["page_obj"] = page_obj
    context["results"] = [
        {"page": page, "snippet": highlight(_search_text(page), query)}
        for page in _specific_in_order([page.pk for page in page_obj.object_list])
    ]
    return context


def _pages_in_topic(topic):
    ids = []
    for model in SEARCHABLE_TYPES:
        ids.extend(model.objects.filter(topics=topic).values_list("pk", flat=True))
    return ids


def _specific_in_order(ids):
    """The specific pages for ``ids`` in that order: one query per page type."""
    by_id = {}
    for model in SEARCHABLE_TYPES:
        for page in model.objects.filter(pk__in=ids):
            by_id[page.pk] = page
    return [by_id[pk] for pk in ids if pk in by_id]


# --- review dates, home page sections, cache --------------------------------------


def pages_due_for_review(today=None):
    """Guides and lectures (live or draft) whose next review date has passed, most overdue
    first, as their specific pages (one query per page type)."""
    today = today or timezone.localdate()
    due = Coalesce(
        *(
            Subquery(model.objects.filter(pk=OuterRef("pk")).values("next_review_due")[:1])
            for model in REVIEWED_TYPES
        )
    )
    return (
        Page.objects.annotate(review_due=due)
        .filter(review_due__lte=today)  # due today is due: publishing it is refused today
        .order_by("review_due", "pk")
        .specific()
    )


def start_here_guides(limit=4):
    return list(_live_guides().filter(start_here=True).order_by("title")[:limit])


def latest_guides(limit=4):
    return list(_live_guides().order_by("-first_published_at", "-pk")[:limit])


def current_series():
    """The series with the next upcoming lecture, else the most recently published."""
    today = timezone.localdate()
    upcoming = (
        LecturePage.objects.live()
        .public()
        .filter(date_presented__gte=today)
        .order_by("date_presented", "path")
        .first()
    )
    if upcoming is not None:
        series = _live_series().filter(path=upcoming.path[: -Page.steplen]).first()
        if series is not None:
            return series
    return _live_series().order_by("-first_published_at", "-pk").first()


def learn_index_url():
    """The Learn section's path, or None before it exists (hides the nav entry)."""
    from django.core.cache import cache

    key = f"lectures:learn-url:{page_cache.content_generation()}"
    url = cache.get(key)
    if url is None:
        page = LearnIndexPage.objects.live().first()
        url = (page.url or "") if page else ""
        cache.set(key, url, timeout=page_cache.FRAGMENT_TIMEOUT)
    return url or None


def guide_index_url():
    page = GuideIndexPage.objects.live().first()
    return page.url if page else None


def purge_published_pages(**_signal_kwargs):
    """Forget every cached Learn and Guides page (a page was published, unpublished,
    moved or deleted). Runs after the commit, when the new state is visible."""
    page_cache.next_generation()
