"""Settings from environment variables, with safe demo defaults.

* ``POLINDEX_SECRET_KEY`` — required when ``DEBUG`` is off outside the demo; the demo default is
  a fixed, clearly labelled development key.
* ``DATABASE_URL`` — e.g. ``postgres://user@host:5432/db``; default SQLite under ``var/``.
* ``POLINDEX_DEBUG`` (``1`` to turn on), ``POLINDEX_ALLOWED_HOSTS`` (comma-separated),
  ``POLINDEX_VAR_DIR`` (where the SQLite file and collected static files live),
  ``POLINDEX_DOWNLOADS_DIR`` (where a release's downloads are kept once made; default
  ``var/downloads``: on a host of its own, or shared by the hosts that serve the site).
* ``POLINDEX_REDIS_URL`` — e.g. ``redis://127.0.0.1:6379/0``: the shared cache (sign-in
  counters, public pages, sessions) in Redis; default: tables in the database.
* ``POLINDEX_DB_SERVER_SIDE_BINDING`` (``1``: PostgreSQL binds the values of each query itself
  and keeps the plan of a query run often — less of its CPU per query; not through a pooler in
  transaction mode, see docs/deployment.md).
* ``POLINDEX_LOCAL_HTTP`` (``1``: plain HTTP on this machine — no secure cookies, no HSTS),
  ``POLINDEX_HSTS_SECONDS`` (default one year), ``POLINDEX_PROXY_SSL_HEADER`` (``1`` behind a
  proxy that terminates TLS and sets ``X-Forwarded-Proto``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.csp import CSP

VAR_DIR = Path(os.environ.get("POLINDEX_VAR_DIR", Path.cwd() / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)
DEBUG = os.environ.get("POLINDEX_DEBUG", "") == "1"
SECRET_KEY = os.environ.get(
    "POLINDEX_SECRET_KEY", "polindex-demo-only-insecure-key-set-POLINDEX_SECRET_KEY-in-production"
)
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("POLINDEX_ALLOWED_HOSTS", "localhost,127.0.0.1,testserver").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "ninja",  # its API docs page then uses the bundled Swagger UI, not a CDN
    # the queue of background tasks when POLINDEX_TASKS=database (its app, named in French too)
    "polindex.web.taskqueue.TaskQueueConfig",
    "polindex.web.sharedcache",  # the database cache's tables
    "polindex.web.releases",
    "polindex.web.collection",
    "polindex.web.explorer",
    "polindex.web.dialogue",
    "polindex.web.reports",
    "polindex.web.feedback",  # suggested corrections from the public, moderated in the admin
    "polindex.web.outcomes",  # outcome indicators attached to releases
]
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",  # collection: polindex.web.collection.permissions
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/work/"
# e-mail: printed on the console (the demo) unless POLINDEX_SMTP_HOST names a mail server
MAILERS = {
    "default": (
        {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["POLINDEX_SMTP_HOST"],
                "port": int(os.environ.get("POLINDEX_SMTP_PORT", "587")),
                "use_tls": True,
            },
        }
        if os.environ.get("POLINDEX_SMTP_HOST")
        else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    )
}
# background tasks (e-mail): run at once in the demo and the tests; with POLINDEX_TASKS=database
# they wait in the database for a worker (`django-admin db_worker`), so a slow or failing mail
# server never holds up a request
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend"
        if os.environ.get("POLINDEX_TASKS") == "database"
        else "django.tasks.backends.immediate.ImmediateBackend"
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("POLINDEX_FROM_EMAIL", "polindex@localhost")
MIDDLEWARE = [
    "polindex.web.headers.head_as_get",  # HEAD answers as GET does, on every route
    # an address with a control character (a NUL…) is refused before anything reads it
    "polindex.web.addresses.refuse_control_characters",
    "django.middleware.security.SecurityMiddleware",
    # pages carry no secret (no CSRF token on public pages), so compressing them is safe
    "polindex.web.headers.Compression",  # gzip, but not for archives (ZIP, XLSX)
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "polindex.web.languages.address_language",  # /fr/… is French (decision 024)
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "polindex.web.headers.private_when_signed_in",
    "polindex.web.api.headers.api_headers",
    "polindex.web.caching.public_cache",
    # inside the page cache: a cached page keeps the framing and CSP headers it was made with
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
]
ROOT_URLCONF = "polindex.web.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # the site's own: error pages, and the admin's and django-ninja's pages in the site's look
        "DIRS": [Path(__file__).resolve().parent / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
WSGI_APPLICATION = "polindex.web.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'polindex.sqlite3'}"),
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # concurrent writers wait for the lock (up to 20 s) instead of failing with "locked"
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # tests use a file too: an in-memory shared-cache database locks whole tables instead
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-polindex.sqlite3")}
elif os.environ.get("POLINDEX_DB_SERVER_SIDE_BINDING", "") == "1":
    # PostgreSQL binds each query's values itself and, for a query run a fifth time on a
    # connection, keeps its plan (psycopg's prepared statements): a third less PostgreSQL CPU
    # per answer save (decision 075). Opt-in: a pooler in transaction mode (pgbouncer before
    # 1.21 …) hands each transaction a server connection that does not hold those statements.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": 5}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# One cache shared by every worker (never a per-process one): sign-in counters must add up
# across workers and a cached page must be the same whichever worker serves it. "pages" is apart
# so that rendered pages, however many, never push a sign-in counter out of the cache.
REDIS_URL = os.environ.get("POLINDEX_REDIS_URL", "")
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {
        alias: {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
        for alias, prefix in (("default", "polindex"), ("pages", "polindex-pages"))
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "polindex.web.sharedcache.backends.DatabaseCache",  # an atomic incr
            "LOCATION": "polindex_cache",
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        },
        "pages": {
            "BACKEND": "polindex.web.sharedcache.backends.DatabaseCache",
            "LOCATION": "polindex_page_cache",
            "OPTIONS": {"MAX_ENTRIES": 2_000},
        },
    }

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français")]
LOCALE_PATHS = [Path(__file__).resolve().parent / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

# a release's downloads, made once and kept (derived data: not in backups, made again on demand)
DOWNLOADS_DIR = Path(os.environ.get("POLINDEX_DOWNLOADS_DIR", VAR_DIR / "downloads")).resolve()

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = True  # serve the apps' static files without a collectstatic step
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# sessions live in the database; with Redis they are read through it (a database cache in front
# of the database would only add queries)
# (Django's, their row read by a query whose SQL is written once: polindex.web.sessions)
SESSION_ENGINE = "polindex.web.sessions" + (".cached" if REDIS_URL else "")
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# cookies only over HTTPS when not debugging — unless serving plain HTTP on this machine, as
# `polindex serve` and `make demo` do on 127.0.0.1 (they set POLINDEX_LOCAL_HTTP=1)
LOCAL_HTTP = os.environ.get("POLINDEX_LOCAL_HTTP", "") == "1"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG and not LOCAL_HTTP
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_AGE = 8 * 3600
# HTTPS only, remembered by browsers, whenever not debugging and not on local plain HTTP
# (SecurityMiddleware sends it on HTTPS responses; behind a TLS proxy set POLINDEX_PROXY_SSL_HEADER)
SECURE_HSTS_SECONDS = (
    0 if DEBUG or LOCAL_HTTP else int(os.environ.get("POLINDEX_HSTS_SECONDS", str(365 * 86400)))
)
if os.environ.get("POLINDEX_PROXY_SSL_HEADER", "") == "1":
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "SAMEORIGIN"
# Content-Security-Policy on every response: scripts, styles, images and connections from this
# site only — no inline script or style (charts draw with Vega's interpreter, no eval) and no
# framing by other sites, except the embeddable chart pages (explorer.views.EMBED_CSP).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],  # Swagger UI's icons are data: URLs
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.SELF],
}
