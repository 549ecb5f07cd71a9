"""Settings come from the environment only; production refuses to start insecurely.

Each case imports the settings in a fresh interpreter with a controlled environment, so
the running test process's own settings are not involved.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k" * 20 + "3x9Qv7LpZ2mW8rT4yU6iO1aS5dF0gH" + "j" * 20

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": STRONG_KEY,
    "ALLOWED_HOSTS": "families.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://families.example.org",
    "PUBLIC_BASE_URL": "https://families.example.org",
}

PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "ENGINE": settings.DATABASES["default"]["ENGINE"],
    "DB_NAME": str(settings.DATABASES["default"]["NAME"]),
    "DB_OPTIONS": settings.DATABASES["default"].get("OPTIONS", {}),
    "LAYER": settings.CHANNEL_LAYERS["default"]["BACKEND"],
    "LAYER_CONFIG": settings.CHANNEL_LAYERS["default"].get("CONFIG", {}),
    "CACHE": settings.CACHES["default"]["BACKEND"],
    "EMAIL_BACKEND": settings.EMAIL_BACKEND,
    "EMAIL_HOST": getattr(settings, "EMAIL_HOST", ""),
    "TIME_ZONE": settings.TIME_ZONE,
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
    "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
}))
"""


def run_python(code, env_overrides, *args):
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DATABASE_URL",
            "REDIS_URL",
            "EMAIL_URL",
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "CSRF_TRUSTED_ORIGINS",
            "TIME_ZONE",
            "PUBLIC_BASE_URL",
            "WAGTAILADMIN_BASE_URL",
            "TASKS_BACKEND",
        }
    }
    env["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, *(["-c", code] if code else []), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_for(**env):
    result = run_python(PROBE, env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_embedded_defaults_are_sqlite_in_var_inmemory_layer_and_console_mail():
    config = settings_for(DEBUG="true")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["DB_NAME"] == str(ROOT / "var" / "portal.sqlite3")
    assert config["DB_OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert config["DB_OPTIONS"]["timeout"] >= 5
    assert config["LAYER"] == "channels.layers.InMemoryChannelLayer"
    assert config["CACHE"] == "django.core.cache.backends.locmem.LocMemCache"
    assert config["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert config["TIME_ZONE"] == "America/New_York"


def test_scale_out_settings_follow_the_environment():
    config = settings_for(
        DEBUG="true",
        DATABASE_URL="postgres://portal:secret@db.internal:5432/portal",
        REDIS_URL="redis://cache.internal:6379/2",
        EMAIL_URL="smtp+tls://mailer:pw@smtp.example.org:587",
        TIME_ZONE="America/Chicago",
    )
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["DB_NAME"] == "portal"
    assert config["DB_OPTIONS"]["pool"]["max_size"] == 20
    assert config["LAYER"] == "channels_redis.core.RedisChannelLayer"
    assert config["LAYER_CONFIG"]["hosts"][0]["address"] == "redis://cache.internal:6379/2"
    assert config["LAYER_CONFIG"]["hosts"][0]["max_connections"] > 100
    assert config["CACHE"] == "portal.redis_outage.ForgivingRedisCache"
    assert config["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert config["EMAIL_HOST"] == "smtp.example.org"
    assert config["TIME_ZONE"] == "America/Chicago"


def test_production_settings_are_secure():
    config = settings_for(**PRODUCTION)
    assert config["DEBUG"] is False
    assert config["ALLOWED_HOSTS"] == ["families.example.org"]
    assert config["SECURE_SSL_REDIRECT"] is True
    assert config["SESSION_COOKIE_SECURE"] is True


@pytest.mark.parametrize(
    "secret_key", ["", "short", "django-insecure-" + "x" * 60], ids=["unset", "short", "insecure"]
)
def test_production_refuses_to_start_without_a_real_secret_key(secret_key):
    result = run_python(PROBE, {**PRODUCTION, "SECRET_KEY": secret_key})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_check_deploy_reports_no_warnings_with_the_production_variables():
    result = run_python(None, PRODUCTION, "manage.py", "check", "--deploy", "--fail-level", "DEBUG")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize(
    ("address", "warning"),
    [
        (None, "portal.W001"),  # unset: the development default, http://localhost:8000
        ("http://127.0.0.1:8000", "portal.W001"),
        ("http://families.example.org", "portal.W002"),
    ],
)
def test_check_deploy_warns_while_links_would_not_open(address, warning):
    environment = {key: value for key, value in PRODUCTION.items() if key != "PUBLIC_BASE_URL"}
    if address:
        environment["PUBLIC_BASE_URL"] = address
    result = run_python(None, environment, "manage.py", "check", "--deploy")
    assert warning in result.stdout + result.stderr


def test_the_public_base_url_builds_mail_links_and_wagtail_admin_links():
    probe = (
        "import django, json; django.setup(); from django.conf import settings; "
        "from events.calendars import site_url; "
        "print(json.dumps([site_url('/events/mine/'), settings.WAGTAILADMIN_BASE_URL]))"
    )
    result = run_python(probe, {"DEBUG": "true", "PUBLIC_BASE_URL": "http://127.0.0.1:8042/"})
    assert json.loads(result.stdout) == [
        "http://127.0.0.1:8042/events/mine/",
        "http://127.0.0.1:8042",
    ]


WHITENOISE_PROBE = """
import tempfile, django
django.setup()
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client, override_settings
with tempfile.TemporaryDirectory() as root, override_settings(STATIC_ROOT=root):
    call_command("collectstatic", interactive=False, verbosity=0)
    url = static("portal/css/portal.css")
    response = Client().get(url, secure=True)
    body = b"".join(response.streaming_content)
    fields = [url, response.status_code, response["Cache-Control"], b"--brand" in body]
    print("|".join(map(str, fields)))
"""


def test_whitenoise_serves_hashed_static_files_with_debug_off():
    result = run_python(WHITENOISE_PROBE, {**PRODUCTION, "ALLOWED_HOSTS": "testserver"})
    assert result.returncode == 0, result.stderr
    url, status, cache_control, has_css = result.stdout.strip().splitlines()[-1].split("|")
    assert url.startswith("/static/portal/css/portal.") and url != "/static/portal/css/portal.css"
    assert status == "200"
    assert "max-age" in cache_control
    assert has_css == "True"


GC_PROBE = """
import gc
before = (gc.get_threshold(), gc.get_freeze_count())
import portal.application
print(before == (gc.get_threshold(), gc.get_freeze_count()))
"""


def test_the_application_tests_import_leaves_the_garbage_collector_alone():
    result = run_python(GC_PROBE, PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "True"


SERVER_START_PROBE = """
import gc
import django
django.setup()
from portal import warmup
steps = sorted(warmup._steps)
warmup._steps.clear()  # the model's training is not what this checks
import portal.asgi
print(steps, gc.get_threshold() == portal.asgi.GC_THRESHOLDS, gc.get_freeze_count() > 10_000)
"""


def test_the_server_entry_point_warms_up_and_freezes_what_start_up_loaded():
    result = run_python(SERVER_START_PROBE, PRODUCTION)
    assert result.returncode == 0, result.stderr
    steps, thresholds_set, frozen = result.stdout.strip().splitlines()[-1].rsplit(" ", 2)
    assert "crisis screening model" in steps
    assert (thresholds_set, frozen) == ("True", "True")


def test_a_mail_considered_lost_sooner_than_a_slow_send_is_warned_about():
    result = run_python(
        None,
        {"DEBUG": "true", "MAIL_SENDING_STALE_SECONDS": "20", "EMAIL_TIMEOUT": "10"},
        "manage.py",
        "check",
    )
    assert "portal.W003" in result.stdout + result.stderr
