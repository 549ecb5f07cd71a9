"""Peer rooms in Wagtail admin, as a moderator opens them: members by display name
(no account's email), leads chosen among moderators only, and every moderator action
(state, slow mode, leads, invite, mute, ban, unban) through the services, logged with
its actor."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from forums.models import ModerationAction, Room, RoomMembership
from portal import roles
from tests.factories import AccountFactory, FamilyMemberFactory, ModeratorFactory, SuperuserFactory
from tests.forums.rooms_support import join, make_room

pytestmark = pytest.mark.django_db


@pytest.fixture
def room():
    return make_room()


@pytest.fixture
def moderator(room):
    """A moderator of ``room`` (one of its leads)."""
    lead = ModeratorFactory()
    room.moderators.add(lead)
    return lead


@pytest.fixture
def family():
    return FamilyMemberFactory(display_name="Hopeful Mom")


@pytest.fixture
def unverified():
    """A sign-up that never confirmed its address."""
    return AccountFactory(
        email="not-yet@example.test", verified=False, roles=[roles.FAMILY_MEMBERS]
    )


def room_form(room, **changes):
    data = {
        "name": room.name,
        "slug": room.slug,
        "description": room.description,
        "audience": room.audience,
        "guidelines": rich_text(room.guidelines, features=["bold", "italic", "ol", "ul", "link"]),
        "access": room.access,
        "state": room.state,
        "slow_mode_seconds": room.slow_mode_seconds,
        "hold_first_messages": room.hold_first_messages,
        "sort_order": room.sort_order,
        "open_hours": inline_formset([]),
    }
    if "moderators" in changes:
        leads = changes.pop("moderators")
    else:
        leads = list(room.moderators.values_list("pk", flat=True))
    form = nested_form_data(data | changes)
    form["moderators"] = [str(pk) for pk in leads]
    return form


def actions(name=None):
    rows = ModerationAction.objects.order_by("pk")
    return list(rows.filter(action=name) if name else rows)


# --- rooms ---------------------------------------------------------------------------------
def test_the_room_form_offers_moderators_as_leads_and_no_accounts_email(
    client, room, moderator, family, unverified
):
    other_moderator = ModeratorFactory()
    client.force_login(moderator)
    response = client.get(reverse("rooms:edit", args=[room.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert other_moderator.email in page  # a colleague, by work address (no display name)
    assert family.email not in page and "Hopeful Mom" not in page
    assert unverified.email not in page


def test_a_family_member_cannot_be_made_a_room_lead(client, room, moderator, family):
    client.force_login(moderator)
    response = client.post(
        reverse("rooms:edit", args=[room.pk]), room_form(room, moderators=[moderator.pk, family.pk])
    )
    assert response.status_code == 200  # the form again, with the error
    assert list(room.moderators.all()) == [moderator]
    assert actions() == []


def test_the_leads_service_refuses_a_family_member_whatever_the_screen(room, moderator, family):
    from forums.live.errors import ServiceError
    from forums.rooms import services as service

    with pytest.raises(ServiceError):
        service.set_room_leads(room, moderator, [moderator, family])
    assert list(room.moderators.all()) == [moderator]


def test_state_slow_mode_and_leads_changed_in_admin_are_logged_with_the_actor(
    client, room, moderator, django_capture_on_commit_callbacks
):
    lead = ModeratorFactory()
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("rooms:edit", args=[room.pk]),
            room_form(room, state="closed", slow_mode_seconds="30", moderators=[lead.pk]),
        )
    assert response.status_code == 302
    room.refresh_from_db()
    assert (room.state, room.slow_mode_seconds) == ("closed", 30)
    assert list(room.moderators.all()) == [lead]
    logged = {row.action: row for row in actions()}
    assert set(logged) == {"room.close", "room.slow_mode", "room.leads"}
    assert all(row.actor == moderator for row in logged.values())
    assert logged["room.leads"].details["added"] == [lead.pk]


def test_a_slow_mode_the_service_refuses_is_a_form_error_and_nothing_is_saved(
    client, room, moderator
):
    client.force_login(moderator)
    response = client.post(
        reverse("rooms:edit", args=[room.pk]),
        room_form(room, state="closed", slow_mode_seconds="5000"),
    )
    assert response.status_code == 200
    room.refresh_from_db()
    assert (room.state, room.slow_mode_seconds) == ("open", 0)
    assert actions() == []


def test_archiving_a_room_in_admin_is_logged(client, room, moderator):
    client.force_login(moderator)
    client.post(reverse("rooms:edit", args=[room.pk]), room_form(room, state="archived"))
    assert Room.objects.get(pk=room.pk).state == "archived"
    assert [row.actor for row in actions("room.archive")] == [moderator]


def test_a_room_created_with_a_lead_logs_the_lead(client):
    lead = ModeratorFactory()
    administrator = SuperuserFactory()
    client.force_login(administrator)
    blank = Room(name="Siblings", slug="siblings", guidelines="<p>Be kind.</p>")
    response = client.post(reverse("rooms:add"), room_form(blank, moderators=[lead.pk]))
    assert response.status_code == 302
    room = Room.objects.get(slug="siblings")
    assert list(room.moderators.all()) == [lead]
    assert [row.actor for row in actions("room.leads")] == [administrator]


def test_only_an_administrator_creates_a_room(client, moderator):
    """A moderator moderates the rooms it leads: a room is created, with its first
    leads, by an administrator."""
    client.force_login(moderator)
    blank = Room(name="Siblings", slug="siblings", guidelines="<p>Be kind.</p>")
    assert client.get(reverse("rooms:add")).status_code in (302, 403)
    response = client.post(reverse("rooms:add"), room_form(blank, moderators=[moderator.pk]))
    assert response.status_code in (302, 403)
    assert not Room.objects.filter(slug="siblings").exists()


def test_a_moderator_sees_and_changes_only_the_rooms_it_leads(client, room, moderator, family):
    elsewhere = make_room("partners", name="Partners")
    theirs = join(elsewhere, family)
    mine = join(room, FamilyMemberFactory(display_name="Steady Partner"))
    client.force_login(moderator)
    listing = client.get(reverse("rooms:index")).content.decode()
    assert reverse("rooms:edit", args=[room.pk]) in listing
    assert reverse("rooms:edit", args=[elsewhere.pk]) not in listing
    for name in ("edit", "delete", "history", "usage"):
        assert client.get(reverse(f"rooms:{name}", args=[elsewhere.pk])).status_code == 404
        assert client.get(reverse(f"room_memberships:{name}", args=[theirs.pk])).status_code == 404
    response = client.post(
        reverse("rooms:edit", args=[elsewhere.pk]), room_form(elsewhere, state="closed")
    )
    assert response.status_code == 404
    assert Room.objects.get(pk=elsewhere.pk).state == "open"
    memberships = client.get(reverse("room_memberships:index")).content.decode()
    assert reverse("room_memberships:edit", args=[mine.pk]) in memberships
    assert reverse("room_memberships:edit", args=[theirs.pk]) not in memberships
    # Nor can a membership be made in another room.
    response = client.post(
        reverse("room_memberships:add"),
        {"account": FamilyMemberFactory().pk, "room": elsewhere.pk, "ban_reason": ""},
    )
    assert response.status_code == 200
    assert elsewhere.memberships.count() == 1
    assert actions() == []


def test_the_leads_service_refuses_a_moderator_of_another_room(room, moderator):
    from forums.live.errors import ServiceError
    from forums.rooms import services as service

    elsewhere = make_room("partners")
    with pytest.raises(ServiceError):
        service.set_room_leads(elsewhere, moderator, [moderator])
    with pytest.raises(ServiceError):
        service.invite_member(elsewhere, moderator, FamilyMemberFactory())
    assert not elsewhere.moderators.exists() and not elsewhere.memberships.exists()
    assert actions() == []


# --- memberships ---------------------------------------------------------------------------
def test_the_membership_form_lists_verified_family_members_by_display_name_only(
    client, room, moderator, family, unverified
):
    colleague = ModeratorFactory()
    client.force_login(moderator)
    response = client.get(reverse("room_memberships:add"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Hopeful Mom" in page
    assert family.email not in page
    assert unverified.email not in page and colleague.email not in page


def test_the_membership_list_shows_display_names_and_is_not_searched_by_email(
    client, room, moderator, family
):
    join(room, family)
    client.force_login(moderator)
    page = client.get(reverse("room_memberships:index")).content.decode()
    assert "Hopeful Mom" in page and family.email not in page
    found = client.get(reverse("room_memberships:index"), {"q": family.email}).content.decode()
    assert "Hopeful Mom" not in found
    found = client.get(reverse("room_memberships:index"), {"q": "Hopeful"}).content.decode()
    assert "Hopeful Mom" in found


def test_inviting_in_admin_goes_through_the_service(client, moderator, family):
    room = make_room("familias", access=Room.Access.INVITED)
    room.moderators.add(moderator)
    client.force_login(moderator)
    response = client.post(
        reverse("room_memberships:add"),
        {"account": family.pk, "room": room.pk, "invited": "on", "ban_reason": ""},
    )
    assert response.status_code == 302
    assert RoomMembership.objects.get(room=room, account=family).invited
    [logged] = actions("room.member.invite")
    assert (logged.actor, logged.subject) == (moderator, family)


def test_a_membership_added_in_admin_without_an_invitation_is_logged(
    client, room, moderator, family
):
    client.force_login(moderator)
    response = client.post(
        reverse("room_memberships:add"),
        {"account": family.pk, "room": room.pk, "ban_reason": ""},
    )
    assert response.status_code == 302
    membership = RoomMembership.objects.get(room=room, account=family)
    assert not membership.invited
    [logged] = actions("room.member.add")
    assert (logged.actor, logged.subject, logged.target_id) == (moderator, family, membership.pk)


def test_a_staff_account_cannot_be_invited(client, room, moderator):
    client.force_login(moderator)
    response = client.post(
        reverse("room_memberships:add"),
        {"account": ModeratorFactory().pk, "room": room.pk, "invited": "on"},
    )
    assert response.status_code == 200
    assert not RoomMembership.objects.exists()


def edit_membership(client, membership, **fields):
    data = {"ban_reason": ""} | fields
    return client.post(reverse("room_memberships:edit", args=[membership.pk]), data)


def test_banning_in_admin_records_who_banned_and_logs_it(
    client, room, moderator, family, django_capture_on_commit_callbacks
):
    membership = join(room, family)
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        response = edit_membership(client, membership, banned="on", ban_reason="Threats")
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.banned and membership.banned_by == moderator
    assert membership.banned_at is not None
    [logged] = actions("room.member.ban")
    assert (logged.actor, logged.subject, logged.reason) == (moderator, family, "Threats")


def test_a_ban_without_a_reason_is_refused_on_the_form(client, room, moderator, family):
    membership = join(room, family)
    client.force_login(moderator)
    response = edit_membership(client, membership, banned="on")
    assert response.status_code == 200
    assert "Please give a reason." in response.content.decode()
    membership.refresh_from_db()
    assert not membership.banned and actions() == []


def test_unbanning_in_admin_is_logged(client, room, moderator, family):
    membership = join(room, family, banned=True, ban_reason="Spam")
    client.force_login(moderator)
    response = edit_membership(client, membership)
    assert response.status_code == 302
    membership.refresh_from_db()
    assert not membership.banned and membership.banned_by is None
    assert [row.actor for row in actions("room.member.unban")] == [moderator]


def test_muting_and_unmuting_in_admin_are_logged(client, room, moderator, family):
    membership = join(room, family)
    client.force_login(moderator)
    until = timezone.localtime(timezone.now() + timedelta(hours=2))
    response = edit_membership(client, membership, muted_until=until.strftime("%Y-%m-%d %H:%M"))
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.muted_until is not None
    assert abs(membership.muted_until - until) < timedelta(minutes=1)
    # Saving the form unchanged is no new mute.
    edit_membership(client, membership, muted_until=until.strftime("%Y-%m-%d %H:%M"))
    assert len(actions("room.member.mute")) == 1
    response = edit_membership(client, membership, muted_until="")
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.muted_until is None
    assert [row.actor for row in actions("room.member.unmute")] == [moderator]


def test_a_mute_past_seven_days_is_refused_on_the_form(client, room, moderator, family):
    membership = join(room, family)
    client.force_login(moderator)
    until = timezone.localtime(timezone.now() + timedelta(days=30))
    response = edit_membership(client, membership, muted_until=until.strftime("%Y-%m-%d %H:%M"))
    assert response.status_code == 200
    membership.refresh_from_db()
    assert membership.muted_until is None


def test_a_membership_cannot_be_deleted_from_admin(client, room, family):
    membership = join(room, family, banned=True, ban_reason="Spam")
    client.force_login(SuperuserFactory())
    response = client.post(reverse("room_memberships:delete", args=[membership.pk]))
    assert response.status_code in (302, 403)
    assert RoomMembership.objects.filter(pk=membership.pk, banned=True).exists()


def test_the_membership_edit_page_names_the_member_not_the_address(client, room, moderator, family):
    membership = join(room, family)
    client.force_login(moderator)
    response = client.get(reverse("room_memberships:edit", args=[membership.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Hopeful Mom" in page and family.email not in page


def test_a_moderator_archives_a_room_rather_than_deleting_it(client, room, moderator):
    client.force_login(moderator)
    response = client.post(reverse("rooms:delete", args=[room.pk]))
    assert response.status_code in (302, 403)
    assert Room.objects.filter(pk=room.pk).exists()


def test_the_review_queue_names_the_member_not_the_address(client, room, moderator, family):
    from forums.models import Message

    membership = join(room, family)
    Message.objects.create(
        room=room, author=family, membership=membership, body="Held words", state="held"
    )
    client.force_login(moderator)
    page = client.get(reverse("forums:queue")).content.decode()
    assert "Held words" in page and "Hopeful Mom" in page
    assert family.email not in page
    assert reverse("forums:room", args=[room.slug]) in page


@pytest.mark.parametrize(
    "role", ["moderator", "coordinator", "editor", "reviewer", "superuser", "family member"]
)
def test_no_forums_admin_screen_answers_a_server_error_to_any_role(client, room, family, role):
    from tests.factories import CoordinatorFactory, EditorFactory, ReviewerFactory

    make = {
        "moderator": ModeratorFactory,
        "coordinator": CoordinatorFactory,
        "editor": EditorFactory,
        "reviewer": ReviewerFactory,
        "superuser": SuperuserFactory,
        "family member": FamilyMemberFactory,
    }[role]
    membership = join(room, family)
    client.force_login(make())
    for url in (
        reverse("rooms:index"),
        reverse("rooms:add"),
        reverse("rooms:edit", args=[room.pk]),
        reverse("rooms:delete", args=[room.pk]),
        reverse("room_memberships:index"),
        reverse("room_memberships:add"),
        reverse("room_memberships:edit", args=[membership.pk]),
        reverse("room_memberships:delete", args=[membership.pk]),
        reverse("watched_words:index"),
        reverse("forums_qasession:index"),
        reverse("forums_question:index"),
    ):
        response = client.get(url)
        assert response.status_code < 500, url
        assert family.email not in response.content.decode(), url
