"""Garbage in the calendar routes is a 404, never a server error, on SQLite and PostgreSQL
alike (PostgreSQL refuses to compare text holding NUL, so a NUL that reaches a query is a
500 there). What cannot be a feed token never reaches the feed look-up at all."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events import services

pytestmark = pytest.mark.django_db

GARBAGE_TOKENS = [
    "%00",
    "abc%00def",
    "%00" * 40,
    "%FF%FE",
    "%C0%AE%C0%AE",
    "%0A",
    "a%20b",
    "%F0%9F%98%80",
    "x" * 65,
    "x" * 5000,
    "..%2F..%2Fsettings",
    "tok'en",
]


@pytest.mark.parametrize("token", GARBAGE_TOKENS)
def test_garbage_in_the_feed_address_is_not_found_without_a_feed_look_up(token):
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(f"/events/calendar/{token}.ics")
    assert response.status_code == 404
    assert not [query for query in queries if "calendarfeed" in query["sql"].lower()]


def test_a_real_feed_still_answers_and_a_well_formed_unknown_token_is_not_found(
    family_member,
):
    feed = services.calendar_feed_for(family_member)
    client = Client()
    assert client.get(reverse("events:feed", args=[feed.token])).status_code == 200
    assert client.get("/events/calendar/" + "A" * 43 + ".ics").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/events/registrations/%00/calendar.ics",
        "/events/registrations/1%00/calendar.ics",
        "/events/%00/",
        "/events/cancel/%00/",
        "/%00/",
        "/learn/%00/",
    ],
)
def test_a_nul_character_anywhere_in_the_address_is_not_found(path, family_member):
    client = Client()
    client.force_login(family_member)
    assert client.get(path).status_code == 404
