"""The presenter view in a real Chromium, on a projector's screen (1280×720 and
1920×1080): a moderator pins a question in the console and the projector shows it in
large type, live; everything fits the screen; axe-core finds nothing (issue #20).
Screenshots go to the temporary directory (presenter-*.png), to look at."""

import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from forums.models import QASession, Question
from portal import roles
from tests.browser.base import PortalBrowserTestCase, axe_violations
from tests.factories import FamilyMemberFactory

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(tempfile.gettempdir())  # to look at

PROJECTORS = {
    "1280×720": {"width": 1280, "height": 720},
    "1920×1080": {"width": 1920, "height": 1080},
}


class PresenterInChromiumTests(PortalBrowserTestCase):
    def setUp(self):
        super().setUp()
        self.session = QASession.objects.create(
            title="Family night, live",
            slug="family-night-live",
            starts_at=timezone.now() - timedelta(minutes=5),
            state=QASession.State.OPEN,
        )
        family = self.create_verified_member("asker@example.test", "Hopeful Aunt")
        # A moderator with a display name, and the authenticator app staff must have.
        self.moderator = FamilyMemberFactory(
            email="mod@example.test", display_name="Clinician Dana", roles=[roles.MODERATORS]
        )
        for text in (
            "How do we talk about relapse without it turning into an argument?",
            "Is it normal to feel relieved when they are at the program?",
            "What can siblings do to help?",
            "How long does the intensive part of the program usually last?",
        ):
            Question.objects.create(
                session=self.session,
                author=family,
                shown_name="Someone",
                text=text,
                state="visible",
            )

    def assert_fits(self, page, viewport):
        """Nothing scrolls or is cut: the whole page, the QR code included, is on the
        screen, the question being answered shows whole, and each next question listed
        is whole or not shown at all."""
        size = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
        )
        self.assertLessEqual(size[0], viewport["width"], size)
        self.assertLessEqual(size[1], viewport["height"], size)
        box = page.locator("svg.qa-present__qr").bounding_box()
        self.assertGreaterEqual(box["width"], 0.35 * viewport["height"], box)
        self.assertLessEqual(box["y"] + box["height"], viewport["height"])
        self.assertLessEqual(box["x"] + box["width"], viewport["width"])
        now = page.locator("#qa-now-text").bounding_box()
        following = page.locator(".qa-present__next").bounding_box()
        self.assertLessEqual(now["y"] + now["height"], following["y"], (now, following))
        cut = page.evaluate(
            """() => {
              const list = document.getElementById("qa-top").getBoundingClientRect();
              return [...document.querySelectorAll("#qa-top li")]
                .map((li) => li.getBoundingClientRect())
                .filter((r) => r.left < list.right && r.top < list.bottom)
                .filter((r) => r.bottom > list.bottom + 1).length;
            }"""
        )
        self.assertEqual(cut, 0, "a next question is shown cut")

    def test_a_question_the_moderator_pins_appears_on_the_projector_in_large_type(self):
        projector = self.open_page(viewport=PROJECTORS["1280×720"])
        self.log_in_as(projector, self.moderator)
        projector.goto(self.url("/qa/family-night-live/present/"))
        expect(projector.locator("#qa-connection")).to_have_text("Live")
        expect(projector.locator("#qa-now-text")).to_have_text(
            "The next question will appear here."
        )
        expect(projector.locator("#qa-top li")).to_have_count(3)
        expect(projector.locator("#qa-address")).to_have_text(
            f"{settings.PUBLIC_BASE_URL.rstrip('/')}/qa/family-night-live/"
        )

        console = self.open_page()
        self.log_in_as(console, self.moderator)
        console.goto(self.url("/qa/family-night-live/moderate/"))
        console.locator("#qa-visible li", has_text="What can siblings do").get_by_role(
            "button", name="Pin: now answering"
        ).click()

        now = projector.locator("#qa-now-text")
        expect(now).to_have_text("What can siblings do to help?")
        expect(projector.locator("#qa-top")).not_to_contain_text("What can siblings do")
        expect(projector.locator("#qa-top li")).to_have_count(3)
        # Large type: at 720 pixels high, the question is over 50 pixels tall.
        size = float(now.evaluate("node => getComputedStyle(node).fontSize").rstrip("px"))
        self.assertGreaterEqual(size, 50)

        for name, viewport in PROJECTORS.items():
            projector.set_viewport_size(viewport)
            self.assert_fits(projector, viewport)
            self.assertEqual(axe_violations(projector), [], name)
            projector.screenshot(path=SCREENSHOTS / f"presenter-{viewport['width']}.png")

    def test_a_long_question_still_fits_the_projector(self):
        question = Question.objects.create(
            session=self.session,
            author=self.moderator,
            shown_name="Someone",
            text="We are trying to understand what happens after the program ends. " * 7,
            state="visible",
            pinned=True,
        )
        projector = self.open_page(viewport=PROJECTORS["1280×720"])
        projector.goto(self.url("/qa/family-night-live/present/"))
        expect(projector.locator("#qa-now-text")).to_have_text(question.text)
        for viewport in PROJECTORS.values():
            projector.set_viewport_size(viewport)
            self.assert_fits(projector, viewport)
            projector.screenshot(path=SCREENSHOTS / f"presenter-long-{viewport['width']}.png")
