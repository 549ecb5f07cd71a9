"""The second sign-in step (multi-factor authentication) that staff accounts must have.

Staff can see the account behind a pseudonym and read crisis holds, so a stolen
password alone must not open a staff account. The rule, in one place:

- ``requires_mfa(user)``: administrators (``is_superuser`` or ``is_staff``), every staff
  role of ``portal.roles`` and anyone a group or the account itself grants Wagtail admin
  access must have a second factor;
- ``has_mfa(user)``: the account has one (an authenticator app or a security key; the
  recovery codes back them up and are no factor of their own).

django-allauth's ``allauth.mfa`` does the rest: it asks for the code after the password
(its login stage), enrols authenticator apps, security keys and recovery codes.
``portal.middleware.StaffSecondFactorMiddleware`` sends a staff account without a second
factor to the enrolment page; the live sockets refuse such an account staff powers
(``forums.rooms.services.access.standing`` and ``forums.qa.services.access``).
"""

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.base.forms import AuthenticateForm
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from portal import audit, roles
from portal.compiled import CompiledQuery

# What counts as a second factor. Recovery codes alone do not: they are the way back in
# when the phone or key is lost, and allauth makes them only beside one of these.
SECOND_FACTOR_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)

# Where the middleware keeps the page a staff member was going to while they enrol.
NEXT_SESSION_KEY = "portal.mfa.next"

RESET_ACTION = "account.mfa.reset"


def second_factor_exists(account_ref="pk"):
    """An ``Exists`` for the account at ``OuterRef(account_ref)`` holding a second factor:
    annotate a query with it to learn this without a query of its own."""
    return Exists(
        Authenticator.objects.filter(user=OuterRef(account_ref), type__in=SECOND_FACTOR_TYPES)
    )


def passwordless():
    """For a query over accounts: whether the account has no usable password. Such an
    account cannot sign in at all (log-in is by password; log-in by emailed code and
    social log-in are off): only a script an operator runs on the server can make its
    session, as the benchmarks' moderators are made. A second step guards a sign-in, so
    the rule asks none of it. A password reset gives it a password, and from that moment
    the rule applies to it like to any other staff account."""
    return ExpressionWrapper(
        Q(password__startswith=UNUSABLE_PASSWORD_PREFIX), output_field=BooleanField()
    )


def second_step_in_place():
    """For a query over accounts: whether a staff account may use its staff powers as far
    as the second step goes (it has a second factor, or it cannot sign in, see
    :func:`passwordless`). One column of the hot-path standing queries."""
    return ExpressionWrapper(
        second_factor_exists() | Q(password__startswith=UNUSABLE_PASSWORD_PREFIX),
        output_field=BooleanField(),
    )


def _staff_standing(account_ref="pk"):
    """An ``Exists`` for the account holding a staff role or Wagtail admin access (through
    a group or its own permissions)."""
    return Exists(
        Permission.objects.filter(
            Q(group__user=OuterRef(account_ref)) | Q(user=OuterRef(account_ref)),
            content_type__app_label="wagtailadmin",
            codename="access_admin",
        )
    ) | Exists(Group.objects.filter(user=OuterRef(account_ref), name__in=roles.STAFF_ROLES))


def _mfa_standing_row(account):
    return (
        get_user_model()
        .objects.filter(pk=account)
        .annotate(
            staff=_staff_standing(),
            second_factor=second_factor_exists(),
            passwordless=passwordless(),
        )
        .values_list("is_superuser", "is_staff", "staff", "second_factor", "passwordless")[:1]
    )


# Every logged-in request runs this (portal.middleware): compiled by the ORM once per
# database, run with the account's id (portal.compiled).
_MFA_STANDING = CompiledQuery(_mfa_standing_row, "account")


def mfa_standing(user):
    """``(required, present)`` for ``user``, fresh from one query: whether the account
    must have a second factor (:func:`requires_mfa`) and whether it has one."""
    if not getattr(user, "is_authenticated", False):
        return False, False
    row = _MFA_STANDING.fetchone(account=user.pk)
    if row is None:
        return False, False
    superuser, is_staff, staff, second_factor, no_password = row
    return bool((superuser or is_staff or staff) and not no_password), bool(second_factor)


def requires_mfa(user):
    """Whether ``user`` must sign in with a second factor: administrators, every staff
    role (moderators, care coordinators, content editors, clinical reviewers) and anyone
    with access to Wagtail admin, when they sign in with a password (every account that
    can sign in at all, see :func:`passwordless`). Family members may add one; they need
    not."""
    return mfa_standing(user)[0]


def has_mfa(user):
    """Whether ``user`` has a second factor (an authenticator app or a security key)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTOR_TYPES).exists()


def may_use_staff_powers(user):
    """A staff account uses its staff powers only with a second factor; any other
    account is unaffected."""
    required, present = mfa_standing(user)
    return present or not required


@transaction.atomic
def reset_mfa(account, *, actor, reason=""):
    """Remove every authenticator of ``account`` (app, security keys, recovery codes), for
    a staff member who lost their phone or key, and write it to the audit trail with the
    administrator who did it, in the same transaction.

    The password goes too: whoever knows it (perhaps whoever has the phone) must not be
    the one to set up the new second step, and every session open on the account ends
    (Django ties a session to the password). The staff member chooses a new password
    through *Forgot your password?* (a link to their mailbox), then sets up a new app at
    their first page. Returns how many authenticators were removed."""
    removed = list(
        Authenticator.objects.filter(user=account).values_list("type", flat=True).order_by("type")
    )
    Authenticator.objects.filter(user=account).delete()
    account.set_unusable_password()
    account.save(update_fields=["password"])
    audit.record(
        actor,
        RESET_ACTION,
        context=f"account:{account.pk}",
        target_type="account",
        target_id=account.pk,
        subject=account,
        reason=reason,
        details={"removed": removed},
    )
    return len(removed)


class PortalMFAAdapter(DefaultMFAAdapter):
    """allauth's MFA adapter, with the portal's rule: a staff account cannot remove its
    last second factor itself (an administrator resets it, see ``reset_mfa``)."""

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": _(
            "Staff accounts must keep a second sign-in step. Add a security key first if "
            "you want to stop using this one, or ask an administrator to reset it."
        ),
    }

    def can_delete_authenticator(self, authenticator):
        if authenticator.type not in SECOND_FACTOR_TYPES:
            return True
        if not requires_mfa(authenticator.user):
            return True
        return (
            Authenticator.objects.filter(
                user_id=authenticator.user_id, type__in=SECOND_FACTOR_TYPES
            )
            .exclude(pk=authenticator.pk)
            .exists()
        )


class SignInCodeForm(AuthenticateForm):
    """allauth's code step at log-in (``MFA_FORMS["authenticate"]``), with a label that
    says which code."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        code = self.fields["code"]
        code.label = _("Code from your authenticator app, or a recovery code")
        code.widget.attrs.pop("placeholder", None)
        code.widget.attrs["inputmode"] = "numeric"
