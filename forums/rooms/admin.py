"""Wagtail admin for peer rooms: rooms (with open hours, guidelines and leads),
memberships (invitations, mutes, bans) and the watched words. Moderators and
superusers.

A moderator moderates the rooms it leads, here as in the rooms: the room and membership
screens list, open and change only those (another room's screens answer 404, as if it
did not exist), and a membership can be made in those rooms only. Administrators
create rooms and name their first leads; a room's leads may then name others.

Moderators open these screens, so they show members by display name only: an account's
email is revealed only by *Who is this?* in the room, which is logged. Every moderator
action made here (open, close, archive, slow mode, the room's leads, invite, mute, ban,
unban) goes through ``forums.rooms.services``, like the same action in the room: one
transaction, the audit record with its actor, live frames after the commit; a refusal
comes back as a form error.
"""

from allauth.account.models import EmailAddress
from django import forms
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import CreateView, DeleteView, EditView, IndexView
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.usage import UsageView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.log_actions import log
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from forums.live.admin import WatchedWordViewSet  # added, changed, removed through its service
from forums.live.errors import ServiceError
from forums.models import Room, RoomMembership
from forums.rooms import services as service
from forums.rooms.services import admin_edits
from portal import roles


def lead_label(account):
    """A lead (staff) by display name, else their name, else their work address."""
    profile = getattr(account, "profile", None)
    if profile is not None and profile.display_name:
        return profile.display_name
    return account.get_full_name() or account.email


def member_label(account):
    """A member by display name only (never the email)."""
    return service.display_name(account)


class ServiceBackedView:
    """Shared by the create and edit views below: ``save_instance`` calls services,
    naming (``self.acting_on``) the form field each call answers for; a
    ``ServiceError`` undoes the whole save (Wagtail's transaction) and is shown on that
    field."""

    acting_on = None

    def act(self, field, function, *args, **kwargs):
        self.acting_on = field
        return function(*args, **kwargs)

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ServiceError as error:
            form.add_error(self.acting_on, error.message)
            self.produced_error_message = error.message
            return self.form_invalid(form)


# --- the rooms a moderator moderates -----------------------------------------------------
class ModeratedObjectOnly:
    """A screen of one room or membership (edit, delete, history, usage) opens for the
    rooms its user moderates only (``services.moderated_rooms``: the rooms it leads,
    every room for an administrator); another room's is not found. ``room_field`` is
    the lookup of the object's room."""

    room_field = "pk"

    def moderated(self, queryset):
        rooms = service.moderated_rooms(self.request.user)
        return queryset.filter(**{f"{self.room_field}__in": rooms})

    def dispatch(self, request, *args, **kwargs):
        pk = kwargs.get("pk")
        if pk is not None and request.user.is_authenticated:
            objects = self.model._default_manager.filter(pk=unquote(str(pk)))
            if not self.moderated(objects).exists():
                raise Http404
        return super().dispatch(request, *args, **kwargs)


class ModeratedListingOnly(ModeratedObjectOnly):
    """A listing of rooms or memberships holds those of the rooms its user moderates."""

    def get_base_queryset(self):
        return self.moderated(super().get_base_queryset())


def moderated(view_class, room_field, *, listing=False):
    """``view_class`` limited to the rooms its user moderates."""
    mixin = ModeratedListingOnly if listing else ModeratedObjectOnly
    return type(view_class.__name__, (mixin, view_class), {"room_field": room_field})


# --- rooms ---------------------------------------------------------------------------------
class RoomPolicy(ModelPermissionPolicy):
    """Moderators archive a room (logged, its conversation kept) rather than delete it:
    deleting would erase the families' messages and bypass the moderation log. Only an
    administrator may delete one (Wagtail's history records who did), or create one
    (naming its first leads: a moderator moderates only the rooms it leads)."""

    def user_has_permission(self, user, action):
        if action in ("delete", "add") and not (user.is_active and user.is_superuser):
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


register_permission_policy(Room, RoomPolicy(Room))


class RoomForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "moderators" in self.fields:
            # Leads are moderators (they get crisis alerts): never a family member, never
            # an unverified sign-up, and no list of every account's address.
            field = self.fields["moderators"]
            field.widget = forms.CheckboxSelectMultiple()
            field.label_from_instance = lead_label
            # (Setting the queryset hands the widget its choices.)
            field.queryset = service.lead_candidates().select_related("profile").order_by("pk")


