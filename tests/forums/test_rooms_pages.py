"""Peer rooms over HTTP, open hours across DST, privacy and demo content."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from forums.live import errors
from forums.live.errors import ServiceError
from forums.models import Flag, Message, ModerationAction, Room, RoomOpenHours
from forums.rooms import services as service
from portal import demo as portal_demo
from portal import privacy, roles
from tests.forums.rooms_support import join, make_room

pytestmark = pytest.mark.django_db


@pytest.fixture
def room():
    return make_room()


@pytest.fixture
def moderator(make_staff, room):
    """A moderator of ``room``: the Moderators role, and one of the room's leads."""
    lead = make_staff(roles.MODERATORS)
    room.moderators.add(lead)
    return lead


# --- standing: read fresh from the account, its groups and its email addresses ----------
def test_standing_reads_role_leads_and_verified_email_fresh(room, make_family_member, moderator):
    from allauth.account.models import EmailAddress
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth.models import Group

    from portal.models import User
    from tests.factories import TOTP_SECRET

    elsewhere = make_room("partners")
    member = make_family_member()
    assert service.standing(member, room) == (False, True)
    # Staff accounts have no family profile (no display name): not members of a room.
    # A moderator moderates the rooms it leads, and no other.
    assert service.standing(moderator, room) == (True, False)
    assert service.standing(moderator, elsewhere) == (False, False)
    # Another group is not the Moderators group.
    member.groups.add(Group.objects.get(name=roles.CARE_COORDINATORS))
    assert service.standing(member, room) == (False, True)
    # Leading a room without the Moderators role moderates nothing (a lead who left it).
    room.moderators.add(member)
    assert service.standing(member, room) == (False, True)
    room.moderators.remove(member)
    User.objects.filter(pk=member.pk).update(is_superuser=True)
    # An administrator moderates once the account has a second sign-in step (portal.mfa).
    assert service.standing(member, room) == (False, True)
    TOTP.activate(member, TOTP_SECRET)
    assert service.standing(member, room) == (True, True)
    assert service.standing(member, elsewhere) == (True, True)  # superusers: every room
    User.objects.filter(pk=member.pk).update(is_superuser=False)
    EmailAddress.objects.filter(user=member).update(verified=False)
    assert service.standing(member, room) == (False, False)
    # No longer a lead since the socket opened: the row says so.
    room.moderators.remove(moderator)
    assert service.standing(moderator, room) == (False, False)
    room.moderators.add(moderator)
    # Deactivated since the socket opened: the row says so, whatever the object says.
    User.objects.filter(pk=moderator.pk).update(is_active=False)
    assert moderator.is_active and service.standing(moderator, room) == (False, False)


def socket_user(user):
    """The account as a socket holds it: its profile loaded when the socket opened."""
    from portal.models import User

    return User.objects.select_related("profile").get(pk=user.pk)


def test_standing_is_one_query(room, make_family_member, moderator, django_assert_num_queries):
    member = socket_user(make_family_member())
    with django_assert_num_queries(1):
        assert service.standing(member, room) == (False, True)
    moderator = socket_user(moderator)
    elsewhere = make_room("partners")
    with django_assert_num_queries(1):
        assert service.is_moderator(moderator, room)
    with django_assert_num_queries(1):
        assert not service.is_moderator(moderator, elsewhere)


def test_a_message_costs_five_queries(room, make_family_member, django_assert_num_queries):
    member = make_family_member()
    join(room, member)
    member = socket_user(member)
    service.send_message(room, member, body="First", client_ref="warm")  # watched words cached
    # Standing, savepoint, the locked membership, the insert, release: as many as when
    # standing was a hand-written statement. No client_ref look-up on the way: a repeat is
    # recognised when it cannot be posted (below).
    with django_assert_num_queries(5):
        first, _ = service.send_message(room, member, body="Hello everyone", client_ref="a")
    again, _ = service.send_message(room, member, body="Hello everyone", client_ref="a")
    assert again.pk == first.pk
    assert Message.objects.filter(author=member).count() == 2


def test_a_repeat_refused_by_slow_mode_is_answered_with_the_first_message(room, make_family_member):
    room.slow_mode_seconds = 60
    room.save(update_fields=["slow_mode_seconds"])
    member = make_family_member()
    join(room, member)
    first, _ = service.send_message(room, member, body="Is anyone here?", client_ref="r1")
    # The same frame after a reconnect: acknowledged with the first, not refused.
    again, info = service.send_message(room, member, body="Is anyone here?", client_ref="r1")
    assert again.pk == first.pk and info == {"state": Message.State.VISIBLE}
    # A new message within the minute is refused as before.
    with pytest.raises(ServiceError) as refused:
        service.send_message(room, member, body="Hello?", client_ref="r2")
    assert refused.value.code == "slow_mode"
    assert Message.objects.filter(author=member).count() == 1


