"""Live Q&A in a real Chromium: a moderator approves in one page and a participant sees
it appear live in another; typed markup stays text; axe-core finds nothing."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from forums.models import QASession, Question
from portal import roles
from tests.browser.base import NARROW, PortalBrowserTestCase
from tests.factories import FamilyMemberFactory

pytestmark = pytest.mark.browser

XSS = '<img src=x onerror="window.__xss=1">'


class LiveQAInChromiumTests(PortalBrowserTestCase):
    def setUp(self):
        super().setUp()
        self.session = QASession.objects.create(
            title="Family night Q&A",
            slug="family-night",
            starts_at=timezone.now() - timedelta(minutes=5),
            state=QASession.State.OPEN,
        )
        self.family = self.create_verified_member("asker@example.test", "Hopeful Aunt")
        # A moderator with a display name, and an authenticator app as staff must have.
        FamilyMemberFactory(
            email="mod@example.test", display_name="Clinician Dana", roles=[roles.MODERATORS]
        )

    def test_a_question_approved_by_the_moderator_appears_live_for_the_participant(self):
        participant = self.open_page()
        self.log_in(participant, "asker@example.test")
        participant.goto(self.url("/qa/family-night/"))
        expect(participant.locator("#qa-connection")).to_have_text("Live")
        participant.get_by_label("Your question").fill(XSS)
        participant.get_by_role("button", name="Send question").click()
        expect(participant.locator("#qa-ask-status")).to_contain_text("waiting for the moderator")
        expect(participant.locator("#qa-mine")).to_contain_text(XSS)

        console = self.open_page()
        self.log_in(console, "mod@example.test")
        console.goto(self.url("/qa/family-night/moderate/"))
        pending = console.locator("#qa-pending li").first
        expect(pending).to_contain_text(XSS)
        pending.get_by_role("button", name="Approve").focus()
        console.keyboard.press("Enter")

        question = participant.locator("#qa-questions li").first
        expect(question).to_contain_text(XSS)
        expect(participant.locator("#qa-mine-section")).to_be_hidden()
        assert participant.evaluate("window.__xss") is None
        assert console.evaluate("window.__xss") is None
        assert participant.locator("#qa-questions img").count() == 0
        self.assertEqual(Question.objects.get().state, "visible")

        # Pin from the keyboard: the participant sees "Now answering".
        console.locator("#qa-visible li").first.get_by_role(
            "button", name="Pin: now answering"
        ).focus()
        console.keyboard.press("Enter")
        expect(participant.locator("#qa-now")).to_be_visible()
        expect(participant.locator("#qa-now-text")).to_have_text(XSS)

        # Closing asks in an in-page dialog; "Keep it open" is the safe default.
        console.get_by_role("button", name="Close the session").click()
        dialog = console.get_by_role("dialog", name="Close the session?")
        expect(dialog).to_be_visible()
        expect(dialog.get_by_role("button", name="Keep it open")).to_be_focused()
        console.keyboard.press("Escape")
        expect(dialog).to_be_hidden()
        expect(console.locator("#qa-close")).to_be_focused()
        self.assertEqual(QASession.objects.get().state, "open")
        console.get_by_role("button", name="Close the session").click()
        dialog.get_by_role("button", name="Close the session").click()
        expect(participant.locator("#qa-banner")).to_contain_text("This session has ended")
        expect(console.get_by_role("button", name="Open the session")).to_be_focused()
        self.assertEqual(QASession.objects.get().state, "closed")

    def test_the_vote_buttons_accessible_name_contains_its_visible_label(self):
        # WCAG 2.5.3 (label in name): speech users say what they see ("click Upvoted").
        Question.objects.create(
            session=self.session,
            author=self.family,
            shown_name="Hopeful Aunt",
            text="How do we talk about relapse?",
            state="visible",
        )
        page = self.open_page()
        self.log_in(page, "asker@example.test")
        page.goto(self.url("/qa/family-night/"))
        expect(page.locator("#qa-connection")).to_have_text("Live")
        button = page.locator("#qa-questions .qa-vote__button").first
        for visible in ("Upvote", "Upvoted"):
            expect(button).to_have_text(visible)
            expect(button).to_have_accessible_name(re.compile(rf"\b{visible}\b"))
            button.click()

    def test_the_three_pages_pass_axe_at_320px(self):
        Question.objects.create(
            session=self.session,
            author=self.family,
            shown_name="Hopeful Aunt",
            text="How do we talk about relapse?",
            state="visible",
            pinned=True,
        )
        Question.objects.create(
            session=self.session, author=self.family, shown_name="Anonymous", text="Pending one"
        )
        page = self.open_page(viewport=NARROW)
        self.log_in(page, "mod@example.test")

        def visit(path, ready):
            def open_it(page):
                page.goto(self.url(path))
                expect(page.locator(ready)).not_to_be_empty()

            return open_it

        def closing_dialog(page):
            visit("/qa/family-night/moderate/", "#qa-pending li")(page)
            page.get_by_role("button", name="Close the session").click()
            expect(page.get_by_role("dialog", name="Close the session?")).to_be_visible()

        self.assert_pages_pass_audit(
            page,
            {
                "participant": visit("/qa/family-night/", "#qa-questions li"),
                "console": visit("/qa/family-night/moderate/", "#qa-pending li"),
                "console, asking to close": closing_dialog,
                "presenter": visit("/qa/family-night/present/", "#qa-now-text"),
                "index": visit("/qa/", "main h1"),
            },
            max_width=320,
        )
