"""Threadr settings: one file, driven by the environment (see the README's configuration table).

With no DATABASE_URL and no REDIS_URL Threadr runs on SQLite and the local-memory cache, so `make run`
works on a bare laptop. Production sets both. With DEBUG off, missing secrets stop start-up.
"""

from __future__ import annotations

from email.utils import formataddr, parseaddr
from pathlib import Path

from csp.constants import NONE, SELF

from threadr.lib.env import (
    BadSetting,
    MissingSetting,
    database_from_url,
    email_from_url,
    env_bool,
    env_fernet_keys,
    env_float,
    env_int,
    env_list,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise MissingSetting("SECRET_KEY", "required when DEBUG is off")
    SECRET_KEY = "threadr-insecure-development-key-only-for-debug-mode"  # noqa: S105 - DEBUG only

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
if not ALLOWED_HOSTS:
    raise MissingSetting("ALLOWED_HOSTS", "required when DEBUG is off, e.g. threadr.example.com")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The address people reach Threadr at, for links built outside a request (mail a worker sends, the OAuth
# callback, share images). Without it: the development server in debug, else https:// and the first host.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000" if DEBUG else f"https://{ALLOWED_HOSTS[0]}").rstrip("/")
if not SITE_URL.startswith(("http://", "https://")):
    raise BadSetting("SITE_URL", "must start with http:// or https://, e.g. https://threadr.example.com")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "csp",
    "threadr.lib.mail",
    "accounts",
    "billing",
    "generator",
    "publishing",
    "threadr.account",
    "threadr.lib.counters",
]

MIDDLEWARE = [
    "threadr.lib.metrics.MetricsMiddleware",
    "threadr.lib.request_log.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "threadr.lib.headers.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "threadr.lib.headers.PrivateByDefaultMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Last, so its refusals (413, a NUL byte, deep JSON) carry every header and page the others add.
    "threadr.lib.input_guard.InputGuardMiddleware",
]

ROOT_URLCONF = "threadr.urls"
ADMIN_URL = env_str("ADMIN_URL", "admin/")
WSGI_APPLICATION = "threadr.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "threadr.context_processors.site",
            ],
        },
    },
]

# --- Database: SQLite by default, PostgreSQL (psycopg 3, pooled) from DATABASE_URL -------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    _db = database_from_url(DATABASE_URL)
else:
    _db = {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}
if _db["ENGINE"] == "django.db.backends.postgresql":
    _db["CONN_MAX_AGE"] = 0  # the pool keeps connections; Django requires 0 with it
    _db["ENGINE"] = "threadr.lib.postgresql"  # Django's backend, whose pool recovers from a restart at once
    _db["OPTIONS"] = {
        **_db.get("OPTIONS", {}),
        "pool": {
            "min_size": env_int("DB_POOL_MIN_SIZE", 2),
            "max_size": env_int("DB_POOL_MAX_SIZE", 20),
            "timeout": env_float("DB_POOL_TIMEOUT", 10.0),
        },
        "connect_timeout": env_int("DB_CONNECT_TIMEOUT", 5),
    }
elif _db["ENGINE"] == "django.db.backends.sqlite3":
    # A transaction takes SQLite's write lock when it begins (select_for_update does nothing there), so concurrent
    # quota reservations queue as they do behind PostgreSQL's row lock instead of failing with "database is locked".
    _db["OPTIONS"] = {**_db.get("OPTIONS", {}), "transaction_mode": "IMMEDIATE"}
# With the pool, a pooled connection the database dropped (a restart, a failover) is thrown away before a request
# gets it.
_db["CONN_HEALTH_CHECKS"] = True
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background jobs: Procrastinate's queue in PostgreSQL (threadr.lib.jobs; docs/operations.md) ----------------
# Installed only on PostgreSQL (its migrations are PostgreSQL SQL). Without it, a deferred task runs in the web
# process after commit and periodic tasks do not run: publishing needs PostgreSQL.
if _db["ENGINE"] == "threadr.lib.postgresql":
    INSTALLED_APPS.append("procrastinate.contrib.django")
