"""Who is here, across processes: each process writes its own per-topic tally under a
cache key with a short lifetime and sums everybody's, once a second (see the hub)."""

import logging
import time

from django.core.cache import cache

from forums.live.broadcast import PROCESS_ID

PRESENCE_TTL = 15  # a process that stops refreshing drops out of the count after this

logger = logging.getLogger("forums.live")


def _presence_key(topic, process):
    return f"forums:presence:{topic}:{process}"


def _registry_key(topic):
    return f"forums:presence:{topic}:processes"


def exchange_presence(local, topics, *, process=PROCESS_ID):
    """Write this process's tallies, read every live process's, return totals per topic.

    ``local`` maps topic -> this process's tally (only topics that changed, or all on a
    heartbeat); ``topics`` are the topics this process has sockets for; ``process`` names
    this process (tests stand in for several).
    """
    now = time.time()
    for topic, tally in local.items():
        key = _presence_key(topic, process)
        registry = cache.get(_registry_key(topic)) or {}
        if tally["anonymous"] or tally["members"]:
            cache.set(key, tally, timeout=PRESENCE_TTL)
            if registry.get(process, 0) < now + PRESENCE_TTL / 2:
                registry = {p: t for p, t in registry.items() if t > now}
                registry[process] = now + PRESENCE_TTL
                cache.set(_registry_key(topic), registry, timeout=None)
        else:
            cache.delete(key)
            if process in registry:
                registry.pop(process)
                cache.set(_registry_key(topic), registry, timeout=None)
    if not topics:
        return {}
    registries = cache.get_many([_registry_key(topic) for topic in topics])
    wanted = {}
    for topic in topics:
        for process, expires in (registries.get(_registry_key(topic)) or {}).items():
            if expires > now:
                wanted[_presence_key(topic, process)] = topic
    tallies = cache.get_many(list(wanted))
    by_topic = {topic: [] for topic in topics}
    for key, tally in tallies.items():
        by_topic[wanted[key]].append(tally)
    return {topic: summarise_presence(found) for topic, found in by_topic.items()}


def summarise_presence(tallies):
    """People are counted once however many tabs they have open; visitors per socket."""
    members = {}
    anonymous = 0
    for tally in tallies:
        anonymous += tally.get("anonymous", 0)
        members.update(tally.get("members", {}))
    listed = sorted(
        ({"name": entry[0], "moderator": bool(entry[1])} for entry in members.values() if entry),
        key=lambda member: (not member["moderator"], member["name"].casefold()),
    )
    return {"count": anonymous + len(members), "members": listed}
