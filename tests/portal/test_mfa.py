"""The second sign-in step: who must have one, the enrolment it sends staff to, the code
asked at log-in, recovery codes, the administrator's reset and the demo's secret."""

import io
import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from portal import audit, demo, mfa, roles
from portal.models import User
from tests.factories import (
    PASSWORD,
    TOTP_SECRET,
    AccountFactory,
    FamilyMemberFactory,
    ModeratorFactory,
    StaffFactory,
    SuperuserFactory,
    totp_code,
)

pytestmark = pytest.mark.django_db

ACTIVATE = "/accounts/2fa/totp/activate/"
CODE_STEP = "/accounts/2fa/authenticate/"


def log_in_with_password(client, user):
    return client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})


def confirm_password(client, then):
    """allauth asks for the password again before a change to how one signs in."""
    response = client.get(then)
    assert response.status_code == 302
    assert response.url == f"/accounts/reauthenticate/?next={then.replace('/', '%2F')}"
    page = client.get(response.url)
    assert "Confirm it is you" in page.content.decode()
    confirmed = client.post(response.url, {"password": PASSWORD})
    assert confirmed.url == then


# --- the rule -----------------------------------------------------------------------------
def test_family_members_need_no_second_step():
    family = FamilyMemberFactory()
    assert not mfa.requires_mfa(family)
    assert not mfa.has_mfa(family)
    assert mfa.may_use_staff_powers(family)


@pytest.mark.parametrize("role", roles.STAFF_ROLES)
def test_every_staff_role_needs_a_second_step(role):
    staff = StaffFactory(roles=[role], mfa=False)
    assert mfa.requires_mfa(staff)
    assert not mfa.may_use_staff_powers(staff)


def test_a_family_member_given_a_staff_role_needs_one_too():
    person = FamilyMemberFactory(roles=[roles.MODERATORS], mfa=False)
    assert mfa.requires_mfa(person)


def test_administrators_need_a_second_step():
    assert mfa.requires_mfa(SuperuserFactory(mfa=False))
    assert mfa.requires_mfa(AccountFactory(is_staff=True, mfa=False))


def test_admin_access_granted_to_the_account_itself_counts_as_staff():
    account = AccountFactory(mfa=False)
    assert not mfa.requires_mfa(account)
    account.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    assert mfa.requires_mfa(account)


def test_a_staff_account_that_cannot_sign_in_needs_none_until_it_gets_a_password():
    """No usable password: no log-in (only a script on the server makes its session, as
    the shared benchmark's moderator is made), so no sign-in for a second step to guard.
    The moment a password is set (a reset), the rule applies."""
    staff = ModeratorFactory(mfa=False)
    staff.set_unusable_password()
    staff.save()
    assert not mfa.requires_mfa(staff)
    assert mfa.may_use_staff_powers(staff)
    client = Client()
    log_in_with_password(client, staff)
    assert "_auth_user_id" not in client.session  # no password signs it in
    staff.set_password(PASSWORD)
    staff.save()
    assert mfa.requires_mfa(staff)
    assert not mfa.may_use_staff_powers(staff)


def test_an_authenticator_app_is_a_second_step_recovery_codes_alone_are_not():
    staff = ModeratorFactory(mfa=False)
    RecoveryCodes.activate(staff)
    assert not mfa.has_mfa(staff)
    TOTP.activate(staff, TOTP_SECRET)
    assert mfa.has_mfa(staff)
    assert mfa.mfa_standing(staff) == (True, True)


def test_the_factories_enrol_staff_and_not_families():
    assert mfa.has_mfa(ModeratorFactory())
    assert mfa.has_mfa(SuperuserFactory())
    assert not mfa.has_mfa(FamilyMemberFactory())
    assert not mfa.has_mfa(ModeratorFactory(mfa=False))


# --- enrolment: staff without a second step are sent to set one up ------------------------
@pytest.mark.parametrize(
    "path", ["/my-account/", "/admin/", "/moderation/", "/events/", "/rooms/", "/"]
)
def test_staff_without_a_second_step_are_sent_to_set_one_up(client, path):
    client.force_login(ModeratorFactory(mfa=False))
    response = client.get(path)
    assert response.status_code == 302
    assert response.url == ACTIVATE
    assert client.session[mfa.NEXT_SESSION_KEY] == path


