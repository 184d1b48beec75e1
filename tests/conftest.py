"""Shared fixtures: personas for every role, service checks, and the REQUIRE_SERVICES rule.

A test that needs PostgreSQL, Redis, Chromium or the PDF toolchain skips with a notice when
it is missing, unless ``REQUIRE_SERVICES=1`` (CI), where the same absence fails the test.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.db import connection
from django.db.backends.signals import connection_created
from rest_framework.test import APIClient

from tests import factories
from thanhsen.roles import Role

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"

# Playwright's sync API runs an event loop in the test thread; the live server's database
# access from that thread is safe here because each browser test owns its data.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _allow_emptying_the_history(sender, connection, **kwargs):
    """Tests that commit are emptied with TRUNCATE between tests, which the history refuses
    unless the owner's session allows it (``cases.history``)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET thanhsen.allow_truncate = 'on'")


connection_created.connect(_allow_emptying_the_history)


def skip_or_fail(reason: str) -> None:
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (REQUIRE_SERVICES=1)")
    pytest.skip(reason)


def _redis_available() -> bool:
    from django.conf import settings

    if not settings.REDIS_URL:
        return False
    import redis

    try:
        return bool(redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture(autouse=True)
def _required_services(request):
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        skip_or_fail("needs PostgreSQL: set DATABASE_URL=postgres://…")
    if request.node.get_closest_marker("redis") and not _redis_available():
        skip_or_fail("needs Redis: set REDIS_URL=redis://…")
    if request.node.get_closest_marker("browser") and not Path(CHROMIUM).exists():
        skip_or_fail("needs Debian's Chromium: apt-get install -y chromium")
    if request.node.get_closest_marker("pdf") and not shutil.which("pdftotext"):
        skip_or_fail("needs poppler-utils (pdftotext): apt-get install -y poppler-utils")


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """Each test starts from the database's calendar days, not a copy cached by another test."""
    from cases.calendar import forget_ward_days

    forget_ward_days()
    yield
    forget_ward_days()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Real hashing costs ~0.3 s per account; tests create many accounts."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def _signing_key_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("signing-keys")


@pytest.fixture(autouse=True)
def _development_signing_keys(settings, _signing_key_dir):
    """Signatures from a development CA of the test session, never the developer's own keys."""
    settings.PDF_SIGNING_BACKEND = "development"
    settings.PDF_SIGNING_KEY_DIR = _signing_key_dir
    settings.PDF_SIGNING_PKCS12_PASSPHRASE = "test-signing-passphrase"
    settings.PDF_SIGNING_TRUST_ROOTS = []
    settings.PDF_SIGNING_TSA_URL = ""


@pytest.fixture
def tasks_in_process():
    """Celery tasks run where they are sent, also when REDIS_URL is set: for a test that checks
    what a queued reaction did (the resident's messages are written by a task)."""
    from thanhsen.celery import app

    before = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = before


@pytest.fixture
def catalogue(db):
    return factories.Catalogue.build()


@pytest.fixture
def counter(catalogue):
    return factories.UserFactory(role=Role.COUNTER_OFFICER, department=catalogue.center)


@pytest.fixture
def handler(catalogue):
    return factories.UserFactory(role=Role.HANDLING_OFFICER, department=catalogue.civil_office)


@pytest.fixture
def other_handler(catalogue):
    return factories.UserFactory(role=Role.HANDLING_OFFICER, department=catalogue.civil_office)


@pytest.fixture
def land_officer(catalogue):
    return factories.UserFactory(role=Role.LAND_OFFICER, department=catalogue.land_office)


@pytest.fixture
def director(catalogue):
    return factories.UserFactory(role=Role.CENTER_DIRECTOR, department=catalogue.center)


@pytest.fixture
def leader(catalogue):
    return factories.UserFactory(role=Role.WARD_LEADER)


@pytest.fixture
def resident(db):
    return factories.UserFactory(role=Role.RESIDENT)


@pytest.fixture
def outsider(catalogue):
    """A real account with no business with the dossier: a handler of another department."""
    return factories.UserFactory(role=Role.HANDLING_OFFICER, department=catalogue.economy_office)


@pytest.fixture
def personas(counter, handler, land_officer, director, leader, resident, outsider):
    return {
        "counter": counter,
        "handler": handler,
        "land_officer": land_officer,
        "director": director,
        "leader": leader,
        "resident": resident,
        "outsider": outsider,
    }


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def as_user(api_client):
    def login(user):
        api_client.force_authenticate(user)
        return api_client

    return login


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium: Playwright cannot download its own browser here."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
        ],
    }


@pytest.fixture
def screenshot(page, request):
    """Save a full-page screenshot under artifacts/screenshots/ (kept by CI as an artifact)."""

    def save(name: str) -> Path:
        folder = ARTIFACTS / "screenshots"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{request.node.name}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
