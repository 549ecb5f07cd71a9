"""Settings for the Family Portal, read from the environment only.

Every value that differs between a laptop and production comes from an environment
variable (see README.md, "Environment variables"). Nothing secret lives in the repo.

Embedded defaults (one machine, ``make run``): a SQLite file in ``var/``, the in-memory
channel layer, the local-memory cache and the console mail backend. Setting
``DATABASE_URL`` / ``REDIS_URL`` / ``EMAIL_URL`` moves each concern to a real server.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

# A real key is required whenever DEBUG is off. The development key only exists so that
# `make run` and the test suite work on a fresh clone.
_DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY to a long random value "
            "(python -c 'import secrets; print(secrets.token_urlsafe(64))'), "
            "or set DEBUG=true for local development."
        )
    SECRET_KEY = _DEVELOPMENT_SECRET_KEY
elif not DEBUG and (SECRET_KEY.startswith("django-insecure-") or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "SECRET_KEY is too weak for production: use at least 50 random characters."
    )

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Daphne first: it takes over `runserver` so development serves websockets too.
    "daphne",
    "portal",
    "lectures",
    "forums",
    "events",
    "wagtail.contrib.settings",
    "wagtail.contrib.redirects",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.forms",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "channels",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.middleware.PreferredLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "portal.middleware.ContentSecurityPolicyMiddleware",
    # Before anything that reads the path into the database (views, Wagtail's redirects
    # below): an address holding a NUL character is a 404, on PostgreSQL too.
    "portal.middleware.RefuseNulCharactersMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # After authentication and allauth: a staff account without a second sign-in step is
    # sent to set one up (portal/mfa.py says who is staff).
    "portal.middleware.StaffSecondFactorMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "portal.urls"
ASGI_APPLICATION = "portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # BEGIN IMMEDIATE takes the write lock up front, so two writers queue on the
            # busy timeout instead of one failing with "database is locked" on upgrade.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    # A file (not an in-memory database) so that daphne in a child process, used by the
    # browser tests, sees the same data as the test itself.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test_portal.sqlite3")}
else:
    # Named explicitly so that a test server in a child process (Channels' live server)
    # connects to the same test database (django/channels#2176).
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}"}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Under daphne every in-flight request runs in its own thread; without a pool each
        # would hold its own connection and a burst would exceed PostgreSQL's
        # max_connections. psycopg's pool caps them per process (connections are then
        # not kept per thread: CONN_MAX_AGE stays 0).
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=2),
            "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=20),
            "timeout": env.int("DATABASE_POOL_TIMEOUT", default=30),
        }
    else:
        DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
        DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "portal.User"

# --- Redis: channel layer and cache ---------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
CACHE_KEY_PREFIX = env.str("CACHE_KEY_PREFIX", default="portal")
# Test runs only: each pytest-xdist worker (gw0, gw1, ...) keeps cache keys and channel
# names of its own, so workers sharing one Redis never see each other's rate limits or
# groups. A server a test starts inherits the worker's variable and its prefix.
_test_worker = env.str("PYTEST_XDIST_WORKER", default="")
if _test_worker and not CACHE_KEY_PREFIX.endswith(f"-{_test_worker}"):
    CACHE_KEY_PREFIX = f"{CACHE_KEY_PREFIX}-{_test_worker}"
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # redis-py's asyncio pool defaults to 100 connections; a burst of
                # websocket handshakes needs more.
                # redis-py 8 reads with a 5 s socket timeout by default, the same as the
                # layer's blocking BZPOPMIN: an idle receive raced it and failed every
                # ~5 s, dropping a message popped at that instant. Reads wait longer.
                # Connecting gives up after 5 s: a Redis that is down (or unreachable)
                # refuses sockets quickly (forums.live.consumer) instead of holding them.
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "max_connections": 1000,
                        "socket_timeout": 15,
                        "socket_connect_timeout": 5,
                    }
                ],
                "prefix": f"{CACHE_KEY_PREFIX}:asgi",
                "capacity": 1500,
                "expiry": 30,
            },
        }
    }
    # Django's Redis cache, except that while Redis is down a read is a miss and a write
    # is dropped (portal/redis_outage.py): pages still render; rate limits, which must
    # not mistake a dropped write for a counted one, refuse instead. A cache call waits
    # at most 2 s for Redis, and after a failure Redis is left alone for a few seconds.
    CACHES = {
        "default": {
            "BACKEND": "portal.redis_outage.ForgivingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }

# --- Mail -----------------------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
# A stalled mail server must not hold the worker (or, with the immediate backend, a
# request and its HTTP slot) for ever.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Family Portal <no-reply@localhost>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)

# Background work (mail, Wagtail's search index and reference index) goes through
# django-tasks. "database" (the default): tasks are rows written in the same transaction
# as the change that causes them, run by the worker (`manage.py run_worker`, started with
# the server by `make run`). "immediate": a task runs in the calling process after the
# transaction commits, and a failed mail waits for a worker (the test suite only).
TASKS_BACKEND = env.str("TASKS_BACKEND", default="database")
if TASKS_BACKEND not in ("database", "immediate"):
    raise ImproperlyConfigured("TASKS_BACKEND must be 'database' or 'immediate'.")
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_db.DatabaseBackend"
            if TASKS_BACKEND == "database"
            else "django_tasks.backends.immediate.ImmediateBackend"
        ),
        "QUEUES": [],
    }
}
# Mail that fails is tried again: after 1, 2, 4 … minutes (MAIL_RETRY_BASE_SECONDS,
# doubled each time, at most an hour apart), MAIL_MAX_ATTEMPTS times in all; then it is
# marked failed and listed for staff in admin (Settings → Outgoing mail).
MAIL_MAX_ATTEMPTS = env.int("MAIL_MAX_ATTEMPTS", default=8)
MAIL_RETRY_BASE_SECONDS = env.float("MAIL_RETRY_BASE_SECONDS", default=60.0)
# A mail a worker began to send and never finished (the worker was killed) is tried again
# after this long.
MAIL_SENDING_STALE_SECONDS = env.float("MAIL_SENDING_STALE_SECONDS", default=600.0)
# Sent mail is listed (who, what kind, when; never the text) this many days, then forgotten.
MAIL_KEEP_SENT_DAYS = env.int("MAIL_KEEP_SENT_DAYS", default=30)
# How often the worker looks for due reminders and for mail whose task was lost.
WORKER_TICK_SECONDS = env.float("WORKER_TICK_SECONDS", default=60.0)

# --- Accounts (django-allauth) --------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_SIGNUP_FORM_CLASS = "portal.forms.SignupProfileForm"
ACCOUNT_ADAPTER = "portal.accounts.PortalAccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_PREVENT_ENUMERATION = True
# allauth's defaults, written out so that operators can see them: failed log-ins are
# limited per IP and per account, sign-ups and resets per IP.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:account"
# Wagtail admin sends visitors to allauth's log-in, the one that asks for the second
# step; its own /admin/login/ form redirects there too (portal/urls.py).
WAGTAILADMIN_LOGIN_URL = "account_login"

# --- Second sign-in step (allauth.mfa) -------------------------------------------------
# Every staff account must have one (portal/mfa.py); families may add one from My
# account. An authenticator app (TOTP) works everywhere; recovery codes are the way back
# in when the phone is lost (an administrator can also reset: `manage.py reset_mfa`).
# Security keys and passkeys (WebAuthn) are offered beside the app: browsers allow them
# only on https pages and on http://localhost, and they are tied to the host name, so
# on a server reached by IP address, or by plain http under another name, staff use the
# app. A passkey is a second factor here, never a log-in without the password
# (MFA_PASSKEY_LOGIN_ENABLED stays off), so every staff log-in still starts with the
# password. With DEBUG on, WebAuthn accepts the http origin of a development machine.
MFA_ADAPTER = "portal.mfa.PortalMFAAdapter"
MFA_FORMS = {"authenticate": "portal.mfa.SignInCodeForm"}
# A code is accepted in the 30 seconds before and after its own (a phone's clock drifts,
# people type slowly); each code still works only once.
MFA_TOTP_TOLERANCE = 1
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="America/New_York")
USE_I18N = True
USE_TZ = True

# --- Static and media files -----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Serve straight from the apps' static folders when no collectstatic has been run
# (development and tests); production runs collectstatic (see docs/deploy.md).
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# --- Wagtail --------------------------------------------------------------------------
WAGTAIL_SITE_NAME = env.str("WAGTAIL_SITE_NAME", default="Family Portal")
# The name authenticator apps show beside a staff member's code.
MFA_TOTP_ISSUER = WAGTAIL_SITE_NAME
# The address families reach the portal at, with scheme (and port when not the default):
# every link in mail, calendar files and feeds, Wagtail's admin links and the demo site's
# page URLs are built on it. `make run` sets it to the address it serves;
# `check --deploy` warns while it is a localhost address with DEBUG off.
PUBLIC_BASE_URL = env.str(
    "PUBLIC_BASE_URL", default=env.str("WAGTAILADMIN_BASE_URL", default="http://localhost:8000")
).rstrip("/")
WAGTAILADMIN_BASE_URL = PUBLIC_BASE_URL
# The database backend picks its engine from the database: SQLite FTS5 by default,
# PostgreSQL full-text search (tsvector, ranking, stemming) when DATABASE_URL is PostgreSQL.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "vtt", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAIL_I18N_ENABLED = False
# No Gravatar: it would send a hash of every staff email to a third party on each admin
# page (and show broken images offline); Wagtail shows initials instead.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# --- Security -------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Public pages: scripts, styles and sockets from this site only (portal.middleware).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "media-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "frame-src https:",  # lecture videos embedded from YouTube, Vimeo, ...
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "object-src 'none'",
    ]
)
CONTENT_SECURITY_POLICY_EXCLUDED_PATHS = ["/admin/"]
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
X_FRAME_OPTIONS = "DENY"  # Wagtail's preview views opt back in to SAMEORIGIN themselves.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    # TLS ends at the reverse proxy, which sets X-Forwarded-Proto (docs/deploy.md).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

# --- Logging: ids, never message text -------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.channels.server": {"level": "WARNING"},
        "daphne": {"level": "WARNING"},
        # One line per task enqueued, started and finished (hundreds when the demo
        # content is loaded): debugging detail, not what an operator watches.
        "django_tasks": {"level": env.str("TASKS_LOG_LEVEL", default="WARNING")},
        "django_tasks_db": {"level": env.str("TASKS_LOG_LEVEL", default="WARNING")},
    },
}
