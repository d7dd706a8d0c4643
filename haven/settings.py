"""Django settings for Haven. Everything a deployment changes comes from the environment."""

from __future__ import annotations

import secrets

from haven.core import database
from haven.core.env import (
    PROJECT_ROOT,
    documents_storage,
    envbool,
    envint,
    envlist,
    envnetworks,
    envnumbers,
    envstr,
    var_dir,
)

BASE_DIR = PROJECT_ROOT
VAR_DIR = var_dir()


def _secret_key() -> str:
    key = envstr("HAVEN_SECRET_KEY")
    if key:
        return key
    # A per-installation key kept beside the embedded database, so sessions survive restarts.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = envbool("HAVEN_DEBUG", False)
ALLOWED_HOSTS = envlist("HAVEN_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = envlist("HAVEN_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # Haven's apps come first so that their management commands (migrate, flush) win.
    "haven.core",
    "haven.accounts",
    "haven.people",
    "haven.chronology",
    "haven.work",
    "haven.frontdoor",
    "haven.assessments",
    "haven.protection",
    "haven.childinneed",
    "haven.synthetic",
    "haven.performance",
    "haven.returns",
    "haven.migration",
    "haven.jobs",
    "haven.administration",
    "haven.casenotes",
    "haven.oversight",
    "haven.documents",
    "haven.carers",
    "haven.care",
    "haven.uasc",
    "haven.adoption",
    "haven.leavingcare",
    "haven.missing",
    "haven.exploitation",
    "haven.ui",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "haven.core.middleware.HealthzMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "haven.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "haven.accounts.middleware.SignInRequiredMiddleware",
    "haven.core.middleware.AuditContextMiddleware",
    "haven.people.middleware.NeedToKnowMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "haven.ui.middleware.ErrorTitleMiddleware",
]

ROOT_URLCONF = "haven.urls"
WSGI_APPLICATION = "haven.wsgi.application"

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
                "haven.ui.context_processors.service",
                "haven.accounts.permissions.capabilities",
            ],
            "builtins": ["haven.ui.templatetags.govuk"],
        },
    }
]

# "default" logs in as the app role; "owner" runs migrate, flush and the bulk loaders.
DATABASES = database.django_databases()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "work:home"

# Server-side sessions that end after an hour without a request.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = envint("HAVEN_SESSION_IDLE_MINUTES", 60) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Behind HTTPS: cookies only over HTTPS, and browsers told to use nothing else for a year.
# (Sent by haven.core.middleware.SecurityHeadersMiddleware on every response, not only those
# Django sees as secure: TLS usually ends at a proxy, and browsers ignore HSTS over HTTP.)
HAVEN_SECURE_COOKIES = envbool("HAVEN_SECURE_COOKIES", False)
SESSION_COOKIE_SECURE = HAVEN_SECURE_COOKIES
CSRF_COOKIE_SECURE = HAVEN_SECURE_COOKIES
HAVEN_HSTS_SECONDS = 365 * 24 * 3600 if HAVEN_SECURE_COOKIES else 0

