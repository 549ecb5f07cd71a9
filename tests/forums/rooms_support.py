"""Helpers for the peer-room tests: rooms, members, moderators and socket clients."""

from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.utils import timezone

from forums.models import Room, RoomMembership

ORIGIN = (b"origin", b"http://localhost")


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


def session_cookie(user):
    engine = import_module(settings.SESSION_ENGINE)
    session = engine.SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
