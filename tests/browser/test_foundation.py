"""The foundation in a real Chromium: accounts end to end, accessibility, keyboard."""

import re
import uuid

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from portal import roles
from portal.models import HomePage, User
from tests.browser.base import NARROW, PASSWORD, PortalBrowserTestCase, plain_text

pytestmark = pytest.mark.browser


class FoundationInChromiumTests(PortalBrowserTestCase):
    # --- accounts, end to end -------------------------------------------------------

    def test_sign_up_verify_email_log_out_log_in_and_edit_profile(self):
        email = f"family-{uuid.uuid4().hex[:12]}@example.test"
        page = self.open_page()

        page.goto(self.url("/accounts/signup/"))
        page.locator("#id_email").fill(email)
        page.locator("#id_display_name").fill("Quiet River")
        page.locator("#id_password1").fill(PASSWORD)
        page.locator("#id_password2").fill(PASSWORD)
        page.locator("main form").get_by_role("button", name="Create account").click()
        page.wait_for_url(self.url("/accounts/confirm-email/"))
        expect(page.locator("main h1")).to_have_text(re.compile("verify", re.I))

        user = User.objects.get(email=email)
        self.assertFalse(EmailAddress.objects.get(user=user).verified)
        self.assertEqual(user.profile.display_name, "Quiet River")
        self.assertEqual(list(user.groups.values_list("name", flat=True)), [roles.FAMILY_MEMBERS])

        # Not logged in yet: My account sends the visitor to the log-in page.
        page.goto(self.url("/my-account/"))
        self.assertTrue(page.url.startswith(self.url("/accounts/login/")), page.url)

        sent = self.wait_for_mail(email)
        self.assertEqual(len(sent), 1, "exactly one verification email")
        link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", plain_text(sent[0]))
        self.assertIsNotNone(link, plain_text(sent[0]))
        self.assertTrue(link.group(0).startswith(self.live_server_url), link.group(0))

        page.goto(link.group(0))
        page.locator("main form").get_by_role("button", name="Confirm").click()
        page.wait_for_url(self.url("/my-account/"))
        expect(page.locator("main h1")).to_have_text("My account")
        self.assertTrue(EmailAddress.objects.get(user=user).verified)

        page.get_by_role("button", name="Log out").click()
        page.wait_for_url(self.url("/"))
        nav = page.get_by_role("navigation", name="Main")
        expect(nav.get_by_role("link", name="Log in")).to_be_visible()
        expect(nav.get_by_role("link", name="My account")).to_have_count(0)
        page.goto(self.url("/my-account/"))
        self.assertTrue(page.url.startswith(self.url("/accounts/login/")), page.url)

        self.log_in(page, email)
        page.goto(self.url("/"))
        page.get_by_role("navigation", name="Main").get_by_role("link", name="My account").click()
        page.wait_for_url(self.url("/my-account/"))
        profile = page.get_by_role("region", name="Profile")
        expect(profile).to_contain_text("Quiet River")

        profile.get_by_role("link", name="Edit profile").click()
        page.wait_for_url(self.url("/my-account/profile/"))
        display_name = page.get_by_label("Display name")
        expect(display_name).to_have_value("Quiet River")
        display_name.fill("Hopeful Sky")
        page.get_by_role("button", name="Save profile").click()
        page.wait_for_url(self.url("/my-account/"))

        expect(page.get_by_role("status")).to_contain_text("Your profile is saved.")
        expect(profile.locator("dd").first).to_have_text("Hopeful Sky")
        user.profile.refresh_from_db()
        self.assertEqual(user.profile.display_name, "Hopeful Sky")

    # --- accessibility --------------------------------------------------------------

    def open_home(self, page):
        page.goto(self.url("/"))
        # The home page from the data migration is there (serialized_rollback works).
        expect(page.locator("main h1")).to_have_text("Support for families in recovery")

    def open_log_in(self, page):
        page.goto(self.url("/accounts/login/"))
        expect(page.locator("#id_login")).to_be_visible()

    def open_sign_up(self, page):
        page.goto(self.url("/accounts/signup/"))
        expect(page.locator("#id_display_name")).to_be_visible()

    def open_sign_up_with_errors(self, page):
        self.open_sign_up(page)
        # Values the browser accepts but the server refuses, so the errors are the site's.
        page.locator("#id_email").fill("someone@example.test")
        page.locator("#id_display_name").fill("x")
        page.locator("#id_password1").fill("short")
        page.locator("#id_password2").fill("different")
        page.locator("main form").get_by_role("button", name="Create account").click()
        expect(page.get_by_role("alert")).to_contain_text("Please check the form")
        expect(page.locator("#id_display_name")).to_have_attribute("aria-invalid", "true")
        expect(page.locator("#id_password1")).to_have_attribute("aria-invalid", "true")

    def open_not_found(self, page):
        response = page.goto(self.url("/no-such-page/"))
        self.assertEqual(response.status, 404)
        expect(page.locator("main h1")).to_have_text("We can't find that page")

    def public_pages(self):
        return {
            "home": self.open_home,
            "log in": self.open_log_in,
            "sign up": self.open_sign_up,
            "sign up with field errors": self.open_sign_up_with_errors,
            "404": self.open_not_found,
        }

    def test_public_pages_have_no_wcag_violations_on_a_phone(self):
        self.assert_pages_pass_audit(self.open_page(), self.public_pages())

    def test_signed_in_pages_have_no_wcag_violations_on_a_phone(self):
        member = self.create_verified_member("member@example.test", "Steady Star")
        page = self.open_page()
        self.log_in_as(page, member)

        def open_my_account(page):
            page.goto(self.url("/my-account/"))
            expect(page.get_by_role("region", name="Profile")).to_contain_text("Steady Star")

        def open_edit_profile(page):
            page.goto(self.url("/my-account/profile/"))
            expect(page.get_by_label("Display name")).to_have_value("Steady Star")

        def open_emergency_contact_with_errors(page):
            page.goto(self.url("/my-account/emergency-contact/"))
            page.get_by_label("Name").fill("Ana")
            page.get_by_label("Phone number").fill("not a phone")
            page.get_by_role("button", name="Save emergency contact").click()
            expect(page.get_by_role("alert")).to_contain_text("Please check the form")

        def open_delete_account(page):
            page.goto(self.url("/my-account/delete/"))
            expect(page.get_by_label("Your password")).to_be_visible()

        def open_change_email(page):
            page.goto(self.url("/accounts/email/"))
            expect(page.get_by_role("link", name="Back to My account")).to_be_visible()

        def open_email_choices(page):
            page.goto(self.url("/my-account/email/"))
            expect(page.get_by_label("A reminder two hours before it starts")).to_be_checked()

        def open_unsubscribe_and_confirm(page):
            from portal import notifications

            token = notifications.unsubscribe_token(member, notifications.ANSWERS)
            page.goto(self.url(f"/my-account/unsubscribe/{token}/"))
            page.get_by_role("button", name="Stop these emails").click()
            expect(page.get_by_role("status")).to_contain_text("You will no longer receive")

        self.assert_pages_pass_audit(
            page,
            {
                "my account": open_my_account,
                "edit profile": open_edit_profile,
                "email choices": open_email_choices,
                "unsubscribe, done": open_unsubscribe_and_confirm,
                "emergency contact with errors": open_emergency_contact_with_errors,
                "delete account": open_delete_account,
                "change email": open_change_email,
            },
        )

    def test_public_pages_at_320px_do_not_scroll_sideways_and_have_no_wcag_violations(self):
        page = self.open_page(viewport=NARROW)
        self.assert_pages_pass_audit(page, self.public_pages(), max_width=NARROW["width"])

    # --- keyboard -------------------------------------------------------------------

    def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(self):
        page = self.open_page()
        page.goto(self.url("/"))

        page.keyboard.press("Tab")
        skip_link = page.locator(":focus")
        expect(skip_link).to_have_text("Skip to main content")
        expect(skip_link).to_have_attribute("href", "#main")
        expect(skip_link).to_be_in_viewport()

        page.keyboard.press("Enter")
        expect(page.locator("main#main")).to_be_focused()
        self.assertTrue(page.url.endswith("#main"), page.url)

    def test_roles_and_home_page_from_migrations_are_present(self):
        # Guards serialized_rollback: every test starts from what the migrations made.
        # unittest runs tests in name order, so earlier tests have flushed by now.
        self.assertTrue(Group.objects.filter(name=roles.FAMILY_MEMBERS).exists())
        self.assertTrue(HomePage.objects.live().exists())
