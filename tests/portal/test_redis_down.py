"""Redis down: degrade, don't die.

The settings are the portal's own, read with ``REDIS_URL`` pointing at a port where
nothing listens (``redis://127.0.0.1:1/0``): pages still render (a cache that cannot be
reached is a cache that misses), rate limits refuse what they cannot count (crisis text
is still taken), and a live socket hears that live updates are unavailable and is closed
with the code the page answers by retrying later.
"""

import logging
import runpy
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.core.cache import cache
from django.test import Client, override_settings

from forums.live import protocol, ratelimit
from forums.live.consumer import CLOSE_UNAVAILABLE
from forums.live.errors import ServiceError
from forums.models import Question
from forums.qa import services as qa
from portal import redis_outage
from tests.forums.qa_support import make_member, make_session

CLOSED_PORT = "redis://127.0.0.1:1/0"
CRISIS = "I can't do this anymore. I have the pills counted out for tonight."


def portal_settings_with(monkeypatch, **environment):
    """The cache and channel-layer settings the portal builds from ``environment``."""
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    values = runpy.run_path(str(Path(settings.BASE_DIR) / "portal" / "settings.py"))
    return {"CACHES": values["CACHES"], "CHANNEL_LAYERS": values["CHANNEL_LAYERS"]}


@pytest.fixture
def redis_down(monkeypatch):
    """The portal's settings with REDIS_URL at a closed port, applied for one test."""
    # Each test starts with no memory of an earlier outage (nor of its last warning).
    monkeypatch.setattr(redis_outage, "_outages", {})
    with override_settings(**portal_settings_with(monkeypatch, REDIS_URL=CLOSED_PORT)):
        yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Overrides the suite's fixture: with Redis down there are no counters to forget."""
    yield


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def monotonic(self):
        return self.now


# --- pages ------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/events/", "/qa/", "/rooms/", "/accounts/login/"])
@pytest.mark.parametrize("language", ["en", "es"])
def test_pages_render_while_redis_is_down(redis_down, path, language):
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get(path, follow=True)
    assert response.status_code == 200
    assert b"988" in response.content  # the crisis resources, on every page


@pytest.mark.django_db
def test_a_logged_in_family_member_gets_pages_while_redis_is_down(redis_down, family_member):
    client = Client()
    client.force_login(family_member)
    for path in ("/", "/events/", "/my-account/"):
        assert client.get(path, follow=True).status_code == 200, path


@pytest.mark.django_db
def test_the_cache_is_tried_again_after_a_pause_and_the_outage_logged_once_a_minute(
    redis_down, monkeypatch, caplog
):
    clock = FakeClock()
    monkeypatch.setattr(redis_outage.time, "monotonic", clock.monotonic)
    tries = []
    real_get = redis_outage.RedisCache.get

    def counted_get(self, *args, **kwargs):
        tries.append(clock.now)
        return real_get(self, *args, **kwargs)

    monkeypatch.setattr(redis_outage.RedisCache, "get", counted_get)
    caplog.set_level(logging.WARNING, logger="portal.redis")

    assert cache.get("anything", "missed") == "missed"
    assert cache.get("anything", "missed") == "missed"  # not asked: it just failed
    clock.now += redis_outage.RETRY_SECONDS + 1
    assert cache.get("anything") is None  # asked again, failed again
    assert len(tries) == 2
    clock.now += redis_outage.WARNING_INTERVAL_SECONDS - redis_outage.RETRY_SECONDS - 2
    cache.get("anything")
    warnings = [record for record in caplog.records if record.name == "portal.redis"]
    assert len(warnings) == 1
    assert CLOSED_PORT not in warnings[0].getMessage()  # no address (it may hold a password)
    clock.now += redis_outage.WARNING_INTERVAL_SECONDS
    cache.get("anything")
    assert len([record for record in caplog.records if record.name == "portal.redis"]) == 2


def test_writes_are_dropped_and_a_missing_counter_is_a_missing_key(redis_down):
    assert cache.add("counter", 0) is False
    assert cache.set("counter", 1) is None
    assert cache.get_many(["counter"]) == {}
    with pytest.raises(ValueError):
        cache.incr("counter")
    assert cache.get_or_set("computed", 42) == 42


# --- rate limits: refused when they cannot be counted; crisis text still taken -----------
def test_a_rate_limit_that_cannot_be_counted_refuses_as_unavailable(redis_down):
    with pytest.raises(ServiceError) as refused:
        ratelimit.take("test.act", 1, limit=100, period=60)
    assert refused.value.code == protocol.UNAVAILABLE
    assert refused.value.retry_after and refused.value.retry_after > 0
    assert "try again" in refused.value.message


@pytest.mark.django_db
def test_an_ordinary_question_is_refused_but_crisis_text_is_taken_while_redis_is_down(
    redis_down,
):
    session = make_session()
    family = make_member("Hopeful Aunt")
    with pytest.raises(ServiceError) as refused:
        qa.ask_question(session.pk, family, "How do we talk about relapse?")
    assert refused.value.code == protocol.UNAVAILABLE
    assert not Question.objects.exists()

    question, verdict, _created = qa.ask_question(session.pk, family, CRISIS)
    assert question.urgent and question.state == Question.State.PENDING
    assert "988" in verdict.explanation


# --- live sockets -----------------------------------------------------------------------
def login_headers(user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    return [(b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode())]


async def open_qa_socket(slug, user=None):
    from portal.application import application

    headers = [(b"origin", b"http://localhost"), (b"host", b"localhost")]
    if user is not None:
        headers += await sync_to_async(login_headers)(user)
    communicator = WebsocketCommunicator(application, f"/ws/qa/{slug}/", headers=headers)
    connected, _ = await communicator.connect()
    assert connected
    return communicator


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
async def test_a_socket_hears_live_updates_are_unavailable_and_is_closed_to_retry(redis_down):
    session = await sync_to_async(make_session)()
    family = await sync_to_async(make_member)("Hopeful Aunt")
    communicator = await open_qa_socket(session.slug, family)
    error = await communicator.receive_json_from(timeout=5)
    assert error["type"] == "error" and error["code"] == protocol.UNAVAILABLE
    assert error["message"].startswith("Live updates are unavailable right now")
    closed = await communicator.receive_output(timeout=5)
    assert closed["type"] == "websocket.close"
    assert closed["code"] == CLOSE_UNAVAILABLE
    await communicator.wait()