PROCRASTINATE_ON_APP_READY = "threadr.lib.jobs.queue.on_app_ready"
# Seconds a worker may go without a heartbeat (it sends three in that time) before the jobs it was running are
# queued again for another worker: it was killed, or its host was lost.
JOBS_STALLED_AFTER = env_float("JOBS_STALLED_AFTER", 30.0)
PROCRASTINATE_WORKER_DEFAULTS = {
    # Jobs one worker process runs at once (each in its own thread, each with its own database connection).
    "concurrency": env_int("JOBS_CONCURRENCY", 4),
    # Workers hear of new jobs at once (LISTEN/NOTIFY); this is how often they look anyway (jobs whose time came).
    "fetch_job_polling_interval": env_float("JOBS_POLL_SECONDS", 5.0),
    "update_heartbeat_interval": JOBS_STALLED_AFTER / 3,
    "stalled_worker_timeout": JOBS_STALLED_AFTER,
    "delete_jobs": "successful",  # failed ones stay 30 days, listed in the admin (threadr/lib/jobs/queue.py)
}

# --- Cache: local memory by default, Redis from REDIS_URL ---------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "threadr.lib.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "threadr",
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": env_float("REDIS_CONNECT_TIMEOUT", 0.5),
                "SOCKET_TIMEOUT": env_float("REDIS_SOCKET_TIMEOUT", 0.5),
                # After a refused or timed-out call, Redis is skipped (as if down) for this many seconds, so a
                # Redis that accepts connections and never answers costs one timeout per window per process.
                "CONNECTION_POOL_CLASS": "threadr.lib.cache.BreakerConnectionPool",
                "CONNECTION_POOL_KWARGS": {"breaker_seconds": env_float("REDIS_BREAKER_SECONDS", 10.0)},
                # An outage is a cache miss, not a 500; threadr.lib.logging throttles the log lines.
                "IGNORE_EXCEPTIONS": True,
            },
        },
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    DJANGO_REDIS_LOGGER = "threadr.cache"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "threadr"}}

# --- Accounts -----------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "app"  # signing in, signing up and confirming an address all land in the app
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]  # one password box, with a show/hide toggle instead of a second
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_SESSION_REMEMBER = None  # a "Remember me" box on the login form decides
ACCOUNT_CHANGE_EMAIL = True  # a new address is verified before it replaces the old one
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""  # our subjects (templates/account/email/) name Threadr themselves
ACCOUNT_FORMS = {
    "login": "accounts.forms.LoginForm",
    "signup": "accounts.forms.SignupForm",
    "change_password": "accounts.forms.ChangePasswordForm",
    "reset_password_from_key": "accounts.forms.ResetPasswordKeyForm",
}
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    # Wrong passwords are counted by accounts.services (PASSWORD_FAILURES_* below) for every form that checks one,
    # per account and client, in PostgreSQL when Redis is down: allauth's own per-email lock-out is off.
    "login_failed": "",
    "signup": "20/h/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/180s/key",
}

