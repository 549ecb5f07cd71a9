"""What the forums hold about a member, for the privacy hub (export and erase)."""

from forums.services import moderation


def export_member_data(user):
    return {"moderation_concerning_me": moderation.export_moderation(user)}


def erase_member_data(user):
    moderation.erase_moderation(user)
