"""A base class for tests in a real Chromium, shared by every app's browser tests.

Daphne serves the site from a child process (``ChannelsLiveServerTestCase``), so mail
sent while handling a request never reaches this process's ``mail.outbox``. The class
switches Django to the file-based mail backend, writing to a temporary directory, before
the server process is forked; the tests read the messages from there.
"""

import email.policy
import os
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from email.parser import BytesParser
from pathlib import Path

from asgiref.sync import SyncToAsync
from axe_playwright_python.sync_playwright import Axe
from channels.layers import channel_layers
from channels.testing import ChannelsLiveServerTestCase
from django.conf import settings
from django.db import connections
from django.test.utils import override_settings
from playwright.sync_api import expect, sync_playwright

from tests.browser.conftest import find_chromium
from tests.factories import PASSWORD, TOTP_SECRET, FamilyMemberFactory, totp_code
from tests.sessions import browser_cookie
from tests.sockets import close_sync_thread_connections

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
NARROW = {"width": 320, "height": 640}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": WCAG_TAGS},
    "resultTypes": ["violations"],
}
MAIL_SEPARATOR = b"\n" + b"-" * 79 + b"\n"


# psycopg's connection pool (PostgreSQL: one per alias, kept on Django's DatabaseWrapper
# class). The daphne child forked by the browser tests inherits the pool object but not
# its worker threads, so its first request waited for a connection forever (Chromium
# timed out at the first page when tests/forums ran alone on PostgreSQL). In the child
# only, set the inherited pools aside so that the server opens its own. They are kept
# referenced, never closed: their connections' sockets are still the parent's, and
# closing (or collecting) them would end the parent's sessions.
_pools_inherited_by_this_child = []


def _own_pools_in_the_child():
    try:
        from django.db.backends.postgresql.base import DatabaseWrapper
    except ImportError:  # psycopg not installed: no pools to set aside
        return
    _pools_inherited_by_this_child.append(dict(DatabaseWrapper._connection_pools))
    DatabaseWrapper._connection_pools.clear()


os.register_at_fork(after_in_child=_own_pools_in_the_child)

axe = Axe()

# Playwright's assertions wait 5 s by default. Under `make test` a browser test shares the
# two cores with the other test worker, and a live update (presence, a broadcast) can take
# longer to show: wait as long as for the page's own actions (open_page).
expect.set_options(timeout=10_000)


def read_mailbox(directory):
    """Every message the file-based backend wrote to ``directory``, oldest first."""
    parser = BytesParser(policy=email.policy.default)
    messages = []
    for path in sorted(Path(directory).glob("*.log"), key=lambda p: p.stat().st_mtime_ns):
        for chunk in path.read_bytes().split(MAIL_SEPARATOR):
            if chunk.strip():
                messages.append(parser.parsebytes(chunk))
    return messages


