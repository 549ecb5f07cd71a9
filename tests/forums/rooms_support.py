"""Helpers for the peer-room tests: rooms, members, moderators and socket clients.

Session cookies and the Origin header come from ``tests.sessions`` and
``tests.sockets``; the names here are kept for the tests that import them.
"""

from django.utils import timezone

from forums.models import Room, RoomMembership
from tests.sessions import session_cookie
from tests.sockets import ORIGIN

__all__ = ["ORIGIN", "join", "make_room", "session_cookie"]


def make_room(slug="parents", **fields):
    values = {"name": slug.title(), "guidelines": "<p>Be kind.</p>"} | fields
    return Room.objects.create(slug=slug, **values)


def join(room, user, **fields):
    membership, _ = RoomMembership.objects.get_or_create(room=room, account=user)
    membership.guidelines_accepted_at = timezone.now()
    for name, value in fields.items():
        setattr(membership, name, value)
    membership.save()
    return membership
