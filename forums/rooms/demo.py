"""Demo peer rooms for ``manage.py seed_demo`` (idempotent: rooms found by slug,
messages added only to an empty room).

A moderator moderates the rooms it leads: moderator@example.org leads every demo room,
moderator2@example.org leads *Caring for yourself* only (and is refused from the others).
"""

from datetime import time, timedelta

from django.db import transaction
from django.utils import timezone

from forums.models import Flag, Message, Room, RoomMembership, RoomOpenHours
from portal.models import User

GUIDELINES = (
    "<p>This room is for support, not advice from professionals.</p>"
    "<ul><li>Use your display name only; never share full names, phone numbers or addresses."
    "</li><li>Speak from your own experience; no medical or legal advice.</li>"
    "<li>Be kind. Disagree with ideas, not people.</li>"
    "<li>If someone may be in danger, call 988 or 911 first, then tell a moderator.</li></ul>"
)

ROOMS = [
    {
        "slug": "parents",
        "name": "Parents",
        "audience": "Parents of a teen or adult in the program",
        "description": "For mothers, fathers and guardians: the worry, the hope, the day to day.",
        "sort_order": 10,
    },
    {
        "slug": "partners",
        "name": "Partners & spouses",
        "audience": "Partners, husbands and wives",
        "description": "Keeping a relationship and a home going while someone you love recovers.",
        "sort_order": 20,
        "slow_mode_seconds": 10,
    },
    {
        "slug": "familias",
        "name": "Familias en español",
        "audience": "Familias que prefieren hablar en español",
        "description": "Apoyo entre familias, en español.",
        "sort_order": 30,
        "access": Room.Access.INVITED,
    },
    {
        "slug": "self-care",
        "name": "Caring for yourself",
        "audience": "Any family member who needs a moment for themselves",
        "description": "Rest, boundaries and small wins. Open on weekday evenings.",
        "sort_order": 40,
        "hold_first_messages": 1,
        "hours": [(day, time(18, 0), time(21, 0)) for day in range(0, 5)],
        "leads": ["moderator2@example.org"],  # beside moderator@example.org
    },
]

CONVERSATION = [
    (
        "moderator@example.org",
        "Welcome, everyone. I'm here until 9 tonight. How is your week going?",
        True,
    ),
    (
        "family1@example.org",
        "Honestly, a rough one. My son missed two sessions and I don't know whether to push.",
        False,
    ),
    (
        "family2@example.org",
        "That sounds hard. When my partner skipped, the family line helped me think.",
        False,
    ),
    (
        "family1@example.org",
        "Thank you. I'll call them tomorrow. It helps to hear I'm not the only one.",
        False,
    ),
    (
        "moderator@example.org",
        "You're not. Small steps count. Remember the Tuesday family group, too.",
        False,
    ),
]


def _user(email):
    return User.objects.filter(email=email).first()


@transaction.atomic
def seed_rooms(log):
    moderator = _user("moderator@example.org")
    family1, family2 = _user("family1@example.org"), _user("family2@example.org")
    rooms = {}
    for spec in ROOMS:
        spec = dict(spec)
        hours = spec.pop("hours", [])
        other_leads = [lead for lead in map(_user, spec.pop("leads", [])) if lead]
        room, created = Room.objects.get_or_create(
            slug=spec["slug"], defaults={**spec, "guidelines": GUIDELINES}
        )
        if created:
            for weekday, start, end in hours:
                RoomOpenHours.objects.create(
                    room=room, weekday=weekday, starts_at=start, ends_at=end
                )
        if moderator:
            room.moderators.add(moderator)
        room.moderators.add(*other_leads)
        rooms[room.slug] = room
        log(f"{'created' if created else 'kept'} room {room.name}")
    if not (moderator and family1 and family2):
        return
    now = timezone.now()
    for room in rooms.values():
        for user in (moderator, family1, family2):
            membership, _ = RoomMembership.objects.get_or_create(account=user, room=room)
            membership.guidelines_accepted_at = now
            membership.invited = membership.invited or room.access == Room.Access.INVITED
            membership.save()
    parents = rooms["parents"]
    if parents.messages.exists():
        return
    start = now - timedelta(hours=2)
    created = []
    for index, (email, body, checkin) in enumerate(CONVERSATION):
        author = _user(email)
        message = Message.objects.create(
            room=parents,
            author=author,
            membership=RoomMembership.objects.get(account=author, room=parents),
            body=body,
            is_checkin=checkin,
            pinned=checkin,
        )
        Message.objects.filter(pk=message.pk).update(
            created_at=start + timedelta(minutes=7 * index)
        )
        created.append(message)
    Message.objects.create(
        room=parents,
        author=family2,
        membership=RoomMembership.objects.get(account=family2, room=parents),
        body="You can reach me on 555-201-3344 if you want to talk after group.",
        state=Message.State.HELD,
        hold_kinds=["phone"],
    )
    Flag.objects.create(
        message=created[2],
        reporter=family1,
        reason=Flag.Reason.MEDICAL,
        note="Demo report: please check this is okay.",
    )
    log("added a conversation, a held message and an open report to Parents")