# --- Email: every sender writes to the outbox (threadr.lib.mail); EMAIL_URL's backend delivers after commit ---
_email = email_from_url(env_str("EMAIL_URL", "consolemail://"))
EMAIL_BACKEND = "threadr.lib.mail.backend.OutboxBackend"
EMAIL_DELIVERY_BACKEND = _email["EMAIL_DELIVERY_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"]
EMAIL_PORT = _email["EMAIL_PORT"]
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
EMAIL_FILE_PATH = _email["EMAIL_FILE_PATH"]
# Seconds each step of talking to the mail server (connecting, each reply) may take. A server that is down or silent
# costs a page one such wait; for the next minute pages do not wait on it at all and their mail waits in the outbox.
EMAIL_TIMEOUT = env_float("EMAIL_TIMEOUT", 5.0)
# Mail is from "Threadr" even when the setting names a bare address.
_from_name, _from_address = parseaddr(env_str("DEFAULT_FROM_EMAIL", "Threadr <hello@threadr.localhost>"))
DEFAULT_FROM_EMAIL = formataddr((_from_name or "Threadr", _from_address))
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Product limits -----------------------------------------------------------------------------------------
FREE_DAILY_LIMIT = env_int("FREE_DAILY_LIMIT", 5)
FREE_MONTHLY_LIMIT = env_int("FREE_MONTHLY_LIMIT", 20)
PREMIUM_DAILY_CEILING = env_int("PREMIUM_DAILY_CEILING", 200)
# Burst throttles (per minute) on generation starts; the quota above is the exact limit, these stop floods.
GENERATION_RATE_PER_USER = env_int("GENERATION_RATE_PER_USER", 6)
GENERATION_RATE_PER_IP = env_int("GENERATION_RATE_PER_IP", 30)
# Rewriting one tweet calls the provider too: a cap per thread (carried over to copies), a daily allowance per
# user counted in PostgreSQL like the quota, and burst throttles (per minute) like generation's.
MAX_REGENERATIONS_PER_THREAD = env_int("MAX_REGENERATIONS_PER_THREAD", 20)
FREE_DAILY_REWRITES = env_int("FREE_DAILY_REWRITES", 40)
PREMIUM_DAILY_REWRITE_CEILING = env_int("PREMIUM_DAILY_REWRITE_CEILING", 500)
REWRITE_RATE_PER_USER = env_int("REWRITE_RATE_PER_USER", 10)
REWRITE_RATE_PER_IP = env_int("REWRITE_RATE_PER_IP", 30)
# Storage caps per account (threads kept, characters of text kept: titles, sources and tweets). Sized on a typical
# article of about 10,000 characters, so both caps arrive together: 1,000 threads is four years of the free quota.
MAX_THREADS_PER_USER = env_int("MAX_THREADS_PER_USER", 1_000)
MAX_STORED_TEXT_PER_USER = env_int("MAX_STORED_TEXT_PER_USER", 10_000_000)
PREMIUM_MAX_THREADS_PER_USER = env_int("PREMIUM_MAX_THREADS_PER_USER", 20_000)
PREMIUM_MAX_STORED_TEXT_PER_USER = env_int("PREMIUM_MAX_STORED_TEXT_PER_USER", 200_000_000)
# Burst throttles (per minute, per user) on writes that store text without a quota: the caps above bound what is
# kept, these bound how fast it churns. The editor autosaves after an 800 ms pause, so a person typing stays far
# below the edit rate.
THREAD_EDIT_RATE_PER_USER = env_int("THREAD_EDIT_RATE_PER_USER", 120)
THREAD_DUPLICATE_RATE_PER_USER = env_int("THREAD_DUPLICATE_RATE_PER_USER", 10)
# Pasted text shorter than this (characters, after trimming) is refused before any quota is spent: too little to
# make a thread of.
MIN_ARTICLE_CHARS = env_int("MIN_ARTICLE_CHARS", 200)
# Threads older than this many days are deleted by the workers every hour (favourites, and threads with a live
# publication, stay). Empty (or 0) keeps every thread.
THREAD_RETENTION_DAYS: int | None = env_int("THREAD_RETENTION_DAYS", 0) or None
if THREAD_RETENTION_DAYS is not None and THREAD_RETENTION_DAYS < 0:
    raise BadSetting("THREAD_RETENTION_DAYS", "must be a number of days, or empty to keep every thread")
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
CONTACT_EMAIL = env_str("CONTACT_EMAIL", "support@threadr.localhost")

