"""Who may open a peer room, on the page and on the socket (connect and
``messages.before``): family members, moderators (the Moderators role moderates every
room, whichever rooms an account leads) and superusers; nobody else, whatever their
account looks like. Staff in other roles get a display name and accepted guidelines here,
as the demo's staff accounts have: even then they do not read families' conversations.
"""

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth.models import Group
from django.urls import reverse

from forums import live
from forums.live import errors
from forums.live.errors import ServiceError
from forums.models import Message
from forums.rooms import services as service
from portal import roles
from portal.models import Profile
from tests.factories import (
    CoordinatorFactory,
    EditorFactory,
    FamilyMemberFactory,
    ModeratorFactory,
    ReviewerFactory,
    SuperuserFactory,
)
from tests.forums.rooms_support import join, make_room
from tests.sockets import open_socket, receive_snapshot, receive_until

ALLOWED = {"family member", "moderator of this room", "moderator of another room", "superuser"}
ROLES = [
    "anonymous",
    "family member",
    "moderator of this room",
    "moderator of another room",
    "coordinator",
    "editor",
    "reviewer",
    "superuser",
]
SECRET = "Our son came home last night"


def _staff_with_a_profile(factory, room):
    """A staff account as the demo makes one: a display name, verified, guidelines
    accepted (as before rooms checked the role)."""
    user = factory()
    Profile.objects.create(user=user, display_name=f"Staff {user.pk}x")
    join(room, user)
    return user


def make_scene(role):
    """A room with a family conversation, another room, and an account in ``role``."""
    room = make_room("parents")
    elsewhere = make_room("partners")
    author = FamilyMemberFactory(display_name="Hopeful Mom")
    membership = join(room, author)
    messages = [
        Message.objects.create(room=room, author=author, membership=membership, body=SECRET)
        for _ in range(3)
    ]
    user = None
    if role == "family member":
        user = FamilyMemberFactory(display_name="Steady Partner")
        join(room, user)
    elif role == "moderator of this room":
        user = ModeratorFactory()
        room.moderators.add(user)
    elif role == "moderator of another room":
        user = ModeratorFactory()
        elsewhere.moderators.add(user)
    elif role == "coordinator":
        user = _staff_with_a_profile(CoordinatorFactory, room)
    elif role == "editor":
        user = _staff_with_a_profile(EditorFactory, room)
    elif role == "reviewer":
        user = _staff_with_a_profile(ReviewerFactory, room)
    elif role == "superuser":
        user = SuperuserFactory()
    return room, user, [m.pk for m in messages]


# --- the page ------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_the_room_page_is_for_family_members_and_moderators(client, role):
    room, user, _ids = make_scene(role)
    if user is not None:
        client.force_login(user)
    response = client.get(reverse("forums:room", args=[room.slug]))
    if role == "anonymous":
        assert response.status_code == 302 and "login" in response["Location"]
    elif role in ALLOWED:
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        page = response.content.decode()
        assert "for family members and the rooms&#x27; moderators only" in page
        assert "verified family members" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_the_room_list_shows_rooms_only_to_family_members_and_moderators(client, role):
    room, user, _ids = make_scene(role)
    if user is not None:
        client.force_login(user)
    response = client.get(reverse("forums:rooms"))
    if role == "anonymous":
        assert response.status_code == 302
        return
    assert response.status_code == 200
    listed = reverse("forums:room", args=[room.slug]) in response.content.decode()
    assert listed == (role in ALLOWED)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_accepting_the_guidelines_is_for_family_members_and_moderators(client, role):
    room, user, _ids = make_scene(role)
    if user is not None:
        client.force_login(user)
    response = client.post(reverse("forums:room_accept", args=[room.slug]))
    if role == "anonymous":
        assert response.status_code == 302 and "login" in response["Location"]
    elif role in ALLOWED:
        assert response.status_code == 302
    else:
        assert response.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_older_messages_are_for_family_members_and_moderators(role):
    room, user, ids = make_scene(role)
    if role in ALLOWED:
        page = service.page_before(room, user, ids[-1])
        assert [m.id for m in page.messages] == ids[:-1]
        return
    with pytest.raises(ServiceError) as refused:
        service.page_before(room, user, ids[-1])
    expected = errors.LOGIN_REQUIRED if role == "anonymous" else errors.FORBIDDEN
    assert refused.value.code == expected


# --- the socket ----------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("role", ROLES)
async def test_the_room_socket_is_for_family_members_and_moderators(role):
    room, user, ids = await database_sync_to_async(make_scene)(role)
    socket = await open_socket(f"/ws/rooms/{room.slug}/", user)
    if role in ALLOWED:
        snapshot = await receive_snapshot(socket)
        assert [m["id"] for m in snapshot["messages"]] == ids
        await socket.send_json_to(
            {"type": "messages.before", "before_id": ids[-1], "client_ref": "older"}
        )
        page = await receive_until(socket, "messages.page")
        assert [m["id"] for m in page["messages"]] == ids[:-1]
        await socket.disconnect()
        return
    refusal = await socket.receive_json_from(timeout=5)
    assert refusal["type"] == "error"
    assert SECRET not in str(refusal)
    closed = await socket.receive_output(timeout=5)
    assert closed["type"] == "websocket.close"
    if role == "anonymous":
        assert closed["code"] == live.CLOSE_LOGIN_REQUIRED
    else:
        assert refusal["code"] == errors.FORBIDDEN
        assert closed["code"] == live.CLOSE_FORBIDDEN
        assert "moderators only" in refusal["message"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
async def test_a_member_who_loses_the_family_role_reads_no_further_back():
    room, user, ids = await database_sync_to_async(make_scene)("family member")
    socket = await open_socket(f"/ws/rooms/{room.slug}/", user)
    await receive_snapshot(socket)

    def leave_the_family_role():
        user.groups.remove(Group.objects.get(name=roles.FAMILY_MEMBERS))

    await database_sync_to_async(leave_the_family_role)()
    await socket.send_json_to({"type": "messages.before", "before_id": ids[-1], "client_ref": "o"})
    answer = await receive_until(socket, "error")
    assert answer["code"] == errors.FORBIDDEN and answer["client_ref"] == "o"
    await socket.disconnect()
