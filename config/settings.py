"""Baton settings, read from the environment.

Every knob a deployment turns is an environment variable with a safe default for the
embedded demo; production sets ``BATON_ENV=production`` and the secrets.
"""

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.cache import cache_config
from config.email import parse_email_url
from config.proxy import parse_networks

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


BATON_ENV = env_str("BATON_ENV", "development")
PRODUCTION = BATON_ENV == "production"
VAR_DIR = Path(env_str("BATON_VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_str("BATON_SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("生产环境必须设置 BATON_SECRET_KEY。")
    # A per-checkout random key, kept under var/ so sessions survive restarts.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        import secrets

        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    SECRET_KEY = key_file.read_text().strip()

#: HMAC-SM3 key of the audit chain, its anchor and the backups' signatures: the value,
#: or a file holding it; in development a random key is kept in VAR_DIR/audit_key.
BATON_AUDIT_KEY = env_str("BATON_AUDIT_KEY")
BATON_AUDIT_KEY_FILE = env_str("BATON_AUDIT_KEY_FILE")
#: Signed checkpoints of the audit chain, outside the database (baton/audit/anchor.py).
BATON_AUDIT_ANCHOR = env_str("BATON_AUDIT_ANCHOR", str(VAR_DIR / "audit_anchor.log"))
BATON_AUDIT_CHECKPOINT_EVERY = env_int("BATON_AUDIT_CHECKPOINT_EVERY", 100)
if PRODUCTION:
    # Whoever copies the data directory (the database) must not get the key with it.
    _var = VAR_DIR.resolve()
    _inside = [VAR_DIR / "audit_key"] if (VAR_DIR / "audit_key").exists() else []
    if BATON_AUDIT_KEY_FILE and Path(BATON_AUDIT_KEY_FILE).resolve().is_relative_to(_var):
        _inside.append(Path(BATON_AUDIT_KEY_FILE))
    if _inside:
        raise ImproperlyConfigured(
            f"生产环境的数据目录 {VAR_DIR} 中不能有密钥文件（{'、'.join(map(str, _inside))}）："
            "请把审计密钥移到数据目录之外，用 BATON_AUDIT_KEY 或 BATON_AUDIT_KEY_FILE 指定。"
        )

DEBUG = env_bool("BATON_DEBUG", default=False)
ALLOWED_HOSTS = env_list("BATON_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
#: The TLS gateways (addresses or networks) whose X-Forwarded-For names the client: the
#: lockout and the audit log see the client's address instead of the gateway's (config.proxy).
try:
    BATON_TRUSTED_PROXIES = parse_networks(env_list("BATON_TRUSTED_PROXIES"))
except ValueError as exc:
    raise ImproperlyConfigured(f"BATON_TRUSTED_PROXIES 须为逗号分隔的地址或网段：{exc}") from None
CSRF_TRUSTED_ORIGINS = env_list("BATON_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "baton.core",
    "baton.accounts",
    "baton.jobs",  # before django_tasks_db: its db_worker is baton.jobs's
    "baton.org",
    "baton.companies",
    "baton.projects",
    "baton.files",
    "baton.supervision",
    "baton.todo",
    "baton.leads",
    "baton.reports",
    "baton.ledger",
    "baton.audit",
    "baton.assessment",
    "baton.land",
    "baton.ops",
    "baton.notices",
    "baton.chains",
    "baton.policies",
    "baton.intermediaries",
    "baton.activities",
    "baton.visits",
    "baton.outcomes",
    "baton.news",
    "baton.meetings",
    "baton.demo",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",  # its widget templates, for FORM_RENDERER below
    "django_htmx",
    "ninja",  # its Swagger UI template and static files: the API docs work offline
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_prometheus",
]

# The security headers' middleware come before whitenoise, which answers static files
# itself: those carry the same headers as a page.
MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "baton.accounts.middleware.SessionIdleMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "baton.accounts.middleware.AccountSecurityMiddleware",
    "baton.accounts.middleware.BusinessDataMiddleware",
    "baton.accounts.middleware.CoordinatingStaffMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "baton.core.replica.ReplicaMiddleware",
    "axes.middleware.AxesMiddleware",
    "config.api.json_method_not_allowed",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]
#: Who may read /metrics (baton/ops/metrics.py): the monitoring servers' addresses or networks.
try:
    BATON_METRICS_ALLOWED = parse_networks(env_list("BATON_METRICS_ALLOWED", "127.0.0.1,::1"))
except ValueError as exc:
    raise ImproperlyConfigured(f"BATON_METRICS_ALLOWED 须为逗号分隔的地址或网段：{exc}") from None

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

#: Widgets render through the project's engine; plain selects are written in Python, with
#: the output of Django's templates (config/renderers.py).
FORM_RENDERER = "config.renderers.FormRenderer"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "baton" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "baton.accounts.context_processors.navigation",
            ],
        },
    },
]


