"""Settings shared by every environment, read from environment variables through ``threefold.env``.

Defaults are the safe ones: DEBUG is off unless THREEFOLD_DEBUG turns it on (``make run`` does), the database is
an SQLite file under ``var/``, and keys come from ``var/`` only when ``make run`` has created them there.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from threefold.env import ConfigError, env_bool, env_int, env_key, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("THREEFOLD_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("THREEFOLD_DEBUG", False)
DEMO_MODE = env_bool("THREEFOLD_DEMO", False)

SECRET_KEY = env_secret("THREEFOLD_SECRET_KEY", default_file=VAR_DIR / "secret.key")
if not SECRET_KEY:
    raise ConfigError(
        "THREEFOLD_SECRET_KEY (or THREEFOLD_SECRET_KEY_FILE) must be set; `make run` creates var/secret.key "
        "for local use."
    )

# The master key wraps every organisation's data key (see threefold/vault). Without it nothing identifying can
# be read or written; the vault says so when asked, and production refuses to start.
THREEFOLD_MASTER_KEY = env_key("THREEFOLD_MASTER_KEY", required=False, default_file=VAR_DIR / "master.key")

ALLOWED_HOSTS = env_list("THREEFOLD_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])

INSTALLED_APPS = [
    # First, so its templates override allauth's (layout, login page, form elements).
    "threefold.web",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "rules.apps.AutodiscoverRulesConfig",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "django_htmx",
    "csp",
    "threefold.vault",
    "threefold.audit",
    "threefold.accounts",
    "threefold.protect",
    "threefold.identify",
    "threefold.consent",
    "threefold.notifications",
    "threefold.referrals",
    "threefold.plans",
    "threefold.prosecute",
    "threefold.countries",
    "threefold.advocate",
    "threefold.training",
    "threefold.prevent",
    "threefold.participate",
    "threefold.insight",
    "threefold.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "threefold.accounts.middleware.SessionLifetimeMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "threefold.web.middleware.NoStoreMiddleware",
    "threefold.accounts.middleware.ActorMiddleware",
    "threefold.accounts.middleware.MFARequiredMiddleware",
    # django-axes must come last: it turns a lockout into a response after the others ran.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "threefold.urls"
WSGI_APPLICATION = "threefold.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "threefold.web.context_processors.shell",
            ],
        },
    },
]

VAR_DIR.mkdir(parents=True, exist_ok=True)
# Uploaded files (the prevention materials library): under the var directory, never the working directory, and
# never served as static media: each download goes through a view that checks access (no MEDIA_URL).
MEDIA_ROOT = Path(env_str("THREEFOLD_MEDIA_ROOT", str(VAR_DIR / "media")))
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'threefold.sqlite3'}"),
        conn_max_age=env_int("THREEFOLD_DB_CONN_MAX_AGE", 0, minimum=0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the background worker read while a request writes; IMMEDIATE avoids lock upgrades failing.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # axes first: it refuses a locked-out login before a password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "account_login"

# django-allauth: e-mail login, no open sign-up (people join by invitation), MFA by TOTP with recovery codes.
ACCOUNT_ADAPTER = "threefold.accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
# No e-mailed codes for re-authentication: a mailbox is easier to take over than a phone authenticator.
ACCOUNT_REAUTHENTICATION_METHODS = ("password", "mfa")
ACCOUNT_REAUTHENTICATION_TIMEOUT = env_int("THREEFOLD_REAUTH_SECONDS", 300, minimum=30, maximum=3600)
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
MFA_ADAPTER = "threefold.accounts.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Threefold"
# Accept the code of the 30-second step just before (or after) the server's: a code typed in the last second of its
# step on a slow field connection arrives in the next one. RFC 6238 section 5.2 recommends at most one step; allauth
# still refuses a code used once.
MFA_TOTP_TOLERANCE = 1

# django-axes: lock a user+IP pair out for 15 minutes after 5 failures.
AXES_FAILURE_LIMIT = env_int("THREEFOLD_LOGIN_FAILURE_LIMIT", 5, minimum=3, maximum=20)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("THREEFOLD_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "login"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"

# Sessions end after 15 minutes without a request and 12 hours after login, whatever happens.
SESSION_IDLE_MINUTES = env_int("THREEFOLD_SESSION_IDLE_MINUTES", 15, minimum=1, maximum=240)
SESSION_ABSOLUTE_HOURS = env_int("THREEFOLD_SESSION_ABSOLUTE_HOURS", 12, minimum=1, maximum=24)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("THREEFOLD_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Strict CSP: no inline script or style anywhere, every asset served from this site.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "threefold" / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "threefold.api.authentication.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["threefold.api.permissions.IsMember"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": "600/min"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Threefold API",
    "DESCRIPTION": "REST API of Threefold. Every endpoint applies the same access rules and audit as the web.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a "stage" or a "status" field with their own choices: name each set, so the schema's
    # enums say what they are (and drf-spectacular does not warn, which check --deploy would fail on).
    "ENUM_NAME_OVERRIDES": {
        # Values only: the API's choice fields list codes (settings load before the models they come from).
        "CaseStageEnum": ["open", "assessment", "plan", "services", "follow_up", "closed", "reopened"],
        "NrmDecisionStageEnum": ["reasonable_grounds", "conclusive_grounds"],
        "ConsentStatusEnum": ["in_force", "not_yet", "expired", "withdrawn"],
        "GoalStatusEnum": ["open", "achieved", "dropped"],
        "ServiceStatusEnum": ["planned", "in_progress", "delivered", "cancelled"],
        "ReferralStatusEnum": ["sent", "accepted", "declined", "revoked", "expired"],
        "SharedFieldEnum": [
            "names",
            "date_of_birth",
            "contacts",
            "languages",
            "citizenships",
            "gender",
            "victim_context",
        ],
    },
}

# Background work: the database backend needs no other server. Production may use Redis (see README).
TASKS: dict[str, dict[str, object]] = {
    "default": {"BACKEND": env_str("THREEFOLD_TASK_BACKEND", "django_tasks_db.DatabaseBackend")}
}
if TASKS["default"]["BACKEND"] == "django_tasks_rq.RQBackend":
    # Redis through RQ (pip install django-tasks-rq); workers: manage.py rqworker --job-class django_tasks_rq.Job
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    TASKS["default"]["QUEUES"] = ["default"]
    RQ_QUEUES = {"default": {"URL": env_str("THREEFOLD_REDIS_URL", "redis://127.0.0.1:6379/0")}}

EMAIL_BACKEND = env_str("THREEFOLD_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("THREEFOLD_FROM_EMAIL", "threefold@localhost")

# Where quick exit sends a person: a neutral page, replacing the browser history entry.
QUICK_EXIT_URL = env_str("THREEFOLD_QUICK_EXIT_URL", "https://www.wikipedia.org/")
# The address people reach this deployment at, for links in notification e-mails (which say nothing about
# anyone: a reference and a link). Empty in development: e-mails then carry the path only.
THREEFOLD_SITE_URL = env_str("THREEFOLD_SITE_URL", "")
# How long a supervisor's break-the-glass access lasts.
BREAK_GLASS_MINUTES = env_int("THREEFOLD_BREAK_GLASS_MINUTES", 60, minimum=5, maximum=480)
# Held feedback that never reached a batch of k is destroyed unread after this many days (expire_held_feedback).
PARTICIPATE_HELD_FEEDBACK_DAYS = env_int("THREEFOLD_HELD_FEEDBACK_DAYS", 180, minimum=7, maximum=730)
# The largest CTDC file the statistics import page accepts, in bytes (50 MB; the whole 2018 CTDC file is 5.6 MB).
# Django keeps uploads up to FILE_UPLOAD_MAX_MEMORY_SIZE (left at its 2.5 MB default) in memory and streams larger
# ones to a temporary file; the page stops storing a file as soon as it passes this limit.
THREEFOLD_MAX_DATASET_UPLOAD = env_int("THREEFOLD_MAX_DATASET_UPLOAD", 50 * 1024 * 1024, minimum=1024)

# Real public data used by tests marked `realdata` (never copied into the repository).
SHARED_DATA_DIR = Path(env_str("THREEFOLD_SHARED_DATA", str(BASE_DIR.parent / "shared" / "data")))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Single-use codes and personal links are credentials carried in the URL: no log line may hold one.
    "filters": {"redact_credentials": {"()": "threefold.web.log_redaction.RedactCredentialPaths"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_credentials"]}},
    "root": {"handlers": ["console"], "level": env_str("THREEFOLD_LOG_LEVEL", "INFO")},
    # The development server's request lines go through the same handler, not Django's own.
    "loggers": {"django.server": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}
AXES_VERBOSE = False
