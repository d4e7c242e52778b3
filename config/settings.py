"""The one settings module. Every deployment difference comes from the environment.

LIAISON_ENV=production turns on production mode: a secret key is required, DEBUG is off,
and the settable clock is refused.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("LIAISON_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

LIAISON_ENV = env_str("LIAISON_ENV", "development")
if LIAISON_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(
        f"LIAISON_ENV must be development or production, not {LIAISON_ENV!r}"
    )
PRODUCTION = LIAISON_ENV == "production"

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when LIAISON_ENV=production")
    SECRET_KEY = "development-only-not-secret"  # noqa: S105 - refused in production above

DEBUG = env_bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost"])
if not PRODUCTION:
    ALLOWED_HOSTS += ["testserver"]

# The settable clock (see liaison/lib/clock.py): an ISO 8601 instant the server's clock
# starts from. Demo and tests only.
LIAISON_CLOCK = env_str("LIAISON_CLOCK")
if LIAISON_CLOCK and PRODUCTION:
    raise ImproperlyConfigured("LIAISON_CLOCK is refused in production mode")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "liaison.ledger",
    "liaison.offices",
    "liaison.meetings",
    "liaison.records",
    "liaison.projects",
    "liaison.channel",
    "liaison.signing",
    "liaison.timeline",
    "liaison.demo",
    "liaison.bundle",
    "liaison.api",
    "liaison.web",
]

MIDDLEWARE = [
    "liaison.web.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "liaison.web.middleware.PrivateResponseMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "liaison.web.middleware.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "liaison.web.middleware.MemberTimezoneMiddleware",
    # Last: turns a lockout flagged during sign-in into its answer (liaison/web/accounts.py).
    "liaison.web.middleware.LockoutMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "liaison.web.context_processors.needs",
            ],
        },
    },
]

_default_sqlite = VAR_DIR / "liaison.sqlite3"
# No persistent connections: under ASGI (``liaison serve``) each request runs in a thread
# of its own, and a connection kept for 60 s per thread ran PostgreSQL out of clients
# ("too many clients already", a 500) within seconds of 8 busy API clients.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{_default_sqlite}"), conn_max_age=0
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE: a write transaction takes the database's write lock when it begins, so
    # appends to a log are serialised; WAL lets readers go on meanwhile; FULL makes a
    # committed write survive a power cut.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
    }
    # A file, not memory, so tests can run threads with their own connections; one per
    # process, so test runs side by side do not share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Argon2id for every new or changed password; older hashes still verify and are
# upgraded at the next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# Axes first: it refuses a locked-out username+address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "liaison.web.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = not PRODUCTION

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "office-list"
LOGOUT_REDIRECT_URL = "login"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    # The whole domain is served over HTTPS only; set false for a shared parent domain.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Accounts (liaison/web/accounts.py, middleware.py, reauth.py). A session ends after
# LIAISON_SESSION_IDLE_MINUTES without a request and LIAISON_SESSION_MAX_HOURS after
# sign-in, whatever happens meanwhile; signing asks for the password again when the last
# sign-in is older than LIAISON_REAUTH_MINUTES.
LIAISON_SESSION_IDLE_MINUTES = env_int("LIAISON_SESSION_IDLE_MINUTES", 30)
LIAISON_SESSION_MAX_HOURS = env_int("LIAISON_SESSION_MAX_HOURS", 12)
LIAISON_REAUTH_MINUTES = env_int("LIAISON_REAUTH_MINUTES", 5)
# The cookie and the stored session outlive neither limit.
SESSION_COOKIE_AGE = LIAISON_SESSION_MAX_HOURS * 3600
SESSION_COOKIE_SAMESITE = "Lax"

# Sign-in throttling (django-axes): this many failures for one username from one address
# lock that pair out for LIAISON_LOGIN_LOCKOUT_MINUTES; a successful sign-in resets them.
# Beside it, LIAISON_LOGIN_ADDRESS_FAILURE_LIMIT failures from one address over any
# usernames (one password sprayed over many accounts) lock that address out of every
# account for as long (liaison.web.backends.LockoutHandler).
LIAISON_LOGIN_FAILURE_LIMIT = env_int("LIAISON_LOGIN_FAILURE_LIMIT", 5, minimum=1)
LIAISON_LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LIAISON_LOGIN_ADDRESS_FAILURE_LIMIT", 20, minimum=1)
LIAISON_LOGIN_LOCKOUT_MINUTES = env_int("LIAISON_LOGIN_LOCKOUT_MINUTES", 15, minimum=1)
AXES_FAILURE_LIMIT = LIAISON_LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = dt.timedelta(minutes=LIAISON_LOGIN_LOCKOUT_MINUTES)
AXES_HANDLER = "liaison.web.backends.LockoutHandler"
# The pair only: a success resets what axes matches with these, and resetting the
# address's failures would let a sprayer who holds one real account start over.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# A refused attempt during a lockout does not push its end further: the page says when.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "liaison.web.accounts.lockout_response"
# The client's address (liaison/lib/addresses.py): REMOTE_ADDR, unless LIAISON_PROXY_COUNT
# reverse proxies in front append to X-Forwarded-For (a header a client could otherwise
# forge to dodge a lockout).
LIAISON_PROXY_COUNT = env_int("LIAISON_PROXY_COUNT", 0, minimum=0)
AXES_CLIENT_IP_CALLABLE = "liaison.lib.addresses.client_address"
# axes' check looks for its own middleware by name; LockoutMiddleware is that middleware
# with its ASGI path fixed (liaison/web/middleware.py), and the lockout tests cover it.
SILENCED_SYSTEM_CHECKS = ["axes.W002"]
# The optional second factor (django-otp TOTP): the name authenticator apps show.
OTP_TOTP_ISSUER = "Liaison"

# Content Security Policy (Django's own): scripts and styles from this site, or inline
# with the response's nonce (``nonce="{{ csp_nonce }}"``); nothing framed, embedded or
# posted elsewhere.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "liaison": {"handlers": ["console"], "level": env_str("LIAISON_LOG_LEVEL", "INFO")},
        # With DEBUG off Django keeps a 500's traceback and a refused host to itself
        # (mail to ADMINS, which we have none of): they go to the server's log instead.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.security": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}

# How long before a session's start its check-in opens.
LIAISON_CHECK_IN_OPENS_MINUTES = env_int("LIAISON_CHECK_IN_OPENS_MINUTES", 60)
# The default window for attendance rates in the office's standing.
LIAISON_STANDING_WINDOW_DAYS = env_int("LIAISON_STANDING_WINDOW_DAYS", 90)
# How long a proposed cadence (or its end) awaits the other side's answer by default.
LIAISON_PROPOSAL_ANSWER_DAYS = env_int("LIAISON_PROPOSAL_ANSWER_DAYS", 14)

# Each side's Ed25519 signing keys are sealed at rest under this secret (AES-256-GCM, key
# derived with HKDF). Losing it loses the keys; changing it needs the keys resealed.
LIAISON_KEY_SECRET = env_str("LIAISON_KEY_SECRET")
if not LIAISON_KEY_SECRET:
    if PRODUCTION:
        raise ImproperlyConfigured("LIAISON_KEY_SECRET must be set when LIAISON_ENV=production")
    LIAISON_KEY_SECRET = "development-only-key-secret"  # noqa: S105 - refused in production
# How often the scheduled round (`liaison checkpoint --every`) signs checkpoints.
LIAISON_CHECKPOINT_MINUTES = env_int("LIAISON_CHECKPOINT_MINUTES", 60)

# "Needs you" lists a commitment of the member's side this many days before its due day.
LIAISON_DUE_SOON_DAYS = env_int("LIAISON_DUE_SOON_DAYS", 7)
if LIAISON_DUE_SOON_DAYS < 0:
    raise ImproperlyConfigured(
        f"LIAISON_DUE_SOON_DAYS must be 0 or more days, not {LIAISON_DUE_SOON_DAYS}"
    )

# Message attachments: where they are stored (outside the database, by SHA-256), how
# large one may be and which types (checked from the content) are accepted.
LIAISON_ATTACHMENTS_DIR = Path(env_str("LIAISON_ATTACHMENTS_DIR", str(VAR_DIR / "attachments")))
LIAISON_ATTACHMENT_MAX_BYTES = env_int("LIAISON_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
LIAISON_ATTACHMENT_TYPES = env_list(
    "LIAISON_ATTACHMENT_TYPES", ["application/pdf", "image/png", "image/jpeg", "text/plain"]
)
# The largest request body. The API carries a message's files as base64 inside its JSON
# (4 bytes for every 3), so it must hold one attachment of the largest size so encoded,
# and 1 MiB for the rest of the message; a larger body is the API's 413. (Web uploads
# are multipart: their files do not count towards it.)
DATA_UPLOAD_MAX_MEMORY_SIZE = 4 * math.ceil(LIAISON_ATTACHMENT_MAX_BYTES / 3) + 1024 * 1024
# A message identical to one the same side sent this many minutes ago or less (subject,
# text, the message it answers, the files) is not sent again unless the sender confirms.
LIAISON_DUPLICATE_MESSAGE_MINUTES = env_int("LIAISON_DUPLICATE_MESSAGE_MINUTES", 10, minimum=0)

# Live updates (server-sent events): how often a stream looks for new events, and how
# long one connection lasts before the browser reconnects.
LIAISON_LIVE_POLL_SECONDS = float(env_str("LIAISON_LIVE_POLL_SECONDS", "1.0"))
LIAISON_LIVE_STREAM_SECONDS = env_int("LIAISON_LIVE_STREAM_SECONDS", 300)

# Email notifications (sent by `liaison notify`): links in them start with this address.
LIAISON_BASE_URL = env_str("LIAISON_BASE_URL", "http://127.0.0.1:8000")
# Django 6.1's MAILERS (the EMAIL_* settings are deprecated): SMTP in production, the
# console in development and the demo.
MAILERS = {
    "default": {
        "BACKEND": env_str(
            "LIAISON_EMAIL_BACKEND",
            "django.core.mail.backends.smtp.EmailBackend"
            if PRODUCTION
            else "django.core.mail.backends.console.EmailBackend",
        ),
        "OPTIONS": {
            "host": env_str("LIAISON_SMTP_HOST", "localhost"),
            "port": env_int("LIAISON_SMTP_PORT", 25),
        }
        if PRODUCTION
        else {},
    }
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "liaison@localhost")

DATABASE_ROUTERS = ["liaison.ledger.projection.ProjectionRouter"]