def _database(url: str) -> dict:
    config = dj_database_url.parse(url, conn_max_age=env_int("BATON_DB_CONN_MAX_AGE", 60))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        config["CONN_MAX_AGE"] = 0 if config["NAME"] == ":memory:" else config["CONN_MAX_AGE"]
        config["OPTIONS"] = {
            # IMMEDIATE takes the write lock at BEGIN, so two writers queue on the busy
            # timeout instead of failing with "database is locked" on lock upgrade.
            "transaction_mode": "IMMEDIATE",
            "timeout": env_int("BATON_SQLITE_TIMEOUT", 30),
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA foreign_keys=ON;"
                "PRAGMA busy_timeout=30000;"
            ),
        }
        config["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
    elif config["ENGINE"] == "django.db.backends.postgresql":
        # JIT compiling costs 40–80 ms a query and never pays back on the cockpit's and
        # the figures' aggregates, measured at province scale (1.4 s → 0.54 s for a city).
        options = config.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
    return config


DATABASES = {
    "default": _database(env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'baton.sqlite3'}")
}
#: A PostgreSQL streaming replica for the cockpit, the reports, the lists and the exports
#: (baton/core/replica.py): reads fall back to the primary when it lags or is down, and a
#: user reads the primary for a few seconds after a change of theirs.
if env_str("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = {
        **_database(env_str("DATABASE_REPLICA_URL")),
        "TEST": {"MIRROR": "default"},
    }
    DATABASES["replica"].setdefault("OPTIONS", {})["connect_timeout"] = 3
    DATABASE_ROUTERS = ["baton.core.replica.ReplicaRouter"]
BATON_REPLICA_LAG_LIMIT = env_int("BATON_REPLICA_LAG_LIMIT", 30)
BATON_REPLICA_CHECK_SECONDS = env_int("BATON_REPLICA_CHECK_SECONDS", 5)
BATON_READ_YOUR_WRITES_SECONDS = env_int("BATON_READ_YOUR_WRITES_SECONDS", 10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

#: The cache: each server process's memory by default, or a Redis that every worker of
#: every server shares (``CACHE_URL=redis://…``; config/cache.py). The 项目库 keeps its
#: pages there under the library's counters, read from the database on every request
#: (baton/projects/page_cache.py), so no process needs telling about another's change.
#: ~30 KB a page.
CACHES = {
    "default": cache_config(env_str("CACHE_URL"), entries=env_int("BATON_PAGE_CACHE_ENTRIES", 2000))
}

#: Background work (notices, imports, report packs, ranking runs) goes through Django's
#: tasks API. ``BATON_TASKS=database`` (the default) keeps the queue in the database and
#: runs ``baton db_worker`` beside the server; ``BATON_TASKS=rq`` keeps it in Redis
#: (``REDIS_URL``) and runs ``baton rqworker default bulk``.
#: "default" is for short work (a notice), "bulk" for long runs (an import, a pack), so a
#: long import never holds up a notice when each queue has its worker.
BATON_TASKS = env_str("BATON_TASKS", "database")
TASK_QUEUES = ["default", "bulk"]
if BATON_TASKS == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": TASK_QUEUES}}
elif BATON_TASKS == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": TASK_QUEUES}}
    REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
    # baton.jobs.rq.Queue: every task is retried after its worker died (baton/jobs/rq.py).
    RQ_QUEUES = {
        name: {
            "URL": REDIS_URL,
            "DEFAULT_TIMEOUT": env_int("BATON_TASK_TIMEOUT", 3600),
            "QUEUE_CLASS": "baton.jobs.rq.Queue",
        }
        for name in TASK_QUEUES
    }
elif BATON_TASKS == "immediate":
    # Each task runs inside the request that enqueues it: for a one-process trial only.
    TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": TASK_QUEUES,
        }
    }
else:
    raise ImproperlyConfigured("BATON_TASKS 须为 database、rq 或 immediate。")

#: Notices by e-mail (see config/email.py): sent only when a mail server is configured.
try:
    _email = parse_email_url(env_str("BATON_EMAIL_URL")) if env_str("BATON_EMAIL_URL") else {}
except ValueError as exc:
    raise ImproperlyConfigured(str(exc)) from None
