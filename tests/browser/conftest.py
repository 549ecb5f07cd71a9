"""Browser tests need Debian's Chromium; without it they skip, except on CI where they fail.

Playwright's own browser downloads are never used: the tests launch the system Chromium
through ``executable_path``.
"""

import os
import shutil
from pathlib import Path

import pytest

DEBIAN_CHROMIUM = Path("/usr/bin/chromium")


def find_chromium():
    """The path of the system Chromium, or None when it is not installed."""
    if DEBIAN_CHROMIUM.is_file() and os.access(DEBIAN_CHROMIUM, os.X_OK):
        return str(DEBIAN_CHROMIUM)
    return shutil.which("chromium")


def running_on_ci():
    return os.environ.get("CI", "").strip().lower() == "true"


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    # tryfirst: decide before any fixture (a test class's setUpClass starts a server and
    # launches the browser) is set up.
    if item.get_closest_marker("browser") is None or find_chromium() is not None:
        return
    reason = (
        f"Chromium not found (looked for {DEBIAN_CHROMIUM} and `chromium` on PATH); "
        "install Debian's chromium package to run the browser tests"
    )
    if running_on_ci():
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)
