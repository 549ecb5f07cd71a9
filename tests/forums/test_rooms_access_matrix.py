"""Who may open a peer room, on the page and on the socket (connect and
``messages.before``): family members, the room's moderators (the Moderators role and one
of the room's leads) and superusers; nobody else, whatever their account looks like. A
moderator who leads other rooms only is refused and told how to be added. Staff in
other roles get a display name and accepted guidelines here, as the demo's staff
accounts have: even then they do not read families' conversations. (Every URL and frame
for every role: tests/portal/test_role_matrix.py.)
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
from tests.sockets import nothing_of, open_socket, receive_snapshot, receive_until

ALLOWED = {"family member", "moderator of this room", "superuser"}
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
        if role == "moderator of another room":
            assert "for its family members and its own moderators only" in page
            assert "ask an administrator to add you as one of its leads" in page
        else:
            assert "for family members and the rooms&#x27; moderators only" in page
        assert "verified family members" not in page
        assert SECRET not in page


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


# --- the review queue and the log: the rooms a moderator leads -----------------------------
def _queue_scene():
    """A held message and a report in the room, a moderator of it, one of another room,
    and one who leads no room."""
    room, _user, ids = make_scene("family member")
    here = ModeratorFactory()
    room.moderators.add(here)
    elsewhere = ModeratorFactory()
    make_room("siblings").moderators.add(elsewhere)
    author = Message.objects.get(pk=ids[0]).author
    Message.objects.create(
        room=room,
        author=author,
        membership=author.room_memberships.get(room=room),
        body="Held: call me on 555-201-3344",
        state=Message.State.HELD,
    )
    service.remove_message(room, here, ids[1], reason="Unkind")  # one line in the log
    return room, here, elsewhere, ModeratorFactory()


@pytest.mark.django_db
def test_the_queue_and_the_log_show_a_moderator_the_rooms_it_leads_only(client):
    room, here, elsewhere, none = _queue_scene()
    client.force_login(here)
    queue = client.get(reverse("forums:queue")).content.decode()
    assert "Held: call me" in queue
    assert "you lead none yet" not in queue
    log = client.get(reverse("forums:moderation_log")).content.decode()
    assert "room.message.remove" in log
    for moderator in (elsewhere, none):
        client.force_login(moderator)
        queue = client.get(reverse("forums:queue"))
        assert queue.status_code == 200
        assert "Held: call me" not in queue.content.decode()
        assert service.review_queue(moderator) == {"crisis": [], "flags": [], "held": []}
        log = client.get(reverse("forums:moderation_log")).content.decode()
        assert "room.message.remove" not in log
        # Nor can it decide on a message of that room.
        held = Message.objects.get(state=Message.State.HELD)
        response = client.post(reverse("forums:review", args=[held.pk]), {"decision": "release"})
        assert response.status_code == 404
        held.refresh_from_db()
        assert held.state == Message.State.HELD
    # A moderator who leads no room is told why its queue is empty, and how rooms come.
    assert "you lead none yet" in client.get(reverse("forums:queue")).content.decode()
    assert "you lead none yet" in client.get(reverse("forums:rooms")).content.decode()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
async def test_the_queue_socket_hears_of_the_rooms_its_moderator_leads_only():
    room, here, elsewhere, _none = await database_sync_to_async(_queue_scene)()
    lead = await open_socket("/ws/moderation/", here)
    other = await open_socket("/ws/moderation/", elsewhere)
    await receive_snapshot(lead)
    await receive_snapshot(other)
    message = await database_sync_to_async(Message.objects.filter(room=room).last)()
    await database_sync_to_async(service.remove_message)(room, here, message.pk, reason="Unkind")
    changed = await receive_until(lead, "queue.changed")
    assert changed["type"] == "queue.changed"
    assert await nothing_of(other, "queue.changed")
    await lead.disconnect()
    await other.disconnect()
