"""A room's own settings as staff edit them in Wagtail admin, in the audit trail.

The state, slow mode and leads change through their own moderator actions
(``moderation``); what remains of a room's settings (its name, who it is for, its access,
how many first messages are held, its guidelines and open hours) is saved by the admin
form and logged here with the actor, in the same transaction, naming the settings that
changed. Deleting a room (administrators only: its conversation goes with it) is a use
case of its own, logged with how many messages went with it (never their text).
"""

import re

from django.utils.translation import gettext as _

from forums.live import errors
from forums.live.errors import ServiceError
from forums.live.moderation import moderator_action, permission_required
from forums.models import Message, Room
from forums.rooms.services.access import context_of

CREATE = "room.create"
EDIT = "room.edit"
DELETE = "room.delete"
# The settings the admin form saves itself (everything else goes through a service).
SETTINGS = (
    "name",
    "slug",
    "description",
    "audience",
    "guidelines",
    "access",
    "hold_first_messages",
    "sort_order",
)

BLOCK_KEY = re.compile(r'\s+data-block-key="[^"]*"')


def _authorise(permission):
    return permission_required(f"forums.{permission}", _("You may not change peer rooms."))


def _authorise_deleting(actor):
    # Moderators hold delete_room from an old migration; the admin's policy (and this
    # service) leave deleting to administrators: moderators archive a room instead.
    if actor is None or not actor.is_active or not actor.is_superuser:
        raise ServiceError(errors.FORBIDDEN, _("Only an administrator can delete a room."))


def room_settings(room):
    """The room's settings as the admin form saves them, open hours included: take it
    before the save and hand it to :func:`log_room_edited` after."""
    room = Room.objects.get(pk=room.pk)
    settings = {name: getattr(room, name) for name in SETTINGS}
    # The rich-text editor numbers paragraphs anew (data-block-key): not a change.
    settings["guidelines"] = BLOCK_KEY.sub("", settings["guidelines"] or "")
    settings["open_hours"] = sorted(room.open_hours.values_list("weekday", "starts_at", "ends_at"))
    return settings


def log_room_created(room, actor):
    """Log a room just created in admin (``forums.add_room``), with its access and state;
    call inside the transaction that saved it."""
    with moderator_action(
        actor, CREATE, context=context_of(room), authorise=_authorise("add_room")
    ) as record:
        record.target("room", room.pk, name=room.name, access=room.access, state=room.state)


def log_room_edited(room, actor, before):
    """Log the settings an admin edit changed (``before``: :func:`room_settings` taken
    before the save); an edit that changed none of them logs nothing. Call inside the
    transaction that saved the room: a refusal undoes the save."""
    after = room_settings(room)
    changed = sorted(name for name in after if after[name] != before.get(name))
    with moderator_action(
        actor, EDIT, context=context_of(room), authorise=_authorise("change_room")
    ) as record:
        if not changed:
            record.nothing_to_change()
            return
        was = {
            name: before[name]
            for name in ("access", "hold_first_messages", "slug")
            if name in changed
        }
        record.target("room", room.pk, name=after["name"], changed=changed, was=was)


def delete_room(room_id, actor):
    """Delete a room with its memberships and messages (administrators only; moderators
    archive a room); logged with the actor, the room's name
    and how many messages were deleted with it."""
    with moderator_action(actor, DELETE, context="room:", authorise=_authorise_deleting) as record:
        room = Room.objects.select_for_update().filter(pk=room_id).first()
        if room is None:
            raise ServiceError(errors.NOT_FOUND, _("This room no longer exists."))
        record.context = context_of(room)
        record.target(
            "room",
            room.pk,
            name=room.name,
            messages=Message.objects.filter(room=room).count(),
        )
        room.delete()
