"""The moderation log in Wagtail admin, as a moderator reads it in a real Chromium (#20)."""

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from forums.live import watched_words
from forums.qa import services as qa
from tests.browser.base import PortalBrowserTestCase

pytestmark = pytest.mark.browser


class ModerationLogInChromiumTests(PortalBrowserTestCase):
    def test_the_moderation_log_reads_in_words_and_has_no_wcag_violations(self):
        from tests.factories import ModeratorFactory

        moderator = ModeratorFactory()
        watched_words.add_watched_word(moderator, phrase="magic pill", action="block")
        qa.create_session(
            moderator, title="Thursday Q&A", slug="thursday-qa", starts_at=timezone.now()
        )
        page = self.open_page(viewport={"width": 1280, "height": 900})
        self.log_in_as(page, moderator)

        def open_log(page):
            page.goto(self.url(reverse("forums_staff_log:index")))
            expect(page.locator("main")).to_contain_text("Watched word added")
            expect(page.locator("main")).to_contain_text("Session created")
            expect(page.locator("main")).to_contain_text(moderator.email)

        self.assert_pages_pass_audit(page, {"moderation log": open_log})
