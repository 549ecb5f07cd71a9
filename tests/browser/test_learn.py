"""Learn in a real Chromium: search, read a guide, open an FAQ by keyboard; axe audits."""

import pytest
from playwright.sync_api import expect

from lectures import demo
from tests.browser.base import NARROW, PortalBrowserTestCase

pytestmark = pytest.mark.browser

INSURANCE_GUIDE = "Insurance and costs: how to pay for IOP"


class LearnInChromiumTests(PortalBrowserTestCase):
    def setUp(self):
        super().setUp()
        # The real demo content: the pages families will meet.
        demo.seed_learning_content(lambda line: None)

    def test_a_visitor_searches_insurance_opens_the_guide_and_expands_an_faq_by_keyboard(self):
        page = self.open_page()
        page.goto(self.url("/learn/"))
        page.get_by_role("link", name="Search lectures and guides").click()
        page.get_by_label("What do you want to learn about?").fill("insurance")
        page.keyboard.press("Enter")
        expect(page.locator("#results-heading")).to_contain_text("for “insurance”")
        expect(page.locator(".search-result mark").first).to_have_text(
            "insurance", ignore_case=True
        )

        page.get_by_role("link", name=INSURANCE_GUIDE).click()
        expect(page.locator("main h1")).to_have_text(INSURANCE_GUIDE)
        expect(page.locator(".medical-review")).to_contain_text("Medically reviewed by")

        question = page.locator("details.faq summary").first
        answer = page.locator("details.faq .faq__answer").first
        expect(answer).to_be_hidden()
        for _press in range(80):
            page.keyboard.press("Tab")
            if question.evaluate("element => element === document.activeElement"):
                break
        else:
            self.fail("the FAQ question is not reachable with the Tab key")
        page.keyboard.press("Enter")
        expect(answer).to_be_visible()
        expect(answer).to_contain_text("You can appeal")

    def learn_pages(self):
        def learn(page):
            page.goto(self.url("/learn/"))
            expect(page.locator("main h1")).to_have_text("Learn")

        def series(page):
            page.goto(self.url("/learn/understanding-iop/"))
            expect(page.locator("main h1")).to_contain_text("Understanding IOP")

        def lecture(page):
            page.goto(self.url("/learn/understanding-iop/what-iop-is/"))
            expect(page.locator("main h1")).to_have_text("What IOP is, and what it is not")

        def guide(page):
            page.goto(self.url("/guides/insurance-and-costs/"))
            expect(page.locator("main h1")).to_have_text(INSURANCE_GUIDE)

        def search(page):
            page.goto(self.url("/search/?q=insurance"))
            expect(page.locator(".search-result").first).to_be_visible()

        def search_without_results(page):
            page.goto(self.url("/search/?q=zebra&topic=medication"))
            expect(page.locator(".search-empty")).to_be_visible()

        return {
            "learn": learn,
            "series": series,
            "lecture": lecture,
            "guide": guide,
            "search": search,
            "search without results": search_without_results,
        }

    def test_learn_pages_have_no_wcag_violations_on_a_phone(self):
        self.assert_pages_pass_audit(self.open_page(), self.learn_pages())

    def test_learn_pages_at_320px_do_not_scroll_sideways(self):
        page = self.open_page(viewport=NARROW)
        self.assert_pages_pass_audit(page, self.learn_pages(), max_width=NARROW["width"])
