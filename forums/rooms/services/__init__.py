"""Peer-support rooms: every state change of a room, a membership, a message or a flag.

Each function runs in one transaction (rows locked where two people may act at once),
checks the actor's permission with fresh data, logs moderator actions, and broadcasts
with ``live.broadcast_on_commit`` so a frame describes something already committed.
Errors are :class:`ServiceError` with stable codes (consumers send them as
``error`` frames; the HTTP views show their message).

Privacy: other members see display names only, and a per-room member id (the
membership's id), never an account id. Held messages reach only their author and the
room's moderators (audience ``["moderators", "user:<id>"]``).

One module per use case; views, consumers, admin, tests and benchmarks call them
through this package (``from forums.rooms import services as service``):

- ``access``: who may do what (a room's moderators, a member's standing, the room gate);
- ``hours``: a room's weekly open hours;
- ``snapshot``: what a socket is sent of a room (snapshot, pages of older messages);
- ``broadcasts``: the frames a change sends after the commit, and who receives them;
- ``membership``: accepting the guidelines, hiding a member;
- ``messages``: sending, editing, deleting and reporting messages;
- ``moderation``: what moderators do (remove, release, mute, ban, slow mode, ...), in
  the room or in Wagtail admin (invite, unban, archive, the room's leads);
- ``queue``: the review queue across the rooms a moderator moderates;
- ``privacy``: a member's room data, exported and erased.
"""

from forums.rooms.services.access import (
    ALL_ROOMS,
    BANNED,
    GUIDELINES_REQUIRED,
    MODERATOR_AUDIENCE,
    MUTED,
    ROOM_CLOSED,
    SLOW_MODE,
    author_tag,
    connect_check,
    context_of,
    display_name,
    holds_moderator_role,
    is_family_member,
    is_moderator,
    is_verified_member,
    lead_candidates,
    moderated_rooms,
    moderation_scope,
    rooms_for,
    standing,
)
from forums.rooms.services.broadcasts import BAN, GUIDELINES_RENEWED
from forums.rooms.services.hours import (
    closed_explanation,
    describe_hours,
    is_within_hours,
    opens_next,
    room_is_open,
    schedule,
)
from forums.rooms.services.membership import accept_guidelines, hide_member
from forums.rooms.services.messages import (
    ACTION_LIMIT,
    EDIT_WINDOW,
    FIRST_MESSAGES_EXPLANATION,
    KIND_FIRST_MESSAGES,
    NEW_MEMBER_PERIOD,
    SEND_LIMIT,
    delete_own_message,
    edit_message,
    flag_message,
    send_message,
)
from forums.rooms.services.moderation import (
    MAX_MUTE_MINUTES,
    ban_member,
    dismiss_flags,
    identify_member,
    invite_member,
    mute_member,
    pin_message,
    release_message,
    remove_message,
    set_room_leads,
    set_room_state,
    set_slow_mode,
    unban_member,
)
from forums.rooms.services.privacy import erase_room_data, export_room_data
from forums.rooms.services.queue import (
    QUEUE_TOPIC,
    lead_tag,
    queue_changed,
    queue_tags,
    review_queue,
)
from forums.rooms.services.snapshot import (
    PAGE_SIZE,
    RESUME_LIMIT,
    RESUME_OVERLAP,
    membership_frame_data,
    message_frame_data,
    page_before,
    room_frame_data,
    snapshot,
    visible_to,
)

__all__ = [
    "ACTION_LIMIT",
    "ALL_ROOMS",
    "BAN",
    "BANNED",
    "EDIT_WINDOW",
    "FIRST_MESSAGES_EXPLANATION",
    "GUIDELINES_RENEWED",
    "GUIDELINES_REQUIRED",
    "KIND_FIRST_MESSAGES",
    "MAX_MUTE_MINUTES",
    "MODERATOR_AUDIENCE",
    "MUTED",
    "NEW_MEMBER_PERIOD",
    "PAGE_SIZE",
    "QUEUE_TOPIC",
    "RESUME_LIMIT",
    "RESUME_OVERLAP",
    "ROOM_CLOSED",
    "SEND_LIMIT",
    "SLOW_MODE",
    "accept_guidelines",
    "author_tag",
    "ban_member",
    "closed_explanation",
    "connect_check",
    "context_of",
    "delete_own_message",
    "describe_hours",
    "display_name",
    "dismiss_flags",
    "edit_message",
    "erase_room_data",
    "export_room_data",
    "flag_message",
    "hide_member",
    "holds_moderator_role",
    "identify_member",
    "invite_member",
    "is_family_member",
    "is_moderator",
    "is_verified_member",
    "is_within_hours",
    "lead_candidates",
    "lead_tag",
    "membership_frame_data",
    "message_frame_data",
    "moderated_rooms",
    "moderation_scope",
    "mute_member",
    "opens_next",
    "page_before",
    "pin_message",
    "queue_changed",
    "queue_tags",
    "release_message",
    "remove_message",
    "review_queue",
    "room_frame_data",
    "room_is_open",
    "rooms_for",
    "schedule",
    "send_message",
    "set_room_leads",
    "set_room_state",
    "set_slow_mode",
    "snapshot",
    "standing",
    "unban_member",
    "visible_to",
]