# --- Engines and vendors ------------------------------------------------------------------------------------
THREADR_ENGINE = env_str("THREADR_ENGINE", "auto")
OPENAI_API_KEY = env_str("OPENAI_API_KEY")
OPENAI_BASE_URL = env_str("OPENAI_BASE_URL")
OPENAI_MODEL = env_str("OPENAI_MODEL", "gpt-4o-mini")
OPENAI_CONNECT_TIMEOUT = env_float("OPENAI_CONNECT_TIMEOUT", 5.0)
OPENAI_FIRST_TOKEN_TIMEOUT = env_float("OPENAI_FIRST_TOKEN_TIMEOUT", 30.0)
OPENAI_TOTAL_TIMEOUT = env_float("OPENAI_TOTAL_TIMEOUT", 120.0)
OPENAI_MAX_RETRIES = env_int("OPENAI_MAX_RETRIES", 2)
# A reservation older than this belongs to a request that died; it stops counting against the quota.
GENERATION_STALE_AFTER = env_int("GENERATION_STALE_AFTER", int(OPENAI_TOTAL_TIMEOUT) + 60)
# Seconds a rendered history page (GET /api/v1/threads) stays in the cache; any change to the owner's threads
# retires it at once. 0 turns the cache off.
HISTORY_CACHE_SECONDS = env_int("HISTORY_CACHE_SECONDS", 300)
# URL import (threadr.lib.fetch): the one outbound HTTP door, guarded against SSRF.
FETCH_TIMEOUT = env_float("FETCH_TIMEOUT", 10.0)
FETCH_MAX_BYTES = env_int("FETCH_MAX_BYTES", 5 * 1024 * 1024)
FETCH_MAX_REDIRECTS = env_int("FETCH_MAX_REDIRECTS", 3)
# Networks the fetcher may reach although they are not public (CIDRs). Empty in production; tests and intranet
# self-hosters name exactly what they need.
FETCH_ALLOWED_PRIVATE_NETWORKS = env_list("FETCH_ALLOWED_PRIVATE_NETWORKS")
EXTRACT_CACHE_SECONDS = env_int("EXTRACT_CACHE_SECONDS", 24 * 3600)
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET")
STRIPE_API_BASE = env_str("STRIPE_API_BASE")
STRIPE_PRICE_PASS_30 = env_str("STRIPE_PRICE_PASS_30")
STRIPE_PRICE_PRO_MONTHLY = env_str("STRIPE_PRICE_PRO_MONTHLY")

# --- Publishing to X (publishing/; docs/operations.md says how to register the X app) -----------------------
# Without X_CLIENT_ID publishing is shown as unavailable and its API answers 503 `publishing_unavailable`.
X_CLIENT_ID = env_str("X_CLIENT_ID")
X_CLIENT_SECRET = env_str("X_CLIENT_SECRET")  # set for a confidential client: HTTP Basic at the token endpoint
X_API_BASE = env_str("X_API_BASE", "https://api.x.com").rstrip("/")
X_AUTHORIZE_URL = env_str("X_AUTHORIZE_URL", "https://x.com/i/oauth2/authorize")
X_TOKEN_URL = env_str("X_TOKEN_URL", "https://api.x.com/2/oauth2/token")
X_REVOKE_URL = env_str("X_REVOKE_URL", "https://api.x.com/2/oauth2/revoke")
X_TIMEOUT = env_float("X_TIMEOUT", 10.0)  # seconds for each step of one request to X
# Fernet keys (comma-separated; the first encrypts, every one decrypts, so a key can be rotated in) for the X tokens.
FIELD_ENCRYPTION_KEY = env_fernet_keys("FIELD_ENCRYPTION_KEY")
if X_CLIENT_ID and not FIELD_ENCRYPTION_KEY:
    raise MissingSetting("FIELD_ENCRYPTION_KEY", "required with X_CLIENT_ID, to encrypt the X tokens")
# Seconds between two tweets of a thread (the next one is a job scheduled that far ahead, never a sleep).
PUBLISH_SPACING_SECONDS = env_float("PUBLISH_SPACING_SECONDS", 2.0)
# How far ahead a scheduled publication must be, and may be.
PUBLISH_MIN_LEAD_SECONDS = env_int("PUBLISH_MIN_LEAD_SECONDS", 60)
PUBLISH_MAX_AHEAD_DAYS = env_int("PUBLISH_MAX_AHEAD_DAYS", 90)
# How often the sweep starts due scheduled publications and resumes stalled ones.
PUBLISH_SWEEP_SECONDS = env_int("PUBLISH_SWEEP_SECONDS", 60)
# Publications a month per plan (a pass, a subscription); free accounts publish none.
PUBLISH_MONTHLY_LIMIT_PASS = env_int("PUBLISH_MONTHLY_LIMIT_PASS", 30)
PUBLISH_MONTHLY_LIMIT_SUBSCRIPTION = env_int("PUBLISH_MONTHLY_LIMIT_SUBSCRIPTION", 100)
# X's pay-per-use prices (US$), for the estimated spend, and the monthly ceiling on it (0: none).
X_PRICE_POST_USD = env_float("X_PRICE_POST_USD", 0.01)
X_PRICE_POST_WITH_URL_USD = env_float("X_PRICE_POST_WITH_URL_USD", 0.13)
X_PRICE_READ_USD = env_float("X_PRICE_READ_USD", 0.005)
X_MONTHLY_SPEND_CEILING_USD = env_float("X_MONTHLY_SPEND_CEILING_USD", 0.0)
# The kill switch: nothing is posted while it is on; publications wait and resume when it is off.
PUBLISHING_PAUSED = env_bool("PUBLISHING_PAUSED", False)

