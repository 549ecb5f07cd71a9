"""Who may do what in a room: a room's moderators and a verified member's standing
(read fresh each time), the gate to open a room, and what a member needs to post.

Rooms are for family members (the Family members role, a display name and a verified
address) and for that room's moderators: the accounts in the Moderators role that lead
it (``Room.moderators``, named by an administrator or another of its leads), and
superusers, who moderate every room. A moderator who does not lead a room is refused
from it like anyone else who is not a member: moderating is per room, not role-wide.
Other staff roles (care coordinators, content editors, clinical reviewers) hold verified
accounts too, often with a display name: they are not members, and the gate refuses
them like anyone else who is neither.
"""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from forums import live
from forums.live import errors
from forums.live.errors import ServiceError
from forums.models import Room, RoomMembership
from forums.rooms.services.hours import closed_explanation, room_is_open
from portal import mfa, roles
from portal.compiled import CompiledQuery

MODERATOR_AUDIENCE = "moderators"

# Error codes of this feature (stable; clients and tests rely on them).
GUIDELINES_REQUIRED = "guidelines_required"
MUTED = "muted"
BANNED = "banned"
ROOM_CLOSED = "room_closed"
SLOW_MODE = "slow_mode"


def _room_pk(room):
    return room if isinstance(room, int) else room.pk


def is_moderator(user, room):
    """Whether ``user`` moderates ``room`` now: a superuser, or an account in the
    Moderators role that leads the room. Checked fresh each time, the account row
    included (a socket's user object is as old as the socket: an account deactivated,
    stripped of superuser or of the role, or no longer a lead since then must not keep
    moderating)."""
    return standing(user, room)[0]


def standing(user, room):
    """``(moderates room, is_verified_member)`` fresh from one query (the hot path's check).

    Every message a member sends runs this, on the one thread a process has for its
    sockets' database work: the account's flags, its role (the portal's Moderators group,
    ``portal.roles``), whether it leads ``room`` (``Room.moderators``), whether its
    second sign-in step is in place (a moderator without one has no moderator powers,
    ``portal.mfa.second_step_in_place``), the Family members role and the verified
    address (allauth's ``EmailAddress``) are read in one statement. A member also needs
    a profile (a display name), read from ``user`` (a socket's user has it loaded
    already)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False, False
    row = _STANDING.fetchone(account=user.pk, room=_room_pk(room))
    if row is None or not row[0]:
        return False, False
    _, superuser, moderator, leads, second_step, verified, family = row
    member = bool(verified and family and hasattr(user, "profile"))
    return bool((superuser or (moderator and leads)) and second_step), member


def _accounts_with_standing(account, room):
    """The account's flags, its roles, whether it leads the room, whether its second
    sign-in step is in place and whether it has a verified address, as one
    ``values_list`` row. A member needs the Family members role besides the verified
    address: a coordinator's verified account is not a room member."""
    leads = Room.moderators.through.objects.filter(user=OuterRef("pk"), room_id=room)
    return (
        get_user_model()
        .objects.annotate(
            moderator=Exists(Group.objects.filter(user=OuterRef("pk"), name=roles.MODERATORS)),
            leads=Exists(leads),
            second_step=mfa.second_step_in_place(),
            verified=Exists(EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)),
            family=Exists(Group.objects.filter(user=OuterRef("pk"), name=roles.FAMILY_MEMBERS)),
        )
        .filter(pk=account)
        .values_list(
            "is_active", "is_superuser", "moderator", "leads", "second_step", "verified", "family"
        )[:1]
    )


# Compiled by the ORM once per database, run with the account's and the room's ids on
# every message: Django compiling the sub-queries anew for each message cost three
# times the database's answer (bench/README.md, "Peer rooms before and after the
# rebuild").
_STANDING = CompiledQuery(_accounts_with_standing, "account", "room")


def _moderator_flags(user):
    """``(is_superuser, in the Moderators role)`` of an active account whose second
    sign-in step is in place (``portal.mfa``), fresh from the database; ``(False,
    False)`` for anyone else."""
    if not getattr(user, "is_authenticated", False):
        return False, False
    account = (
        get_user_model()
        .objects.filter(pk=user.pk, is_active=True)
        .annotate(
            moderator=Exists(Group.objects.filter(user=OuterRef("pk"), name=roles.MODERATORS)),
            second_step=mfa.second_step_in_place(),
        )
        .values_list("is_superuser", "moderator", "second_step")
        .first()
    )
    if not account or not account[2]:
        return False, False
    return bool(account[0]), bool(account[1])


