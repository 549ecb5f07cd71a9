"""Room edits made in Wagtail admin reach connected members live (room.updated)."""

from django.db import transaction
from django.db.models.signals import post_save


def _room_saved(sender, instance, created, update_fields=None, **kwargs):
    # Services save with update_fields and broadcast themselves.
    if created or update_fields:
        return
    from forums import live
    from forums.services import rooms

    frame = {"type": "room.updated", "room": rooms.room_frame_data(instance)}
    message = live.relay_message(instance.topic, frame=frame)
    transaction.on_commit(lambda: live.send_relay(message))


def connect():
    from forums.models import Room

    post_save.connect(_room_saved, sender=Room, dispatch_uid="forums.rooms.room_saved")
