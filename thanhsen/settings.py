"""Settings for Thành Sen Một Cửa, read from the environment.

Every setting has an embedded default so that ``make run`` works on a bare machine
(SQLite, Celery tasks run in-process). ``DEBUG`` is off unless set: ``make run`` sets
``DEBUG=1``, which also installs the development tools (``DEVTOOLS``); production sets
``DATABASE_URL``, ``REDIS_URL`` and ``SECRET_KEY``. Values are parsed strictly: a malformed
variable stops start-up with a message instead of silently falling back.
"""

from datetime import date
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
#: The development tools (demo data, history seeding, the agency and payment simulators, the
#: simulator's pages): the ``devtools`` app, installed only when this is on.
DEVTOOLS = env.bool("DEVTOOLS", default=DEBUG)
#: Required to serve: with DEBUG off and no key, the web and worker processes refuse to start
#: and ``check --deploy`` fails (``thanhsen.startup``); commands that only read the code
#: (``check``, ``makemigrations``) still run.
SECRET_KEY = env.str("SECRET_KEY", default="") or (
    "dev-only-insecure-key-thanhsen-mot-cua" if DEBUG else ""
)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "django_htmx",
    # For its admin templates: the dossier's admin page (FSMAdminMixin) renders one of them.
    "django_fsm",
    "thanhsen",
    "cases",
    "intake",
    "linkage",
    "reports",
]
if DEVTOOLS:
    INSTALLED_APPS.append("devtools")

MIDDLEWARE = [
    "thanhsen.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "thanhsen.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "thanhsen.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Both act before any body is read or any view runs: a request too large, or text that
    # is not text (NUL, control characters), is refused here for the whole site.
    "thanhsen.request_guard.RequestSizeLimitMiddleware",
    "thanhsen.request_guard.CleanInputMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "thanhsen.page_errors.ApplicationErrorMiddleware",
]

ROOT_URLCONF = "thanhsen.urls"

