"""Room edits made in Wagtail admin reach connected members live (room.updated); held
messages, flags and edits of what the queue shows, from any path, tell open
review-queue pages to refresh."""

from django.db.models.signals import post_save


def _room_saved(sender, instance, created, update_fields=None, **kwargs):
    # Services save with update_fields and broadcast themselves.
    if created or update_fields:
        return
    from forums import live
    from forums.rooms import services as rooms
    from forums.rooms.protocol import RoomUpdatedFrame

    live.broadcast_on_commit(instance.topic, RoomUpdatedFrame(room=rooms.room_frame_data(instance)))
    if getattr(instance, "guidelines_renewed", False):
        # Everyone's acceptance is older than the new guidelines: members' sockets
        # reconnect and their fresh snapshot asks them to accept again.
        live.broadcast_on_commit(instance.topic, control=rooms.GUIDELINES_RENEWED)


def _queue_touched(sender, instance, created=False, update_fields=None, **kwargs):
    """A message held, released or removed, a flag raised or resolved: the queue changed.

    The frame says only that (and whether a crisis hold arrived), to the queue pages of
    the room's moderators: the page fetches the queue again over HTTP, where the
    moderator's permission is checked."""
    from forums.models import Flag, Message
    from forums.rooms import services as rooms

    if sender is Message:
        held = instance.state == Message.State.HELD
        if created and not held:
            return
        if not created and update_fields is not None and "state" not in update_fields:
            # The author edited a message the queue shows (held, or reported): the
            # moderators must read what it says now. Nothing new arrived: not urgent.
            if "body" in update_fields and (held or _reported(instance)):
                rooms.queue_changed(instance.room_id)
            return
        urgent = bool(held and instance.urgent)
        room_id = instance.room_id
    elif sender is Flag:
        urgent = False
        # (None, for a flag whose message is gone: every open queue page refetches.)
        room_id = (
            Message.objects.filter(pk=instance.message_id).values_list("room_id", flat=True).first()
        )
    else:
        return
    rooms.queue_changed(room_id, urgent=urgent)


def _reported(message):
    return message.flags.filter(resolved_at__isnull=True).exists()


def connect():
    from django.db.models.signals import post_delete

    from forums.models import Flag, Message, Room

    post_save.connect(_room_saved, sender=Room, dispatch_uid="forums.rooms.room_saved")
    for model in (Message, Flag):
        post_save.connect(
            _queue_touched, sender=model, dispatch_uid=f"forums.rooms.queue.{model.__name__}"
        )
        post_delete.connect(
            _queue_touched, sender=model, dispatch_uid=f"forums.rooms.queue.del.{model.__name__}"
        )