# Lock a username (not an address: council offices share one) after too many failures.
HAVEN_LOGIN_MAX_FAILURES = envint("HAVEN_LOGIN_MAX_FAILURES", 10)
HAVEN_LOGIN_WINDOW_SECONDS = envint("HAVEN_LOGIN_WINDOW_SECONDS", 300)
# Roles that must use a second factor, e.g. "administrator,team_manager".
HAVEN_TOTP_REQUIRED_ROLES = envlist("HAVEN_TOTP_REQUIRED_ROLES", [])
HAVEN_BREAK_GLASS_MINUTES = envint("HAVEN_BREAK_GLASS_MINUTES", 60)
# Working hours and local timescales for deadlines (haven.core.calendar.rule). The national
# ones not set here (ICPC 15 WD, CP reviews at 3 then 6 months, the 12-month re-referral window)
# keep their defaults in haven/core/calendar.py.
HAVEN_WORKING_DAY_START = envstr("HAVEN_WORKING_DAY_START", "09:00")
HAVEN_WORKING_DAY_END = envstr("HAVEN_WORKING_DAY_END", "17:00")
HAVEN_CONTACT_DECISION_WD = envint("HAVEN_CONTACT_DECISION_WD", 1)
# An "immediate" contact (a child at risk now) is decided the working day it arrives (0).
HAVEN_CONTACT_IMMEDIATE_WD = envint("HAVEN_CONTACT_IMMEDIATE_WD", 0)
HAVEN_MASH_RED_HOURS = float(envstr("HAVEN_MASH_RED_HOURS", "4"))
HAVEN_MASH_AMBER_WD = envint("HAVEN_MASH_AMBER_WD", 1)
HAVEN_MASH_GREEN_WD = envint("HAVEN_MASH_GREEN_WD", 3)
HAVEN_STRATEGY_DISCUSSION_WD = envint("HAVEN_STRATEGY_DISCUSSION_WD", 1)
HAVEN_ASSESSMENT_WD = envint("HAVEN_ASSESSMENT_WD", 45)
HAVEN_FIRST_CORE_GROUP_WD = envint("HAVEN_FIRST_CORE_GROUP_WD", 10)
HAVEN_CORE_GROUP_MONTHS = envint("HAVEN_CORE_GROUP_MONTHS", 1)
HAVEN_CP_VISIT_WD = envint("HAVEN_CP_VISIT_WD", 10)
HAVEN_CIN_VISIT_WD = envint("HAVEN_CIN_VISIT_WD", 20)
HAVEN_CIN_REVIEW_MONTHS = envint("HAVEN_CIN_REVIEW_MONTHS", 3)
# Children looked after (CPPCR 2010 regs 4, 9, 28 and 33): the national timescales, settable
# only so that a change in the regulations needs no release.
HAVEN_CARE_PLAN_WD = envint("HAVEN_CARE_PLAN_WD", 10)
HAVEN_PLACEMENT_PLAN_WD = envint("HAVEN_PLACEMENT_PLAN_WD", 5)
HAVEN_CLA_FIRST_VISIT_DAYS = envint("HAVEN_CLA_FIRST_VISIT_DAYS", 7)
HAVEN_CLA_VISIT_DAYS = envint("HAVEN_CLA_VISIT_DAYS", 42)
HAVEN_CLA_LONG_TERM_VISIT_MONTHS = envint("HAVEN_CLA_LONG_TERM_VISIT_MONTHS", 3)
HAVEN_CLA_WEEKLY_VISIT_DAYS = envint("HAVEN_CLA_WEEKLY_VISIT_DAYS", 7)
HAVEN_CLA_CONNECTED_VISIT_DAYS = envint("HAVEN_CLA_CONNECTED_VISIT_DAYS", 28)
HAVEN_CLA_FIRST_REVIEW_WD = envint("HAVEN_CLA_FIRST_REVIEW_WD", 20)
HAVEN_CLA_SECOND_REVIEW_MONTHS = envint("HAVEN_CLA_SECOND_REVIEW_MONTHS", 3)
HAVEN_CLA_LATER_REVIEW_MONTHS = envint("HAVEN_CLA_LATER_REVIEW_MONTHS", 6)
# A looked-after child's health assessments, dental checks and first PEP (haven.care.health).
HAVEN_CARE_INITIAL_HEALTH_ASSESSMENT_WD = envint("HAVEN_CARE_INITIAL_HEALTH_ASSESSMENT_WD", 20)
HAVEN_CARE_HEALTH_REVIEW_UNDER_5_MONTHS = envint("HAVEN_CARE_HEALTH_REVIEW_UNDER_5_MONTHS", 6)
HAVEN_CARE_HEALTH_REVIEW_MONTHS = envint("HAVEN_CARE_HEALTH_REVIEW_MONTHS", 12)
HAVEN_CARE_DENTAL_CHECK_MONTHS = envint("HAVEN_CARE_DENTAL_CHECK_MONTHS", 12)
HAVEN_CARE_FIRST_PEP_WD = envint("HAVEN_CARE_FIRST_PEP_WD", 10)
# Adoption (haven.adoption): the months a plan for adoption may wait for a match before it is
# on the manager's view.
HAVEN_ADOPTION_MATCH_MONTHS = envint("HAVEN_ADOPTION_MATCH_MONTHS", 6)
# Missing children (haven.missing): this many episodes within this many days make a child a
# repeat missing child, and prompt a strategy discussion.
HAVEN_REPEAT_MISSING_EPISODES = envint("HAVEN_REPEAT_MISSING_EPISODES", 3)
HAVEN_REPEAT_MISSING_DAYS = envint("HAVEN_REPEAT_MISSING_DAYS", 90)
# Care leavers (haven.leavingcare): the most weeks between a personal adviser's contacts.
HAVEN_PA_CONTACT_WEEKS = envint("HAVEN_PA_CONTACT_WEEKS", 8)
# Local targets drawn on the performance charts, by measure name (the JSON/CSV key), e.g.
# "assessments_within_45wd_pct=90,decisions_within_1wd_pct=95".
HAVEN_PERFORMANCE_TARGETS = envnumbers("HAVEN_PERFORMANCE_TARGETS")
# The National Transfer Scheme's threshold for unaccompanied asylum-seeking children looked
# after, as a percentage of the child population (0.07 from 2016 to 2021; 0.1 now).
HAVEN_NTS_THRESHOLD_PCT = float(envstr("HAVEN_NTS_THRESHOLD_PCT", "0.1"))
# Management oversight: every open case has a manager's direction within this many days.
HAVEN_OVERSIGHT_INTERVAL_DAYS = envint("HAVEN_OVERSIGHT_INTERVAL_DAYS", 30)
HAVEN_SERVICE_NAME = envstr("HAVEN_SERVICE_NAME", "Haven")
HAVEN_COUNCIL_NAME = envstr("HAVEN_COUNCIL_NAME", "Demo County Council")
OTP_TOTP_ISSUER = HAVEN_SERVICE_NAME

