"""Room pages and the moderators' pages are one person's: no browser or proxy keeps a
copy (``Cache-Control: no-store``, like /my-account/)."""

import pytest
from django.urls import reverse

from forums.rooms import services as service
from portal import roles
from tests.forums.rooms_support import join, make_room

pytestmark = pytest.mark.django_db


@pytest.fixture
def room():
    return make_room()


@pytest.fixture
def member(make_family_member, room):
    user = make_family_member(display_name="Hopeful Mom")
    join(room, user)
    return user


@pytest.fixture
def moderator(make_staff, room):
    """A moderator of ``room``: the Moderators role, and one of the room's leads."""
    lead = make_staff(roles.MODERATORS)
    room.moderators.add(lead)
    return lead


def assert_no_store(response):
    assert "no-store" in response["Cache-Control"], response["Cache-Control"]


@pytest.mark.parametrize(
    ("name", "args"), [("forums:rooms", []), ("forums:room", ["parents"])], ids=str
)
def test_a_members_room_pages_are_not_stored(client, member, room, name, args):
    client.force_login(member)
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    assert_no_store(response)


def test_accepting_the_guidelines_is_not_stored(client, make_family_member, room):
    client.force_login(make_family_member())
    response = client.post(reverse("forums:room_accept", args=[room.slug]))
    assert response.status_code == 302
    assert_no_store(response)


@pytest.mark.parametrize("name", ["forums:queue", "forums:moderation_log"])
def test_the_moderators_pages_are_not_stored(client, moderator, name):
    client.force_login(moderator)
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert_no_store(response)


def test_the_review_answer_is_not_stored(client, moderator, member, room):
    held, _ = service.send_message(room, member, body="Call me on 555-201-3344")
    client.force_login(moderator)
    response = client.post(reverse("forums:review", args=[held.pk]), {"decision": "release"})
    assert response.status_code == 302
    assert_no_store(response)


@pytest.mark.parametrize("name", ["forums:rooms", "forums:queue", "forums:moderation_log"])
def test_the_log_in_redirect_is_not_stored_either(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert_no_store(response)