# --- HTTPS, the proxy in front, and what browsers may do -----------------------------------
#: Production runs behind a TLS-terminating reverse proxy (docker-compose.yml says how). With
#: DEBUG off every HTTPS protection is on by default; each can be set from the environment
#: (``make run`` and the tests run with DEBUG on, over plain http).
_HTTPS = not DEBUG
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=_HTTPS)
#: The container's own health check asks over plain http from inside.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=_HTTPS)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=_HTTPS)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000 if _HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=_HTTPS)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=_HTTPS)
#: The header through which the TLS proxy says the browser used https (the proxy must set it
#: and drop any value the client sent). ``X-Forwarded-Proto`` by default with DEBUG off; set
#: it empty when nothing in front sets it.
_PROXY_SSL_HEADER = env.str("PROXY_SSL_HEADER", default="" if DEBUG else "X-Forwarded-Proto")
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_" + _PROXY_SSL_HEADER.upper().replace("-", "_"), "https") if _PROXY_SSL_HEADER else None
)
#: Who may set the client's address (``thanhsen.middleware.TrustedProxyMiddleware``): either
#: the number of proxies in front (the client is the address the outermost one saw), or their
#: addresses / networks. Neither set: ``REMOTE_ADDR`` is the peer, as the server saw it.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
#: No inline script, style or event handler anywhere: scripts and styles come from our static
#: files only (htmx is told not to inject its indicator style: ``base.html``). A real payment
#: gateway that pages post or redirect to must be added to ``form-action``.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
#: Browser features no page uses, switched off for every page (``Permissions-Policy``).
PERMISSIONS_POLICY = {
    feature: []
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "serial",
                    "bluetooth", "display-capture", "accelerometer", "gyroscope",
                    "magnetometer")
}

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
                "django.template.context_processors.i18n",
                "thanhsen.context_processors.layout",
                "cases.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "thanhsen.wsgi.application"

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Keep a worker's connection between requests (a new PostgreSQL connection per request costs
# more than the busiest page's query). Not pinged before each request by default: that round
# trip was a third of the status lookup's database time; after a database restart a kept
# connection fails once, is dropped at the end of that request, and the next one reconnects.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=False)
if "postgresql" in DATABASES["default"]["ENGINE"]:
    # Django turns psycopg's prepared statements off (for connection poolers). Its own cursors
    # bind on the client and never prepare; this only lets the statements executed with
    # ``prepare=True`` (the public status lookup) keep their plan on the connection. Set
    # DB_PREPARED_STATEMENTS=0 behind a pooler in transaction mode.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = (
        5 if env.bool("DB_PREPARED_STATEMENTS", default=True) else None
    )
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The embedded default serves pages while background work (the rollup refresh, beat's
    # sweeps) writes. Write-ahead logging lets readers go on beside the writer; a transaction
    # takes the write lock when it begins (IMMEDIATE), so one that reads and then writes (every
    # staff view of personal data records a history row) queues for the lock instead of
    # failing with "database is locked" when it tries to upgrade; the busy timeout is how long
    # it queues.
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    })
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "thanhsen.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
#: Residents log in with their phone number or e-mail, staff with a username, all through one
#: backend (``intake.auth``: one password hash per attempt); residents may also sign in with
#: VNeID when its issuer is configured (below).
AUTHENTICATION_BACKENDS = ["intake.auth.PhoneOrEmailBackend"]
#: Failed logins allowed per account and per client address in the window (s), at the login
#: page, the admin's login and the API token endpoint (``thanhsen.login_throttle``); the
#: attempts are kept LOGIN_ATTEMPTS_KEEP_DAYS days for the administrator.
LOGIN_LIMIT_PER_ACCOUNT = env.int("LOGIN_LIMIT_PER_ACCOUNT", default=10)
LOGIN_LIMIT_PER_IP = env.int("LOGIN_LIMIT_PER_IP", default=30)
LOGIN_LIMIT_WINDOW = env.int("LOGIN_LIMIT_WINDOW", default=900)
LOGIN_ATTEMPTS_KEEP_DAYS = env.int("LOGIN_ATTEMPTS_KEEP_DAYS", default=30)
#: Sign in with VNeID (OpenID Connect, ``intake.vneid``): on when the issuer is set. The
#: endpoints come from the issuer's discovery document; the ID token must be RS256-signed.
VNEID_ISSUER = env.str("VNEID_ISSUER", default="").rstrip("/")
OIDC_RP_CLIENT_ID = env.str("VNEID_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("VNEID_CLIENT_SECRET", default="")
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = env.str("VNEID_SCOPES", default="openid profile phone")
OIDC_AUTHENTICATION_CALLBACK_URL = "intake:vneid_callback"
OIDC_TIMEOUT = env.int("VNEID_TIMEOUT_SECONDS", default=10)
#: The claim carrying the 12-digit personal identification number.
VNEID_ID_NUMBER_CLAIM = env.str("VNEID_ID_NUMBER_CLAIM", default="id_number")
if VNEID_ISSUER:
    AUTHENTICATION_BACKENDS.append("intake.vneid.VNeIDBackend")
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "media/"
#: The largest request body accepted (uploads included), refused with 413 before it is read.
#: Each scan is at most 10 MB (``cases.uploads``); put the same limit in the proxy in front.
MAX_REQUEST_BYTES = env.int("MAX_REQUEST_BYTES", default=25 * 1024 * 1024)

# --- Redis and Celery -------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
# Without Redis the tasks run in-process, so the embedded default needs no worker.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# A few messages per worker slot wait locally, so a slot that finishes a step starts the next
# without a round trip to Redis; with late acks a killed worker's reserved messages go back to
# the queue, and the database's claims keep a redelivered step from running twice.
CELERY_WORKER_PREFETCH_MULTIPLIER = 4
# Workers keep their database connection across tasks instead of Celery's default of a new
# one per task (which cost more than a bundle step's queries); linkage.tasks drops a broken
# or old one before each task, as Django does before each request.
CELERY_DB_REUSE_MAX = 1000
CELERY_TIMEZONE = TIME_ZONE

# --- Linkage (bundles): agency adapters, retries, the sweep ---------------------------------
#: The agencies' systems; the default is the simulator `make run` starts (devtools'
#: run_simulators, under /agencies/).
AGENCY_BASE_URL = env.str("AGENCY_BASE_URL", default="http://127.0.0.1:8765/agencies")
#: A slow or absent agency must not hold a worker (or, eager, a request) for long.
AGENCY_TIMEOUT_SECONDS = env.float("AGENCY_TIMEOUT_SECONDS", default=5.0)
LINKAGE_RETRY_BASE_SECONDS = env.float("LINKAGE_RETRY_BASE_SECONDS", default=30.0)
LINKAGE_RETRY_CAP_SECONDS = env.float("LINKAGE_RETRY_CAP_SECONDS", default=900.0)
LINKAGE_MAX_ATTEMPTS = env.int("LINKAGE_MAX_ATTEMPTS", default=8)
LINKAGE_CLAIM_TIMEOUT_SECONDS = env.float("LINKAGE_CLAIM_TIMEOUT_SECONDS", default=300.0)
LINKAGE_REQUEUE_AFTER_SECONDS = env.float("LINKAGE_REQUEUE_AFTER_SECONDS", default=300.0)
LINKAGE_POLL_SECONDS = env.float("LINKAGE_POLL_SECONDS", default=60.0)
LINKAGE_OUTBOX_GRACE_SECONDS = env.float("LINKAGE_OUTBOX_GRACE_SECONDS", default=10.0)
# --- Liên thông with the national public service portal (Cổng DVCQG) ------------------------
#: Empty: sync is off; every change is still written to the outbox and waits, so nothing is
#: lost when the portal is configured later. `make run` points it at the simulator.
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="")
#: OAuth2 client credentials of the provincial integration platform; no token URL, no token.
PORTAL_TOKEN_URL = env.str("PORTAL_TOKEN_URL", default="")
PORTAL_CLIENT_ID = env.str("PORTAL_CLIENT_ID", default="")
PORTAL_CLIENT_SECRET = env.str("PORTAL_CLIENT_SECRET", default="")
PORTAL_TIMEOUT_SECONDS = env.float("PORTAL_TIMEOUT_SECONDS", default=10.0)
#: Decree 301/2026: bundles filed on or after this day run on the portal's coordination system
#: (through the portal connector); earlier ones, through the agency connectors.
try:
    BUNDLES_ON_PORTAL_FROM = date.fromisoformat(env.str("BUNDLES_ON_PORTAL_FROM",
                                                        default="2026-09-01"))
