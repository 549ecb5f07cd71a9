"""The header navigation, which each feature app joins from ``AppConfig.ready()``.

    navigation.register("learn", _("Learn"), url="lectures:index", order=10)
    navigation.register("learn", _("Learn"), url=lambda: LearnIndexPage.objects...url)

``url`` is a URL name or a callable returning a path (or None to hide the entry, e.g.
before the page exists). The planned order: Learn (10), Live Q&A (20), Peer rooms (30),
Groups & events (40). My account / Log in is always last and lives in base.html.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavEntry:
    key: str
    label: str
    url: str | Callable[[], str | None]
    order: int
    # Other path prefixes that belong to the same section (e.g. Learn also owns /guides/).
    also_current: tuple[str, ...] = ()


_entries: dict[str, NavEntry] = {}


def register(key, label, *, url, order=100, also_current=()):
    _entries[key] = NavEntry(key, label, url, order, tuple(also_current))


def entries():
    """``[(label, path, prefixes)]`` of the entries that currently have a page, in order;
    ``prefixes`` are the paths under which the entry is the current section."""
    result = []
    for entry in sorted(_entries.values(), key=lambda item: (item.order, item.key)):
        try:
            path = entry.url() if callable(entry.url) else reverse(entry.url)
        except NoReverseMatch:
            path = None
        if path:
            result.append((entry.label, path, (path, *entry.also_current)))
    return result
