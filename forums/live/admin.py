"""Wagtail admin for what both live features share: the moderators' watched words
(shown under *Peer rooms*) and the staff audit log (*Reports → Moderation log*).

Adding, changing and removing a word go through ``forums.live.watched_words``: the
actor's permission checked again on the server, the audit record with the actor in the
same transaction, screening reading the new list at once. Wagtail's own history of the
object is kept as well. The log lists every entry of the audit trail but the
coordinators' (they have their own), each action in words, with its actor and target.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import CreateView, DeleteView, EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import log
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from forums.live import watched_words
from forums.live.errors import ServiceError
from forums.models import ModerationAction, WatchedWord
from forums.rooms.services import context_of, moderated_rooms
from portal.admin_viewsets import ListOnlyViewSet


class RefusalAsFormError:
    """A ``ServiceError`` from ``save_instance`` undoes the save (Wagtail's transaction)
    and is shown on the form, on the fields it names."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ServiceError as error:
            for field in (error.fields or {None: None}).keys():
                form.add_error(field if field in form.fields else None, error.message)
            self.produced_error_message = error.message
            return self.form_invalid(form)


def _word_fields(form):
    return {name: form.cleaned_data.get(name, "") for name in watched_words.FIELDS}


class WatchedWordCreateView(RefusalAsFormError, CreateView):
    def save_instance(self):
        word = watched_words.add_watched_word(self.request.user, **_word_fields(self.form))
        log(word, "wagtail.create", user=self.request.user)
        return word


class WatchedWordEditView(RefusalAsFormError, EditView):
    def save_instance(self):
        word = watched_words.change_watched_word(
            self.request.user, self.object.pk, **_word_fields(self.form)
        )
        log(word, "wagtail.edit", user=self.request.user)
        return word


class WatchedWordDeleteView(DeleteView):
    def delete_action(self):
        try:
            with transaction.atomic():  # Wagtail's history entry only with the removal
                log(self.object, "wagtail.delete", user=self.request.user, deleted=True)
                watched_words.remove_watched_word(self.request.user, self.object.pk)
        except ServiceError as error:
            raise PermissionDenied(error.message) from None


class WatchedWordViewSet(ModelViewSet):
    model = WatchedWord
    icon = "warning"
    menu_label = _("Watched words")
    add_view_class = WatchedWordCreateView
    edit_view_class = WatchedWordEditView
    delete_view_class = WatchedWordDeleteView
    copy_view_enabled = False
    list_display = ["phrase", "action", "explanation"]
    list_filter = ["action"]
    search_fields = ["phrase"]
    form_fields = ["phrase", "action", "explanation"]


# --- the staff audit log -------------------------------------------------------------------
ACTION_LABELS = {
    # live Q&A: questions (the console) and sessions (the console and admin)
    "approve": _("Question approved"),
    "reject": _("Question not published"),
    "edit": _("Question edited"),
    "pin": _("Question pinned"),
    "unpin": _("Question unpinned"),
    "answer": _("Question answered"),
    "hide": _("Question hidden"),
    "faq": _("Answer added to a guide's FAQ"),
    "open": _("Session opened"),
    "close": _("Session closed"),
    "schedule": _("Session set back to scheduled"),
    "qa.session.create": _("Session created"),
    "qa.session.edit": _("Session details changed"),
    "qa.session.moderators": _("Session moderators changed"),
    "qa.session.delete": _("Session deleted"),
    # peer rooms
    "room.create": _("Room created"),
    "room.edit": _("Room settings changed"),
    "room.delete": _("Room deleted"),
    "room.open": _("Room opened"),
    "room.close": _("Room closed"),
    "room.archive": _("Room archived"),
    "room.state": _("Room state changed"),
    "room.slow_mode": _("Slow mode changed"),
    "room.leads": _("Room leads changed"),
    "room.checkin": _("Check-in posted"),
    "room.message.remove": _("Message removed"),
    "room.message.release": _("Held message released"),
    "room.message.pin": _("Message pinned"),
    "room.message.unpin": _("Message unpinned"),
    "room.flags.dismiss": _("Flags dismissed"),
    "room.member.invite": _("Member invited"),
    "room.member.uninvite": _("Invitation withdrawn"),
    "room.member.add": _("Member added"),
    "room.member.mute": _("Member muted"),
    "room.member.unmute": _("Member unmuted"),
    "room.member.ban": _("Member banned"),
    "room.member.unban": _("Member unbanned"),
    "room.member.identify": _("Who is this? (account looked up)"),
    # screening
    watched_words.ADD: _("Watched word added"),
    watched_words.CHANGE: _("Watched word changed"),
    watched_words.REMOVE: _("Watched word removed"),
    "crisis.display_name": _("Crisis language in a display name"),
}


def action_label(entry):
    """The entry's action in words (the code itself for an action without a label)."""
    return ACTION_LABELS.get(entry.action, entry.action)


def _accounts(ids):
    accounts = get_user_model().objects.filter(pk__in=ids).order_by("email")
    return ", ".join(account.email for account in accounts) or "—"


def target_label(entry):
    """What the action was done to, in words: the word, the session, the room by name
    (as the record kept them), else the kind of thing and its id."""
    details = entry.details or {}
    if entry.target_type == watched_words.TARGET_TYPE and details.get("phrase"):
        return _("watched word “%(phrase)s”") % {"phrase": details["phrase"]}
    if entry.target_type == "qa_session" and details.get("title"):
        return _("session “%(title)s”") % {"title": details["title"]}
    if entry.target_type == "room" and details.get("name"):
        return _("room “%(name)s”") % {"name": details["name"]}
    if entry.target_id is None:
        return entry.target_type or "—"
    return f"{entry.target_type} #{entry.target_id}"


def change_summary(entry):
    """The record's details a reader needs: fields changed, moderators or leads added
    and removed (by their work address: staff accounts only)."""
    details = entry.details or {}
    parts = []
    if details.get("changed"):
        parts.append(_("changed: %(fields)s") % {"fields": ", ".join(details["changed"])})
    if "added" in details or "removed" in details:
        parts.append(_("added: %(accounts)s") % {"accounts": _accounts(details.get("added", []))})
        parts.append(
            _("removed: %(accounts)s") % {"accounts": _accounts(details.get("removed", []))}
        )
    if entry.action == "qa.session.create" and details.get("moderators"):
        parts.append(_("moderators: %(accounts)s") % {"accounts": _accounts(details["moderators"])})
    if entry.reason:
        parts.append(_("reason: %(reason)s") % {"reason": entry.reason})
    return "; ".join(str(part) for part in parts)


def _actor(entry):
    return entry.actor.email if entry.actor else "—"


def _member(entry):
    profile = getattr(entry.subject, "profile", None) if entry.subject else None
    return getattr(profile, "display_name", "") or "—"


class StaffLogPolicy(ModelPermissionPolicy):
    """Read only, whatever a group holds: moderators (``view_moderationaction``) and
    administrators read it; nobody adds, changes or deletes an entry."""

    def user_has_permission(self, user, action):
        if action != "view":
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


register_permission_policy(ModerationAction, StaffLogPolicy(ModerationAction))


class StaffLogIndexView(IndexView):
    """Moderation and staff edits of Q&A sessions, rooms and watched words; the
    coordinators' entries (``event:<id>``) are in their own log, with the families'
    sign-ups they name."""

    def get_base_queryset(self):
        entries = ModerationAction.objects.exclude(context__startswith="event:")
        user = self.request.user
        if not user.is_superuser:
            # A moderator reads the rooms it leads, as on /moderation/log/ (rooms are
            # moderated per room); Q&A, watched words and the rest are role-wide.
            rooms = [context_of(room) for room in moderated_rooms(user)]
            entries = entries.filter(~Q(context__startswith="room:") | Q(context__in=rooms))
        return entries.select_related("actor", "subject__profile").order_by("-created_at", "-id")


class StaffLogViewSet(ListOnlyViewSet):
    """*Reports → Moderation log*: every moderator action and staff edit, newest first."""

    model = ModerationAction
    icon = "history"
    menu_label = _("Moderation log")
    menu_hook = "register_reports_menu_item"
    menu_order = 650
    index_view_class = StaffLogIndexView
    copy_view_enabled = False
    inspect_view_enabled = False
    form_fields = ["action"]
    list_display = [
        Column("created_at", label=_("When"), accessor="created_at"),
        Column("actor", label=_("Staff member"), accessor=_actor),
        Column("action", label=_("Action"), accessor=action_label),
        Column("target", label=_("Target"), accessor=target_label),
        Column("context", label=_("Where"), accessor="context"),
        Column("member", label=_("Member concerned"), accessor=_member),
        Column("summary", label=_("Details"), accessor=change_summary),
    ]
    search_fields = ["action", "context"]
