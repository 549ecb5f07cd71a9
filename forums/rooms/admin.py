"""Wagtail admin for peer rooms: rooms (with open hours and guidelines), memberships
(invitations, unmute, unban) and the watched words. Moderators and superusers."""

from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from forums.models import Room, RoomMembership, WatchedWord


class RoomViewSet(ModelViewSet):
    model = Room
    icon = "group"
    menu_label = "Peer rooms"
    list_display = ["name", "state", "access", "slow_mode_seconds"]
    list_filter = ["state", "access"]
    search_fields = ["name", "description"]
    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("audience"),
        FieldPanel("guidelines"),
        MultiFieldPanel(
            [
                FieldPanel("access"),
                FieldPanel("state"),
                FieldRowPanel([FieldPanel("slow_mode_seconds"), FieldPanel("hold_first_messages")]),
                FieldPanel("moderators"),
                FieldPanel("sort_order"),
            ],
            heading="Running the room",
        ),
        InlinePanel(
            "open_hours",
            heading="Open hours",
            label="Opening",
            help_text="Leave empty to keep the room open at all times.",
        ),
    ]


class MembershipViewSet(ModelViewSet):
    model = RoomMembership
    icon = "user"
    menu_label = "Room memberships"
    list_display = ["account", "room", "invited", "banned", "muted_until"]
    list_filter = ["room", "invited", "banned"]
    search_fields = ["account__email", "account__profile__display_name"]
    form_fields = ["account", "room", "invited", "muted_until", "banned", "ban_reason"]


class WatchedWordViewSet(ModelViewSet):
    model = WatchedWord
    icon = "warning"
    menu_label = "Watched words"
    list_display = ["phrase", "action", "explanation"]
    list_filter = ["action"]
    search_fields = ["phrase"]
    form_fields = ["phrase", "action", "explanation"]


class PeerRoomsGroup(ModelViewSetGroup):
    menu_label = "Peer rooms"
    menu_icon = "group"
    menu_order = 310
    items = (
        RoomViewSet("rooms"),
        MembershipViewSet("room_memberships"),
        WatchedWordViewSet("watched_words"),
    )
