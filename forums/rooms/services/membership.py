"""A member's own place in a room: accepting its guidelines, hiding another member."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forums.live import errors
from forums.live.errors import ServiceError
from forums.models import RoomMembership
from forums.rooms.services.access import locked_membership, require_access
from forums.rooms.services.broadcasts import membership_updated


def accept_guidelines(room, user):
    """Record that ``user`` accepted the room's current guidelines (joining the room)."""
    require_access(room, user)
    with transaction.atomic():
        membership = locked_membership(room, user, create=True)
        membership.guidelines_accepted_at = timezone.now()
        membership.save(update_fields=["guidelines_accepted_at"])
    return membership


def hide_member(room, user, member_id, *, hidden=True):
    """Hide (or show again) a member's messages for me alone."""
    require_access(room, user)
    with transaction.atomic():
        membership = locked_membership(room, user, create=True)
        other = RoomMembership.objects.filter(room=room, pk=member_id).first()
        if other is None or other.pk == membership.pk:
            raise ServiceError(errors.NOT_FOUND, _("That member is not here."))
        if hidden:
            membership.hidden_members.add(other)
        else:
            membership.hidden_members.remove(other)
        membership_updated(room, membership)  # every socket of mine hides them too
    return sorted(membership.hidden_members.values_list("pk", flat=True))