# Background jobs (haven.jobs): queued in PostgreSQL, run by the worker ``haven serve`` starts.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Uploads waiting for their job and exports waiting to be fetched, removed after this long.
HAVEN_JOB_FILES_DIR = VAR_DIR / "jobs"
HAVEN_JOB_FILES_HOURS = envint("HAVEN_JOB_FILES_HOURS", 24)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise serves from here after collectstatic
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # Documents on children's records (haven.documents): under var/documents, or in any
    # S3-compatible object store when HAVEN_S3_BUCKET is set. Never served by URL: only
    # through the download view, which checks need-to-know.
    "documents": documents_storage(VAR_DIR),
}
# Uploads larger than this are refused (and not read into memory: see haven.documents.uploads).
HAVEN_DOCUMENT_MAX_MB = envint("HAVEN_DOCUMENT_MAX_MB", 20)
# ClamAV's daemon, e.g. /run/clamav/clamd.ctl (or host:port): every upload is scanned, and
# refused if the scanner finds something or cannot be reached.
HAVEN_CLAMD_SOCKET = envstr("HAVEN_CLAMD_SOCKET")
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

X_FRAME_OPTIONS = "DENY"
# No inline script or style anywhere (templates, static files, htmx, GOV.UK Frontend), so
# injected markup cannot run. Set on every response by SecurityHeadersMiddleware.
HAVEN_CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)
# Proxies (IPs or CIDR ranges) whose X-Forwarded-For is believed; see haven.core.services.client_ip.
HAVEN_TRUSTED_PROXIES = envnetworks("HAVEN_TRUSTED_PROXIES")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("HAVEN_LOG_LEVEL", "WARNING")},
}
