"""Settings of the portal. Every value that differs between machines comes from the environment,
read here and nowhere else; a malformed value stops start-up with a message naming the variable."""

from __future__ import annotations

import os
import shutil
import sys
from datetime import timedelta
from fractions import Fraction
from pathlib import Path

from django.utils.csp import CSP  # type: ignore[import-not-found,unused-ignore]
from django.utils.translation import gettext_lazy as _

from workstyle.env import TESTING_DEFAULTS, ConfigError, Env, secret_key_file

BASE_DIR = Path(__file__).resolve().parent.parent
env = Env()

VAR_DIR = Path(env.text("WORKSTYLE_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env.flag("DJANGO_DEBUG", False)
TESTING = "pytest" in sys.modules or env.flag("WORKSTYLE_TESTING", False)
if TESTING:
    # Tests run on the machine's real PostgreSQL and Redis unless the environment names others.
    env = Env({**TESTING_DEFAULTS, **os.environ})

SECRET_KEY = env.text("DJANGO_SECRET_KEY") or secret_key_file(VAR_DIR / "secret_key")
if len(SECRET_KEY) < 32:
    raise ConfigError("DJANGO_SECRET_KEY is too short: use at least 50 random characters.")

ALLOWED_HOSTS = env.names("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG or TESTING else [])
CSRF_TRUSTED_ORIGINS = env.names("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "workstyle.apps.AxesConfig",
    "workstyle.apps.CaptchaConfig",
    "workstyle",
    "cadres",
    "complaints",
    "meetings",
    "supervision",
    "ethos",
    "stats",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so that static files get the Permissions-Policy too.
    "workstyle.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Inside LocaleMiddleware (its message speaks the caller's language), outside everything that
    # can fail: URL resolution, the views, the middleware below.
    "workstyle.middleware.ApiErrorMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After authentication (it logs out) and messages (it says why).
    "workstyle.middleware.SessionLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Axes must come last: it answers a locked-out login attempt before the view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "workstyle.urls"
WSGI_APPLICATION = "workstyle.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "workstyle.context_processors.workbench",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------
# Embedded default: SQLite under var/. Tests and production set DATABASE_URL to PostgreSQL.
DATABASES = {"default": env.database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'workstyle.sqlite3'}")}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Several processes (web, worker, beat) share the file: wait for the lock instead of failing.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    # The complaints' covering indexes (INCLUDE columns, for index-only counts on PostgreSQL) are
    # plain indexes on SQLite, which is what the embedded default needs.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # libpq waits for an unreachable host as long as TCP does (minutes): a request must get its 503
    # in seconds instead. `?connect_timeout=N` in DATABASE_URL overrides it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache, broker ----------------------------------------------------------------------------
REDIS_URL = env.url("REDIS_URL", {"redis", "rediss", "unix"})
CELERY_BROKER_URL = env.url("CELERY_BROKER_URL", {"redis", "rediss", "amqp", "filesystem", "memory"}) or REDIS_URL

if REDIS_URL:
    # Falls back to a cache in each process while Redis is down (workstyle/cache.py): nothing in
    # the cache is worth failing a request for.
    CACHES = {"default": {"BACKEND": "workstyle.cache.ResilientRedisCache", "LOCATION": REDIS_URL}}
else:
    # Shared by every process of the embedded default, so that rate limits hold across them.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

CELERY_BROKER_DIR = VAR_DIR / "broker"
if not CELERY_BROKER_URL:
    # A broker that needs no server: kombu's filesystem transport, folders under var/.
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        # Otherwise the broadcast (control) files land in the current directory.
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- auth -----------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
if TESTING:
    # The production hasher takes most of a second per password; factories set one per user.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workbench"
LOGOUT_REDIRECT_URL = "home"

# A staff session ends after this long without a request, and in any case this long after the
# log-in (workstyle.middleware.SessionLimitMiddleware): a session may show a revealed identity.
WORKSTYLE_SESSION_IDLE_MINUTES = env.number("WORKSTYLE_SESSION_IDLE_MINUTES", 30, minimum=1)
WORKSTYLE_SESSION_MAX_HOURS = env.number("WORKSTYLE_SESSION_MAX_HOURS", 12, minimum=1)
SESSION_COOKIE_AGE = WORKSTYLE_SESSION_MAX_HOURS * 3600
# The cookie dies with the browser: office and service-hall computers are shared, and whoever sits
# down next must not find the last user still logged in. (The session itself ends on the server
# anyway, after the idle time or the maximum life.)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

AXES_FAILURE_LIMIT = env.number("WORKSTYLE_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env.number("WORKSTYLE_LOGIN_COOLOFF_MINUTES", 30, minimum=1))
# Two separate counters, not one per pair: a user name is locked after the limit whatever addresses
# the guesses come from, and an address after the limit whatever user names it tries. Counted per
# pair, every new address (or every new name) would start guessing afresh.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# A successful log-in forgives only its own user's failures from its own address; axes' own handler
# would clear the whole address, so that anyone with an account could reset it between guesses.
AXES_HANDLER = "workstyle.security.LockoutHandler"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# JSON under /api/ (the token endpoint), the lockout page elsewhere.
AXES_LOCKOUT_CALLABLE = "workstyle.views.lockout_response"
# How long an API token acts for its user: a working day; other systems ask for a new one daily.
WORKSTYLE_API_TOKEN_HOURS = env.number("WORKSTYLE_API_TOKEN_HOURS", 8, minimum=1)
# A token that expired or was revoked this long ago is deleted by the beat: the row would only grow
# the table, and the audit record keeps who obtained it, when, and why it ended.
WORKSTYLE_API_TOKEN_KEEP_DAYS = env.number("WORKSTYLE_API_TOKEN_KEEP_DAYS", 30, minimum=1)
# Reverse proxies in front of the portal whose X-Forwarded-For is trusted (0: none, use REMOTE_ADDR).
WORKSTYLE_NUM_PROXIES = env.number("WORKSTYLE_NUM_PROXIES", 0, minimum=0)
AXES_CLIENT_IP_CALLABLE = "workstyle.http.axes_client_ip"

# --- i18n, time -------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Date inputs accept 2026-11-30, 2026/11/30 and 2026年11月30日 in both languages, and show ISO.
FORMAT_MODULE_PATH = ["workstyle.formats"]
# Every form's stock error messages name the field and say what to do (workstyle.forms).
FORM_RENDERER = "workstyle.forms.FormRenderer"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static, media ----------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Browser libraries from the npm registry (package.json, installed by scripts/lib.sh ensure_js),
# served from the portal itself under static/vendor/: only the files the pages load, with their
# licences (workstyle.staticfinders).
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "workstyle.staticfinders.VendorFinder",
]
NODE_MODULES_DIR = BASE_DIR / "node_modules"
VENDOR_STATIC = {
    "vendor/echarts": ("echarts", ["dist/echarts.min.js", "LICENSE", "NOTICE"]),
}
# Private files (complaint attachments) never sit under a public URL: views stream them after
# checking visibility.
PRIVATE_MEDIA_ROOT = Path(env.text("WORKSTYLE_PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": PRIVATE_MEDIA_ROOT}},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 60 * 1024 * 1024

# --- e-mail -----------------------------------------------------------------------------------
globals().update(env.email("EMAIL_URL"))
DEFAULT_FROM_EMAIL = env.text("DJANGO_DEFAULT_FROM_EMAIL", "workstyle@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = 20

# --- text messages to complainants ------------------------------------------------------------
# console:// (the log), file:///folder (one file per message), or the city's HTTP gateway as a URL
# template: https://gateway/send?to={to}&text={text} ({to} and {text} are filled in, URL-encoded).
SMS_URL = env.url("SMS_URL", {"console", "file", "http", "https"}, "console://")
WORKSTYLE_SMS_SECONDS = env.number("WORKSTYLE_SMS_SECONDS", 60, minimum=5)

# --- security ---------------------------------------------------------------------------------
SECURE = env.flag("WORKSTYLE_SECURE", not DEBUG and not TESTING)
SECURE_SSL_REDIRECT = SECURE
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_HSTS_SECONDS = env.number("WORKSTYLE_HSTS_SECONDS", 31536000 if SECURE else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
if env.flag("WORKSTYLE_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Browser features the portal never uses, denied to its pages and to anything injected into one
# (workstyle.middleware.SecurityHeadersMiddleware; Django has no setting for this header).
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)
# Nothing is loaded from another host: the intranet has no internet.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# --- REST API ---------------------------------------------------------------------------------
# The largest JSON body the API reads; attachments travel as multipart/form-data, not JSON.
WORKSTYLE_MAX_JSON_BYTES = env.number("WORKSTYLE_MAX_JSON_BYTES", 1024 * 1024, minimum=1024)
REST_FRAMEWORK = {
    # JSON of bounded size and depth (workstyle/parsers.py): DRF's own parser reads any size and
    # recurses once per level of nesting.
    "DEFAULT_PARSER_CLASSES": [
        "workstyle.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Hashed, expiring tokens of the portal's own (never rest_framework.authtoken's, which
        # keeps every token readable in the database and the admin).
        "workstyle.auth.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "workstyle.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        # Both refuse a value they do not understand (a 400) rather than ignore it.
        "workstyle.filters.FilterBackend",
        "rest_framework.filters.SearchFilter",
        "workstyle.api.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "workstyle.schema.AutoSchema",
    "EXCEPTION_HANDLER": "workstyle.api.exception_handler",
    # Throttles count the client's address as workstyle.http.client_ip sees it, never a header
    # the client could set himself.
    "NUM_PROXIES": WORKSTYLE_NUM_PROXIES,
    "DEFAULT_THROTTLE_RATES": {
        "public": env.rate("WORKSTYLE_PUBLIC_API_RATE", "60/minute"),
        "public_submit": env.rate("WORKSTYLE_PUBLIC_SUBMIT_RATE", "10/hour"),
        "token": "20/minute",
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Workstyle API",
    "DESCRIPTION": "Work-style supervision: complaints, escalations, meetings, accountability.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No permalink inside each operation's toggle button (a link nested in a button cannot be
    # reached by keyboard or screen reader as itself).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models name their choices Status / Kind: give each its own schema enum.
    "ENUM_NAME_OVERRIDES": {
        "ComplaintStatusEnum": "complaints.models.Complaint.Status",
        "ComplaintChannelEnum": "complaints.models.Complaint.Channel",
        "IntakeChannelEnum": "complaints.models.Complaint.STAFF_CHANNELS",
        "ExtensionRequestStatusEnum": "complaints.models.ExtensionRequest.Status",
        "IdentityAccessStatusEnum": "complaints.models.IdentityAccess.Status",
        "IdentityAccessKindEnum": "complaints.models.IdentityAccess.Kind",
        "UnitKindEnum": "cadres.models.Unit.Kind",
        "AccountabilityCaseStatusEnum": "supervision.models.AccountabilityCase.Status",
        "MeetingReportStatusEnum": "meetings.models.MeetingReport.Status",
        "RectificationItemStatusEnum": "meetings.models.RectificationItem.Status",
        "AccountabilityCaseSourceEnum": "supervision.models.AccountabilityCase.Source",
        "AccountabilityCaseOpenSourceEnum": "supervision.serializers.OPENABLE_SOURCES",
        "CommitmentStatusEnum": "ethos.models.Commitment.Status",
        "AppraisalRoundStatusEnum": "ethos.models.AppraisalRound.Status",
        "NoticeKindEnum": "supervision.models.Notice.Kind",
        "NoticeStatusEnum": "supervision.models.Notice.Status",
        "DebriefingStatusEnum": "cadres.models.Debriefing.Status",
        "PersonalReportStatusEnum": "cadres.models.PersonalReport.Status",
        "PersonalReportViewChannelEnum": "cadres.models.PersonalReportView.Channel",
    },
}

# --- the product's own rules --------------------------------------------------------------------
# Deadlines count Chinese working days (holidays and make-up days from chinese-calendar) when on.
WORKSTYLE_WORKING_DAYS = env.flag("WORKSTYLE_WORKING_DAYS", False)
WORKSTYLE_REMINDER_DAYS = env.number("WORKSTYLE_REMINDER_DAYS", 3, minimum=0)
WORKSTYLE_ESCALATION_DAYS = env.number("WORKSTYLE_ESCALATION_DAYS", 7, minimum=1)
# A democratic life meeting's special report is due this many days after the meeting.
WORKSTYLE_MEETING_REPORT_DAYS = env.number("WORKSTYLE_MEETING_REPORT_DAYS", 15, minimum=1)
WORKSTYLE_SWEEP_SECONDS = env.number("WORKSTYLE_SWEEP_SECONDS", 300, minimum=10)
# How often beat brings the statistics' summary up to date (the page says as of when).
WORKSTYLE_STATS_REFRESH_SECONDS = env.number("WORKSTYLE_STATS_REFRESH_SECONDS", 300, minimum=10)
WORKSTYLE_OUTBOX_SECONDS = env.number("WORKSTYLE_OUTBOX_SECONDS", 60, minimum=5)
WORKSTYLE_RETENTION_DAYS = env.number("WORKSTYLE_RETENTION_DAYS", 365, minimum=1)
# A department may give a complaint that is not its business back to the office within this many
# days of getting it.
WORKSTYLE_RETURN_DAYS = env.number("WORKSTYLE_RETURN_DAYS", 3, minimum=1)
# A reveal or a granted request shows the complainant's identity for this long; then it is asked again.
WORKSTYLE_IDENTITY_ACCESS_HOURS = env.number("WORKSTYLE_IDENTITY_ACCESS_HOURS", 8, minimum=1)
# Exports of at most this many rows download at once; larger ones are written by a worker.
WORKSTYLE_EXPORT_SYNC_ROWS = env.number("WORKSTYLE_EXPORT_SYNC_ROWS", 5000, minimum=0)
# Days a written export file is offered to its requester before the beat deletes it.
WORKSTYLE_EXPORT_KEEP_DAYS = env.number("WORKSTYLE_EXPORT_KEEP_DAYS", 7, minimum=1)
WORKSTYLE_OUTBOX_MAX_ATTEMPTS = env.number("WORKSTYLE_OUTBOX_MAX_ATTEMPTS", 8, minimum=1)
WORKSTYLE_PUBLIC_FORM_LIMIT = env.number("WORKSTYLE_PUBLIC_FORM_LIMIT", 10, minimum=1)
WORKSTYLE_SITE_URL = env.url("WORKSTYLE_SITE_URL", {"http", "https"}, "http://localhost:8000")
WORKSTYLE_SITE_NAME = _("Work Style Supervision Portal")
# The other ways to complain the home page lists (plain text as the office words them; empty: not
# listed). 12388 is the national reporting line of the discipline inspection commissions.
WORKSTYLE_CONTACT_PHONE = env.text("WORKSTYLE_CONTACT_PHONE", "12388")
WORKSTYLE_CONTACT_LETTER = env.text("WORKSTYLE_CONTACT_LETTER", "")
WORKSTYLE_CONTACT_VISIT = env.text("WORKSTYLE_CONTACT_VISIT", "")
WORKSTYLE_DEMO_PASSWORD = env.text("DEMO_PASSWORD", "workstyle-demo")

# --- the eight ethos: commitments and democratic appraisal ------------------------------------
# The shortest pledge a commitment accepts, in characters.
WORKSTYLE_PLEDGE_MIN_CHARS = env.number("WORKSTYLE_PLEDGE_MIN_CHARS", 10, minimum=1)
# The share of "poor" grades in any one ethos at which a cadre is flagged for an admonishing
# conversation: a fraction ("1/3") or a decimal ("0.3"), above 0 and at most 1.
WORKSTYLE_APPRAISAL_POOR_SHARE = env.text("WORKSTYLE_APPRAISAL_POOR_SHARE", "1/3")
try:
    _poor_share = Fraction(WORKSTYLE_APPRAISAL_POOR_SHARE)
except (ValueError, ZeroDivisionError) as _exc:
    raise ConfigError(f"WORKSTYLE_APPRAISAL_POOR_SHARE: not a fraction: {WORKSTYLE_APPRAISAL_POOR_SHARE!r}") from _exc
if not 0 < _poor_share <= 1:
    raise ConfigError("WORKSTYLE_APPRAISAL_POOR_SHARE must be above 0 and at most 1")

# Static schedule: one beat, no database scheduler (duplicate runs were reported with one).
CELERY_BEAT_SCHEDULE = {
    "outbox-relay": {"task": "workstyle.tasks.outbox_relay", "schedule": float(WORKSTYLE_OUTBOX_SECONDS)},
    "sms-relay": {"task": "workstyle.tasks.sms_relay", "schedule": float(WORKSTYLE_SMS_SECONDS)},
    # Every kind on the deadline ladder (complaints and whatever else registers).
    "escalate-overdue": {"task": "workstyle.tasks.ladder_sweep", "schedule": float(WORKSTYLE_SWEEP_SECONDS)},
    "erase-contacts": {"task": "complaints.tasks.erase_expired_contacts", "schedule": 3600.0},
    "close-answered": {"task": "complaints.tasks.close_answered", "schedule": 3600.0},
    "purge-tokens": {"task": "workstyle.tasks.api_tokens_purge", "schedule": 86400.0},
    "purge-exports": {"task": "workstyle.tasks.exports_purge", "schedule": 3600.0},
    "stats-refresh": {"task": "stats.tasks.stats_refresh", "schedule": float(WORKSTYLE_STATS_REFRESH_SECONDS)},
    # Commitments not signed: reminders before and on the deadline, the head told after it.
    "commitment-reminders": {"task": "ethos.tasks.commitment_reminders", "schedule": 3600.0},
}

CAPTCHA_TEST_MODE = False
# The captcha read aloud (an audio alternative to its picture) by Debian's flite speech synthesiser:
# its path, found on the PATH by default; empty turns the recording off.
CAPTCHA_FLITE_PATH = env.text("CAPTCHA_FLITE_PATH", shutil.which("flite") or "") or None
CAPTCHA_IMAGE_SIZE = (120, 40)
CAPTCHA_FONT_SIZE = 28

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {
        "handlers": ["console"],
        "level": env.choice("DJANGO_LOG_LEVEL", "INFO", ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]),
    },
    "loggers": {"axes": {"level": "WARNING"}},
}
