"""Settings, all from the environment (see docs/configuration.md).

MEDIATHEEK_ENV=production switches on the production guards: a SECRET_KEY must be given, DEBUG is off,
cookies are secure and HSTS is sent. Without it the project runs as a development install with an
embedded SQLite database in MEDIATHEEK_DATA_DIR.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

# Lets generic classes such as ModelForm[School] be written as the type checker wants them.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


ENVIRONMENT = os.environ.get("MEDIATHEEK_ENV", "development").strip().lower()
PRODUCTION = ENVIRONMENT == "production"
DEBUG = env_bool("DEBUG", default=not PRODUCTION) and not PRODUCTION

DATA_DIR = Path(os.environ.get("MEDIATHEEK_DATA_DIR", "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    given = os.environ.get("SECRET_KEY", "").strip()
    if given:
        return given
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set in production (MEDIATHEEK_ENV=production).")
    # Development: a random key kept in the data folder, so sessions survive a restart.
    key_file = DATA_DIR / "secret_key.txt"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# The address of this installation as people reach it, used in e-mails ("open the client").
BASE_URL = os.environ.get("MEDIATHEEK_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "mediatheek.core",
    "mediatheek.schools",
    "mediatheek.accounts",
    "mediatheek.patrons",
    "mediatheek.catalog",
    "mediatheek.circulation",
    "mediatheek.studentimport",
    "mediatheek.uploads",
    "mediatheek.reading",
    "mediatheek.operations",
    "mediatheek.client",
    "mediatheek.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "mediatheek.core.middleware.MalformedInputMiddleware",
    # The request's IP address for every audit event recorded while it is served (logins included).
    "mediatheek.core.middleware.RequestIPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "mediatheek.core.middleware.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "mediatheek.core.middleware.SecurityHeadersMiddleware",
    "mediatheek.accounts.middleware.SecondFactorRequiredMiddleware",
    "mediatheek.accounts.middleware.PasswordChangeRequiredMiddleware",
    # Axes last: it turns a locked-out login attempt into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mediatheek.urls"
WSGI_APPLICATION = "mediatheek.wsgi.application"

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
            ],
        },
    },
]

# Database: embedded SQLite in the data folder unless DATABASE_URL says otherwise.
_default_db = f"sqlite:///{DATA_DIR / 'mediatheek.sqlite3'}"
# Persistent connections (per gunicorn worker): opening one per request cost more than the desk's whole scan
# (SQLite: connect + the PRAGMAs below, ~1.4 ms; PostgreSQL: a new backend process). Health checks drop a
# connection that broke (a database restart) before a request uses it.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", _default_db), conn_max_age=600, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["OPTIONS"] = {
        # Parameters bound by the server, and a statement run 5 times on a connection prepared once (its plan kept):
        # psycopg's default client-side binding quoted every parameter in Python, and PostgreSQL planned every
        # query again; together that was about a third of a desk scan (bench/circulation.py). Not compatible
        # with a pgbouncer in transaction mode (README: Running in production).
        "server_side_binding": True,
        "prepare_threshold": 5,
        **DATABASES["default"].get("OPTIONS", {}),
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the desk read while another request writes; IMMEDIATE takes the write lock at the start
        # of a transaction, so two desks never deadlock on an upgrade from a read to a write lock.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "client:login"
PASSWORD_HASHERS = [
    "mediatheek.accounts.hashers.SchoolArgon2PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "mediatheek.accounts.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "mediatheek.accounts.backends.UserBackend",
]

# Login throttling per login + IP: a whole class logs in from one school IP and must not be locked out together.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_VERBOSE = False
# A "Wachtwoord vergeten?" link by mail works this long (and once), in seconds.
PASSWORD_RESET_TIMEOUT = 60 * 60

SESSION_ENGINE = "mediatheek.accounts.sessions"
SESSION_COOKIE_AGE = 60 * 60 * 10  # a school day
# Shared PCs (desk, classroom): a login, staff or portal, ends when the browser closes. The session's row still
# expires after SESSION_COOKIE_AGE (accounts.sessions.LoginSession); MEDIATHEEK_SESSION_EXPIRE_AT_BROWSER_CLOSE=false
# keeps the cookie for that long instead, for a library that prefers it.
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("MEDIATHEEK_SESSION_EXPIRE_AT_BROWSER_CLOSE", True)
# Logged out after this long without a request (idle) and this long after login (absolute), in seconds.
# The client warns a minute before the idle log-out, with "Blijf ingelogd" (client/static/client/idle.js).
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_TIMEOUT", str(60 * 60)))
SESSION_ABSOLUTE_TIMEOUT = int(os.environ.get("SESSION_ABSOLUTE_TIMEOUT", str(60 * 60 * 10)))
# Second factor (TOTP app) for library staff: the name the authenticator app shows.
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Mediatheek")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The language of the management commands' output (retention, backup, the import, ...): nl or en.
MEDIATHEEK_COMMAND_LANGUAGE = os.environ.get("MEDIATHEEK_COMMAND_LANGUAGE", "") or LANGUAGE_CODE
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": DATA_DIR / "media"},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Served by whitenoise straight from the apps' static folders, also without collectstatic in development.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Uploaded student files: encrypted, outside any served folder (see uploads/storage.py).
UPLOAD_DIR = DATA_DIR / "uploads"
UPLOAD_KEY = os.environ.get("MEDIATHEEK_UPLOAD_KEY", "")
STUDENT_FILE_MAX_BYTES = int(os.environ.get("MEDIATHEEK_STUDENT_FILE_MAX_BYTES", str(20 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Every form of the product sends at most one file; the upload views accept exactly one, in the expected field,
# and cap the whole request (uploads/handlers.py). These bound what any other view's default handlers parse; 2, not
# 1, so that on the upload views the handler's own refusal (with its message) speaks before Django's bare 400.
DATA_UPLOAD_MAX_NUMBER_FILES = 2
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
# Uploaded files are parsed in a forked child under these limits (core/sandbox.py): memory it may add to what it
# inherited, and CPU/wall seconds (below gunicorn's default 30 s worker timeout). 100,000 students take ~250 MB, ~2 s.
MEDIATHEEK_PARSE_MEMORY_MB = int(os.environ.get("MEDIATHEEK_PARSE_MEMORY_MB", "1024"))
MEDIATHEEK_PARSE_SECONDS = int(os.environ.get("MEDIATHEEK_PARSE_SECONDS", "20"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o600

# Benchmarks only (bench/circulation.py sets it for its server): routes /client/ping, the trivial logged-in view the
# desk's figures are compared with. Off, the route does not exist.
MEDIATHEEK_BENCH = env_bool("MEDIATHEEK_BENCH", False)

# E-mail: SMTP when EMAIL_HOST is set; otherwise development prints mail on the console.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 20
# The library's own address: every mail (reminders, reservations, upload notices) comes from it. `check --deploy`
# warns while it is still this default or an example address (mediatheek.W011).
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Mediatheek <mediatheek@localhost>")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST or PRODUCTION
    else "django.core.mail.backends.console.EmailBackend"
)

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