# --- open hours (settings.TIME_ZONE is America/New_York) ---------------------------------
SUNDAY_MORNING = [(6, time(9, 0), time(11, 0))]


def test_a_room_without_hours_is_always_open():
    assert service.is_within_hours([], datetime(2026, 3, 8, 3, 0, tzinfo=UTC))
    assert service.opens_next([]) is None


def test_within_hours_is_open_and_outside_is_not():
    inside = datetime(2026, 1, 4, 15, 0, tzinfo=UTC)  # Sunday 10:00 EST
    outside = datetime(2026, 1, 4, 17, 0, tzinfo=UTC)  # Sunday 12:00 EST
    assert service.is_within_hours(SUNDAY_MORNING, inside)
    assert not service.is_within_hours(SUNDAY_MORNING, outside)


def test_opens_next_across_spring_forward_uses_daylight_time():
    # Saturday 7 March 2026 noon EST; clocks go forward on Sunday 8 March at 02:00.
    now = datetime(2026, 3, 7, 17, 0, tzinfo=UTC)
    moment = service.opens_next(SUNDAY_MORNING, now)
    assert moment.astimezone(UTC) == datetime(2026, 3, 8, 13, 0, tzinfo=UTC)  # 09:00 EDT


def test_opens_next_across_fall_back_uses_standard_time():
    # Saturday 31 October 2026 noon EDT; clocks go back on Sunday 1 November.
    now = datetime(2026, 10, 31, 16, 0, tzinfo=UTC)
    moment = service.opens_next(SUNDAY_MORNING, now)
    assert moment.astimezone(UTC) == datetime(2026, 11, 1, 14, 0, tzinfo=UTC)  # 09:00 EST


def test_an_opening_inside_the_spring_gap_starts_when_the_clock_exists():
    slots = [(6, time(2, 30), time(4, 0))]
    now = datetime(2026, 3, 8, 5, 0, tzinfo=UTC)  # Sunday 00:00 EST
    moment = service.opens_next(slots, now)
    assert moment.astimezone(UTC) == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)  # 03:30 EDT


def test_opens_next_wraps_to_next_week():
    now = datetime(2026, 1, 4, 17, 0, tzinfo=UTC)  # Sunday, after the slot
    moment = service.opens_next(SUNDAY_MORNING, now)
    assert moment.astimezone(UTC) == datetime(2026, 1, 11, 14, 0, tzinfo=UTC)


def test_outside_open_hours_a_member_cannot_post_and_is_told_when_it_opens(
    room, make_family_member
):
    member = make_family_member()
    join(room, member)
    now = timezone.localtime()
    other_day = (now.weekday() + 3) % 7
    RoomOpenHours.objects.create(
        room=room, weekday=other_day, starts_at=time(9, 0), ends_at=time(10, 0)
    )
    with pytest.raises(ServiceError) as refused:
        service.send_message(room, member, body="hello")
    assert refused.value.code == service.ROOM_CLOSED
    assert "opens next" in refused.value.message


def test_within_open_hours_a_member_posts(room, make_family_member):
    member = make_family_member()
    join(room, member)
    RoomOpenHours.objects.create(
        room=room,
        weekday=timezone.localtime().weekday(),
        starts_at=time(0, 0),
        ends_at=time(23, 59, 59),
    )
    message, info = service.send_message(room, member, body="Glad it is open tonight.")
    assert info["state"] == "visible"
    assert message.room_id == room.pk


def test_moderators_may_post_outside_open_hours(room, moderator):
    RoomOpenHours.objects.create(
        room=room,
        weekday=(timezone.localtime().weekday() + 3) % 7,
        starts_at=time(9, 0),
        ends_at=time(10, 0),
    )
    message, info = service.send_message(room, moderator, body="We open Thursday.")
    assert info["state"] == "visible"


# --- other service rules -----------------------------------------------------------------
def test_a_new_members_first_messages_are_held_when_the_room_says_so(room, make_family_member):
    Room.objects.filter(pk=room.pk).update(hold_first_messages=1)
    room.refresh_from_db()
    member = make_family_member()
    join(room, member)
    first, info = service.send_message(room, member, body="Hi, I'm new")
    assert first.state == Message.State.HELD and info["explanation"]
    second, _ = service.send_message(room, member, body="Still new")
    assert second.state == Message.State.HELD  # the first one was never released


