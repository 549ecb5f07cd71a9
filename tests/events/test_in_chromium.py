"""Groups & events in a real Chromium: the waitlist end to end, and accessibility."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from events.models import Event, EventKind
from tests.browser.base import NARROW, PortalBrowserTestCase

pytestmark = pytest.mark.browser


class EventsInChromiumTests(PortalBrowserTestCase):
    def make_event(self, **fields):
        start = (timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0)
        values = {
            "title": "Tuesday family group",
            "kind": EventKind.THERAPY_GROUP,
            "description": "Families meet with two clinicians.",
            "site": "Main clinic",
            "room": "Room 2",
            "capacity_people": 2,
            "starts_at": start,
            "ends_at": start + timedelta(minutes=90),
        } | fields
        return Event.objects.create(**values)

    def sign_up(self, page, event, people):
        page.goto(self.url(f"/events/{event.pk}/"))
        page.get_by_label("How many people are coming, including you?").select_option(str(people))
        page.get_by_role("button", name="Sign up", exact=True).click()
        page.wait_for_url(self.url("/events/registrations/*/"))

    def test_a_waitlisted_family_is_confirmed_when_another_cancels(self):
        event = self.make_event()
        early = self.create_verified_member("first@example.test", "Early Bird")
        patient = self.create_verified_member("second@example.test", "Patient Heron")

        first = self.open_page()
        self.log_in_as(first, early)
        self.sign_up(first, event, 2)
        expect(first.get_by_role("status")).to_contain_text("You're confirmed")

        second = self.open_page()
        self.log_in_as(second, patient)
        page = second
        page.goto(self.url("/events/"))
        expect(page.get_by_role("main")).to_contain_text("Waitlist open")
        self.sign_up(page, event, 1)
        expect(page.get_by_role("status")).to_contain_text("number 1 on the waitlist")
        waiting_url = page.url

        first.goto(self.url("/events/mine/"))
        first.get_by_role("button", name="Cancel sign-up for Tuesday family group").click()
        first.wait_for_url(self.url("/events/mine/"))
        expect(first.get_by_role("status")).to_contain_text("Your sign-up is cancelled.")

        page.goto(waiting_url)
        expect(page.get_by_role("status").first).to_contain_text("You're confirmed")
        promoted = self.wait_for_mail("second@example.test")
        subjects = [str(message["Subject"]) for message in promoted]
        self.assertTrue(any("you have a seat" in subject for subject in subjects), subjects)

    def events_pages(self, event):
        def open_list(page):
            page.goto(self.url("/events/"))
            expect(page.locator("main h1")).to_have_text("Groups & events")

        def open_detail(page):
            page.goto(self.url(f"/events/{event.pk}/"))
            expect(page.locator("main h1")).to_have_text(event.title)

        def open_detail_with_errors(page):
            open_detail(page)
            names = page.get_by_label("First names of those coming (optional)")
            # A value the browser would stop, so the error comes from the server.
            names.evaluate("element => element.removeAttribute('maxlength')")
            names.fill("x" * 250)
            page.get_by_role("button", name="Sign up", exact=True).click()
            expect(page.get_by_role("alert")).to_contain_text("Please check the form")

        def open_confirmation(page):
            self.sign_up(page, event, 1)
            expect(page.get_by_role("status")).to_contain_text("You're confirmed")

        def open_mine(page):
            page.goto(self.url("/events/mine/"))
            page.get_by_role("button", name="Create my calendar address").click()
            expect(page.get_by_label("Calendar address")).to_be_visible()

        return {
            "list": open_list,
            "event page": open_detail,
            "event page with field errors": open_detail_with_errors,
            "confirmation": open_confirmation,
            "my sign-ups": open_mine,
        }

    def test_events_pages_have_no_wcag_violations_on_a_phone(self):
        event = self.make_event(capacity_people=10)
        member = self.create_verified_member("audit@example.test", "Calm Lake")
        page = self.open_page()
        self.log_in_as(page, member)
        self.assert_pages_pass_audit(page, self.events_pages(event))

    def test_events_pages_at_320px_do_not_scroll_sideways(self):
        event = self.make_event(capacity_people=10)
        member = self.create_verified_member("narrow@example.test", "Small Screen")
        page = self.open_page(viewport=NARROW)
        self.log_in_as(page, member)
        self.assert_pages_pass_audit(page, self.events_pages(event), max_width=NARROW["width"])

    def test_signing_up_works_with_the_keyboard_only(self):
        event = self.make_event(capacity_people=10)
        member = self.create_verified_member("keys@example.test", "Key Person")
        page = self.open_page()
        self.log_in_as(page, member)
        page.goto(self.url(f"/events/{event.pk}/"))
        party = page.get_by_label("How many people are coming, including you?")
        party.focus()
        page.keyboard.press("ArrowDown")
        sign_up = page.get_by_role("button", name="Sign up", exact=True)
        sign_up.focus()
        expect(sign_up).to_be_focused()
        page.keyboard.press("Enter")
        page.wait_for_url(self.url("/events/registrations/*/"))
        expect(page.get_by_role("status")).to_contain_text("confirmed for 2 people")


class CoordinatorScreensInChromiumTests(PortalBrowserTestCase):
    """The roster and the dashboard panel as a care coordinator sees them (#20)."""

    def started_session_with_a_family(self):
        from events.models import Registration, RegistrationStatus
        from portal import roles
        from tests.factories import CoordinatorFactory

        start = timezone.now() - timedelta(minutes=10)
        event = Event.objects.create(
            title="Tuesday family group",
            kind=EventKind.THERAPY_GROUP,
            site="Main clinic",
            capacity_people=10,
            starts_at=start,
            ends_at=start + timedelta(minutes=90),
        )
        later = start + timedelta(days=7)
        Event.objects.create(
            title="Tuesday family group with a long title that would widen a select",
            kind=EventKind.THERAPY_GROUP,
            site="Main clinic",
            capacity_people=10,
            starts_at=later,
            ends_at=later + timedelta(minutes=90),
        )
        family = self.create_verified_member("roster@example.test", "Roster Family")
        Registration.objects.create(
            event=event, user=family, party_size=2, status=RegistrationStatus.CONFIRMED
        )
        return event, CoordinatorFactory(roles=[roles.CARE_COORDINATORS])

    def test_the_move_select_is_no_wider_than_a_few_attendance_boxes(self):
        event, coordinator = self.started_session_with_a_family()
        page = self.open_page(viewport={"width": 1280, "height": 900})
        self.log_in_as(page, coordinator)
        page.goto(self.url(f"/admin/events/roster/{event.pk}/"))
        attendance = page.get_by_label("People who came").bounding_box()
        move = page.get_by_label("Move to").bounding_box()
        self.assertLessEqual(move["width"], 3.5 * attendance["width"], (move, attendance))

    def test_the_roster_and_the_dashboard_have_no_wcag_violations(self):
        event, coordinator = self.started_session_with_a_family()
        page = self.open_page(viewport={"width": 1280, "height": 900})
        self.log_in_as(page, coordinator)

        def open_roster(page):
            page.goto(self.url(f"/admin/events/roster/{event.pk}/"))
            expect(page.get_by_label("People who came")).to_be_visible()

        def open_dashboard(page):
            page.goto(self.url("/admin/"))
            expect(page.get_by_text("Groups & events this week")).to_be_visible()

        def open_log(page):
            page.goto(self.url("/admin/events/log/"))
            expect(page.locator("main")).to_contain_text("Coordinator log")

        self.assert_pages_pass_audit(
            page, {"roster": open_roster, "dashboard": open_dashboard, "log": open_log}
        )
