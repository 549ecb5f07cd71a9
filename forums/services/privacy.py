"""What the forums hold about a member, for the privacy hub (export and erase)."""

from forums.services import moderation, rooms


def export_member_data(user):
    return {
        "moderation_concerning_me": moderation.export_moderation(user),
        **rooms.export_room_data(user),
    }


def erase_member_data(user):
    rooms.erase_room_data(user)
    moderation.erase_moderation(user)
