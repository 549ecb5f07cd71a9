"""Peer rooms in a real Chromium: two families chat, a report, a moderator's removal,
a crisis message, inert XSS, and axe-core on the room list, a room and the queue."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from forums.models import Room
from portal import roles
from tests.browser.base import NARROW, PortalBrowserTestCase

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
        self.moderator = self.create_verified_member("mod@example.test", "Moderator Sam")
        self.moderator.groups.add(Group.objects.get(name=roles.MODERATORS))

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

        message.get_by_role("button", name="Report").click()
        hopeful.get_by_label("Harassment or unkindness").check()
        hopeful.get_by_role("button", name="Send report").click()
        expect(hopeful.locator("#announcer")).to_have_text(
            "Thank you. A moderator will look at it."
        )

        moderator.once("dialog", lambda dialog: dialog.accept("Unkind to another member"))
        moderator.locator("#messages li", has_text=rude).get_by_role(
            "button", name="Remove"
        ).click()
        expect(hopeful.locator("#messages")).not_to_contain_text(rude)
        expect(steady.locator("#messages")).not_to_contain_text(rude)
        expect(moderator.locator("#messages")).not_to_contain_text(rude)

    def test_a_crisis_message_shows_resources_and_alerts_the_moderator(self):
        moderator = self.enter_room("mod@example.test")
        hopeful = self.enter_room("hopeful@example.test")
        self.say(hopeful, "I don't want to live anymore")
        panel = hopeful.locator("#crisis-panel")
        expect(panel).to_be_visible()
        expect(panel).to_contain_text("988")
        expect(moderator.locator("#mod-alerts")).to_contain_text("crisis")
        expect(moderator.locator("#messages")).to_contain_text("I don't want to live anymore")

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

        def queue(page):
            page.goto(self.url("/moderation/"))
            expect(page.locator("main h1")).to_have_text("Review queue")

        def log(page):
            page.goto(self.url("/moderation/log/"))
            expect(page.locator("main h1")).to_have_text("Moderation log")

        self.assert_pages_pass_audit(
            member, {"room list": rooms, "room (member)": room}, max_width=320
        )
        self.assert_pages_pass_audit(
            moderator, {"room (moderator)": room, "queue": queue, "log": log}, max_width=320
        )