def test_a_background_fetch_does_not_replace_the_page_to_come_back_to(client):
    client.force_login(ModeratorFactory(mfa=False))
    client.get("/moderation/", headers={"Sec-Fetch-Mode": "navigate"})
    assert client.get("/moderation/log/", headers={"Sec-Fetch-Mode": "cors"}).url == ACTIVATE
    assert client.session[mfa.NEXT_SESSION_KEY] == "/moderation/"


@pytest.mark.parametrize("role", roles.STAFF_ROLES)
def test_every_staff_role_is_sent_to_enrolment(client, role):
    client.force_login(StaffFactory(roles=[role], mfa=False))
    assert client.get("/admin/").url == ACTIVATE


def test_account_pages_stay_open_so_staff_can_enrol_or_log_out(client):
    client.force_login(ModeratorFactory(mfa=False))
    assert client.get("/accounts/2fa/").status_code == 200
    assert client.get("/accounts/email/").status_code == 200
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_staff_with_a_second_step_and_families_are_not_redirected(client):
    client.force_login(ModeratorFactory())
    assert client.get("/admin/").status_code == 200
    client.force_login(FamilyMemberFactory())
    assert client.get("/my-account/").status_code == 200


def test_wagtails_own_login_form_sends_staff_to_the_one_that_asks_for_the_code(client):
    response = client.get("/admin/login/?next=/admin/pages/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/admin/pages/"
    # An unauthenticated admin page sends to allauth's log-in too.
    assert client.get("/admin/").url.startswith("/accounts/login/")


def test_enrolment_with_a_real_code_then_continue_where_they_were_going(client):
    staff = ModeratorFactory(mfa=False)
    log_in_with_password(client, staff)
    response = client.get("/admin/reports/")
    assert response.url == ACTIVATE

    confirm_password(client, ACTIVATE)
    page = client.get(ACTIVATE)
    assert page.status_code == 200
    text = page.content.decode()
    assert "This is a staff account" in text
    secret = page.context["form"].secret
    assert f'value="{secret}"' in text  # the setup key, for an app that cannot scan

    wrong = client.post(ACTIVATE, {"code": "000000" if totp_code(secret) != "000000" else "1"})
    assert wrong.status_code == 200 and wrong.context["form"].errors["code"]
    assert not mfa.has_mfa(staff)

    done = client.post(ACTIVATE, {"code": totp_code(secret)})
    assert done.status_code == 302 and done.url == reverse("mfa_view_recovery_codes")
    assert Authenticator.objects.get(user=staff, type=Authenticator.Type.TOTP)
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.RECOVERY_CODES)

    codes_page = client.get(done.url).content.decode()
    assert 'href="/admin/reports/"' in codes_page  # the Continue link
    assert client.get("/admin/").status_code == 200


def test_a_family_member_may_opt_in_from_my_account(client):
    family = FamilyMemberFactory()
    client.force_login(family)
    account_page = client.get("/my-account/").content.decode()
    assert f'href="{reverse("mfa_index")}"' in account_page
    log_in_with_password(client, family)
    confirm_password(client, ACTIVATE)
    page = client.get(ACTIVATE)
    assert "It is optional for families" in page.content.decode()
    client.post(ACTIVATE, {"code": totp_code(page.context["form"].secret)})
    assert mfa.has_mfa(family)


def test_staff_cannot_turn_off_their_only_second_step(client):
    staff = ModeratorFactory()
    client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})
    client.post(CODE_STEP, {"code": totp_code()})
    confirm_password(client, reverse("mfa_deactivate_totp"))
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 200
    assert "Staff accounts must keep a second sign-in step" in response.content.decode()
    assert mfa.has_mfa(staff)


# --- log-in asks for the code -------------------------------------------------------------
def test_log_in_asks_for_the_code_after_the_password(client):
    staff = ModeratorFactory()
    response = log_in_with_password(client, staff)
    assert response.status_code == 302 and response.url == CODE_STEP
    assert "_auth_user_id" not in client.session  # not logged in yet
    page = client.get(CODE_STEP)
    assert "Enter your sign-in code" in page.content.decode()

    wrong = client.post(CODE_STEP, {"code": "12345"})
    assert wrong.status_code == 200 and "_auth_user_id" not in client.session

    done = client.post(CODE_STEP, {"code": totp_code()})
    assert done.status_code == 302 and done.url == reverse("portal:account")
    assert client.session["_auth_user_id"] == str(staff.pk)
    assert client.get("/admin/").status_code == 200


def test_families_without_a_second_step_log_in_with_the_password_alone(client):
    response = log_in_with_password(client, FamilyMemberFactory())
    assert response.url == reverse("portal:account")