def test_a_flagged_word_posts_visibly_and_adds_an_automatic_flag(room, make_family_member):
    from forums.models import WatchedWord

    WatchedWord.objects.create(phrase="miracle cure", action="flag")
    member = make_family_member()
    join(room, member)
    message, info = service.send_message(room, member, body="a miracle cure?")
    assert info["state"] == "visible"
    assert Flag.objects.get(message=message).automatic


def test_editing_after_ten_minutes_is_refused(room, make_family_member):
    member = make_family_member()
    join(room, member)
    message, _ = service.send_message(room, member, body="hello")
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(minutes=11))
    with pytest.raises(ServiceError) as refused:
        service.edit_message(room, member, message.pk, body="changed")
    assert refused.value.code == errors.CONFLICT


# --- pages --------------------------------------------------------------------------------
def test_room_list_shows_who_each_room_is_for_and_its_hours(client, room, make_family_member):
    Room.objects.filter(pk=room.pk).update(audience="Parents of teens")
    RoomOpenHours.objects.create(room=room, weekday=0, starts_at=time(19), ends_at=time(21))
    client.force_login(make_family_member())
    page = client.get(reverse("forums:rooms")).content.decode()
    assert "Parents of teens" in page and "Monday 19:00–21:00" in page


def test_invite_only_rooms_are_not_listed_for_others(client, make_family_member):
    make_room("familias", name="Familias", access=Room.Access.INVITED)
    client.force_login(make_family_member())
    assert "Familias" not in client.get(reverse("forums:rooms")).content.decode()


def test_the_room_page_shows_the_guidelines_to_accept(client, room, make_family_member):
    client.force_login(make_family_member())
    page = client.get(reverse("forums:room", args=[room.slug])).content.decode()
    assert "I accept the guidelines" in page and "Be kind." in page


def test_accepting_over_http_records_the_acceptance(client, room, make_family_member):
    member = make_family_member()
    client.force_login(member)
    client.post(reverse("forums:room_accept", args=[room.slug]))
    assert member.room_memberships.get(room=room).guidelines_accepted_at


def test_rooms_need_a_login(client, room):
    response = client.get(reverse("forums:room", args=[room.slug]))
    assert response.status_code == 302


def test_the_queue_is_for_moderators_only(client, make_family_member):
    client.force_login(make_family_member())
    assert client.get(reverse("forums:queue")).status_code == 403
    assert client.get(reverse("forums:moderation_log")).status_code == 403


def test_the_queue_lists_crisis_holds_first(client, room, moderator, make_family_member):
    member = make_family_member()
    join(room, member)
    service.send_message(room, member, body="Call me on 555-201-3344")
    service.send_message(room, member, body="I want to end my life")
    client.force_login(moderator)
    page = client.get(reverse("forums:queue")).content.decode()
    assert page.index("I want to end my life") < page.index("555-201-3344")


def test_releasing_from_the_queue_makes_the_message_visible_and_logs_it(
    client, room, moderator, make_family_member
):
    member = make_family_member()
    join(room, member)
    message, _ = service.send_message(room, member, body="email a@b.org")
    client.force_login(moderator)
    client.post(reverse("forums:review", args=[message.pk]), {"decision": "release"})
    message.refresh_from_db()
    assert message.state == Message.State.VISIBLE
    assert ModerationAction.objects.filter(action="room.message.release").exists()


def test_dismissing_reports_resolves_them(client, room, moderator, make_family_member):
    member, reporter = make_family_member(), make_family_member()
    join(room, member)
    join(room, reporter)
    message, _ = service.send_message(room, member, body="hello")
    service.flag_message(room, reporter, message.pk, reason="spam")
    client.force_login(moderator)
    client.post(reverse("forums:review", args=[message.pk]), {"decision": "dismiss"})
    flag = Flag.objects.get()
    assert flag.resolution == "dismissed" and flag.resolved_by == moderator


def test_the_log_filters_by_action(client, room, moderator):
    service.set_slow_mode(room, moderator, seconds=10)
    service.set_room_state(room, moderator, state="closed")
    client.force_login(moderator)
    page = client.get(reverse("forums:moderation_log"), {"action": "room.close"}).content.decode()
    # Each action in words, in the filter and in the table.
    assert '<option value="room.slow_mode">Slow mode changed</option>' in page
    table = page[page.index("<tbody>") : page.index("</tbody>")]
    assert "<td>Room closed</td>" in table and "Slow mode changed" not in table


