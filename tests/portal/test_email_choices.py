"""A family chooses which email it receives; each kind's link turns it off without
logging in, and an altered link changes nothing."""

import pytest
from django.urls import reverse

from portal import notifications

pytestmark = pytest.mark.django_db


def test_a_family_saves_its_email_choices(client, family_member):
    client.force_login(family_member)
    page = client.get(reverse("portal:edit_email_choices"))
    assert page.status_code == 200
    assert "A reminder the day before a group or event" in page.content.decode()
    response = client.post(
        reverse("portal:edit_email_choices"),
        {"reminder_two_hours_before": "on", "email_room_replies": "on"},
    )
    assert response.status_code == 302
    profile = family_member.profile
    profile.refresh_from_db()
    assert (profile.reminder_day_before, profile.reminder_two_hours_before) == (False, True)
    assert (profile.email_answers, profile.email_room_replies) == (False, True)
    assert profile.room_replies_noted_until is not None  # counting starts now
    account = client.get(reverse("portal:account")).content.decode()
    assert "Change email choices" in account


def test_the_email_choices_page_needs_a_log_in(client):
    response = client.get(reverse("portal:edit_email_choices"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("kind", list(notifications.KINDS))
def test_each_link_turns_off_only_its_own_kind_for_only_its_own_account(
    client, family_member, make_family_member, kind
):
    other = make_family_member()
    url = reverse("portal:unsubscribe", args=[notifications.unsubscribe_token(family_member, kind)])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 200
    family_member.profile.refresh_from_db()
    other.profile.refresh_from_db()
    fields = notifications.SWITCHES[kind]
    assert not any(getattr(family_member.profile, field) for field in fields)
    untouched = {"reminder_day_before", "reminder_two_hours_before", "email_answers"} - set(fields)
    assert all(getattr(family_member.profile, field) for field in untouched)
    assert all(
        getattr(other.profile, field) for field in untouched | set(fields) - {"email_room_replies"}
    )


def test_an_altered_link_changes_nothing(client, family_member):
    token = notifications.unsubscribe_token(family_member, notifications.ANSWERS)
    for bad in (token[:-2] + "xx", "nonsense", token.replace(":", ";", 1)):
        url = reverse("portal:unsubscribe", args=[bad])
        assert client.post(url).status_code == 400
        assert "This link does not work" in client.get(url).content.decode()
    family_member.profile.refresh_from_db()
    assert family_member.profile.email_answers
