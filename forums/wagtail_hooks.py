"""Forums screens in Wagtail admin (each feature keeps its viewsets in its own module)."""

from wagtail import hooks

from forums.live.admin import StaffLogViewSet
from forums.qa import admin as qa_admin  # noqa: F401  (registers the live Q&A viewsets)
from forums.rooms.admin import PeerRoomsGroup


@hooks.register("register_admin_viewset")
def register_peer_rooms_viewsets():
    return PeerRoomsGroup()


@hooks.register("register_admin_viewset")
def register_staff_log_viewset():
    return StaffLogViewSet("forums_staff_log")