def test_every_moderator_reads_crisis_language_in_a_display_name_in_the_log(
    client, room, make_staff, make_family_member
):
    """The alert for it goes to every moderator with a link to this log: whichever rooms
    they lead, the entry is there (it concerns no room, and names no text)."""
    from forums.live.moderation import report_crisis_in_name

    report_crisis_in_name(make_family_member(), where="profile")
    elsewhere = make_staff(roles.MODERATORS)  # leads no room
    client.force_login(elsewhere)
    page = client.get(reverse("forums:moderation_log")).content.decode()
    table = page[page.index("<tbody>") : page.index("</tbody>")]
    assert "Crisis language in a display name" in table


def test_a_members_text_never_reaches_the_log(room, moderator, make_family_member):
    member = make_family_member()
    join(room, member)
    message, _ = service.send_message(room, member, body="secret words here")
    service.remove_message(room, moderator, message.pk, reason="Off topic")
    assert "secret" not in str(list(ModerationAction.objects.values()))


def test_message_text_xss_is_escaped_in_the_queue(client, room, moderator, make_family_member):
    member = make_family_member()
    join(room, member)
    service.send_message(room, member, body="<script>alert(1)</script> 555-201-3344")
    client.force_login(moderator)
    page = client.get(reverse("forums:queue")).content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page


# --- privacy ---------------------------------------------------------------------------------
def test_export_gives_a_member_their_messages_and_flags(room, make_family_member):
    member, other = make_family_member(), make_family_member()
    join(room, member)
    join(room, other)
    mine, _ = service.send_message(room, member, body="my words")
    theirs, _ = service.send_message(room, other, body="their words")
    service.flag_message(room, member, theirs.pk, reason="spam")
    data = privacy.export_user_data(member)["apps"]["forums"]
    assert [m["body"] for m in data["room_messages"]] == ["my words"]
    assert data["room_flags"][0]["message_id"] == theirs.pk
    assert mine.pk


def test_erasure_anonymises_messages_and_flags(room, make_family_member):
    member, other = make_family_member(), make_family_member()
    join(room, member)
    join(room, other)
    message, _ = service.send_message(room, member, body="my words")
    theirs, _ = service.send_message(room, other, body="their words")
    service.flag_message(room, member, theirs.pk, reason="spam")
    privacy.erase_account(member)
    message.refresh_from_db()
    assert message.author is None
    assert service.message_frame_data(message).author == "former member"
    assert Flag.objects.get().reporter is None


def test_every_rooms_model_belongs_to_a_privacy_holder():
    assert privacy.unregistered_personal_models() == []


# --- demo ------------------------------------------------------------------------------------
def test_seed_demo_makes_four_rooms_a_held_message_and_an_open_flag():
    portal_demo.run_all(lambda line: None)
    portal_demo.run_all(lambda line: None)  # idempotent
    assert Room.objects.count() == 4
    assert Room.objects.filter(access=Room.Access.INVITED).count() == 1
    assert RoomOpenHours.objects.exists()
    assert Message.objects.filter(state=Message.State.HELD).count() == 1
    assert Flag.objects.filter(resolved_at__isnull=True).count() == 1
    # A moderator moderates the rooms it leads: the demo moderator leads them all, the
    # second one the self-care room only.
    from portal.models import User

    lead = User.objects.get(email="moderator@example.org")
    assert set(service.moderated_rooms(lead)) == set(Room.objects.all())
    second = User.objects.get(email="moderator2@example.org")
    assert [room.slug for room in service.moderated_rooms(second)] == ["self-care"]
    assert not service.is_moderator(second, Room.objects.get(slug="parents"))


# --- admin and navigation ------------------------------------------------------------------
@pytest.mark.parametrize(
    "listing", ["rooms:index", "room_memberships:index", "watched_words:index"]
)
def test_moderators_manage_rooms_memberships_and_watched_words_in_admin(
    client, moderator, room, listing
):
    client.force_login(moderator)
    assert client.get(reverse(listing)).status_code == 200


def test_a_moderator_edits_a_rooms_open_hours_in_admin(client, moderator, room):
    client.force_login(moderator)
    response = client.get(reverse("rooms:edit", args=[room.pk]))
    assert response.status_code == 200
    assert b"Open hours" in response.content


def test_family_members_cannot_reach_the_rooms_admin(client, make_family_member):
    client.force_login(make_family_member())
    assert client.get(reverse("rooms:index")).status_code in (302, 403)


def test_peer_rooms_is_in_the_navigation(client, make_family_member):
    client.force_login(make_family_member())
    page = client.get(reverse("forums:rooms")).content.decode()
    assert 'href="/rooms/" aria-current="page"' in page or (
        "Peer rooms" in page and 'href="/rooms/"' in page
    )