except ValueError as exc:
    raise ImproperlyConfigured("BUNDLES_ON_PORTAL_FROM must be a date, YYYY-MM-DD.") from exc
#: The bearer token the portal presents when it pushes a dossier; empty: push is off.
PORTAL_PUSH_TOKEN = env.str("PORTAL_PUSH_TOKEN", default="")
# --- The civil-status registry (the Ministry of Justice's shared e-civil-status software) ----
#: Empty: the connector is off and an approval is the result, as before the connection (the
#: registry is then kept by hand). `make run` points it at the simulator (/civil-status/).
CIVIL_STATUS_BASE_URL = env.str("CIVIL_STATUS_BASE_URL", default="")
#: The bearer token the registry issued to the ward; empty: no Authorization header.
CIVIL_STATUS_TOKEN = env.str("CIVIL_STATUS_TOKEN", default="")
CIVIL_STATUS_TIMEOUT_SECONDS = env.float("CIVIL_STATUS_TIMEOUT_SECONDS", default=10.0)
# --- Liên thông with the land registration office and the tax authority ------------------
#: Empty: the connector is off; land dossiers are not transferred automatically (the land
#: officer can transfer one once it is configured). `make run` points them at the simulators.
LAND_BASE_URL = env.str("LAND_BASE_URL", default="")
LAND_API_KEY = env.str("LAND_API_KEY", default="")
LAND_TIMEOUT_SECONDS = env.float("LAND_TIMEOUT_SECONDS", default=10.0)
TAX_BASE_URL = env.str("TAX_BASE_URL", default="")
TAX_API_KEY = env.str("TAX_API_KEY", default="")
TAX_TIMEOUT_SECONDS = env.float("TAX_TIMEOUT_SECONDS", default=10.0)
CELERY_BEAT_SCHEDULE = {
    "linkage-sweep": {
        "task": "linkage.tasks.sweep",
        "schedule": env.float("LINKAGE_SWEEP_SECONDS", default=60.0),
    },
    # Compares yesterday's dossiers with what the national portal holds.
    "linkage-portal-reconcile": {
        "task": "linkage.tasks.portal_reconcile",
        "schedule": 86400.0,
    },
    # Compares yesterday's registrations with what the civil-status registry holds.
    "linkage-civil-status-reconcile": {
        "task": "linkage.tasks.civil_status_reconcile",
        "schedule": 86400.0,
    },
    # Compares each land dossier's last step with what the land office recorded.
    "linkage-land-reconcile": {
        "task": "linkage.tasks.land_reconcile",
        "schedule": 86400.0,
    },
    # Compares each land dossier's tax notice (amount, paid) with what the tax authority holds.
    "linkage-tax-reconcile": {
        "task": "linkage.tasks.tax_reconcile",
        "schedule": 86400.0,
    },
    # Writes and queues residents' messages the on-commit path could not (intake.notifications.services).
    "intake-notification-sweep": {
        "task": "intake.tasks.notification_sweep",
        "schedule": env.float("NOTIFICATION_SWEEP_SECONDS", default=120.0),
    },
    # Forgets the status lookup's failure windows that have ended.
    "intake-lookup-throttle-purge": {
        "task": "intake.tasks.lookup_throttle_purge",
        "schedule": 3600.0,
    },
    # Forgets the login attempts older than LOGIN_ATTEMPTS_KEEP_DAYS.
    "thanhsen-login-attempts-purge": {
        "task": "thanhsen.tasks.login_attempts_purge",
        "schedule": 86400.0,
    },
    # Forgets the counter forms' one-time tokens older than a day.
    "intake-counter-token-purge": {
        "task": "intake.tasks.counter_tokens_purge",
        "schedule": 3600.0,
    },
    # Reminds authorisers of post-audit reviews falling due or overdue (once each).
    "cases-post-audit-reminders": {
        "task": "cases.tasks.post_audit_reminders",
        "schedule": 3600.0,
    },
    # Brings the reports' daily rollup up to date (incremental: only changed days), then
    # computes the dashboard's quick periods (reports.dashboard.warm).
    "reports-rollup-refresh": {
        "task": "reports.tasks.rollup_refresh",
        "schedule": env.float("REPORTS_ROLLUP_SECONDS", default=300.0),
    },
}

