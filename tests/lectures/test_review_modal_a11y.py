"""The Clinical review approval in the Wagtail admin, in a real Chromium: a reviewer opens
the page's workflow action *Approve*, the modal with the stamp form appears, and
axe-core finds no WCAG 2.2 A/AA violation in it (issue #20)."""

import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect
from wagtail.models import WorkflowState
from wagtail.rich_text import RichText

from lectures.models import GuideIndexPage, GuidePage
from portal import roles
from tests.browser.base import AXE_OPTIONS, PortalBrowserTestCase, axe
from tests.factories import StaffFactory

pytestmark = pytest.mark.browser


class ClinicalReviewModalTests(PortalBrowserTestCase):
    def setUp(self):
        super().setUp()
        editor = StaffFactory(roles=[roles.CONTENT_EDITORS])
        self.reviewer = StaffFactory(roles=[roles.CLINICAL_REVIEWERS])
        self.guide = GuidePage(
            title="Paying for care",
            slug="paying-for-care",
            summary="What treatment costs and who pays.",
            body=[("paragraph", RichText("<p>Plain words about costs.</p>"))],
            live=False,
        )
        GuideIndexPage.objects.get().add_child(instance=self.guide)
        self.guide.save_revision(user=editor)
        # What "Submit to Clinical review" does.
        self.guide.get_workflow().start(self.guide, editor)
        assert WorkflowState.objects.for_instance(self.guide).get().status == "in_progress"

    def open_action(self, page, label):
        page.goto(self.url(f"/admin/pages/{self.guide.pk}/edit/"))
        # The workflow actions sit in the footer's action menu, after "Save draft".
        page.locator("footer").get_by_role("button", name="More actions").click()
        page.get_by_role("button", name=label).click()
        dialog = page.get_by_role("dialog")
        expect(dialog).to_be_visible()
        return dialog

    def assert_no_violations_in(self, page, label):
        """axe-core on the modal only (the dialog), WCAG 2.2 A/AA."""
        results = axe.run(page, context={"include": [["[role='dialog']"]]}, options=AXE_OPTIONS)
        violations = [
            f"{violation['id']} ({violation['impact']}): "
            + ", ".join(" ".join(node["target"]) for node in violation["nodes"])
            for violation in results.response["violations"]
        ]
        self.assertEqual(violations, [], f"{label}:\n" + "\n".join(violations))

    def test_the_approval_modal_with_the_stamp_form_has_no_wcag_violations(self):
        page = self.open_page(viewport={"width": 1280, "height": 900})
        self.log_in_as(page, self.reviewer)
        dialog = self.open_action(page, "Approve and Publish")
        expect(dialog.get_by_label("Your name as shown on the page")).to_be_visible()
        expect(dialog.get_by_label("Your credentials")).to_be_visible()
        expect(dialog.get_by_label("Next review due")).to_be_visible()
        page.screenshot(path=Path(tempfile.gettempdir()) / "review-modal.png")
        self.assert_no_violations_in(page, "Approve")

    def test_the_request_changes_modal_has_no_wcag_violations(self):
        page = self.open_page(viewport={"width": 1280, "height": 900})
        self.log_in_as(page, self.reviewer)
        dialog = self.open_action(page, "Request changes")
        expect(dialog.get_by_label("Comment")).to_be_visible()
        self.assert_no_violations_in(page, "Request changes")
