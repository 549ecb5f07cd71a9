"""The family side: lists, event pages, sign-up, my sign-ups, and what stays private."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import Event, EventKind, Registration, RegistrationStatus

pytestmark = pytest.mark.django_db


def test_the_list_shows_seats_left(client, make_event):
    make_event(capacity_people=10)
    assert "10 seats left" in client.get(reverse("events:index")).content.decode()


def test_the_list_says_few_seats_left_near_the_capacity(client, make_event, family_member):
    event = make_event(capacity_people=5)
    services.register(event, family_member, party_size=3)
    assert "Few seats left" in client.get(reverse("events:index")).content.decode()


def test_the_list_says_waitlist_open_when_full(client, make_event, family_member):
    event = make_event(capacity_people=2)
    services.register(event, family_member, party_size=2)
    assert "Waitlist open" in client.get(reverse("events:index")).content.decode()


def test_the_list_never_names_who_signed_up(client, make_event, family_member):
    event = make_event()
    services.register(event, family_member, party_size=2)
    page = client.get(reverse("events:index")).content.decode()
    detail = client.get(reverse("events:detail", args=[event.pk])).content.decode()
    for text in (page, detail):
        assert "Hopeful Mom" not in text
        assert family_member.email not in text


def test_the_list_filters_by_kind(client, make_event):
    make_event(title="Group night", kind=EventKind.THERAPY_GROUP)
    make_event(title="Learning night", kind=EventKind.EDUCATION_NIGHT)
    page = client.get(reverse("events:index"), {"kind": "education_night"}).content.decode()
    assert "Learning night" in page
    assert "Group night" not in page


def test_an_unknown_kind_filter_shows_an_error_not_a_500(client, make_event):
    make_event(title="Group night")
    response = client.get(reverse("events:index"), {"kind": "<script>"})
    assert response.status_code == 200
    assert "Group night" in response.content.decode()
    assert "<script>" not in response.content.decode()


def test_past_and_cancelled_events_are_not_listed(client, make_event):
    start = timezone.now() - timedelta(days=1)
    make_event(title="Yesterday", starts_at=start, ends_at=start + timedelta(hours=1))
    services.cancel_event(make_event(title="Called off"))
    page = client.get(reverse("events:index")).content.decode()
    assert "Yesterday" not in page
    assert "Called off" not in page


def test_the_event_page_states_the_waitlist_policy(client, event):
    page = client.get(reverse("events:detail", args=[event.pk])).content.decode()
    assert "in the order they joined" in page


def test_an_anonymous_visitor_is_asked_to_log_in_to_sign_up(client, event):
    page = client.get(reverse("events:detail", args=[event.pk])).content.decode()
    assert "Log in to sign up" in page


def test_signing_up_anonymously_redirects_to_log_in(client, event):
    response = client.post(reverse("events:register", args=[event.pk]), {"party_size": 1})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not Registration.objects.exists()


@pytest.mark.parametrize("name", ["events:mine"])
def test_my_sign_ups_need_a_log_in(client, name):
    response = client.get(reverse(name))
    assert response["Location"].startswith(reverse("account_login"))


def test_signing_up_shows_the_confirmation(client, event, family_member):
    client.force_login(family_member)
    response = client.post(
        reverse("events:register", args=[event.pk]),
        {"party_size": "2", "attendee_names": "Ana, Luis", "interpreter": "spanish"},
        follow=True,
    )
    registration = Registration.objects.get(event=event)
    assert registration.party_size == 2
    assert registration.interpreter == "spanish"
    assert "You're confirmed" in response.content.decode()
    assert "Add to calendar" in response.content.decode()


def test_the_confirmation_shows_the_waitlist_position(client, make_event, families):
    event = make_event(capacity_people=1)
    services.register(event, families[0], party_size=1)
    client.force_login(families[1])
    response = client.post(
        reverse("events:register", args=[event.pk]), {"party_size": "1"}, follow=True
    )
    assert "number 1 on the waitlist" in response.content.decode()


def test_an_invalid_party_size_shows_the_field_error_and_keeps_the_input(
    client, event, family_member
):
    client.force_login(family_member)
    response = client.post(
        reverse("events:register", args=[event.pk]),
        {"party_size": "99", "attendee_names": "Ana"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Please check the form" in page
    assert 'value="Ana"' in page
    assert not Registration.objects.exists()


def test_a_refused_sign_up_shows_the_reason(client, make_event, family_member):
    event = make_event(registration_closes_at=timezone.now() - timedelta(minutes=1))
    client.force_login(family_member)
    response = client.post(reverse("events:register", args=[event.pk]), {"party_size": "1"})
    assert response.status_code == 200


def test_another_familys_registration_answers_404(client, event, families):
    registration = services.register(event, families[0], party_size=1)
    client.force_login(families[1])
    for name in ("events:registration", "events:registration_ics"):
        assert client.get(reverse(name, args=[registration.pk])).status_code == 404
    assert client.post(reverse("events:cancel", args=[registration.pk])).status_code == 404
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


def test_my_sign_ups_lists_only_my_own(client, event, families):
    services.register(event, families[0], party_size=1)
    other = Event.objects.create(
        title="Someone else's night",
        kind=EventKind.WORKSHOP,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
    )
    services.register(other, families[1], party_size=1)
    client.force_login(families[0])
    page = client.get(reverse("events:mine")).content.decode()
    assert event.title in page
    assert "Someone else's night" not in page


def test_a_family_cancels_from_its_sign_ups(client, event, family_member):
    registration = services.register(event, family_member, party_size=1)
    client.force_login(family_member)
    client.post(reverse("events:cancel", args=[registration.pk]))
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED


def test_a_family_changes_its_party_size(client, event, family_member):
    registration = services.register(event, family_member, party_size=1)
    client.force_login(family_member)
    client.post(reverse("events:party_size", args=[registration.pk]), {"party_size": "3"})
    registration.refresh_from_db()
    assert registration.party_size == 3


def test_a_bad_party_size_change_answers_with_a_message_not_a_500(client, event, family_member):
    registration = services.register(event, family_member, party_size=1)
    client.force_login(family_member)
    response = client.post(
        reverse("events:party_size", args=[registration.pk]), {"party_size": "x"}, follow=True
    )
    assert response.status_code == 200
    assert "Please choose how many people are coming." in response.content.decode()


def test_a_family_creates_and_revokes_its_calendar_address(client, family_member):
    client.force_login(family_member)
    client.post(reverse("events:feed_create"))
    token = family_member.event_calendar_feed.token
    assert token in client.get(reverse("events:mine")).content.decode()
    client.post(reverse("events:feed_revoke"))
    assert client.get(reverse("events:feed", args=[token])).status_code == 404


def test_the_join_link_is_hidden_until_30_minutes_before(client, virtual_event, family_member):
    services.register(virtual_event, family_member, party_size=1)
    client.force_login(family_member)
    page = client.get(reverse("events:detail", args=[virtual_event.pk])).content.decode()
    assert virtual_event.join_url not in page


def test_the_join_link_shows_to_a_confirmed_family_from_30_minutes_before(
    client, make_event, family_member
):
    start = timezone.now() + timedelta(minutes=20)
    event = make_event(
        location_kind="virtual",
        join_url="https://meet.example.org/secret-room",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
    )
    services.register(event, family_member, party_size=1)
    client.force_login(family_member)
    page = client.get(reverse("events:detail", args=[event.pk])).content.decode()
    assert event.join_url in page


def test_the_join_link_never_shows_to_a_waiting_family(client, make_event, families):
    start = timezone.now() + timedelta(minutes=20)
    event = make_event(
        location_kind="virtual",
        join_url="https://meet.example.org/secret-room",
        capacity_people=1,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
    )
    services.register(event, families[0], party_size=1)
    services.register(event, families[1], party_size=1)
    client.force_login(families[1])
    page = client.get(reverse("events:detail", args=[event.pk])).content.decode()
    assert event.join_url not in page


def test_a_drop_in_series_sign_up_reports_each_date(client, make_series, family_member):
    series = make_series()
    first = series.events.order_by("starts_at").first()
    client.force_login(family_member)
    response = client.post(
        reverse("events:series_signup", args=[series.pk]), {"party_size": "1", "event": first.pk}
    )
    assert response.status_code == 200
    assert Registration.objects.filter(user=family_member).count() == 4


def test_a_cohort_enrolment_from_the_event_page(client, cohort_series, family_member):
    first = cohort_series.events.order_by("starts_at").first()
    client.force_login(family_member)
    response = client.post(
        reverse("events:series_signup", args=[cohort_series.pk]),
        {"party_size": "2", "event": first.pk},
    )
    assert response.status_code == 302
    assert Registration.objects.filter(user=family_member, party_size=2).count() == 4


def test_a_series_sign_up_with_a_foreign_event_answers_404(
    client, make_series, event, family_member
):
    series = make_series()
    client.force_login(family_member)
    response = client.post(
        reverse("events:series_signup", args=[series.pk]), {"party_size": "1", "event": event.pk}
    )
    assert response.status_code == 404


def test_a_series_sign_up_with_a_superscript_digit_answers_404(client, make_series, family_member):
    # "\u00b2".isdigit() is true, but it is no id: the view must not pass it to the ORM.
    series = make_series()
    client.force_login(family_member)
    response = client.post(
        reverse("events:series_signup", args=[series.pk]), {"party_size": "1", "event": "\u00b2"}
    )
    assert response.status_code == 404


def test_unknown_ids_answer_404(client, family_member):
    client.force_login(family_member)
    assert client.get(reverse("events:detail", args=[999999])).status_code == 404
    assert client.get(reverse("events:registration", args=[999999])).status_code == 404


def test_the_home_page_shows_upcoming_events(client, make_event):
    make_event(title="Welcome evening")
    assert "Welcome evening" in client.get("/").content.decode()


def test_the_navigation_links_to_groups_and_events(client):
    assert 'href="/events/"' in client.get("/").content.decode()


def test_my_sign_ups_offer_a_party_size_change(client, event, family_member):
    registration = services.register(event, family_member, party_size=2)
    client.force_login(family_member)
    page = client.get(reverse("events:mine")).content.decode()
    assert reverse("events:party_size", args=[registration.pk]) in page


def test_my_sign_ups_mark_a_session_the_organisers_cancelled(client, make_event, family_member):
    cancelled = make_event(title="Thursday education night")
    registration = services.register(cancelled, family_member, party_size=1)
    services.cancel_event(cancelled)
    left = make_event(title="A date I left")
    services.cancel_registration(services.register(left, family_member, party_size=1))
    client.force_login(family_member)
    page = client.get(reverse("events:mine")).content.decode()
    assert "Thursday education night" in page
    assert "Cancelled by the organisers." in page
    assert "A date I left" not in page
    # Nothing to change or cancel on it any more.
    assert reverse("events:cancel", args=[registration.pk]) not in page
    assert reverse("events:party_size", args=[registration.pk]) not in page
