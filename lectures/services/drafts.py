"""Unfinished drafts in Learn and Guides: pages saved (often by Wagtail's autosave, as soon
as a new page has a title) but never published.

An abandoned "Add guide" leaves such a draft behind, holding its slug. These functions let
the admin point an editor at it instead of only refusing the slug.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

DRAFTS_SHOWN = 3


def unfinished_drafts(parent, page_class, user):
    """Never-published pages of ``page_class`` directly under ``parent`` that ``user``
    created, the most recently saved first."""
    return (
        page_class.objects.child_of(parent)
        .filter(live=False, first_published_at__isnull=True, owner=user)
        .order_by("-latest_revision_created_at", "-pk")
    )


def unfinished_sibling_with_slug(parent, slug, instance):
    """The never-published page under ``parent`` that holds ``slug`` (other than
    ``instance``), or None."""
    siblings = parent.get_children().filter(slug=slug, live=False, first_published_at__isnull=True)
    if instance is not None and instance.pk:
        siblings = siblings.exclude(pk=instance.pk)
    return siblings.first()


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def _saved_at(page):
    saved = page.latest_revision_created_at
    return date_format(timezone.localtime(saved), "DATETIME_FORMAT") if saved else ""


def slug_taken_message(draft):
    """Why a slug is taken by an unfinished draft, and where that draft is."""
    return _(
        "An unpublished draft, “%(title)s” (last saved %(saved)s), already uses the slug "
        "“%(slug)s”. It may have been saved automatically when an earlier page was left "
        "unfinished. Continue that draft at %(url)s, or give this page another slug."
    ) % {
        "title": draft.get_admin_display_title(),
        "saved": _saved_at(draft),
        "slug": draft.slug,
        "url": edit_url(draft),
    }


def unfinished_draft_notice(draft):
    """What the "Add" screen says about an unfinished draft of the same kind."""
    return _(
        "You already started “%(title)s” here (last saved %(saved)s) and have not published "
        "it. Continue it instead of starting again: it keeps its address, and what was not "
        "saved yet (for a guide, often the body) still has to be filled in before you submit "
        "it for review."
    ) % {"title": draft.get_admin_display_title(), "saved": _saved_at(draft)}
