"""Peer rooms in a real Chromium: two families chat, a report, a moderator's removal,
a crisis message, inert XSS, and axe-core on the room list, a room and the queue."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from forums.models import ModerationAction, Room, RoomMembership
from portal import roles
from tests.browser.base import NARROW, PortalBrowserTestCase
from tests.factories import FamilyMemberFactory

pytestmark = pytest.mark.browser


class RoomsInChromiumTests(PortalBrowserTestCase):
    def setUp(self):
        super().setUp()
        self.room = Room.objects.create(
            slug="parents",
            name="Parents",
            audience="Parents of someone in the program",
            guidelines="<p>Be kind. No full names.</p>",
        )
        self.hopeful = self.create_verified_member("hopeful@example.test", "Hopeful Mom")
        self.steady = self.create_verified_member("steady@example.test", "Steady Dad")
        # A moderator with a display name, and an authenticator app as staff must have.
        self.moderator = FamilyMemberFactory(
            email="mod@example.test", display_name="Moderator Sam", roles=[roles.MODERATORS]
        )
        self.room.moderators.add(self.moderator)  # moderators moderate the rooms they lead

    def enter_room(self, email, viewport=None):
        page = self.open_page(viewport) if viewport else self.open_page()
        self.log_in(page, email)
        page.goto(self.url("/rooms/parents/"))
        accept = page.get_by_role("button", name="I accept the guidelines")
        if accept.is_visible():
            accept.click()
        expect(page.locator("#room-connection")).to_have_text("Connected")
        expect(page.get_by_label("Your message")).to_be_visible()
        return page

    def say(self, page, text):
        page.get_by_label("Your message").fill(text)
        page.get_by_role("button", name="Send", exact=True).click()

    def test_two_families_chat_a_report_and_a_removal_everyone_sees(self):
        hopeful = self.enter_room("hopeful@example.test")
        steady = self.enter_room("steady@example.test")
        moderator = self.enter_room("mod@example.test")
        expect(hopeful.locator("#moderator-present")).to_be_visible()

        self.say(hopeful, "Hard week. <img src=x onerror=window.pwned=1> Anyone else?")
        rude = "Stop whining, nobody cares"
        expect(steady.locator("#messages")).to_contain_text("Hard week. <img src=x")
        self.say(steady, rude)
        message = hopeful.locator("#messages li", has_text=rude)
        expect(message).to_be_visible()
        self.assertIsNone(steady.evaluate("window.pwned"))
        self.assertEqual(steady.locator("#messages img").count(), 0)

        # Editing my own message happens in place (Escape cancels), and everyone sees the
        # new text, as text.
        # (By id: while it is edited, the text is in the field, not in the item.)
        mine_id = hopeful.locator("#messages li", has_text="Hard week").get_attribute("id")
        mine = hopeful.locator(f"#{mine_id}")
        mine.get_by_role("button", name="Edit").click()
        field = mine.get_by_label("Edit your message")
        expect(field).to_be_focused()
        expect(field).to_have_value("Hard week. <img src=x onerror=window.pwned=1> Anyone else?")
        field.press("Escape")
        expect(mine.get_by_role("button", name="Edit")).to_be_focused()
        mine.get_by_role("button", name="Edit").click()
        field.fill("Hard week, better today. <b>Anyone else?</b>")
        mine.get_by_role("button", name="Save").click()
        expect(mine.get_by_role("button", name="Edit")).to_be_focused()
        edited = steady.locator("#messages li", has_text="better today")
        expect(edited).to_contain_text("Hard week, better today. <b>Anyone else?</b>")
        expect(edited).to_contain_text("(edited)")
        self.assertEqual(steady.locator("#messages b").count(), 0)

        message.get_by_role("button", name="Report").click()
        hopeful.get_by_label("Harassment or unkindness").check()
        hopeful.get_by_role("button", name="Send report").click()
        expect(hopeful.locator("#announcer")).to_have_text(
            "Thank you. A moderator will look at it."
        )

        rude_there = moderator.locator("#messages li", has_text=rude)
        # Mute first, for a day, from the moderation dialog (reason optional).
        rude_there.get_by_role("button", name="Mute").click()
        dialog = moderator.get_by_role("dialog", name="Pause this member’s posting")
        expect(dialog).to_be_visible()
        # The dialog says whom it acts on (as its accessible description, too).
        author = rude_there.locator(".message__author").inner_text()
        expect(dialog).to_have_accessible_description(f"Member: {author}")
        dialog.get_by_label("For how long").select_option(label="1 day")
        dialog.get_by_role("button", name="Confirm").click()
        expect(dialog).to_be_hidden()
        expect(rude_there.get_by_role("button", name="Mute")).to_be_focused()
        self.say(steady, "One more thing")
        expect(steady.locator("#composer-status")).to_contain_text("paused your posting")

        # Removing names the message and needs a reason: an empty or blank one keeps the
        # dialog open and says why, on the field.
        rude_there.get_by_role("button", name="Remove").click()
        dialog = moderator.get_by_role("dialog", name="Remove this message")
        expect(dialog.locator("#mod-target")).to_have_text(f"Message from {author}: “{rude}”")
        dialog.get_by_label("Reason").fill("   ")
        dialog.get_by_role("button", name="Confirm").click()
        expect(dialog).to_be_visible()
        expect(dialog.get_by_role("alert")).to_have_text(
            "Please write a reason: it goes in the moderation log."
        )
        expect(dialog.get_by_label("Reason")).to_have_attribute("aria-invalid", "true")
        expect(dialog.get_by_label("Reason")).to_be_focused()
        dialog.get_by_label("Reason").fill("Unkind to another member")
        expect(dialog.get_by_role("alert")).to_be_hidden()
        dialog.get_by_role("button", name="Confirm").click()
        expect(hopeful.locator("#messages")).not_to_contain_text(rude)
        expect(steady.locator("#messages")).not_to_contain_text(rude)
        expect(moderator.locator("#messages")).not_to_contain_text(rude)
        # Focus was on the removed message's button: it moves to a neighbour, not <body>.
        expect(moderator.locator("#messages button:focus, #composer-body:focus")).to_have_count(1)
        actions = ModerationAction.objects.filter(
            action__in=["room.member.mute", "room.message.remove"]
        )
        self.assertEqual(
            sorted(actions.values_list("action", "reason")),
            [("room.member.mute", ""), ("room.message.remove", "Unkind to another member")],
        )
        muted = RoomMembership.objects.get(account__email="steady@example.test").muted_until
        self.assertGreater(muted, timezone.now() + timedelta(hours=23))

    def test_a_crisis_message_shows_resources_and_alerts_the_moderator(self):
        moderator = self.enter_room("mod@example.test")
        hopeful = self.enter_room("hopeful@example.test")
        self.say(hopeful, "I don't want to live anymore")
        panel = hopeful.locator("#crisis-panel")
        expect(panel).to_be_visible()
        expect(panel).to_contain_text("988")
        expect(moderator.locator("#mod-alerts")).to_contain_text("crisis")
        expect(moderator.locator("#messages")).to_contain_text("I don't want to live anymore")

    def test_a_muted_member_in_crisis_gets_the_resources_and_the_queue_says_why(self):
        hopeful = self.enter_room("hopeful@example.test")
        RoomMembership.objects.filter(account=self.hopeful).update(
            muted_until=timezone.now() + timedelta(hours=1)
        )
        # Indirect: none of the old list's phrases; muted members are otherwise refused.
        self.say(hopeful, "They'd all be fine without me. Pills are counted out for tonight.")
        panel = hopeful.locator("#crisis-panel")
        expect(panel).to_be_visible()
        expect(panel).to_contain_text("988")
        moderator = self.open_page()
        self.log_in(moderator, "mod@example.test")
        moderator.goto(self.url("/moderation/"))
        held = moderator.locator("section", has=moderator.locator("#crisis-queue"))
        expect(held).to_contain_text("Pills are counted out for tonight")
        expect(held.locator(".queue-item__reasons")).to_contain_text("possible suicide plan")

    def test_the_review_queue_shows_a_new_crisis_hold_without_reloading(self):
        moderator = self.open_page()
        self.log_in(moderator, "mod@example.test")
        moderator.goto(self.url("/moderation/"))
        expect(moderator.locator("main h1")).to_have_text("Review queue")
        expect(moderator.locator("#queue-live [role=status]")).to_have_text("0 items waiting.")
        moderator.evaluate("window.sameDocument = true")

        hopeful = self.enter_room("hopeful@example.test")
        self.say(hopeful, "I don't want to live anymore")
        crisis = moderator.locator("section", has=moderator.locator("#crisis-queue"))
        expect(crisis).to_contain_text("I don't want to live anymore")
        expect(moderator.locator("#queue-live [role=status]")).to_have_text("1 item waiting.")
        expect(moderator.locator("#queue-urgent")).to_have_text(
            "Urgent: a new crisis hold is in the queue."
        )
        self.assertTrue(moderator.evaluate("window.sameDocument"))  # no reload

    def test_room_list_room_and_queue_pass_axe(self):
        member = self.enter_room("hopeful@example.test", viewport=NARROW)
        self.say(member, "Call me on 555-201-3344")
        expect(member.locator("#composer-status")).to_contain_text("moderator")
        moderator = self.open_page(NARROW)
        self.log_in(moderator, "mod@example.test")

        def rooms(page):
            page.goto(self.url("/rooms/"))
            expect(page.locator("main h1")).to_have_text("Peer rooms")

        def room(page):
            page.goto(self.url("/rooms/parents/"))
            expect(page.locator("#room-connection")).to_have_text("Connected")
            expect(page.locator("#messages")).to_contain_text("555-201-3344")

        def mute_dialog(page):
            room(page)
            held = page.locator("#messages li", has_text="555-201-3344")
            held.get_by_role("button", name="Mute").click()
            expect(page.get_by_role("dialog", name="Pause this member’s posting")).to_be_visible()

        def editing(page):
            room(page)
            own_id = page.locator("#messages li", has_text="555-201-3344").get_attribute("id")
            own = page.locator(f"#{own_id}")
            own.get_by_role("button", name="Edit").click()
            expect(own.get_by_label("Edit your message")).to_be_focused()

        def queue(page):
            page.goto(self.url("/moderation/"))
            expect(page.locator("main h1")).to_have_text("Review queue")

        def log(page):
            page.goto(self.url("/moderation/log/"))
            expect(page.locator("main h1")).to_have_text("Moderation log")

        self.assert_pages_pass_audit(
            member,
            {"room list": rooms, "room (member)": room, "editing a message": editing},
            max_width=320,
        )
        self.assert_pages_pass_audit(
            moderator,
            {"room (moderator)": room, "mute dialog": mute_dialog, "queue": queue, "log": log},
            max_width=320,
        )
