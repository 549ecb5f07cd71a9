"""Fixtures shared by every app's tests."""

import pytest
from channels.testing import ChannelsLiveServerTestCase
from django.conf import settings
from django.core.cache import cache

from tests.factories import (
    PASSWORD,
    STAFF_FACTORIES,
    FamilyMemberFactory,
    StaffFactory,
    SuperuserFactory,
)
from tests.sockets import close_sync_thread_connections


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items):
    """Under pytest-xdist (``make test``: ``--dist loadgroup``) the tests of one live-server
    class (the browser tests) run on one worker: the class starts one daphne and one
    Chromium for all of its tests."""
    for item in items:
        cls = getattr(item, "cls", None)
        if cls is not None and issubclass(cls, ChannelsLiveServerTestCase):
            item.add_marker(pytest.mark.xdist_group(f"{cls.__module__}.{cls.__qualname__}"))


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


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """pytest-django's test databases; before it drops them, the sync thread's
    connections are closed (tests.sockets.close_sync_thread_connections)."""
    yield
    close_sync_thread_connections()


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
    """Create a verified family member with a profile, as sign-up would
    (``tests.factories.FamilyMemberFactory``)."""

    def make(email=None, display_name=None, **profile):
        named = {"email": email, "display_name": display_name}
        return FamilyMemberFactory(**{k: v for k, v in named.items() if v}, **profile)

    return make


@pytest.fixture
def family_member(make_family_member):
    return make_family_member(email="maria@example.test", display_name="Hopeful Mom")


@pytest.fixture
def make_staff(db):
    """Create a verified staff account (no profile) in ``role``."""

    def make(role, email=None):
        factory = STAFF_FACTORIES.get(role, StaffFactory)
        return factory(roles=[role], **({"email": email} if email else {}))

    return make


@pytest.fixture
def superuser(db):
    """An administrator (``is_superuser``), with a verified address."""
    return SuperuserFactory()


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