def plain_text(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def axe_violations(page):
    """axe-core's WCAG 2.x A/AA violations on the current page, as readable lines."""
    results = axe.run(page, options=AXE_OPTIONS)
    return [
        f"{violation['id']} ({violation['impact']}): "
        + ", ".join(" ".join(node["target"]) for node in violation["nodes"])
        for violation in results.response["violations"]
    ]


class PortalBrowserTestCase(ChannelsLiveServerTestCase):
    """Daphne in a child process, one Chromium per class, a fresh context per page,
    mail captured to files, and the migration data restored around every test."""

    # The flush after each test deletes what migrations created (page tree, site, role
    # groups); serialized_rollback puts it back before every test.
    serialized_rollback = True

    @classmethod
    def setUpClass(cls):
        chromium = find_chromium()
        assert chromium, "conftest.py skips or fails browser tests without Chromium"

        # The server process is forked from this one. Earlier websocket tests in this
        # process leave (1) asgiref's single-thread executor with a worker thread that a
        # forked child does not have, so every database_sync_to_async call in the server
        # would wait forever, and (2) an in-memory channel layer whose queues belong to
        # event loops that are gone. Give the child fresh ones.
        close_sync_thread_connections()
        SyncToAsync.single_thread_executor.shutdown(wait=False)
        SyncToAsync.single_thread_executor = ThreadPoolExecutor(max_workers=1)
        channel_layers.backends.clear()

        # Sync Playwright (started below) runs an event loop in this thread. While it
        # runs, `django.db.connections` keeps connections per context instead of per
        # thread, so Django code here gets a new DatabaseWrapper that lacks the contents
        # pytest-django serialized at set-up, and serialized_rollback would silently
        # restore nothing. Keep them to hand (see _share_serialized_contents).
        cls.serialized_contents = {
            alias: connections[alias]._test_serialized_contents
            for alias in cls._databases_names(include_mirrors=False)
            if hasattr(connections[alias], "_test_serialized_contents")
        }

        mail_dir = tempfile.TemporaryDirectory(prefix="portal-browser-mail-")
        cls.addClassCleanup(mail_dir.cleanup)
        cls.mail_dir = Path(mail_dir.name)
        # Enabled before super() forks the daphne process, so the child inherits them.
        # allauth keeps its rate limits (sign-ups, log-ins per IP) in the cache, which
        # earlier tests and other runs on the same Redis also fill: use a key space of
        # this class's own.
        run_prefix = f"browser-{uuid.uuid4().hex[:8]}"
        own_caches = {
            alias: {**config, "KEY_PREFIX": f"{config.get('KEY_PREFIX', '')}:{run_prefix}"}
            for alias, config in settings.CACHES.items()
        }
        server_settings = override_settings(
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=str(cls.mail_dir),
            CACHES=own_caches,
        )
        server_settings.enable()
        cls.addClassCleanup(server_settings.disable)

        super().setUpClass()

        # The ORM (this test's set-up, the flush between tests) refuses to run beside
        # Playwright's event loop. Set only now that the server is forked, so daphne
        # keeps Django's async-safety checks.
        previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        cls.addClassCleanup(cls._restore_async_unsafe, previous)

        cls.playwright = sync_playwright().start()
        cls.addClassCleanup(cls.playwright.stop)
        # Runs before playwright.stop(): close the connections opened beside its loop,
        # which nothing else would close (PostgreSQL refuses to drop a database in use).
        cls.addClassCleanup(connections.close_all)
        cls.browser = cls.playwright.chromium.launch(
            executable_path=chromium, headless=True, args=CHROMIUM_ARGS
        )
        cls.addClassCleanup(cls.browser.close)

    @classmethod
    def tearDownClass(cls):
        # The last test's flush emptied the database. Leave it as the migrations made it,
        # for the transactional tests that run after this class.
        for alias, contents in cls.serialized_contents.items():
            connections[alias].creation.deserialize_db_from_string(contents)
        super().tearDownClass()

    @classmethod
    def _fixture_setup(cls):
        cls._share_serialized_contents()
        super()._fixture_setup()

    def _fixture_teardown(self):
        # Also decides whether the flush re-runs post_migrate (it must not: the restore
        # would then collide with the content types and permissions it recreates).
        self._share_serialized_contents()
        super()._fixture_teardown()

    @classmethod
    def _share_serialized_contents(cls):
        for alias, contents in cls.serialized_contents.items():
            connections[alias]._test_serialized_contents = contents

    @staticmethod
    def _restore_async_unsafe(previous):
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous

    def setUp(self):
        for path in self.mail_dir.glob("*"):
            path.unlink()

    # --- helpers --------------------------------------------------------------------

    def url(self, path):
        return self.live_server_url + path

    def open_page(self, viewport=PHONE):
        context = self.browser.new_context(viewport=viewport, locale="en-US")
        self.addCleanup(context.close)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    def wait_for_mail(self, to, timeout=10):
        deadline = time.monotonic() + timeout
        while True:
            sent = [m for m in read_mailbox(self.mail_dir) if to in str(m["To"])]
            if sent or time.monotonic() > deadline:
                return sent
            time.sleep(0.1)

    def create_verified_member(self, email, display_name):
        return FamilyMemberFactory(email=email, display_name=display_name)

    def log_in(self, page, email, password=PASSWORD, *, totp_secret=TOTP_SECRET):
        """Log in through the form; an account with an authenticator app (every staff
        account the factories make) is then asked for the app's code, computed here
        from ``totp_secret``."""
        page.goto(self.url("/accounts/login/"))
        page.locator("#id_login").fill(email)
        page.locator("#id_password").fill(password)
        page.locator("main form").get_by_role("button", name="Log in", exact=True).click()
        code_step = self.url("/accounts/2fa/authenticate/")
        page.wait_for_url(lambda url: url in (self.url("/my-account/"), code_step))
        if page.url == code_step:
            page.get_by_label("Code from your authenticator app").fill(
                self.fresh_totp_code(email, totp_secret)
            )
            page.get_by_role("button", name="Sign in", exact=True).click()
            page.wait_for_url(self.url("/my-account/"))

    def fresh_totp_code(self, email, secret=TOTP_SECRET):
        """The app's code for ``secret`` now, or in the next 30-second period when this
        account already used the current one (allauth accepts each code once)."""
        used = self.__dict__.setdefault("_totp_periods_used", set())
        period = int(time.time()) // 30
        if (email, period) in used:
            time.sleep((period + 1) * 30 - time.time() + 0.05)
            period = int(time.time()) // 30
        used.add((email, period))
        return totp_code(secret, period * 30)

    def log_in_as(self, page, user):
        """Log ``user`` in by a session cookie, without the log-in form: for tests of
        what comes after logging in (test_foundation.py drives the form itself)."""
        page.context.add_cookies([browser_cookie(user, self.live_server_url)])

    def assert_pages_pass_audit(self, page, pages, *, max_width=None):
        """Open each of ``pages`` (label: function(page)) in ``page`` and audit it.

        axe-core must find no WCAG 2.2 A/AA violation and, given ``max_width``, the page
        must not scroll sideways. Every page is audited before the assertion, so one
        failure lists them all.
        """
        failures = {}
        for label, open_it in pages.items():
            open_it(page)
            problems = axe_violations(page)
            if max_width is not None:
                scroll_width = page.evaluate("document.documentElement.scrollWidth")
                if scroll_width > max_width:
                    problems.append(f"scrolls sideways: scrollWidth {scroll_width}px")
            if problems:
                failures[label] = problems
        report = "\n".join(
            f"{label}:\n  " + "\n  ".join(lines) for label, lines in failures.items()
        )
        self.assertEqual(failures, {}, f"accessibility audit failed:\n{report}")
