"""Peer rooms over HTTP: the room list, a room's page (the live chat runs over the
socket), accepting the guidelines without JavaScript, and the moderators' review queue
and log at ``/moderation/``.

A room is for its family members and its own moderators (the leads in the Moderators
role, and superusers): the queue and the log show a moderator the rooms it leads only,
and a decision on a message of another room is refused as if the message did not exist.

Every page here is one person's (their rooms, their membership; a moderator's queue
holds families' words and email addresses): ``never_cache`` sends
``Cache-Control: no-store``, as the account pages do, so no browser or proxy keeps a copy.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from forums.live import errors
from forums.live.admin import ACTION_LABELS, action_label
from forums.live.errors import ServiceError
from forums.live.moderation import CRISIS_IN_NAME
from forums.models import Flag, Message, ModerationAction, Room, RoomMembership
from forums.rooms import services as service

# Words the room script shows (translated here, passed with json_script).
ROOM_STRINGS = {
    "connecting": gettext_lazy("Connecting…"),
    "live": gettext_lazy("Connected"),
    "offline": gettext_lazy("Offline — reconnecting…"),
    "refused": gettext_lazy("You cannot take part in this room."),
    "sending": gettext_lazy("Sending…"),
    "queued": gettext_lazy("Offline: will send when reconnected."),
    "sent": gettext_lazy("Sent."),
    "held": gettext_lazy("Held for review."),
    "reply": gettext_lazy("Reply"),
    "report": gettext_lazy("Report"),
    "edit": gettext_lazy("Edit"),
    "delete": gettext_lazy("Delete"),
    "hide": gettext_lazy("Hide this member"),
    "unhide": gettext_lazy("Show this member"),
    "remove": gettext_lazy("Remove"),
    "release": gettext_lazy("Release"),
    "pin": gettext_lazy("Pin"),
    "unpin": gettext_lazy("Unpin"),
    "mute": gettext_lazy("Mute"),
    "ban": gettext_lazy("Ban"),
    "who": gettext_lazy("Who is this?"),
    "edited": gettext_lazy("edited"),
    "heldBadge": gettext_lazy("Held for review"),
    "moderator": gettext_lazy("moderator"),
    "checkin": gettext_lazy("Check-in"),
    "replyingTo": gettext_lazy("Replying to"),
    "newMessage": gettext_lazy("New message from"),
    "removed": gettext_lazy("A message was removed."),
    "reported": gettext_lazy("Thank you. A moderator will look at it."),
    "editLabel": gettext_lazy("Edit your message"),
    "save": gettext_lazy("Save"),
    "cancel": gettext_lazy("Cancel"),
    "saved": gettext_lazy("Your message was updated."),
    "crisisAlert": gettext_lazy("Urgent: a crisis message was held. Check it now."),
    "hiddenMember": gettext_lazy("Message from a member you hid."),
    "open": gettext_lazy("Open"),
    "closeRoom": gettext_lazy("Close the room"),
    "openRoom": gettext_lazy("Open the room"),
    "slow": gettext_lazy("Slow mode: one message every %s seconds."),
    "you": gettext_lazy("you"),
    # The moderation dialog names what it acts on: the member, and for a removal the
    # start of the message.
    "targetMessage": gettext_lazy("Message from %(author)s: “%(excerpt)s”"),
    "targetMember": gettext_lazy("Member: %(author)s"),
}


@never_cache
@require_GET
@login_required
def room_list(request):
    rooms = service.rooms_for(request.user)
    accepted = set(
        RoomMembership.objects.filter(
            account=request.user, guidelines_accepted_at__isnull=False
        ).values_list("room_id", flat=True)
    )
    moderated = set(service.moderated_rooms(request.user).values_list("pk", flat=True))
    for room in rooms:
        room.hours = service.describe_hours(room)
        room.open_now = service.room_is_open(room)
        room.closed_reason = "" if room.open_now else service.closed_explanation(room)
        room.joined = room.pk in accepted
        room.moderated = room.pk in moderated
    family = service.is_family_member(request.user)
    return render(
        request,
        "forums/rooms/index.html",
        {
            "rooms": rooms,
            "verified": service.is_verified_member(request.user) or bool(moderated),
            "family": family,
            # A moderator who leads no room yet: told how rooms come to be theirs.
            "leads_none": not family
            and not moderated
            and service.holds_moderator_role(request.user),
        },
    )


def _room_for(request, slug):
    room = get_object_or_404(Room, slug=slug)
    refusal = service.connect_check(room, request.user)
    if refusal is not None:
        if refusal[1] == errors.NOT_FOUND:
            raise Http404
        return room, refusal[2]
    return room, None


@never_cache
@require_GET
@login_required
def room_detail(request, slug):
    room, refused = _room_for(request, slug)
    if refused:
        return render(
            request, "forums/rooms/refused.html", {"room": room, "reason": refused}, status=403
        )
    snapshot = service.snapshot(room, request.user)
    return render(
        request,
        "forums/rooms/room.html",
        {
            "room": room,
            "hours": service.describe_hours(room),
            "membership": snapshot.membership,
            "room_state": snapshot.room,
            "is_moderator": snapshot.membership.moderator,
            "flag_reasons": Flag.Reason.choices,
            "strings": {key: str(value) for key, value in ROOM_STRINGS.items()},
        },
    )


@never_cache
@require_POST
@login_required
def accept_guidelines(request, slug):
    room, refused = _room_for(request, slug)
    if refused:
        raise PermissionDenied(refused)
    try:
        service.accept_guidelines(room, request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    return redirect("forums:room", slug=room.slug)


def _require_moderator(request):
    """The queue and the log are for the Moderators role and superusers (each then sees
    the rooms it moderates only); anyone else is refused."""
    if not service.holds_moderator_role(request.user):
        raise PermissionDenied


@never_cache
@require_GET
@login_required
def queue(request):
    _require_moderator(request)
    items = service.review_queue(request.user)
    return render(
        request,
        "forums/rooms/queue.html",
        {
            "crisis": items["crisis"],
            "flagged": items["flags"],
            "held": items["held"],
            "total": len(items["crisis"]) + len(items["flags"]) + len(items["held"]),
            "leads_none": not service.moderated_rooms(request.user).exists(),
        },
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("release", "release"), ("remove", "remove"), ("dismiss", "dismiss")]
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason (shown in the log)"), max_length=500, required=False
    )


@never_cache
@require_POST
@login_required
def review(request, message_id):
    _require_moderator(request)
    # A message of a room this moderator does not lead is not in its queue: not found.
    message = get_object_or_404(
        Message.objects.select_related("room").filter(
            room__in=service.moderated_rooms(request.user)
        ),
        pk=message_id,
    )
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what to do with the message."))
        return redirect("forums:queue")
    decision = form.cleaned_data["decision"]
    reason = form.cleaned_data["reason"]
    try:
        if decision == "release":
            service.release_message(message.room, request.user, message.pk)
            messages.success(request, _("Released: the message is now visible in the room."))
        elif decision == "remove":
            service.remove_message(
                message.room, request.user, message.pk, reason=reason or _("Removed after review")
            )
            messages.success(request, _("Removed. The room no longer shows the message."))
        else:
            service.dismiss_flags(message.room, request.user, message.pk, reason=reason)
            messages.success(request, _("Reports closed; the message stays."))
    except ServiceError as error:
        messages.error(request, error.message)
    return redirect("forums:queue")


class LogFilterForm(forms.Form):
    room = forms.ChoiceField(label=gettext_lazy("Room"), required=False)
    action = forms.ChoiceField(label=gettext_lazy("Action"), required=False)
    moderator = forms.CharField(
        label=gettext_lazy("Moderator email"), required=False, max_length=254
    )

    def __init__(self, *args, entries, rooms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].choices = [("", _("All my rooms"))] + [
            (f"room:{room.slug}", room.name) for room in rooms
        ]
        actions = entries.order_by("action").values_list("action", flat=True).distinct()
        self.fields["action"].choices = [("", _("All actions"))] + [
            (action, ACTION_LABELS.get(action, action)) for action in actions
        ]


@never_cache
@require_GET
@login_required
def log(request):
    _require_moderator(request)
    # The actions taken in the rooms this moderator moderates (a superuser: every room).
    rooms = service.moderated_rooms(request.user).order_by("sort_order", "name")
    entries = ModerationAction.objects.filter(
        context__in=[service.context_of(room) for room in rooms]
    )
    if request.user.is_superuser:  # also the rooms renamed or deleted since
        entries = ModerationAction.objects.filter(context__startswith="room:")
    # Crisis language in a display name concerns no room: every moderator is alerted to
    # it by email, with a link to this log, so every moderator reads it here.
    entries = entries | ModerationAction.objects.filter(action=CRISIS_IN_NAME)
    form = LogFilterForm(request.GET or None, entries=entries, rooms=rooms)
    entries = entries.select_related("actor__profile", "subject__profile")
    if form.is_valid():
        if form.cleaned_data["room"]:
            entries = entries.filter(context=form.cleaned_data["room"])
        if form.cleaned_data["action"]:
            entries = entries.filter(action=form.cleaned_data["action"])
        if form.cleaned_data["moderator"]:
            entries = entries.filter(actor__email__iexact=form.cleaned_data["moderator"])
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    for entry in page:
        entry.label = action_label(entry)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "forums/rooms/log.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "queue_url": reverse("forums:queue"),
        },
    )


urlpatterns = [
    path("rooms/", room_list, name="rooms"),
    path("rooms/<slug:slug>/", room_detail, name="room"),
    path("rooms/<slug:slug>/accept/", accept_guidelines, name="room_accept"),
    path("moderation/", queue, name="queue"),
    path("moderation/messages/<int:message_id>/review/", review, name="review"),
    path("moderation/log/", log, name="moderation_log"),
]