def holds_moderator_role(user):
    """An active account in the Moderators role, or a superuser (fresh from the
    database). It moderates the rooms it leads (superusers: every room); this alone
    opens the review queue, which then shows only those rooms."""
    return any(_moderator_flags(user))


def moderation_scope(user):
    """What ``user`` moderates now: ``None`` (not a moderator), ``ALL_ROOMS`` (a
    superuser) or the set of ids of the rooms it leads (the Moderators role)."""
    superuser, moderator = _moderator_flags(user)
    if superuser:
        return ALL_ROOMS
    if moderator:
        return set(Room.objects.filter(moderators=user.pk).values_list("pk", flat=True))
    return None


ALL_ROOMS = "all"


def moderated_rooms(user):
    """The rooms ``user`` moderates now (archived ones included): every room for a
    superuser, the rooms it leads for an account in the Moderators role, none for
    anyone else (fresh from the database)."""
    superuser, moderator = _moderator_flags(user)
    if superuser:
        return Room.objects.all()
    if moderator:
        return Room.objects.filter(moderators=user.pk)
    return Room.objects.none()


def lead_candidates():
    """The accounts that may lead a room: active moderators (the role) and
    administrators. Never a family member: leads are alerted to crisis holds."""
    accounts = get_user_model().objects.filter(is_active=True)
    return (
        accounts.filter(groups__name=roles.MODERATORS) | accounts.filter(is_superuser=True)
    ).distinct()


def is_family_member(user):
    """A logged-in, active account in the Family members role (verified or not)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.groups.filter(name=roles.FAMILY_MEMBERS).exists()


def is_verified_member(user):
    """A family member who may join rooms: the Family members role, a display name and
    a verified email address (staff roles alone are not enough, whatever their profile)."""
    if not is_family_member(user):
        return False
    return (
        hasattr(user, "profile") and EmailAddress.objects.filter(user=user, verified=True).exists()
    )


def not_a_member_refusal(user):
    """Why a logged-in account that is neither a verified family member nor one of the
    room's moderators may not open a room: a family member who has not confirmed their
    address is asked to; a moderator who does not lead this room is told who the room is
    for and how to be added; staff in other roles are told rooms are the families' own."""
    if is_family_member(user):
        return (
            live.CLOSE_FORBIDDEN,
            errors.FORBIDDEN,
            _("Peer rooms are for verified family members. Please confirm your email first."),
        )
    if holds_moderator_role(user):
        return (
            live.CLOSE_FORBIDDEN,
            errors.FORBIDDEN,
            _(
                "This room is for its family members and its own moderators only. "
                "To moderate it, ask an administrator to add you as one of its leads."
            ),
        )
    return (
        live.CLOSE_FORBIDDEN,
        errors.FORBIDDEN,
        _("Peer rooms are for family members and the rooms' moderators only."),
    )


def display_name(user):
    """The name a room shows for ``user``: its display name; a staff account without
    one is "Moderator" (moderators and superusers) or "member"."""
    if user is None:
        return _("former member")
    profile = getattr(user, "profile", None)
    if profile is not None and profile.display_name:
        return profile.display_name
    role = getattr(user, "_holds_moderator_role", None)
    if role is None and any(user.__dict__.get("_room_moderator", {}).values()):
        role = True  # a room's moderator, just read
    if role is None:
        role = user._holds_moderator_role = holds_moderator_role(user)
    return _("Moderator") if role else _("member")


def author_tag(user_id):
    return f"user:{user_id}"


def context_of(room):
    return f"room:{room.slug}"


def is_moderator_cached(user, room):
    """``is_moderator(user, room)``, remembered on the ``user`` object for the room (a
    frame names each author's standing; one object serves one frame or one request)."""
    cache = user.__dict__.setdefault("_room_moderator", {})
    room_pk = _room_pk(room)
    if room_pk not in cache:
        cache[room_pk] = is_moderator(user, room_pk)
    return cache[room_pk]