class RoomCreateView(ServiceBackedView, CreateView):
    def save_instance(self):
        leads = self.form.cleaned_data.pop("moderators", None)
        room = super().save_instance()
        self.act(None, admin_edits.log_room_created, room, self.request.user)
        if leads:
            self.act("moderators", service.set_room_leads, room, self.request.user, leads)
        return room


class RoomEditView(ServiceBackedView, EditView):
    """The room's details are saved as usual (connected members get the new details);
    its state, slow mode and leads change through the services, logged with the actor,
    as from the room's own controls."""

    def save_instance(self):
        data = self.form.cleaned_data
        leads = data.pop("moderators", None)
        saved = Room.objects.get(pk=self.object.pk)
        before = admin_edits.room_settings(saved)
        self.form.instance.state = saved.state
        self.form.instance.slow_mode_seconds = saved.slow_mode_seconds
        room = super().save_instance()
        actor = self.request.user
        self.act(None, admin_edits.log_room_edited, room, actor, before)
        if data.get("state") not in (None, saved.state):
            room = self.act("state", service.set_room_state, room, actor, state=data["state"])
        seconds = data.get("slow_mode_seconds")
        if seconds is not None and seconds != saved.slow_mode_seconds:
            room = self.act(
                "slow_mode_seconds", service.set_slow_mode, room, actor, seconds=seconds
            )
        if leads is not None:
            self.act("moderators", service.set_room_leads, room, actor, leads)
        return Room.objects.get(pk=room.pk)


class RoomDeleteView(DeleteView):
    """Administrators only: through ``admin_edits.delete_room``, logged with the actor."""

    def delete_action(self):
        try:
            with transaction.atomic():  # Wagtail's history entry only with the deletion
                log(self.object, "wagtail.delete", user=self.request.user, deleted=True)
                admin_edits.delete_room(self.object.pk, self.request.user)
        except ServiceError as error:
            raise PermissionDenied(error.message) from None


class RoomViewSet(ModelViewSet):
    model = Room
    icon = "group"
    menu_label = _("Peer rooms")
    index_view_class = moderated(IndexView, "pk", listing=True)
    add_view_class = RoomCreateView
    edit_view_class = moderated(RoomEditView, "pk")
    delete_view_class = moderated(RoomDeleteView, "pk")
    history_view_class = moderated(HistoryView, "pk")
    usage_view_class = moderated(UsageView, "pk")
    copy_view_enabled = False
    list_display = ["name", "state", "access", "slow_mode_seconds"]
    list_filter = ["state", "access"]
    search_fields = ["name", "description"]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("slug"),
            FieldPanel("description"),
            FieldPanel("audience"),
            FieldPanel("guidelines"),
            MultiFieldPanel(
                [
                    FieldPanel("access"),
                    FieldPanel("state"),
                    FieldRowPanel(
                        [FieldPanel("slow_mode_seconds"), FieldPanel("hold_first_messages")]
                    ),
                    FieldPanel("moderators", heading=_("Leads (moderators)")),
                    FieldPanel("sort_order"),
                ],
                heading=_("Running the room"),
            ),
            InlinePanel(
                "open_hours",
                heading=_("Open hours"),
                label=_("Opening"),
                help_text=_("Leave empty to keep the room open at all times."),
            ),
        ],
        base_form_class=RoomForm,
    )


# --- memberships ---------------------------------------------------------------------------
class MembershipPolicy(ModelPermissionPolicy):
    """Nobody deletes a membership: it holds a ban, a mute and an invitation, which are
    lifted (and logged) instead. Everything else as the group grants."""

    def user_has_permission(self, user, action):
        if action == "delete":
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


register_permission_policy(RoomMembership, MembershipPolicy(RoomMembership))


