"""Sign-up, email verification, log-in, password reset and the profile, over HTTP."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from portal import roles
from portal.models import Profile, User
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def signup(client, **overrides):
    data = {
        "email": "new.family@example.test",
        "display_name": "Quiet River",
        "relationship": "parent",
        "preferred_language": "es",
        "password1": "a-Long-test-passphrase-42",
        "password2": "a-Long-test-passphrase-42",
    }
    data.update(overrides)
    return client.post(reverse("account_signup"), data)


def link_in(message):
    match = re.search(r"https?://[^\s]+", message.body)
    assert match, message.body
    return match.group(0).replace("http://testserver", "")


def test_sign_up_creates_profile_family_role_and_sends_verification(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # mail is sent after commit
        response = signup(client)

    assert response.status_code == 302
    user = User.objects.get(email="new.family@example.test")
    assert user.profile.display_name == "Quiet River"
    assert user.profile.relationship == "parent"
    assert user.profile.preferred_language == "es"
    assert list(user.groups.values_list("name", flat=True)) == [roles.FAMILY_MEMBERS]
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.family@example.test"]


def test_verification_email_names_the_organisation(client, django_capture_on_commit_callbacks):
    from portal.models import OrganisationSettings

    org = OrganisationSettings.load()
    org.name = "Riverside Family Program"
    org.save()

    with django_capture_on_commit_callbacks(execute=True):  # mail is sent after commit
        signup(client)

    body = mail.outbox[0].body
    assert "Hello from Riverside Family Program!" in body
    assert "http://testserver/accounts/confirm-email/" in body


def test_unverified_account_cannot_reach_my_account(client):
    signup(client)
    response = client.get(reverse("portal:account"))
    assert response.status_code == 302
    assert not response.wsgi_request.user.is_authenticated


def test_verification_link_from_the_email_verifies_and_logs_in(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # mail is sent after commit
        signup(client)
    confirm_url = link_in(mail.outbox[0])

    page = client.get(confirm_url)
    assert page.status_code == 200
    response = client.post(confirm_url)

    assert response.status_code == 302
    assert EmailAddress.objects.get(email="new.family@example.test").verified
    assert client.get(reverse("portal:account")).status_code == 200


def test_verified_member_logs_in_and_out(client, family_member, password):
    response = client.post(
        reverse("account_login"), {"login": "maria@example.test", "password": password}
    )
    assert response.status_code == 302
    assert client.get(reverse("portal:account")).status_code == 200

    client.post(reverse("account_logout"))
    assert client.get(reverse("portal:account")).status_code == 302


def test_login_with_wrong_password_shows_error_and_keeps_email(client, family_member):
    response = client.post(
        reverse("account_login"), {"login": "maria@example.test", "password": "wrong-one"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert 'value="maria@example.test"' in response.content.decode()


def test_repeated_failed_logins_lock_the_account_for_a_while(client, family_member, password):
    for _attempt in range(5):
        client.post(reverse("account_login"), {"login": "maria@example.test", "password": "x"})
    response = client.post(
        reverse("account_login"), {"login": "maria@example.test", "password": password}
    )
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated


def test_password_reset_by_email(client, family_member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "maria@example.test"})
    assert len(mail.outbox) == 1
    reset_url = link_in(mail.outbox[0])

    form_page = client.get(reset_url, follow=True)
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else reset_url
    response = client.post(
        action, {"password1": "another-Long-pass-77", "password2": "another-Long-pass-77"}
    )

    assert response.status_code == 302
    family_member.refresh_from_db()
    assert family_member.check_password("another-Long-pass-77")


def test_sign_up_refuses_email_in_display_name_and_keeps_input(client):
    response = signup(client, display_name="maria@example.com")

    assert response.status_code == 200
    assert "display_name" in response.context["form"].errors
    assert 'value="new.family@example.test"' in response.content.decode()
    assert not User.objects.filter(email="new.family@example.test").exists()


def test_sign_up_refuses_a_display_name_taken_in_another_case(client, family_member):
    response = signup(client, display_name="HOPEFUL mom")
    assert "display_name" in response.context["form"].errors
    assert not User.objects.filter(email="new.family@example.test").exists()


def test_full_name_is_warned_about_then_accepted_when_confirmed(client):
    warned = signup(client, display_name="Maria Lopez")
    assert warned.status_code == 200
    assert "keep_full_name" in warned.context["form"].errors
    assert 'type="checkbox" name="keep_full_name"' in warned.content.decode()

    accepted = signup(client, display_name="Maria Lopez", keep_full_name="on")
    assert accepted.status_code == 302
    assert Profile.objects.filter(display_name="Maria Lopez").exists()


def test_profile_edit_saves_and_validates(client, family_member):
    client.force_login(family_member)
    url = reverse("portal:edit_profile")

    bad = client.post(url, {"display_name": "call me 555 123 4567"})
    assert bad.status_code == 200
    assert "display_name" in bad.context["form"].errors
    assert "call me 555 123 4567" in bad.content.decode()

    good = client.post(url, {"display_name": "Brave Parent", "relationship": "sibling"})
    assert good.status_code == 302
    family_member.profile.refresh_from_db()
    assert family_member.profile.display_name == "Brave Parent"
    assert family_member.profile.relationship == "sibling"


def test_profile_keeps_own_name_in_another_case(client, family_member):
    client.force_login(family_member)
    response = client.post(reverse("portal:edit_profile"), {"display_name": "hopeful MOM"})
    assert response.status_code == 302


def test_staff_without_profile_can_choose_one(client, make_staff):
    staff = make_staff(roles.MODERATORS)
    client.force_login(staff)
    assert b"Choose a display name" in client.get(reverse("portal:account")).content
    response = client.post(reverse("portal:edit_profile"), {"display_name": "Moderator Jo"})
    assert response.status_code == 302
    assert Profile.objects.get(user=staff).display_name == "Moderator Jo"


def test_emergency_contact_add_change_remove(client, family_member):
    client.force_login(family_member)
    url = reverse("portal:edit_emergency_contact")

    invalid = client.post(url, {"name": "Ana", "phone": "not a phone"})
    assert "phone" in invalid.context["form"].errors

    client.post(url, {"name": "Ana", "phone": "555-222-3333", "relationship": "sister"})
    assert family_member.emergency_contact.phone == "555-222-3333"

    client.post(reverse("portal:remove_emergency_contact"))
    family_member.refresh_from_db()
    assert not hasattr(family_member, "emergency_contact")


def test_profile_language_is_used_for_the_pages(client, make_family_member):
    member = make_family_member(preferred_language="es")
    client.force_login(member)
    response = client.get(reverse("portal:account"))
    assert response.wsgi_request.LANGUAGE_CODE == "es"
    assert response.headers["Content-Language"] == "es"


def test_every_new_sign_up_is_only_a_family_member(client):
    signup(client)
    user = User.objects.get(email="new.family@example.test")
    assert not user.is_staff and not user.is_superuser
    assert set(user.groups.all()) == {Group.objects.get(name=roles.FAMILY_MEMBERS)}


def test_sign_up_racing_for_a_name_gets_a_numbered_variant_not_an_error(family_member):
    from portal import services

    late = AccountFactory(email="late@example.test")
    profile = services.register_family_member(
        late, display_name="Hopeful Mom", allow_numbered_variant=True
    )
    assert profile.display_name == "Hopeful Mom 2"


def test_registering_a_taken_name_without_variants_changes_nothing(family_member):
    from portal import services

    late = AccountFactory(email="late@example.test")
    with pytest.raises(services.DisplayNameTaken):
        services.register_family_member(late, display_name="hopeful mom")
    assert not Profile.objects.filter(user=late).exists()
    assert not late.groups.exists()


def test_display_names_differing_only_in_non_ascii_case_are_one_name(client, make_family_member):
    make_family_member(display_name="José Ángel")
    response = signup(client, display_name="JOSÉ ÁNGEL", keep_full_name="on")
    assert "display_name" in response.context["form"].errors
    assert not User.objects.filter(email="new.family@example.test").exists()


def test_the_database_refuses_a_case_variant_of_a_taken_name(make_family_member):
    from django.db import IntegrityError, transaction

    make_family_member(display_name="Élan Vital")
    other = make_family_member(display_name="Quiet Sea")
    other.profile.display_name = "ÉLAN VITAL"
    with pytest.raises(IntegrityError), transaction.atomic():
        other.profile.save()


def test_a_family_member_cannot_take_a_staff_title(client):
    response = signup(client, display_name="Moderator Jo")
    assert response.context["form"].errors["display_name"]
    assert not User.objects.filter(email="new.family@example.test").exists()


def test_staff_may_use_their_title(client, make_staff):
    staff = make_staff(roles.MODERATORS)
    client.force_login(staff)
    response = client.post(reverse("portal:edit_profile"), {"display_name": "Moderator Jo"})
    assert response.status_code == 302


# --- look-alike names, the name box and crisis language (issue #16) -----------------------
@pytest.mark.parametrize(
    "look_alike", ["Hopefu1 Mom", "HopefuI Mom", "Hopeful Mom.", "Hopeful_Mom"]
)
def test_sign_up_refuses_a_name_that_looks_like_a_taken_one(client, family_member, look_alike):
    assert family_member.profile.display_name == "Hopeful Mom"
    response = signup(client, display_name=look_alike)
    assert response.context["form"].errors["display_name"]
    assert not User.objects.filter(email="new.family@example.test").exists()


def test_the_database_refuses_a_look_alike_of_a_taken_name(make_family_member):
    from django.db import IntegrityError, transaction

    make_family_member(display_name="River Stone")
    other = make_family_member(display_name="Quiet Sea")
    other.profile.display_name = "R1ver St0ne"
    with pytest.raises(IntegrityError), transaction.atomic():
        other.profile.save()


@pytest.mark.parametrize("name", ["M0derator Sam", "ModeratorSam", "Site Admln"])
def test_sign_up_refuses_staff_titles_in_disguise(client, name):
    response = signup(client, display_name=name)
    assert response.context["form"].errors["display_name"]
    assert not User.objects.filter(email="new.family@example.test").exists()


def test_the_name_box_allows_exactly_what_the_server_accepts(client):
    from portal.display_names import DISPLAY_NAME_MAX_LENGTH

    page = client.get(reverse("account_signup")).content.decode()
    assert f'maxlength="{DISPLAY_NAME_MAX_LENGTH}"' in page
    response = signup(client, display_name="x" * (DISPLAY_NAME_MAX_LENGTH + 1))
    assert response.context["form"].errors["display_name"]


def test_a_crisis_name_is_refused_shows_the_resources_and_alerts_moderators(
    client, make_staff, mailoutbox, django_capture_on_commit_callbacks
):
    from forums.models import ModerationAction

    make_staff(roles.MODERATORS)
    with django_capture_on_commit_callbacks(execute=True):
        response = signup(client, display_name="i want to die")
    page = response.content.decode()
    assert response.context["form"].errors["display_name"]
    assert 'id="crisis-alert"' in page and 'href="tel:988"' in page
    assert not User.objects.filter(email="new.family@example.test").exists()
    logged = ModerationAction.objects.get(action="crisis.display_name")
    assert logged.details == {"urgent": True}
    assert len(mailoutbox) == 1 and "crisis" in mailoutbox[0].subject.lower()
    assert "want to die" not in mailoutbox[0].body  # the name is not sent in mail


def test_a_crisis_name_in_the_profile_names_the_member_to_moderators(client, family_member):
    from forums.models import ModerationAction

    client.force_login(family_member)
    response = client.post(reverse("portal:edit_profile"), {"display_name": "end my life"})
    assert response.status_code == 200 and 'id="crisis-alert"' in response.content.decode()
    family_member.profile.refresh_from_db()
    assert family_member.profile.display_name == "Hopeful Mom"
    assert ModerationAction.objects.get(action="crisis.display_name").subject == family_member