CACHES = {
    "default": (
        {"BACKEND": "thanhsen.cache.ReusingRedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- The one-stop center ----------------------------------------------------------------
#: Receiving unit's code, the prefix of every dossier code (``<unit>-YYMMDD-NNNN``).
UNIT_CODE = env.str("UNIT_CODE", default="TSHT")
UNIT_NAME = env.str("UNIT_NAME", default="Trung tâm Phục vụ hành chính công phường Thành Sen")
#: Receipt regardless of boundary (Decree 118/2025): the other units of the province a dossier
#: received here may be transferred to, as ``CODE=Name`` (the provincial system's unit codes).
TRANSFER_UNITS = dict(
    item.split("=", 1)
    for item in env.list("TRANSFER_UNITS", default=[
        "TSBH=Phường Bắc Hồng Lĩnh",
        "TSNH=Phường Nam Hồng Lĩnh",
        "TSTP=Phường Trần Phú",
        "TSHH=Xã Hồng Lộc",
    ])
    if "=" in item
)
#: The center's name on pages a user reads in English; the official forms keep ``UNIT_NAME``.
UNIT_NAME_EN = env.str("UNIT_NAME_EN", default="Thành Sen Ward Public Administrative Service Center")
#: Working-hour windows of a working day, ``HH:MM-HH:MM`` each.
WORKING_HOURS = env.list("WORKING_HOURS", default=["07:30-11:30", "13:30-17:30"])
#: Whether counters also work on Saturday mornings (the first window only).
SATURDAY_MORNING = env.bool("SATURDAY_MORNING", default=False)
#: Dossiers received after this time count as received the next working day.
RECEIPT_CUTOFF = env.str("RECEIPT_CUTOFF", default="15:00")

# --- Residents online (intake) ----------------------------------------------------------
#: The site's public address, for links in messages sent to residents.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
#: Failed status lookups allowed per client address and per dossier code in the window (s).
LOOKUP_LIMIT_PER_IP = env.int("LOOKUP_LIMIT_PER_IP", default=20)
LOOKUP_LIMIT_PER_CODE = env.int("LOOKUP_LIMIT_PER_CODE", default=5)
LOOKUP_LIMIT_WINDOW = env.int("LOOKUP_LIMIT_WINDOW", default=900)
#: E-mail to residents: Django's console backend in development, SMTP in production. The
#: environment keeps the familiar names (EMAIL_BACKEND, EMAIL_FILE_PATH, EMAIL_HOST, …); Django
#: reads them as the default mailer.
_EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
if _EMAIL_BACKEND.endswith("filebased.EmailBackend"):
    _EMAIL_FILE_PATH = env.path("EMAIL_FILE_PATH", default=BASE_DIR / "var" / "mail")
    _EMAIL_OPTIONS = {"file_path": str(_EMAIL_FILE_PATH)}
elif _EMAIL_BACKEND.endswith("smtp.EmailBackend"):
    _EMAIL_OPTIONS = {
        "host": env.str("EMAIL_HOST", default="localhost"),
        "port": env.int("EMAIL_PORT", default=25),
        "username": env.str("EMAIL_HOST_USER", default=""),
        "password": env.str("EMAIL_HOST_PASSWORD", default=""),
        "use_tls": env.bool("EMAIL_USE_TLS", default=False),
        "timeout": env.int("EMAIL_TIMEOUT", default=10),
    }
else:
    _EMAIL_OPTIONS = {}
MAILERS = {"default": {"BACKEND": _EMAIL_BACKEND, "OPTIONS": _EMAIL_OPTIONS}}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="motcua@thanhsen.example.vn")
#: SMS to residents: ``console`` or ``file`` (under SMS_FILE_PATH) in development, ``http`` to
#: post to the SMS gateway at SMS_GATEWAY_URL with SMS_GATEWAY_TOKEN as a bearer token.
SMS_BACKEND = env.str("SMS_BACKEND", default="console")
SMS_FILE_PATH = env.path("SMS_FILE_PATH", default=BASE_DIR / "var" / "sms")
SMS_GATEWAY_URL = env.str("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_TOKEN = env.str("SMS_GATEWAY_TOKEN", default="")
if SMS_BACKEND not in {"console", "file", "http"}:
    raise ImproperlyConfigured("SMS_BACKEND must be console, file or http.")
if SMS_BACKEND == "http" and not SMS_GATEWAY_URL:
    raise ImproperlyConfigured("SMS_BACKEND=http needs SMS_GATEWAY_URL.")
#: Online payments: the name of a registered provider (``intake.payments.providers``). Empty
#: (the default without the development tools): online payment is not offered and fees are
#: paid at the counter. With the development tools: the simulated gateway.
PAYMENT_PROVIDER = env.str("PAYMENT_PROVIDER", default="simulated" if DEVTOOLS else "")
PAYMENT_SIMULATOR_SECRET = env.str("PAYMENT_SIMULATOR_SECRET", default=SECRET_KEY + ":payments")

#: Post-audit (hậu kiểm): the secret keying the draw (HMAC-SHA256 of the decision), so that no
#: delegate can predict which of their decisions will be drawn; the review's deadline in
#: working days; warnings start this many working days before it.
POST_AUDIT_SECRET = env.str("POST_AUDIT_SECRET", default=SECRET_KEY + ":post-audit")
POST_AUDIT_REVIEW_WORKING_DAYS = env.int("POST_AUDIT_REVIEW_WORKING_DAYS", default=10)
POST_AUDIT_WARNING_WORKING_DAYS = env.int("POST_AUDIT_WARNING_WORKING_DAYS", default=2)
if POST_AUDIT_REVIEW_WORKING_DAYS < 1:
    raise ImproperlyConfigured("POST_AUDIT_REVIEW_WORKING_DAYS must be at least 1.")

#: Digital signatures (PAdES). ``development``: a CA of our own issues a key per signing user
#: under PDF_SIGNING_KEY_DIR (``manage.py signing_dev_keys``); ``pkcs12``: each signer's
#: ``<username>.p12`` from a licensed CA in PDF_SIGNING_KEY_DIR, opened with
#: PDF_SIGNING_PKCS12_PASSPHRASE; ``remote``: the remote signing service at
#: PDF_SIGNING_REMOTE_URL (bearer token PDF_SIGNING_REMOTE_TOKEN).
#: PDF_SIGNING_TRUST_ROOTS lists the CA certificates (PEM files) signatures must chain to;
#: PDF_SIGNING_TSA_URL, when set, adds an RFC 3161 timestamp to every signature.
PDF_SIGNING_BACKEND = env.str("PDF_SIGNING_BACKEND", default="development" if DEBUG else "pkcs12")
if PDF_SIGNING_BACKEND not in {"development", "pkcs12", "remote"}:
    raise ImproperlyConfigured("PDF_SIGNING_BACKEND must be development, pkcs12 or remote.")
PDF_SIGNING_KEY_DIR = env.path("PDF_SIGNING_KEY_DIR", default=BASE_DIR / "var" / "signing")
PDF_SIGNING_PKCS12_PASSPHRASE = env.str("PDF_SIGNING_PKCS12_PASSPHRASE", default="" if not DEBUG
                                    else "dev-only-signing-passphrase")
PDF_SIGNING_TRUST_ROOTS = env.list("PDF_SIGNING_TRUST_ROOTS", default=[])
PDF_SIGNING_TSA_URL = env.str("PDF_SIGNING_TSA_URL", default="")
PDF_SIGNING_REMOTE_URL = env.str("PDF_SIGNING_REMOTE_URL", default="")
PDF_SIGNING_REMOTE_TOKEN = env.str("PDF_SIGNING_REMOTE_TOKEN", default="")
if PDF_SIGNING_BACKEND == "remote" and not PDF_SIGNING_REMOTE_URL:
    raise ImproperlyConfigured("PDF_SIGNING_BACKEND=remote needs PDF_SIGNING_REMOTE_URL.")

# --- REST API ---------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "thanhsen.api_errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Thành Sen Một Cửa API",
    "DESCRIPTION": "Hồ sơ thủ tục hành chính của Trung tâm Phục vụ hành chính công phường Thành Sen.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Django's own loggers print through the root handler only, not twice.
    "loggers": {
        "django": {"handlers": [], "propagate": True},
        "django.server": {"handlers": [], "propagate": True},
        # WeasyPrint logs seven progress lines per PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        # Without HarfBuzz's subsetter WeasyPrint falls back on fontTools, which logs each
        # table of each font it subsets at INFO.
        "fontTools": {"level": "WARNING"},
    },
}