def invitable_accounts():
    """Family members who can join a room: active, the Family members role, a display
    name and a verified address."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=roles.FAMILY_MEMBERS, profile__isnull=False)
        .filter(Exists(EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)))
        .select_related("profile")
        .order_by("profile__display_name")
        .distinct()
    )


class MembershipForm(WagtailAdminModelForm):
    class Meta:
        model = RoomMembership
        fields = ["account", "room", "invited", "muted_until", "banned", "ban_reason"]
        labels = {"account": _("Family member")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "account" in self.fields:
            self.fields["account"].queryset = invitable_accounts()
            self.fields["account"].label_from_instance = member_label
        if "room" in self.fields:
            # Memberships of the rooms this moderator moderates only (the service
            # refuses any other too).
            self.fields["room"].queryset = service.moderated_rooms(self.for_user)


class MembershipEditForm(MembershipForm):
    """The member and the room of a membership stay as they are."""

    class Meta(MembershipForm.Meta):
        fields = ["invited", "muted_until", "banned", "ban_reason"]


def _same_minute(first, second):
    """The admin's date field shows minutes: an unchanged field is not a new mute."""
    if first is None or second is None:
        return first is second
    return first.replace(second=0, microsecond=0) == second.replace(second=0, microsecond=0)


def _apply_standing(view, room, membership, data):
    """Mute, unmute, ban and unban as the form asks, through the services."""
    actor = view.request.user
    if not _same_minute(data.get("muted_until"), membership.muted_until):
        membership = view.act(
            "muted_until",
            service.mute_member,
            room,
            actor,
            membership.pk,
            until=data.get("muted_until"),
        )
    if data.get("banned") and not membership.banned:
        field = "ban_reason" if not (data.get("ban_reason") or "").strip() else "banned"
        membership = view.act(
            field, service.ban_member, room, actor, membership.pk, reason=data.get("ban_reason")
        )
    elif not data.get("banned") and membership.banned:
        membership = view.act("banned", service.unban_member, room, actor, membership.pk)
    return membership


def _saved_message(membership):
    return _("Membership of %(member)s in %(room)s saved.") % {
        "member": member_label(membership.account),
        "room": membership.room.name,
    }


class MembershipCreateView(ServiceBackedView, CreateView):
    """Inviting a family member (and, rarely, muting or banning them ahead)."""

    def get_success_message(self, instance):
        return _saved_message(instance)

    def save_instance(self):
        data = self.form.cleaned_data
        room = data["room"]
        membership = self.act(
            "invited",
            service.invite_member,
            room,
            self.request.user,
            data["account"],
            invited=data.get("invited", False),
        )
        return _apply_standing(self, room, membership, data)


class MembershipEditView(ServiceBackedView, EditView):
    def get_success_message(self):
        return _saved_message(self.object)

    def get_page_subtitle(self):
        return _("%(member)s in %(room)s") % {
            "member": member_label(self.object.account),
            "room": self.object.room.name,
        }

    def save_instance(self):
        data = self.form.cleaned_data
        saved = RoomMembership.objects.select_related("account", "room").get(pk=self.object.pk)
        room = saved.room
        membership = saved
        if data.get("invited", saved.invited) != saved.invited:
            membership = self.act(
                "invited",
                service.invite_member,
                room,
                self.request.user,
                saved.account,
                invited=data["invited"],
            )
        _apply_standing(self, room, membership, data)
        return RoomMembership.objects.get(pk=saved.pk)


class MembershipViewSet(ModelViewSet):
    model = RoomMembership
    icon = "user"
    menu_label = _("Room memberships")
    index_view_class = moderated(IndexView, "room", listing=True)
    add_view_class = MembershipCreateView
    edit_view_class = moderated(MembershipEditView, "room")
    delete_view_class = moderated(DeleteView, "room")
    history_view_class = moderated(HistoryView, "room")
    usage_view_class = moderated(UsageView, "room")
    copy_view_enabled = False
    list_display = [
        "room",
        Column("member", label=_("Member"), accessor=lambda m: member_label(m.account)),
        "invited",
        "banned",
        "muted_until",
    ]
    list_filter = ["room", "invited", "banned"]
    # Display names only: searching by address would tell a moderator whose it is.
    search_fields = ["account__profile__display_name"]

    def get_form_class(self, for_update=False):
        return MembershipEditForm if for_update else MembershipForm


class PeerRoomsGroup(ModelViewSetGroup):
    menu_label = _("Peer rooms")
    menu_icon = "group"
    menu_order = 310
    items = (
        RoomViewSet("rooms"),
        MembershipViewSet("room_memberships"),
        WatchedWordViewSet("watched_words"),
    )
