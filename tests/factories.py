"""factory_boy factories: the one way the tests make accounts.

Every account has the test password and a verified primary address (allauth's
``EmailAddress``), as if it had signed up and clicked the link. Roles are the groups of
``portal.roles``; a factory joins them with ``get_or_create``, because the flush after a
transactional test removes the groups the migrations made.

    FamilyMemberFactory(display_name="Hopeful Mom")     # profile, Family members
    FamilyMemberFactory(roles=[MODERATORS])              # a moderator with a profile
    ModeratorFactory()   CoordinatorFactory()   EditorFactory()   ReviewerFactory()
    StaffFactory(roles=[CARE_COORDINATORS, MODERATORS])  # staff in several roles
    SuperuserFactory()
    ModeratorFactory(mfa=False)                          # staff without a second step

Every account that must sign in with a second step (``portal.mfa.requires_mfa``: every
staff role, administrators) gets an authenticator app with ``TOTP_SECRET``, as if it had
enrolled, unless ``mfa=False``; ``mfa=True`` gives one to a family member too.
``totp_code()`` is the code an app shows for it now.

Emails and display names come from per-process sequences, so they never collide within
a test run (each pytest-xdist worker has a database of its own).
"""

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group

from portal import demo, services
from portal import mfa as mfa_module
from portal.models import User
from portal.roles import (
    CARE_COORDINATORS,
    CLINICAL_REVIEWERS,
    CONTENT_EDITORS,
    FAMILY_MEMBERS,
    MODERATORS,
)

PASSWORD = "a-Long-test-passphrase-42"
# The authenticator-app secret of every account the factories enrol (base32).
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp_code(secret=TOTP_SECRET, at=None):
    """The code an authenticator app holding ``secret`` shows now (or at ``at``)."""
    return demo.totp_code(secret, at)


class AccountFactory(factory.django.DjangoModelFactory):
    """An account with a verified address and the test password; no profile, no role."""

    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"account{n}@example.test")
    password = PASSWORD
    # Not model fields: taken out in _create / _build.
    verified = True  # allauth's EmailAddress, primary and verified
    roles = ()  # names of portal.roles groups to join
    # An authenticator app with TOTP_SECRET: None (the default) when the account must
    # have a second step (staff), True always, False never.
    mfa = None

    @classmethod
    def _build(cls, model_class, *args, verified, roles, password, mfa, **fields):
        user = model_class(*args, **fields)
        user.set_password(password)
        return user

    @classmethod
    def _create(cls, model_class, *args, verified, roles, password, mfa, **fields):
        user = cls._create_account(model_class, password=password, **fields)
        if verified:
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        for role in roles:
            user.groups.add(Group.objects.get_or_create(name=role)[0])
        if mfa or (mfa is None and mfa_module.requires_mfa(user)):
            TOTP.activate(user, TOTP_SECRET)
        return user

    @classmethod
    def _create_account(cls, model_class, **fields):
        return model_class.objects.create_user(**fields)


class FamilyMemberFactory(AccountFactory):
    """A family member as sign-up leaves one: a profile with a display name (through
    ``portal.services.register_family_member``) and the Family members role."""

    email = factory.Sequence(lambda n: f"family{n}@example.test")
    # Profile fields, passed to register_family_member.
    display_name = factory.Sequence(lambda n: f"Test Family {n}x")
    relationship = ""
    preferred_language = ""

    @classmethod
    def _build(cls, model_class, *args, display_name, relationship, preferred_language, **fields):
        return super()._build(model_class, *args, **fields)

    @classmethod
    def _create(cls, model_class, *args, display_name, relationship, preferred_language, **fields):
        user = super()._create(model_class, *args, **fields)
        Group.objects.get_or_create(name=FAMILY_MEMBERS)
        services.register_family_member(
            user,
            display_name=display_name,
            relationship=relationship,
            preferred_language=preferred_language,
        )
        return user


class StaffFactory(AccountFactory):
    """A staff account (no profile) in the roles given."""

    email = factory.Sequence(lambda n: f"staff{n}@staff.example.test")


class ModeratorFactory(StaffFactory):
    email = factory.Sequence(lambda n: f"moderator{n}@staff.example.test")
    roles = (MODERATORS,)


class CoordinatorFactory(StaffFactory):
    email = factory.Sequence(lambda n: f"coordinator{n}@staff.example.test")
    roles = (CARE_COORDINATORS,)


class EditorFactory(StaffFactory):
    email = factory.Sequence(lambda n: f"editor{n}@staff.example.test")
    roles = (CONTENT_EDITORS,)


class ReviewerFactory(StaffFactory):
    email = factory.Sequence(lambda n: f"reviewer{n}@staff.example.test")
    roles = (CLINICAL_REVIEWERS,)


class SuperuserFactory(AccountFactory):
    """An administrator: ``is_staff`` and ``is_superuser``, no role group needed."""

    email = factory.Sequence(lambda n: f"admin{n}@example.test")

    @classmethod
    def _create_account(cls, model_class, **fields):
        return model_class.objects.create_superuser(**fields)


STAFF_FACTORIES = {
    MODERATORS: ModeratorFactory,
    CARE_COORDINATORS: CoordinatorFactory,
    CONTENT_EDITORS: EditorFactory,
    CLINICAL_REVIEWERS: ReviewerFactory,
}
