"""What the forums hold about a member, for the privacy hub (export and erase)."""

from forums.live import moderation
from forums.qa import services as qa
from forums.rooms import services as rooms


def export_member_data(user):
    return {
        "moderation_concerning_me": moderation.export_moderation(user),
        "live_qa": qa.export_questions(user),
        **rooms.export_room_data(user),
    }


def erase_member_data(user):
    qa.erase_questions(user)
    rooms.erase_room_data(user)
    moderation.erase_moderation(user)