def test_posting_a_message_costs_at_most_eight_queries(
    room, make_family_member, django_assert_max_num_queries
):
    # Every chat message pays these on the hot path (bench/rooms_chat.py): role and
    # verified email (one query), profile, room, membership lock, open hours, the insert and the
    # savepoint pair. The author's moderator flag and guidelines state are not re-read.
    member = make_family_member()
    join(room, member)
    service.send_message(room, member, body="warm up")
    member = type(member).objects.get(pk=member.pk)
    with django_assert_max_num_queries(8):
        message, info = service.send_message(room, member, body="hello again")
    assert info["state"] == "visible" and message.membership.account_id == member.pk


def test_an_uninvited_member_cannot_post_to_an_invite_only_room(room, make_family_member):
    Room.objects.filter(pk=room.pk).update(access=Room.Access.INVITED)
    room.refresh_from_db()
    member = make_family_member()
    join(room, member)  # accepted the guidelines once, but was never invited
    with pytest.raises(ServiceError) as refused:
        service.send_message(room, member, body="hello")
    assert refused.value.code == errors.FORBIDDEN
    assert not Message.objects.filter(room=room).exists()


def test_a_crisis_message_with_a_blocked_word_is_held_as_urgent_not_refused(
    room, make_family_member
):
    from forums.models import WatchedWord

    WatchedWord.objects.create(phrase="idiot", action="block")
    member = make_family_member()
    join(room, member)
    message, info = service.send_message(room, member, body="I want to die, I'm such an idiot")
    assert message.state == Message.State.HELD and message.urgent
    assert info["crisis"] and "988" in info["explanation"]
    with pytest.raises(ServiceError) as refused:
        service.send_message(room, member, body="what an idiot")
    assert refused.value.code == errors.BLOCKED


def test_editing_a_message_into_crisis_with_a_blocked_word_holds_it_as_urgent(
    room, make_family_member
):
    from forums.models import WatchedWord

    WatchedWord.objects.create(phrase="idiot", action="block")
    member = make_family_member()
    join(room, member)
    message, _ = service.send_message(room, member, body="hello")
    edited, info = service.edit_message(room, member, message.pk, body="idiot, I want to die")
    assert edited.state == Message.State.HELD and edited.urgent and info["crisis"]


def test_standing_is_read_fresh_for_every_message(room, make_family_member, moderator):
    from allauth.account.models import EmailAddress

    member = make_family_member()
    join(room, member)
    service.send_message(room, member, body="hello")
    EmailAddress.objects.filter(user=member).update(verified=False)
    with pytest.raises(ServiceError) as refused:
        service.send_message(room, member, body="still here?")
    assert refused.value.code == errors.FORBIDDEN

    service.send_message(room, moderator, body="Check-in: how is everyone?", checkin=True)
    moderator.groups.clear()
    with pytest.raises(ServiceError) as refused:
        service.send_message(room, moderator, body="Another check-in", checkin=True)
    assert refused.value.code == errors.FORBIDDEN


# --- client_ref: the idempotency key is (author, room, client_ref) ---------------------
def test_the_same_client_ref_in_another_room_is_another_message(room, make_family_member):
    other_room = make_room("partners")
    member = make_family_member()
    join(room, member)
    join(other_room, member)
    first, _ = service.send_message(room, member, body="Hello parents", client_ref="same")
    second, info = service.send_message(
        other_room, member, body="Hello partners", client_ref="same"
    )
    assert second.pk != first.pk and info["state"] == Message.State.VISIBLE
    assert second.room == other_room and second.body == "Hello partners"
    assert Message.objects.filter(room=other_room, body="Hello partners").exists()


def test_the_database_holds_one_message_per_author_room_and_client_ref(room, family_member):
    from django.db import IntegrityError, transaction

    Message.objects.create(room=room, author=family_member, body="one", client_ref="k")
    Message.objects.create(
        room=make_room("partners"), author=family_member, body="two", client_ref="k"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Message.objects.create(room=room, author=family_member, body="three", client_ref="k")


def test_a_repeat_racing_the_first_is_answered_with_the_first_message(room, make_family_member):
    member = make_family_member()
    join(room, member)
    first, _ = service.send_message(room, member, body="Only once", client_ref="race")
    # Nothing refuses the repeat before its insert: the unique constraint does, and the
    # first message stands.
    again, info = service.send_message(room, member, body="Only once", client_ref="race")
    assert again.pk == first.pk and info == {"state": Message.State.VISIBLE}
    assert Message.objects.filter(author=member).count() == 1