EMAIL_HOST = _email.get("EMAIL_HOST", env_str("EMAIL_HOST"))
EMAIL_PORT = _email.get("EMAIL_PORT", env_int("EMAIL_PORT", 25))
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", env_str("EMAIL_HOST_USER"))
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", env_str("EMAIL_HOST_PASSWORD"))
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", env_bool("EMAIL_USE_TLS"))
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", env_bool("EMAIL_USE_SSL"))
BATON_NOTICE_EMAIL = bool(EMAIL_HOST)
EMAIL_TIMEOUT = env_int("BATON_EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("BATON_EMAIL_FROM", "接力棒 <baton@localhost>")
#: The site's address as people open it, for the links in e-mails and robot messages.
BATON_SITE_URL = env_str("BATON_SITE_URL")
#: A failed e-mail or robot message is tried again after 1, 2, 4, … times this wait.
BATON_NOTICE_RETRY_SECONDS = env_int("BATON_NOTICE_RETRY_SECONDS", 60)
BATON_NOTICE_MAX_ATTEMPTS = env_int("BATON_NOTICE_MAX_ATTEMPTS", 6)

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "baton.accounts.validators.LengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "baton.accounts.validators.CharacterClassValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "reports:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "baton.accounts.backends.UserBackend",
    # Sessions signed in before UserBackend name this one; they stay valid.
    "django.contrib.auth.backends.ModelBackend",
]
#: Days after which a password must be changed (等保: periodic change).
BATON_PASSWORD_MAX_AGE_DAYS = env_int("BATON_PASSWORD_MAX_AGE_DAYS", 90)
#: SM4-GCM key (32 hex digits) for contact phones at rest; empty: stored in clear.
#: From the environment only, never the database (see baton/core/encrypted_fields.py).
BATON_FIELD_KEY = env_str("BATON_FIELD_KEY")

# Lockout: 5 failures lock the account, and separately the source address, for 15 minutes.
AXES_FAILURE_LIMIT = env_int("BATON_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("BATON_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# A successful login clears its own account's failures only, never its address's
# (those may be guesses at other accounts): see baton/accounts/lockout.py.
AXES_HANDLER = "baton.accounts.lockout.LockoutHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_VERBOSE = False
# Lockouts are the security administrator's (安全管理), not the configuration site's.
AXES_ENABLE_ADMIN = False

OTP_TOTP_ISSUER = "接力棒"
# No growing wait between TOTP codes: the right code is taken right after a mistyped
# one. Wrong codes in a row lock the second factor instead (baton/accounts/lockout.py).
OTP_TOTP_THROTTLE_FACTOR = 0

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "baton" / "static"]
STATIC_ROOT = VAR_DIR / "static"


def _attachment_storage() -> dict:
    """The store of attachments (baton/files): a folder under VAR_DIR, or with
    ``BATON_STORAGE=s3`` a private bucket of any S3-compatible store (MinIO, a cloud's
    object storage), named by ``BATON_S3_BUCKET`` and reached at ``BATON_S3_ENDPOINT``;
    the keys come from ``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY`` as boto3 reads
    them. Files are only ever served through Baton's own view, never from the store."""
    kind = env_str("BATON_STORAGE", "local").lower()
    if kind == "local":
        location = env_str("BATON_ATTACHMENT_DIR", str(VAR_DIR / "attachments"))
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": location, "base_url": None, "file_permissions_mode": 0o600},
        }
    if kind != "s3":
        raise ImproperlyConfigured(f"BATON_STORAGE 只能是 local 或 s3，而不是 {kind!r}。")
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("BATON_S3_BUCKET", "baton-attachments"),
            "endpoint_url": env_str("BATON_S3_ENDPOINT") or None,
            "region_name": env_str("BATON_S3_REGION") or None,
            "location": env_str("BATON_S3_PREFIX", "attachments"),
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
            "addressing_style": env_str("BATON_S3_ADDRESSING", "path"),
        },
    }


STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "attachments": _attachment_storage(),
}

SESSION_COOKIE_AGE = env_int("BATON_SESSION_IDLE_SECONDS", 30 * 60)
#: The session is written again at most this often to move its expiry: see
#: baton.accounts.middleware.SessionIdleMiddleware.
BATON_SESSION_TOUCH_SECONDS = env_int("BATON_SESSION_TOUCH_SECONDS", 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline script or style anywhere: every script and stylesheet is a vendored static file.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("BATON_SSL_REDIRECT", True)
    # A load balancer and Prometheus ask the servers directly, over the internal network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("BATON_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

#: Django logs a request refused as suspicious (400) to django.security.<exception> with
#: a traceback; these are the ones a client can cause.
SECURITY_400_LOGGERS = [
    f"django.security.{name}"
    for name in (
        "DisallowedHost",
        "DisallowedRedirect",
        "RequestDataTooBig",
        "TooManyFieldsSent",
        "TooManyFilesSent",
        "SuspiciousFileOperation",
        "SuspiciousMultipartForm",
        "SuspiciousOperation",
        "SuspiciousSession",
    )
]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("BATON_LOG_LEVEL", "WARNING")},
    # A 4xx is one line (status, method, path, user), never a traceback; a 500 keeps its.
    "filters": {"client_error_line": {"()": "config.logs.ClientErrorLine"}},
    "loggers": {
        name: {"filters": ["client_error_line"]}
        for name in ("django.request", "django.security.csrf", *SECURITY_400_LOGGERS)
    },
}
