"""The second sign-in step in a real Chromium: a staff member's first log-in leads to
setting up the authenticator app, the next log-in asks for its code; both pages pass
axe-core."""

import pytest
from playwright.sync_api import expect

from portal import mfa
from tests.browser.base import PASSWORD, PortalBrowserTestCase, axe_violations
from tests.factories import CoordinatorFactory, totp_code

pytestmark = pytest.mark.browser


class SecondStepInChromiumTests(PortalBrowserTestCase):
    def test_staff_enrol_on_first_log_in_then_sign_in_with_a_code(self):
        email = "coordinator@example.test"
        staff = CoordinatorFactory(email=email, mfa=False)
        page = self.open_page()

        # First log-in: the password alone, then every staff page leads to enrolment
        # (after the password once more: allauth's guard on changing how one signs in).
        page.goto(self.url("/accounts/login/?next=/admin/"))
        self.fill_log_in_form(page, email)
        page.wait_for_url(
            self.url("/accounts/reauthenticate/?next=%2Faccounts%2F2fa%2Ftotp%2Factivate%2F")
        )
        expect(page.locator("main h1")).to_have_text("Confirm it is you")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Confirm").click()
        page.wait_for_url(self.url("/accounts/2fa/totp/activate/"))

        expect(page.locator("main h1")).to_have_text("Set up two-step sign-in")
        expect(page.locator("main")).to_contain_text("This is a staff account")
        self.assertEqual(axe_violations(page), [], "enrolment page")
        secret = page.get_by_label("Setup key").input_value()
        page.get_by_label("Authenticator code").fill(self.fresh_totp_code(email, secret))
        page.get_by_role("button", name="Turn on two-step sign-in").click()

        page.wait_for_url(self.url("/accounts/2fa/recovery-codes/"))
        expect(page.get_by_label("Unused codes")).not_to_be_empty()
        self.assertEqual(axe_violations(page), [], "recovery codes page")
        page.get_by_role("link", name="I have kept my codes — continue").click()
        page.wait_for_url(self.url("/admin/"))
        self.assertTrue(mfa.has_mfa(staff))

        # Log out; the next log-in asks for the code after the password.
        page.goto(self.url("/my-account/"))
        page.locator("main").get_by_role("button", name="Log out").click()
        page.wait_for_url(self.url("/"))
        page.goto(self.url("/accounts/login/"))
        self.fill_log_in_form(page, email)
        page.wait_for_url(self.url("/accounts/2fa/authenticate/"))
        expect(page.locator("main h1")).to_have_text("Enter your sign-in code")
        self.assertEqual(axe_violations(page), [], "code page")

        code = page.get_by_label("Code from your authenticator app")
        code.fill("000000" if totp_code(secret) != "000000" else "111111")
        page.get_by_role("button", name="Sign in", exact=True).click()
        expect(page.locator(".error-summary")).to_be_visible()
        self.assertEqual(axe_violations(page), [], "code page with an error")

        page.get_by_label("Code from your authenticator app").fill(
            self.fresh_totp_code(email, secret)
        )
        page.get_by_role("button", name="Sign in", exact=True).click()
        page.wait_for_url(self.url("/my-account/"))
        page.goto(self.url("/admin/"))
        expect(page).to_have_url(self.url("/admin/"))

    def fill_log_in_form(self, page, email):
        page.locator("#id_login").fill(email)
        page.locator("#id_password").fill(PASSWORD)
        page.locator("main form").get_by_role("button", name="Log in", exact=True).click()
