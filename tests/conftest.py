"""Fixtures shared by every app's tests."""

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.cache import cache

from portal import services

PASSWORD = "a-Long-test-passphrase-42"


def _clear_portal_cache():
    """Forget rate-limit counters between tests, touching only this suite's keys."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith("RedisCache"):
        client = cache._cache.get_client(write=True)
        prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
        keys = list(client.scan_iter(match=f"{prefix}:*"))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()


@pytest.fixture(autouse=True)
def _fresh_cache():
    _clear_portal_cache()
    yield
    _clear_portal_cache()


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def make_family_member(db):
    """Create a verified family member with a profile, as sign-up would."""
    from portal.models import User

    counter = {"n": 0}

    def make(email=None, display_name=None, **profile):
        counter["n"] += 1
        n = counter["n"]
        user = User.objects.create_user(email=email or f"family{n}@example.test", password=PASSWORD)
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        services.register_family_member(
            user, display_name=display_name or f"Test Family {n}x", **profile
        )
        return user

    return make


@pytest.fixture
def family_member(make_family_member):
    return make_family_member(email="maria@example.test", display_name="Hopeful Mom")


@pytest.fixture
def make_staff(db):
    from django.contrib.auth.models import Group

    from portal.models import User

    def make(role, email=None):
        user = User.objects.create_user(
            email=email or f"{role.split()[0].lower()}@staff.example.test", password=PASSWORD
        )
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        user.groups.add(Group.objects.get(name=role))
        return user

    return make


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """Hashing with PBKDF2's real cost takes ~0.3 s per account; tests need no such cost."""
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _no_language_left_active():
    """A page request activates its reader's language in the test's thread; put the
    default back so the next test does not run in someone else's language."""
    yield
    from django.utils import translation

    translation.deactivate()