def remember_moderator(user, room, moderator):
    """Keep a standing just read (``standing``) for ``is_moderator_cached``."""
    user.__dict__.setdefault("_room_moderator", {})[_room_pk(room)] = moderator
    if moderator:
        user._holds_moderator_role = True


_LOOK_UP = object()


def connect_check(room, user, *, moderator=None, verified=None, membership=_LOOK_UP):
    """Why ``user`` may not open ``room`` (code, error, message), or None when they may.

    ``moderator``, ``verified`` and ``membership`` may be passed when the caller has them
    (``membership`` locked inside its transaction), which saves their queries.
    """
    if not getattr(user, "is_authenticated", False):
        return live.CLOSE_LOGIN_REQUIRED, errors.LOGIN_REQUIRED, _("Please log in first.")
    if moderator is None:
        moderator = is_moderator(user, room)
    if room.state == Room.State.ARCHIVED and not moderator:
        return live.CLOSE_NOT_FOUND, errors.NOT_FOUND, _("This room does not exist.")
    if moderator:
        return None
    if not (is_verified_member(user) if verified is None else verified):
        return not_a_member_refusal(user)
    if membership is _LOOK_UP:
        membership = RoomMembership.objects.filter(room=room, account=user).first()
    if membership is not None and membership.banned:
        return live.CLOSE_BANNED, BANNED, _("You can no longer take part in this room.")
    if room.access == Room.Access.INVITED and not (membership and membership.invited):
        return live.CLOSE_FORBIDDEN, errors.FORBIDDEN, _("This room is for invited members.")
    return None


def rooms_for(user):
    """The rooms ``user`` may see listed: the rooms it moderates (every room for a
    superuser, the rooms it leads for a moderator); for family members also the rooms
    for verified members and the invite-only rooms they were invited to; none for anyone
    else (staff in other roles, a moderator who leads no room)."""
    rooms = Room.objects.exclude(state=Room.State.ARCHIVED).prefetch_related("open_hours")
    moderated = set(moderated_rooms(user).values_list("pk", flat=True))
    if not is_family_member(user):
        return [room for room in rooms if room.pk in moderated]
    invited = set(
        RoomMembership.objects.filter(account=user, invited=True, banned=False).values_list(
            "room_id", flat=True
        )
    )
    return [
        room
        for room in rooms
        if room.pk in moderated or room.access == Room.Access.VERIFIED or room.pk in invited
    ]


def require_access(room, user, **known):
    refusal = connect_check(room, user, **known)
    if refusal is not None:
        raise ServiceError(refusal[1], refusal[2])


def locked_membership(room, user, *, create=False):
    membership = RoomMembership.objects.select_for_update().filter(room=room, account=user).first()
    if membership is None and create:
        try:
            with transaction.atomic():
                RoomMembership.objects.create(room=room, account=user)
        except IntegrityError:
            pass
        membership = RoomMembership.objects.select_for_update().get(room=room, account=user)
    return membership


def fresh_room(room):
    return Room.objects.select_for_update().get(pk=room.pk)


def guidelines_accepted(room, membership):
    return bool(
        membership
        and membership.guidelines_accepted_at
        and (
            room.guidelines_changed_at is None
            or membership.guidelines_accepted_at >= room.guidelines_changed_at
        )
    )


def require_member_can_post(room, user, membership, moderator, *, slots=None):
    if moderator:
        return
    if not guidelines_accepted(room, membership):
        raise ServiceError(
            GUIDELINES_REQUIRED, _("Please read and accept the room's guidelines first.")
        )
    if membership.banned:
        raise ServiceError(BANNED, _("You can no longer take part in this room."))
    if membership.muted_until and membership.muted_until > timezone.now():
        until = timezone.localtime(membership.muted_until)
        raise ServiceError(
            MUTED,
            _("A moderator has paused your posting until %(when)s.")
            % {"when": date_format(until, pgettext("end of a pause in posting", "g:i A, l"))},
        )
    if not room_is_open(room, slots=slots):
        raise ServiceError(ROOM_CLOSED, closed_explanation(room))


def require_moderator(user, room):
    """Refuse anyone who does not moderate ``room`` now (fresh from the database)."""
    if not is_moderator(user, room):
        raise ServiceError(errors.FORBIDDEN, _("Only this room's moderators can do that."))