# --- Operations: metrics, error reports, the admin's sign-in limit (docs/operations.md) ----------------------
METRICS_TOKEN = env_str("METRICS_TOKEN")  # /metrics answers 404 unless the scraper presents it; unset: always 404
ADMIN_LOGIN_RATE = env_int("ADMIN_LOGIN_RATE", 10)  # admin sign-in attempts a minute per client IP
# Wrong passwords, on every form that checks one (sign-in, re-authentication, admin sign-in, password change,
# account deletion), per window: per account from one client, and per client over all accounts. A correct password
# does not count, and a stranger's guesses from elsewhere never lock the owner out.
PASSWORD_FAILURES_WINDOW = env_int("PASSWORD_FAILURES_WINDOW", 300)
PASSWORD_FAILURES_PER_ACCOUNT_AND_IP = env_int("PASSWORD_FAILURES_PER_ACCOUNT_AND_IP", 5)
PASSWORD_FAILURES_PER_IP = env_int("PASSWORD_FAILURES_PER_IP", 20)
SENTRY_DSN = env_str("SENTRY_DSN")
if SENTRY_DSN:
    from threadr.lib.sentry import init_sentry

    init_sentry(
        dsn=SENTRY_DSN,
        environment=env_str("SENTRY_ENVIRONMENT", "production"),
        traces_sample_rate=env_float("SENTRY_TRACES_SAMPLE_RATE", 0.0),
    )

# --- Internationalisation -----------------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files: whitenoise with compressed, hashed names -------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "threadr.lib.storage.StaticStorage"},
}

# --- Security -----------------------------------------------------------------------------------------------
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXY_COUNT else None
SECURE_HSTS_SECONDS = 0 if DEBUG else env_int("SECURE_HSTS_SECONDS", 63072000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_REDIRECT_EXEMPT = [r"^health$", r"^readiness$", r"^metrics$"]  # probes and scrapers use plain HTTP
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        # Chromium applies form-action to a POST's redirect too: checkout and the billing portal 303 to Stripe.
        "form-action": [SELF, "https://checkout.stripe.com", "https://billing.stripe.com"],
    }
}
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), fullscreen=(self)"
)

# --- API ----------------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Bearer first: an anonymous API call is answered 401 with `WWW-Authenticate: Bearer`.
        "accounts.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser", "rest_framework.parsers.FormParser"],
    "EXCEPTION_HANDLER": "threadr.api.exception_handler",
    "URL_FORMAT_OVERRIDE": None,  # `?format=` belongs to the export endpoint
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Threadr API",
    "DESCRIPTION": "Turn articles into ready-to-post X threads.",
    "VERSION": "1.0.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Logging: one JSON object per line ----------------------------------------------------------------------
LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_context": {"()": "threadr.lib.logging.RequestContextFilter"},
        "once_a_minute": {"()": "threadr.lib.logging.OncePerInterval", "seconds": 60},
        "count_cache_errors": {"()": "threadr.lib.metrics.CountCacheErrors"},
    },
    "formatters": {"json": {"()": "threadr.lib.logging.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_context"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.server": {"level": "WARNING"},
        # Each process that starts lists the tasks it registered; the workers' lines about jobs stay.
        "procrastinate.blueprints": {"level": "WARNING"},
        "procrastinate.periodic": {"level": "WARNING"},
        "threadr.cache": {"filters": ["count_cache_errors", "once_a_minute"], "level": "WARNING"},
    },
}