def test_a_recovery_code_works_once(client):
    staff = ModeratorFactory()
    code = RecoveryCodes.activate(staff).generate_codes()[0]

    log_in_with_password(client, staff)
    assert client.post(CODE_STEP, {"code": code}).url == reverse("portal:account")
    client.post(reverse("account_logout"))

    log_in_with_password(client, staff)
    again = client.post(CODE_STEP, {"code": code})
    assert again.status_code == 200
    assert "_auth_user_id" not in client.session


# --- an administrator's reset after a lost phone ------------------------------------------
def test_reset_mfa_removes_the_second_step_and_is_logged_with_the_administrator(client):
    staff = ModeratorFactory()
    RecoveryCodes.activate(staff)
    admin = SuperuserFactory()
    out = io.StringIO()
    call_command("reset_mfa", staff.email.upper(), by=admin.email, reason="lost phone", stdout=out)
    assert "Removed 2 authenticator(s) and the password" in out.getvalue()
    assert not Authenticator.objects.filter(user=staff).exists()

    entry = audit.entries().get(action=mfa.RESET_ACTION)
    assert (entry.actor, entry.subject, entry.target_id) == (admin, staff, staff.pk)
    assert entry.reason == "lost phone"
    assert entry.details == {"removed": ["recovery_codes", "totp"]}

    # The old password no longer signs in (whoever knows it must not enrol a new app);
    # the staff member chooses a new one through the mailbox, then is sent to enrol.
    log_in_with_password(client, staff)
    assert "_auth_user_id" not in client.session
    staff.refresh_from_db()
    assert not staff.has_usable_password()
    staff.set_password(PASSWORD)  # as "Forgot your password?" does
    staff.save()
    assert log_in_with_password(client, staff).url == reverse("portal:account")
    assert client.get(reverse("portal:account")).url == ACTIVATE


def test_a_reset_ends_the_sessions_open_on_the_account(client):
    staff = ModeratorFactory()
    client.force_login(staff)
    assert client.get(reverse("portal:account")).status_code == 200
    mfa.reset_mfa(staff, actor=SuperuserFactory(), reason="lost phone")
    response = client.get(reverse("portal:account"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_only_an_active_administrator_can_reset(client):
    staff = ModeratorFactory()
    with pytest.raises(CommandError, match="not an active administrator"):
        call_command("reset_mfa", staff.email, by=ModeratorFactory().email)
    with pytest.raises(CommandError, match="No account"):
        call_command("reset_mfa", "nobody@example.test", by=SuperuserFactory().email)
    assert mfa.has_mfa(staff)
    assert not audit.entries().filter(action=mfa.RESET_ACTION).exists()


# --- the demo -----------------------------------------------------------------------------
def test_seed_gives_demo_staff_the_published_secret_once_and_families_nothing():
    demo.seed_core_accounts(lambda line: None)
    demo.seed_core_accounts(lambda line: None)
    for account in demo.DEMO_ACCOUNTS:
        user = User.objects.get(email=account.email)
        apps = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP)
        if account.staff:
            [app] = apps
            assert app.data["secret"] == demo.DEMO_TOTP_SECRET
            assert mfa.requires_mfa(user)
        else:
            assert not apps.exists()
            assert not mfa.requires_mfa(user)


def test_seed_keeps_an_authenticator_app_set_up_by_hand():
    demo.seed_core_accounts(lambda line: None)
    moderator = User.objects.get(email="moderator@example.org")
    Authenticator.objects.filter(user=moderator).delete()
    TOTP.activate(moderator, TOTP_SECRET)
    demo.seed_core_accounts(lambda line: None)
    [app] = Authenticator.objects.filter(user=moderator, type=Authenticator.Type.TOTP)
    assert app.data["secret"] == TOTP_SECRET


def test_demo_totp_prints_the_code_the_demo_accounts_accept(client):
    demo.seed_core_accounts(lambda line: None)
    out = io.StringIO()
    before = time.time()
    call_command("demo_totp", stdout=out)
    code = out.getvalue().strip()
    assert re.fullmatch(r"\d{6}", code)
    assert code in {demo.totp_code(demo.DEMO_TOTP_SECRET, at) for at in (before, time.time())}
    response = client.post(
        reverse("account_login"),
        {"login": "moderator@example.org", "password": demo.DEMO_PASSWORD},
    )
    assert response.url == CODE_STEP
    assert client.post(CODE_STEP, {"code": code}).url == reverse("portal:account")
